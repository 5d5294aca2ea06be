"""The map shows measured experience: each touchpoint's NPS / CSAT / CES with n for the chosen period, coloured
against its target, and the measured emotion beside the designed one (metrics.selectors.map_measures)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.models import Journey, Touchpoint
from metrics import formulas
from metrics.models import Metric, MetricTarget, SurveyResponse
from metrics.selectors.kpis import kpi_summary
from metrics.services.recompute import snapshots_rebuild_all
from metrics.views.map_measures import map_measures
from tests.journeys.factories import ChannelFactory, JourneyFactory, StageFactory, TouchpointFactory, build_map

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

HTMX = {"HTTP_HX_REQUEST": "true"}
EMPTY_PERIOD = "?period=custom&from=2001-01-01&to=2001-01-31"


@pytest.fixture(autouse=True)
def editors_edit_every_group(settings):
    settings.JOURNEY_EDIT_POLICY = None


def respond(journey: Journey, touchpoint: Touchpoint | None, metric: str, scores: list[int], days_ago: int = 5):
    """Responses with these scores, `days_ago` days back (in bulk: the query-count tests need thousands)."""
    at = timezone.now() - timedelta(days=days_ago)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                metric=metric,
                score=score,
                journey=journey,
                touchpoint=touchpoint,
                channel_id=touchpoint.channel_id if touchpoint else None,
                responded_at=at,
                day=timezone.localtime(at).date(),
                source="test",
            )
            for score in scores
        ],
        batch_size=2000,
    )


def map_url(journey: Journey, query: str = "") -> str:
    return reverse("journeys:map", args=[journey.pk]) + query


def card(content: str, touchpoint: Touchpoint) -> str:
    """The HTML of one touchpoint card on the page."""
    start = content.index(f'id="tp-{touchpoint.pk}"')
    ends = [i for i in (content.find('<li class="tp-card', start), content.find("</ol>", start)) if i != -1]
    return content[start : min(ends)]


def scores(html: str) -> list[tuple[str, str]]:
    """(verdict class, text) of every measured score in `html`."""
    return re.findall(
        r'<li class="tp-score (is-[a-z]+(?: is-low)?)"[^>]*><span class="tp-score-text">(.*?)</span>', html
    )


def curve(content: str) -> dict:
    return json.loads(content.split('id="emotion-curve-data" type="application/json">')[1].split("</script>")[0])


class Demo:
    """Two stages; Website, Call and Form answered in the last week, Letter not; NPS for the journey."""

    def __init__(self) -> None:
        self.journey = JourneyFactory(name="Open an account")
        web, phone = ChannelFactory(slug="web"), ChannelFactory(slug="phone")
        orientation = StageFactory(journey=self.journey, name="Orientation")
        apply = StageFactory(journey=self.journey, name="Apply")
        self.website = TouchpointFactory(stage=orientation, name="Website", channel=web, emotion=1)
        self.call = TouchpointFactory(stage=orientation, name="Call", channel=phone, emotion=-1)
        self.form = TouchpointFactory(stage=apply, name="Form", channel=web, emotion=-2)
        self.letter = TouchpointFactory(stage=apply, name="Letter", channel=phone, emotion=0)
        j = self.journey
        # CSAT 80% (mean 4.2), and CES mean 5.0 from only 20 responses: a low sample.
        respond(j, self.website, Metric.CSAT, [5] * 30 + [4] * 10 + [2] * 10)
        respond(j, self.website, Metric.CES, [7] * 10 + [3] * 10)
        respond(j, self.call, Metric.CSAT, [4] * 41 + [1] * 9)  # 82%, mean 3.46
        respond(j, self.form, Metric.CSAT, [4] * 20 + [2] * 20)  # 50%, mean 3.0
        respond(j, None, Metric.NPS, [9] * 10 + [7] * 5 + [3] * 5)  # +25, asked about the whole journey
        respond(j, self.website, Metric.CSAT, [1] * 30, days_ago=200)  # outside the last 90 days
        MetricTarget.objects.create(metric=Metric.CSAT, value=Decimal("75"))  # the organisation's
        MetricTarget.objects.create(metric=Metric.CSAT, journey=j, touchpoint=self.call, value=Decimal("85"))
        MetricTarget.objects.create(metric=Metric.NPS, journey=j, value=Decimal("30"))
        snapshots_rebuild_all()


@pytest.fixture
def demo() -> Demo:
    return Demo()


# The selector


def test_the_measured_emotion_maps_the_scale_onto_minus_two_to_plus_two():
    assert formulas.emotion_from_mean(Metric.CSAT, 1) == -2
    assert formulas.emotion_from_mean(Metric.CSAT, 5) == 2
    assert formulas.emotion_from_mean(Metric.CSAT, 3) == 0
    assert formulas.emotion_from_mean(Metric.CSAT, 4.2) == 1.2
    assert formulas.emotion_from_mean(Metric.CES, 5.5) == 1
    assert formulas.emotion_from_mean(Metric.CES, 5) == 0.67  # rounded to two decimals
    assert formulas.emotion_from_mean(Metric.NPS, 0) == -2


def test_each_touchpoint_gets_its_figures_for_the_period(demo):
    measures = map_measures(demo.journey, None)
    assert measures.period.preset == "90d"
    website = {f.metric: f for f in measures.touchpoints[demo.website.pk]}
    assert list(website) == ["csat", "ces"]  # only the metrics answered there, in NPS, CSAT, CES order
    assert (website["csat"].score, website["csat"].n, website["csat"].text) == (80.0, 50, "80%")
    assert (website["ces"].score, website["ces"].n, website["ces"].text) == (5.0, 20, "5.0")
    assert not website["csat"].low_sample
    assert website["ces"].low_sample
    assert demo.letter.pk not in measures.touchpoints
    # The journey's own NPS (asked without a touchpoint) is in the journey's figures, not on a card.
    (nps,) = [f for f in measures.journey if f.metric == "nps"]
    assert (nps.score, nps.n, nps.text) == (25.0, 20, "+25")


def test_the_figures_are_the_kpi_summarys(demo):
    measures = map_measures(demo.journey, {"period": "90d"})
    rows = kpi_summary(
        journey=demo.journey,
        date_from=measures.period.date_from,
        date_to=measures.period.date_to,
        group_by="touchpoint",
    )["results"]
    for row in rows:
        if row["key"] is None:
            continue
        figures = {f.metric: f for f in measures.touchpoints[row["key"]]}
        for metric, value in (("csat", "score"), ("ces", "mean"), ("nps", "score")):
            if row[metric]["n"]:
                assert (figures[metric].score, figures[metric].n) == (row[metric][value], row[metric]["n"])
            else:
                assert metric not in figures


def test_the_measured_emotion_weighs_csat_and_ces_by_their_n(demo):
    emotions = map_measures(demo.journey, None).emotions
    # Website: CSAT mean 4.2 -> +1.2 (n=50), CES mean 5.0 -> +0.67 (n=20): (1.2 x 50 + 0.67 x 20) / 70.
    assert (emotions[demo.website.pk].value, emotions[demo.website.pk].n) == (1.05, 70)
    assert emotions[demo.call.pk].value == 0.46  # CSAT mean 3.46
    assert emotions[demo.form.pk].value == 0.0  # CSAT mean 3.0, the middle of the scale
    assert demo.letter.pk not in emotions
    assert emotions[demo.website.pk].text == "CSAT 80% · n=50 · CES 5.0 · n=20"


def test_each_figure_stands_against_the_target_that_applies(demo):
    measures = map_measures(demo.journey, None)

    def csat(touchpoint):
        return next(f for f in measures.touchpoints[touchpoint.pk] if f.metric == "csat")

    assert (csat(demo.website).target, csat(demo.website).status) == (Decimal("75"), "met")  # the organisation's
    # The call's own target, 85: 82% falls short by less than its 95% margin (about 10.6 points).
    call = csat(demo.call)
    assert (call.target, call.target_text, call.status) == (Decimal("85"), "85%", "near")
    assert call.margin == round(formulas.proportion_margin_of_error(41, 50), 1)  # as the dashboard shows it
    assert (csat(demo.form).target, csat(demo.form).status) == (Decimal("75"), "missed")  # 50% +- 15.5
    ces = next(f for f in measures.touchpoints[demo.website.pk] if f.metric == "ces")
    assert (ces.target, ces.status) == (None, None)
    nps, csat_journey, _ces = measures.journey
    assert (nps.target_text, nps.status) == ("+30", "near")  # the journey's target: +25, margin about 36
    assert (csat_journey.score, csat_journey.target, csat_journey.status) == (72.1, Decimal("75"), "near")


def test_another_period_reads_other_responses(demo):
    twelve_months = map_measures(demo.journey, {"period": "12m"})
    website = {f.metric: f for f in twelve_months.touchpoints[demo.website.pk]}
    assert (website["csat"].n, website["csat"].score) == (80, 50.0)  # the 30 old 1s count now
    empty = map_measures(demo.journey, {"period": "custom", "from": "2001-01-01", "to": "2001-01-31"})
    assert (empty.touchpoints, empty.emotions, empty.journey) == ({}, {}, [])


# The page


def test_the_cards_show_the_measured_scores_coloured_against_their_targets(editor_client, demo):
    content = editor_client.get(map_url(demo.journey)).content.decode()
    assert scores(card(content, demo.website)) == [("is-met", "CSAT 80% · n=50"), ("is-none is-low", "CES 5.0 · n=20")]
    assert scores(card(content, demo.call)) == [("is-near", "CSAT 82% · n=50")]
    assert scores(card(content, demo.form)) == [("is-missed", "CSAT 50% · n=40")]
    # Not by colour alone: the verdict in words (for screen readers, and as the tooltip) and a sign.
    call = card(content, demo.call)
    assert 'title="CSAT: target 85% nearly met (short by less than the 95% margin)"' in call
    assert '<span class="visually-hidden">, target 85% nearly met' in call
    assert '<span class="tp-verdict" aria-hidden="true">≈</span>' in call
    assert "target 75% missed" in card(content, demo.form)
    assert "no target set" in card(content, demo.website)
    assert 'class="map-score-legend"' in content  # the marks explained beside the cards


def test_a_low_sample_is_marked_in_words(editor_client, demo):
    website = card(editor_client.get(map_url(demo.journey)).content.decode(), demo.website)
    ces = website[website.index("CES 5.0") :]
    assert '<span class="tp-low">low sample</span>' in ces
    assert "low sample" not in website[: website.index("CES 5.0")]  # CSAT has n=50


def test_a_card_without_responses_says_so(editor_client, demo):
    content = editor_client.get(map_url(demo.journey)).content.decode()
    assert "No scores in this period" in card(content, demo.letter)
    assert "No scores in this period" not in card(content, demo.website)


def test_the_header_shows_the_period_and_the_whole_journeys_scores(editor_client, demo):
    content = editor_client.get(map_url(demo.journey)).content.decode()
    assert '<option value="90d" selected>Last 90 days</option>' in content
    start = content.index('class="map-measures"')
    header = content[start : content.index("</header>", start)]
    assert ("is-near is-low", "NPS +25 · n=20") in scores(header)
    assert "Last 90 days" in header


def test_the_emotion_lane_draws_the_measured_curve_beside_the_designed_one(editor_client, demo):
    content = editor_client.get(map_url(demo.journey)).content.decode()
    designed, measured = curve(content)["data"]
    assert designed["y"] == [1, -1, -2, 0]
    assert measured["y"] == [1.05, 0.46, 0.0, None]  # Letter has no responses: a gap
    assert measured["x"] == designed["x"]
    assert measured["name"] == "Measured experience"
    assert curve(content)["layout"]["showlegend"] is True
    assert "designed and measured, −2 to +2" in content


def test_an_empty_period_shows_no_scores_and_only_the_designed_curve(editor_client, demo):
    content = editor_client.get(map_url(demo.journey, EMPTY_PERIOD)).content.decode()
    assert content.count("No scores in this period") == 4 + 1  # every card, and the whole journey
    assert scores(content.split('id="map-board"')[1]) == []
    assert len(curve(content)["data"]) == 1
    assert curve(content)["layout"]["showlegend"] is False
    assert "map-score-legend" not in content
    assert 'name="from" value="2001-01-01"' in content  # the period stays chosen in the form
    assert "No CSAT or CES scores between 1 Jan 2001 and 31 Jan 2001 to draw the measured curve." in content


def test_a_bad_period_is_named_and_the_default_is_shown(editor_client, demo):
    response = editor_client.get(map_url(demo.journey, "?period=custom&from=2024-05-01&to=2024-04-01"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "To: The last day must be on or after the first day." in content
    assert 'id="id_to-error"' in content
    assert "The scores shown are of the default period instead: Last 90 days." in content
    assert ("is-met", "CSAT 80% · n=50") in scores(card(content, demo.website))


def test_the_period_form_escapes_what_was_typed(editor_client, demo):
    content = editor_client.get(map_url(demo.journey, "?period=custom&from=<script>alert(1)</script>")).content
    content = content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "From: Enter a valid date." in content


def test_a_touchpoint_name_with_a_script_tag_is_escaped_in_the_measured_curve(editor_client, demo):
    Touchpoint.objects.filter(pk=demo.website.pk).update(name="<script>alert(1)</script>")
    content = editor_client.get(map_url(demo.journey)).content.decode()
    assert "<script>alert(1)" not in content
    measured = curve(content)["data"][1]
    assert measured["customdata"][0][0] == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_a_write_answers_with_the_board_for_the_period_on_the_page(editor_client, demo):
    stage = demo.journey.stages.get(name="Apply")
    url = reverse("journeys:stage-edit", args=[demo.journey.pk, stage.pk])
    page = "http://testserver" + map_url(demo.journey, EMPTY_PERIOD)
    response = editor_client.post(url, {"name": "Applying", "version": 1}, HTTP_HX_CURRENT_URL=page, **HTMX)
    assert response.status_code == 200
    assert "No scores in this period" in card(response.content.decode(), demo.website)
    # From a page on the default period, the board keeps its scores.
    page = "http://testserver" + map_url(demo.journey)
    response = editor_client.post(url, {"name": "Apply", "version": 2}, HTTP_HX_CURRENT_URL=page, **HTMX)
    assert ("is-met", "CSAT 80% · n=50") in scores(card(response.content.decode(), demo.website))


def test_a_manager_reads_the_measured_map(client, manager, demo):
    client.force_login(manager)
    content = client.get(map_url(demo.journey)).content.decode()
    assert ("is-near", "CSAT 82% · n=50") in scores(card(content, demo.call))


def test_the_key_drivers_link_keeps_the_period(editor_client, demo, settings):
    settings.MAP_DRIVERS_URL = "journeys:compare"  # any URL name taking the journey's pk
    content = editor_client.get(map_url(demo.journey, "?period=12m")).content.decode()
    compare = reverse("journeys:compare", args=[demo.journey.pk])
    assert f'<a class="btn" href="{compare}?period=12m">Key drivers</a>' in content
    settings.MAP_DRIVERS_URL = "metrics:no-such-page"
    assert "Key drivers" not in editor_client.get(map_url(demo.journey)).content.decode()


def test_without_map_measures_the_map_shows_the_design_only(editor_client, demo, settings, django_assert_num_queries):
    settings.MAP_MEASURES = None
    # session, user, journey, personas, stages, touchpoints, findings: as before the measured map
    with django_assert_num_queries(7):
        content = editor_client.get(map_url(demo.journey)).content.decode()
    assert "tp-measured" not in content
    assert 'class="map-period"' not in content
    assert len(curve(content)["data"]) == 1
    assert touchpoint_names(content) == ["Website", "Call", "Form", "Letter"]


def touchpoint_names(content: str) -> list[str]:
    return re.findall(r'<h3 class="tp-name">(.*?)</h3>', content)


# Queries


@pytest.mark.parametrize("touchpoints_per_stage, responses_each", [(1, 10), (100, 40)])
def test_the_measured_map_runs_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, touchpoints_per_stage, responses_each
):
    journey = build_map(stages=2, touchpoints_per_stage=touchpoints_per_stage, findings_per_touchpoint=1)
    for touchpoint in journey.touchpoints.all():
        respond(journey, touchpoint, Metric.CSAT, [1, 2, 3, 4, 5] * (responses_each // 5))
        respond(journey, touchpoint, Metric.CES, [7, 3] * (responses_each // 2))
    respond(journey, None, Metric.NPS, [10, 8, 2, 9] * responses_each)
    MetricTarget.objects.create(metric=Metric.CSAT, value=Decimal("60"))
    snapshots_rebuild_all()
    assert SurveyResponse.objects.count() == {1: 80, 100: 16160}[touchpoints_per_stage]  # 80 and 16,160
    # session, user, journey, personas, stages, touchpoints, findings; the measures: snapshot cells per
    # touchpoint, targets, the touchpoints' top complaints (theme mentions)
    with django_assert_num_queries(10):
        response = editor_client.get(map_url(journey))
    board = response.content.decode().split('id="map-board"')[1]
    assert len(scores(board)) == 2 * 2 * touchpoints_per_stage  # CSAT and CES on every card
    assert f"CSAT 40% · n={responses_each}" in board


def test_the_board_after_a_write_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries):
    journey = build_map(stages=3, touchpoints_per_stage=50)
    for touchpoint in journey.touchpoints.all()[:20]:
        respond(journey, touchpoint, Metric.CSAT, [4, 5, 2])
    snapshots_rebuild_all()
    stage = journey.stages.first()
    url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
    page = "http://testserver" + map_url(journey, "?period=30d")
    # session, user, journey (permission), stage; the service: savepoint, the stage's key unique (journeys'
    # check, then the model's constraint: savepoint, query, release), journey exists, update, its history (the
    # row, its latest history row, the new one), release; the board: journey, personas, stages, touchpoints,
    # findings; the measures: cells, targets, top complaints; and the audit row of the update (cxplatform.audit)
    with django_assert_num_queries(24):
        response = editor_client.post(url, {"name": "Renamed", "version": 1}, HTTP_HX_CURRENT_URL=page, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().count("CSAT 67% · n=3") == 20
