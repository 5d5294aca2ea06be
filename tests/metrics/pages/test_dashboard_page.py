"""The management dashboard page: filters in the URL, every section's CSV, the refresh notice, and a fixed
number of queries whatever the number of responses."""

import csv
import io
import json
import random
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from metrics.models import Metric, MetricTarget, PendingRecompute, SurveyResponse
from metrics.services.recompute import snapshots_rebuild_all
from teams.models import ActionStatus, ActionTransition
from tests.journeys.factories import ChannelFactory
from tests.metrics.factories import BusinessCaseFactory, CustomKpiFactory, KpiMeasurementFactory
from tests.metrics.selectors.test_charts import build_same_names
from tests.teams.factories import ActionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]
URL = reverse("home")
SPRING = {"period": "custom", "from": "2024-04-01", "to": "2024-05-31"}


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def add_work(org) -> None:
    """A KPI with a measurement, a done action with a business case (finished in May), a planned one."""
    kpi = CustomKpiFactory(name="Retention", journey=org.open_account, target=Decimal("90"))
    KpiMeasurementFactory(kpi=kpi, period_start=date(2024, 5, 1), value=Decimal("88"))
    done = ActionFactory(journey=org.open_account, touchpoint=org.call, status=ActionStatus.DONE, title="Call back")
    move = ActionTransition.objects.create(action=done, from_status=ActionStatus.IN_PROGRESS, to_status="done")
    ActionTransition.objects.filter(pk=move.pk).update(at=datetime(2024, 5, 10, 12, tzinfo=UTC))
    BusinessCaseFactory(action=done, investment=Decimal("1000"))
    ActionFactory(journey=org.complaint, status=ActionStatus.PLANNED, title="New form")


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_page_shows_the_tiles_against_the_targets_for_the_chosen_period(manager_client, org):
    MetricTarget.objects.create(metric="csat", value=Decimal("30"))
    response = manager_client.get(URL, SPRING)
    assert response.status_code == 200
    tiles = response.context["scores"].tiles
    page = response.content.decode()
    assert f"n = {tiles['csat'].current.n}" in page
    assert "Target 30%" in page and "met" in page
    assert 'data-figure="figure-trend"' in page and 'id="figure-heatmap"' in page
    assert "1 Apr 2024 – 31 May 2024" in page


def test_each_filter_changes_the_figures_and_stays_in_the_links(manager_client, org):
    everything = manager_client.get(URL, SPRING).context["scores"].tiles["nps"].current.n
    filtered = manager_client.get(URL, {**SPRING, "channel": org.phone.pk})
    assert filtered.context["scores"].tiles["nps"].current.n < everything
    assert f"channel={org.phone.pk}" in filtered.context["csv_links"]["stages"]
    assert "from=2024-04-01" in filtered.context["csv_links"]["stages"]
    group = manager_client.get(URL, {**SPRING, "group": org.staying.pk}).context["scores"]
    assert [row.label for row in group.journeys] == ["Make a complaint"]


