"""The theme analysis pages: the ranked table and trend, one theme in scope with its quotes, and the buttons that
make a pain point on the map or a prefilled improvement action of it."""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from journeys.models import Finding, FindingKind, FindingSource
from metrics.models import Metric
from tests.journeys.factories import StageFactory, TouchpointFactory
from tests.metrics.factories import AnalysisThemeFactory, SurveyResponseFactory, commented_response
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

ANALYSIS = reverse("metrics:theme-analysis")


def recent(days: int = 3) -> dict:
    day = timezone.localdate() - timedelta(days=days)
    return {"responded_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC), "day": day}


@pytest.fixture
def touchpoint():
    return TouchpointFactory(name="Claim by phone")


@pytest.fixture
def waiting():
    return AnalysisThemeFactory(name_en="waiting time", name_nl="wachttijd", key="waiting-time")


@pytest.fixture
def friendly():
    return AnalysisThemeFactory(name_en="friendly staff", key="friendly-staff", sentiment="positive")


@pytest.fixture
def editor(cx_editor, touchpoint):
    MembershipFactory(team=TeamFactory(journey_groups=[touchpoint.journey.group]), user=cx_editor)
    return cx_editor


@pytest.fixture
def tagged(touchpoint, waiting, friendly):
    """The hand-worked example: 4 of 10 NPS responses mention waiting time (2, 3, 6, 9), the rest friendly staff."""
    comments = [
        "Waited forty minutes on the phone before anyone answered",
        "The waiting time was terrible, mail me at jan@example.com",
        "Long wait but the answer was correct in the end",
        "Short wait this time and a friendly person helped",
    ]
    for score, comment in zip((2, 3, 6, 9), comments, strict=True):
        commented_response(waiting, touchpoint=touchpoint, score=score, comment=comment, **recent())
    for score in (9, 10, 8, 7, 10, 4):
        commented_response(friendly, touchpoint=touchpoint, score=score, **recent())


def test_the_analysis_ranks_the_themes_by_the_nps_they_cost(client_of, manager, tagged, waiting):
    response = client_of(manager).get(ANALYSIS)

    assert response.status_code == 200
    page = response.content.decode()
    rows = page.split('class="theme-row"')[1:]
    assert [row.split('data-theme="')[1].split('"')[0] for row in rows] == ["waiting-time", "friendly-staff"]
    first = rows[0]
    for figure in ("-50.0", "33.3", "-83.3", "± 103.7", "40.0%", "low sample"):
        assert figure in first, figure
    assert reverse("metrics:theme-in-scope", args=[waiting.pk]) + "?period=12m" in first
    assert 'data-figure="theme-trend-data"' in page and 'id="theme-trend-data"' in page


def test_the_analysis_filters_keep_to_the_touchpoint(client_of, manager, tagged, touchpoint, waiting):
    elsewhere = TouchpointFactory(stage=StageFactory(journey=touchpoint.journey))
    commented_response(waiting, touchpoint=elsewhere, score=0, **recent())
    response = client_of(manager).get(ANALYSIS, {"touchpoint": touchpoint.pk})
    assert response.context["summary"].figures[0].mentions == 4
    assert response.context["summary"].responses == 10
    response = client_of(manager).get(ANALYSIS, {"journey": touchpoint.journey_id})
    assert response.context["summary"].figures[0].mentions == 5


def test_a_bad_filter_is_named_and_the_default_scope_shown(client_of, manager, tagged):
    response = client_of(manager).get(ANALYSIS, {"touchpoint": "999999", "from": "2026-02-30"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) >= {"touchpoint", "date_from"}
    assert response.context["summary"].figures  # the default: all journeys, last 12 months


def test_a_stage_of_another_journey_is_refused(client_of, manager, touchpoint):
    other = StageFactory()
    response = client_of(manager).get(ANALYSIS, {"journey": touchpoint.journey_id, "stage": other.pk})
    assert response.status_code == 400
    assert "stage" in response.context["form"].errors


def test_without_themes_the_page_points_to_the_codebook(client_of, manager, touchpoint):
    commented_response(touchpoint=touchpoint, **recent())
    page = client_of(manager).get(ANALYSIS).content.decode()
    assert "No themes yet" in page


def test_without_comments_in_the_period_the_page_says_so(client_of, manager, waiting, touchpoint):
    SurveyResponseFactory(touchpoint=touchpoint, **recent())
    commented_response(waiting, touchpoint=touchpoint, **recent(days=500))
    page = client_of(manager).get(ANALYSIS, {"period": "30d"}).content.decode()
    assert "No comments in this period" in page
    assert "theme-table" not in page


def test_the_page_needs_a_login(client):
    response = client.get(ANALYSIS)
    assert response.status_code == 302 and "/login/" in response["Location"]


def _world(themes: int, responses_per_theme: int):
    stage = StageFactory()
    touchpoints = [TouchpointFactory(stage=stage) for _ in range(2)]
    codebook = AnalysisThemeFactory.create_batch(themes)
    for i, theme in enumerate(codebook):
        for j in range(responses_per_theme):
            commented_response(theme, touchpoint=touchpoints[j % 2], score=(i + j) % 11, **recent(days=j % 200))
    return stage, codebook


@pytest.mark.parametrize(("themes", "responses"), [(2, 1), (20, 10)])
def test_the_analysis_takes_a_fixed_number_of_queries(django_assert_num_queries, client_of, manager, themes, responses):
    stage, _codebook = _world(themes, responses)
    client = client_of(manager)
    # session, user; the chosen journey and stage; the scope's totals; the themes with their counts; the trend's
    # mentions and comments; the filter's journeys, stages, touchpoints and channels
    with django_assert_num_queries(12):
        response = client.get(ANALYSIS, {"journey": stage.journey_id, "stage": stage.pk})
    assert len(response.context["summary"].figures) == themes


@pytest.mark.parametrize(("themes", "responses"), [(2, 1), (20, 10)])
def test_one_theme_in_scope_takes_a_fixed_number_of_queries(
    django_assert_num_queries, client_of, cx_editor, themes, responses
):
    stage, codebook = _world(themes, responses)
    MembershipFactory(team=TeamFactory(journey_groups=[stage.journey.group]), user=cx_editor)
    client = client_of(cx_editor)
    url = reverse("metrics:theme-in-scope", args=[codebook[0].pk])
    # session, user; the theme; the chosen journey; the totals; the theme's counts; its trend (mentions,
    # comments); its quotes; the touchpoints where it is mentioned most; the user's teams, their journey groups;
    # the filter's four lists
    with django_assert_num_queries(16):
        response = client.get(url, {"journey": stage.journey_id})
    assert response.status_code == 200
    assert response.context["places"] and all(place["can_find"] for place in response.context["places"])


def test_one_theme_on_a_touchpoint_shows_its_quotes_and_buttons(client_of, editor, tagged, touchpoint, waiting):
    url = reverse("metrics:theme-in-scope", args=[waiting.pk])
    response = client_of(editor).get(url, {"touchpoint": touchpoint.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert "It costs 33.3 points of NPS." in page
    assert "[e-mail]" in page and "jan@example.com" not in page
    assert page.count('class="quote theme-quote"') == 4
    assert "Create a pain point" in page and "Create an improvement action" in page
    assert reverse("metrics:theme-finding", args=[waiting.pk]) in page


def test_a_manager_sees_the_figures_but_no_buttons(client_of, manager, tagged, touchpoint, waiting):
    url = reverse("metrics:theme-in-scope", args=[waiting.pk])
    page = client_of(manager).get(url, {"touchpoint": touchpoint.pk}).content.decode()
    assert "It costs 33.3 points of NPS." in page
    assert "Create a pain point" not in page and "Create an improvement action" not in page


def test_an_editor_of_another_journey_gets_the_action_button_only(client_of, outsider, tagged, touchpoint, waiting):
    url = reverse("metrics:theme-in-scope", args=[waiting.pk])
    page = client_of(outsider).get(url, {"touchpoint": touchpoint.pk}).content.decode()
    assert "Create a pain point" not in page and "Create an improvement action" in page


def test_a_wider_scope_lists_the_touchpoints_where_it_is_mentioned_most(client_of, editor, tagged, touchpoint, waiting):
    letter = TouchpointFactory(stage=touchpoint.stage, name="Letter")
    commented_response(waiting, touchpoint=letter, score=1, **recent())
    url = reverse("metrics:theme-in-scope", args=[waiting.pk])
    response = client_of(editor).get(url, {"journey": touchpoint.journey_id})
    assert [place["name"] for place in response.context["places"]] == ["Claim by phone", "Letter"]
    assert [place["mentions"] for place in response.context["places"]] == [4, 1]
    assert response.content.decode().count("Create a pain point") == 2


def test_create_a_pain_point_puts_it_on_the_map_with_its_evidence(client_of, editor, tagged, touchpoint, waiting):
    url = reverse("metrics:theme-finding", args=[waiting.pk])
    response = client_of(editor).post(url, {"touchpoint": touchpoint.pk, "period": "12m"}, follow=True)

    finding = Finding.objects.get()
    assert (
        response.redirect_chain[-1][0]
        == f"{reverse('journeys:map', args=[touchpoint.journey_id])}#finding-{finding.pk}"
    )
    assert (finding.kind, finding.source, finding.touchpoint, finding.severity) == (
        FindingKind.PAIN_POINT,
        FindingSource.SURVEY,
        touchpoint,
        5,
    )
    assert "it costs 33.3 points of NPS" in finding.text
    page = response.content.decode()
    assert "Pain point “waiting time” added to “Claim by phone”, with its evidence." in page
    assert "it costs 33.3 points of NPS" in page


def test_only_editors_of_the_journey_create_the_pain_point(client_of, outsider, manager, tagged, touchpoint, waiting):
    url = reverse("metrics:theme-finding", args=[waiting.pk])
    for user in (outsider, manager):
        assert client_of(user).post(url, {"touchpoint": touchpoint.pk}).status_code == 403
    assert not Finding.objects.exists()


def test_the_pain_point_needs_a_touchpoint_and_a_post(client_of, editor, tagged, waiting, touchpoint):
    url = reverse("metrics:theme-finding", args=[waiting.pk])
    client = client_of(editor)
    response = client.post(url, {"period": "12m"})
    assert response.status_code == 400 and b"touchpoint" in response.content
    response = client.post(url, {"touchpoint": touchpoint.pk, "period": "forever"})
    assert response.status_code == 400 and b"period" in response.content
    assert client.get(url, {"touchpoint": touchpoint.pk}).status_code == 405
    assert not Finding.objects.exists()


def test_the_pain_point_is_refused_without_csrf(editor, tagged, touchpoint, waiting):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(reverse("metrics:theme-finding", args=[waiting.pk]), {"touchpoint": touchpoint.pk})
    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_a_theme_not_mentioned_there_makes_no_pain_point(client_of, editor, touchpoint, waiting):
    commented_response(waiting, touchpoint=TouchpointFactory(), **recent())
    url = reverse("metrics:theme-finding", args=[waiting.pk])
    response = client_of(editor).post(url, {"touchpoint": touchpoint.pk}, follow=True)
    assert "is not mentioned at “Claim by phone”" in response.content.decode()
    assert not Finding.objects.exists()


def test_create_an_improvement_action_opens_the_prefilled_form(client_of, editor, tagged, touchpoint, waiting):
    url = reverse("metrics:theme-action", args=[waiting.pk])
    response = client_of(editor).post(url, {"touchpoint": touchpoint.pk, "period": "12m"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("teams:action-create")
    query = parse_qs(location.query)
    assert query["touchpoint"] == [str(touchpoint.pk)]
    assert query["title"] == ["Reduce “waiting time” at “Claim by phone”"]
    form = client_of(editor).get(response["Location"]).context["form"]
    assert form.initial["title"] == "Reduce “waiting time” at “Claim by phone”"
    assert "it costs 33.3 points of NPS" in form.initial["description"]


def test_a_manager_cannot_start_an_action(client_of, manager, tagged, touchpoint, waiting):
    url = reverse("metrics:theme-action", args=[waiting.pk])
    assert client_of(manager).post(url, {"touchpoint": touchpoint.pk}).status_code == 403


def test_csat_mentions_count_in_their_buckets(client_of, manager, touchpoint, waiting):
    commented_response(waiting, touchpoint=touchpoint, metric=Metric.CSAT, score=1, **recent())
    commented_response(waiting, touchpoint=touchpoint, metric=Metric.CSAT, score=5, **recent())
    response = client_of(manager).get(ANALYSIS)
    assert response.context["summary"].figures[0].buckets["csat_low"] == 1
    assert response.context["summary"].figures[0].buckets["csat_high"] == 1
    assert date.today()  # the page renders CSAT-only themes without an NPS
    assert "—" in response.content.decode()


@pytest.fixture
def csat_touchpoint(touchpoint, waiting, friendly, settings):
    """A touchpoint asked CSAT only: 5 waiting-time mentions score 1, 2, 2, 4, 5 (40% 4-5); friendly staff's 4
    score 5, 4, 4, 3 (75%); one CSAT 5 without a comment. As in test_analysis_selectors: waiting time 40% against
    80%, -40 ± 55.4, it costs 20 points of CSAT; friendly staff 75% against 50%, -10. Minimum sample 5."""
    settings.KPI_MIN_SAMPLE = 5
    for score in (1, 2, 2, 4, 5):
        commented_response(waiting, touchpoint=touchpoint, metric=Metric.CSAT, score=score, **recent())
    for score in (5, 4, 4, 3):
        commented_response(friendly, touchpoint=touchpoint, metric=Metric.CSAT, score=score, **recent())
    SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.CSAT, score=5, **recent())


def cells(row: str) -> list[list[str]]:
    """The words of each cell of a table row, tags dropped."""
    import re

    return [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_touchpoint_without_nps_shows_the_impact_on_csat(client_of, manager, csat_touchpoint, touchpoint):
    page = client_of(manager).get(ANALYSIS, {"touchpoint": touchpoint.pk}).content.decode()

    head = page.split("<thead>")[1].split("</thead>")[0]
    assert "CSAT with" in head and "CSAT without" in head and "Points of CSAT it costs" in head
    assert "NPS with" not in head and "Points of NPS it costs" not in head
    # No NPS answers here: no detractors / passives / promoters column of zeros either.
    assert "Detractors / passives / promoters" not in head and "CSAT 1-2 / 4-5" in head
    assert "the impact is shown on CSAT" in page
    assert "CSAT 60.0% (n = 10)" in page  # the scope's CSAT beside its comments
    rows = page.split('class="theme-row"')[1:]
    assert [row.split('data-theme="')[1].split('"')[0] for row in rows] == ["waiting-time", "friendly-staff"]
    # Mentions, share, CSAT buckets, then CSAT with / without / impact ± margin / cost / sample.
    waiting_cells = cells(rows[0])[1:]  # after the theme's name
    assert waiting_cells[3:8] == [
        ["40.0%", "n", "=", "5"],
        ["80.0%", "n", "=", "5"],
        ["-40.0", "±", "55.4"],
        ["20.0"],
        [],
    ]
    # 5 CSAT mentions reach the minimum sample; friendly staff's 4 do not, on CSAT's n (there is no NPS sample).
    assert "low sample" not in rows[0]
    assert "low sample" in rows[1] and "Fewer CSAT responses mention it" in rows[1]


def test_a_touchpoint_without_nps_or_csat_shows_no_impact_and_no_low_sample(client_of, manager, touchpoint, waiting):
    commented_response(waiting, touchpoint=touchpoint, metric=Metric.CES, score=2, **recent())
    page = client_of(manager).get(ANALYSIS, {"touchpoint": touchpoint.pk}).content.decode()
    (row,) = page.split('class="theme-row"')[1:]
    # Name, mentions, share (no bucket column: neither NPS nor CSAT answers), then with / without / impact / cost.
    assert cells(row)[3:8] == [["—"], ["—"], ["—"], ["—"], []]
    assert "low sample" not in row
    assert "neither NPS nor CSAT" in page


def test_one_theme_on_a_csat_touchpoint_says_what_it_costs_in_csat(
    client_of, editor, csat_touchpoint, touchpoint, waiting
):
    url = reverse("metrics:theme-in-scope", args=[waiting.pk])
    page = client_of(editor).get(url, {"touchpoint": touchpoint.pk}).content.decode()
    assert "It costs 20.0 points of CSAT." in page
    assert "Points of CSAT it costs" in page and "NPS with" not in page


def test_a_pain_point_from_a_csat_touchpoint_is_severe_with_csat_evidence(
    client_of, editor, csat_touchpoint, touchpoint, waiting
):
    url = reverse("metrics:theme-finding", args=[waiting.pk])
    client_of(editor).post(url, {"touchpoint": touchpoint.pk, "period": "12m"})
    finding = Finding.objects.get()
    # 20 points of CSAT: severity 5 (SEVERITY_BY_CSAT_COST), not 1 for "no NPS".
    assert finding.severity == 5
    assert "CSAT 40.0% among those who mention it (n = 5) against 80.0% among the others (n = 5)" in finding.text
    assert "it costs 20.0 points of CSAT" in finding.text


def test_in_dutch_the_themes_carry_their_dutch_names(client_of, manager, tagged):
    client = client_of(manager)
    client.cookies["django_language"] = "nl"
    page = client.get(ANALYSIS, headers={"accept-language": "nl"}).content.decode()
    assert ">wachttijd</a>" in page


def test_an_unknown_theme_is_not_found(client_of, manager):
    assert client_of(manager).get(reverse("metrics:theme-in-scope", args=[999999])).status_code == 404
    response = client_of(manager).post(reverse("metrics:theme-finding", args=[999999]), {"touchpoint": 1})
    assert response.status_code == 404