def test_bad_filters_are_named_and_the_page_still_answers(manager_client, org):
    response = manager_client.get(
        URL,
        {
            "period": "custom",
            "from": "2024-05-31",
            "to": "2024-04-01",
            "journey": org.complaint.pk,
            "group": org.becoming.pk,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The last day must be on or after the first day." in page
    assert "This journey is not in the chosen journey group." in page
    assert response.context["period"].preset == "12m"  # the default, said in the heading


@pytest.mark.parametrize(
    "section, first_cell",
    [
        ("tiles", "Metric"),
        ("trend", "Month"),
        ("journeys", "Journey"),
        ("stages", "Journey"),
        ("touchpoints", "Journey"),
        ("channels", "Channel"),
        ("heatmap", "Journey"),
        ("kpis", "KPI"),
        ("actions", "Status"),
        ("business_cases", "Action"),
        ("effects", "Action"),
        ("followups", "Measure"),
    ],
)
def test_every_section_downloads_as_csv(manager_client, org, section, first_cell):
    add_work(org)
    response = manager_client.get(URL, {**SPRING, "csv": section})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "2024-04-01-2024-05-31.csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][0] == first_cell
    assert len(rows) > 1


def test_the_csv_holds_the_figures_the_page_shows(manager_client, org):
    add_work(org)
    page = manager_client.get(URL, SPRING).context
    touchpoints = csv_rows(manager_client.get(URL, {**SPRING, "csv": "touchpoints"}))
    call = next(row for row in touchpoints if row[1] == "Call")
    figure = next(row for row in page["scores"].touchpoints if row.label == "Call").figures["csat"]
    assert call[0] == "Open an account"
    assert (float(call[5]), int(call[7])) == (figure.value, figure.n)
    effects = csv_rows(manager_client.get(URL, {**SPRING, "csv": "effects"}))
    assert effects[1][:4] == ["Call back", "Open an account", "Call", "2024-05-10"]
    kpis = csv_rows(manager_client.get(URL, {**SPRING, "csv": "kpis"}))
    assert kpis[1][0] == "Retention" and kpis[1][-1] == "At risk"


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tTab first"])
def test_a_csv_cell_that_would_run_as_a_formula_is_defused(manager_client, org, name):
    org.call.name = name
    org.call.save()
    response = manager_client.get(URL, {**SPRING, "csv": "touchpoints"})
    assert "'" + name in [row[1] for row in csv_rows(response)]
    assert f'"\'{name}"' in response.content.decode("utf-8-sig")  # and the cell quoted (OWASP)


def test_user_text_is_escaped(manager_client, org):
    org.complaint.name = "<script>alert(1)</script>"
    org.complaint.save()
    page = manager_client.get(URL, SPRING).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_says_when_figures_are_being_refreshed_and_reloads_when_they_are_done(
    manager_client, org, django_assert_num_queries
):
    pending = PendingRecompute.objects.create(journey=org.complaint, day_from=date(2024, 5, 1), day_to=date(2024, 5, 1))
    page = manager_client.get(URL, SPRING)
    assert "these figures are being refreshed" in page.content.decode()
    with django_assert_num_queries(3):  # session, user, the pending check: the poll builds no figures
        status = manager_client.get(URL, {**SPRING, "fragment": "status"}, headers={"HX-Request": "true"})
    assert "HX-Refresh" not in status and 'hx-trigger="every 5s"' in status.content.decode()
    pending.delete()
    status = manager_client.get(URL, {**SPRING, "fragment": "status"}, headers={"HX-Request": "true"})
    assert status["HX-Refresh"] == "true"


CHARTS = ("trend", "channels", "heatmap", "stages", "touchpoints", "actions", "roi")


def drawn(page: str) -> set[str]:
    """The charts the page hands to Plotly: a chart element and its figure."""
    return {name for name in CHARTS if f'id="chart-{name}"' in page or f'id="figure-{name}"' in page}


def test_an_empty_organisation_gets_an_explanation_not_charts(manager_client):
    page = manager_client.get(URL).content.decode()
    assert "No survey responses for all journeys in the last 12 months" in page
    assert "No custom KPIs yet." in page
    assert "No journeys yet." in page
    assert "No improvement actions yet." in page and "No business cases yet." in page
    assert drawn(page) == set()


def test_a_view_without_data_says_why_in_place_of_each_chart_naming_the_filter(manager_client, org):
    add_work(org)
    app = ChannelFactory(slug="app", name="App")
    page = manager_client.get(URL, {"channel": app.pk, "period": "custom", "from": "2026-01-01", "to": "2026-01-31"})
    text = page.content.decode()
    period = "between 1 Jan 2026 and 31 Jan 2026"
    assert f"No survey responses for App {period}" in text
    assert "No NPS responses for App from Feb 2025 to Jan 2026." in text
    assert f"No responses for App {period}." in text
    assert f"No CSAT responses at any stage for App {period}." in text  # the journeys are there, their cells blank
    assert text.count(f"No touchpoint scores for App {period}.") == 2  # stages and touchpoints
    assert "No custom KPIs for App." in text
    assert "No improvement actions for App." in text and "No business cases for App." in text
    assert f"No actions finished for App {period}." in text
    assert drawn(text) == set()


def test_only_the_charts_without_data_give_way_to_their_reason(manager_client, org):
    # Phone has CSAT and CES answers but no NPS: no NPS trend (it would be an empty plot), the other charts.
    page = manager_client.get(URL, {**SPRING, "channel": org.phone.pk, "journey": org.open_account.pk})
    text = page.content.decode()
    assert "No NPS responses for the journey “Open an account” on Phone from Jun 2023 to May 2024." in text
    assert drawn(text) == {"channels", "heatmap", "stages", "touchpoints"}
    assert "No improvement actions for the journey “Open an account” on Phone." in text


def test_a_journey_without_scores_for_the_heatmaps_metric_says_so(manager_client, org):
    # "Make a complaint" has NPS and CES answers at its touchpoint in spring, its CSAT answers have none.
    query = {**SPRING, "journey": org.complaint.pk}
    page = manager_client.get(URL, {**query, "heatmap": "csat"}).content.decode()
    message = "No CSAT responses at any stage for the journey “Make a complaint” between 1 Apr 2024 and 31 May 2024."
    assert message in page
    assert "heatmap" not in drawn(page)
    assert "heatmap" in drawn(manager_client.get(URL, {**query, "heatmap": "ces"}).content.decode())


def add_many_responses(org, count: int) -> None:
    rng = random.Random(count)
    places = [
        (org.open_account.pk, org.website.pk, org.web.pk),
        (org.open_account.pk, org.call.pk, org.phone.pk),
        (org.open_account.pk, None, org.web.pk),
        (org.complaint.pk, org.form.pk, org.web.pk),
    ]
    rows = []
    for i in range(count):
        journey, touchpoint, channel = places[i % len(places)]
        metric = (Metric.NPS, Metric.CSAT, Metric.CES)[i % 3]
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(180))
        score = rng.randint(*{"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[metric])
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        rows.append(
            SurveyResponse(
                metric=metric,
                score=score,
                journey_id=journey,
                touchpoint_id=touchpoint,
                channel_id=channel,
                responded_at=moment,
                day=day,
                respondent=f"R{i}",
                source="bulk",
            )
        )
    SurveyResponse.objects.bulk_create(rows, batch_size=5000)
    snapshots_rebuild_all()


def test_the_query_count_is_the_same_with_1000_and_100000_responses(manager_client, org, django_assert_num_queries):
    add_work(org)
    params = {"period": "custom", "from": "2024-01-01", "to": "2024-06-30"}
    add_many_responses(org, 1_000)
    # session, user; filter choices: groups, journeys, channels; the period's cells, the previous period's,
    # the monthly trend, journeys, stages, touchpoints, channels (labels), targets, pending recompute;
    # custom KPIs; actions per status, business cases, finished actions, their windows' cells; follow-ups
    # (+1 on SQLite, where the median is taken in Python); the mandates awaiting the manager's decision; what
    # customers say: the scope's totals, the themes with their counts (no quotes: no theme is mentioned; with
    # themes: tests/metrics/pages/test_dashboard_themes.py)
    from django.db import connection

    expected = 23 if connection.vendor == "postgresql" else 24
    with django_assert_num_queries(expected):
        small = manager_client.get(URL, params)
    add_many_responses(org, 99_000)
    with django_assert_num_queries(expected):
        large = manager_client.get(URL, params)
    assert large.context["scores"].tiles["nps"].current.n > 30 * small.context["scores"].tiles["nps"].current.n


def page_figure(page: str, name: str) -> dict:
    """The figure the page hands to Plotly, from its json_script tag."""
    found = re.search(rf'<script id="figure-{name}" type="application/json">(.*?)</script>', page, flags=re.DOTALL)
    assert found, f"no figure-{name} on the page"
    return json.loads(found.group(1))


def ticks(axis: dict) -> dict[str, str]:
    return dict(zip(axis["tickvals"], axis["ticktext"], strict=True))


def number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def test_the_stage_and_heatmap_charts_equal_their_csv_for_each_stage_when_names_repeat(manager_client):
    made = build_same_names()
    response = manager_client.get(URL, SPRING)
    page = response.content.decode()
    scores = response.context["scores"]

    # The stages' CSV: Journey, Stage, NPS, margin, n, CSAT %, CSAT mean, n, CES mean, CES % easy, n, low.
    stages_csv = csv_rows(manager_client.get(URL, {**SPRING, "csv": "stages"}))[1:]
    assert [(row[0], row[1]) for row in stages_csv] == [(row.context, row.label) for row in scores.stages]
    csv_by_stage = {str(row.key): line for row, line in zip(scores.stages, stages_csv, strict=True)}
    assert set(csv_by_stage) == {str(stage.pk) for stage in made["stages"]}
    stages = page_figure(page, "stages")
    csat, ces = stages["data"]
    assert sorted(csat["y"]) == sorted(csv_by_stage)  # a bar per stage: three "Decision" bars, not one
    shown = ticks(stages["layout"]["yaxis"])
    for key, csat_value, ces_value in zip(csat["y"], csat["x"], ces["x"], strict=True):
        line = csv_by_stage[key]
        assert (csat_value, ces_value) == (number(line[5]), number(line[9]))
        assert shown[key].startswith(f"{line[1]}<br>") and shown[key].endswith(f">{line[0]}</span>")

    # The heatmap's CSV: Journey, Stage number, Stage, figures; a journey's rows start at stage number 1.
    heatmap_csv = csv_rows(manager_client.get(URL, {**SPRING, "csv": "heatmap"}))[1:]
    blocks: list[list[list[str]]] = []
    for line in heatmap_csv:
        if line[1] == "1":
            blocks.append([])
        blocks[-1].append(line)
    heatmap = page_figure(page, "heatmap")
    trace = heatmap["data"][0]
    assert trace["y"] == [str(journey.pk) for journey in made["journeys"]]
    shown = ticks(heatmap["layout"]["yaxis"])
    assert len(blocks) == len(trace["y"]) == 3
    for key, z_row, text_row, block in zip(trace["y"], trace["z"], trace["text"], blocks, strict=True):
        assert shown[key] == block[0][0]  # the row's name is its journey's
        for position, line in enumerate(block):
            assert z_row[position] == number(line[6])  # CSAT % satisfied
            assert text_row[position].startswith(f"{line[2]}<br>")  # the stage's own name in its own cell
