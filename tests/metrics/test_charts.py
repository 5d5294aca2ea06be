"""Every chart-building function of metrics/charts.py: a valid Plotly figure whose data are the selector's
figures, labels escaped and translated."""

from datetime import date
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.utils import translation

from metrics import charts
from metrics.forms.periods import CUSTOM, ReportPeriod
from metrics.selectors.dashboard import Scope, dashboard_scores
from metrics.services.recompute import snapshots_rebuild_all
from tests.metrics.recompute_data import add_responses, build_org

pytestmark = pytest.mark.django_db
SPRING = ReportPeriod(CUSTOM, date(2024, 4, 1), date(2024, 5, 31))


@pytest.fixture
def scores():
    org = build_org()
    org.call.name = "Call <b>us</b>"
    org.call.save()
    add_responses(org)
    snapshots_rebuild_all()
    return dashboard_scores(scope=Scope(), period=SPRING)


def valid(spec: dict) -> go.Figure:
    """Plotly's own validation of every property (raises on a misspelt or ill-typed one)."""
    return go.Figure(spec)


def test_the_nps_trend_draws_each_months_score_inside_its_95_percent_band(scores):
    figure = valid(charts.nps_trend_figure(scores.trend))
    upper, lower, line = figure.data
    nps = [row.figures["nps"] for row in scores.trend]
    assert list(line.x) == [row.label for row in scores.trend] == ["2024-03", "2024-04", "2024-05"]
    assert list(line.y) == [f.value for f in nps]
    assert list(upper.y) == [round(min(f.value + f.margin, 100), 1) for f in nps]
    assert list(lower.y) == [round(max(f.value - f.margin, -100), 1) for f in nps]
    assert [n for n, _margin in line.customdata] == [f.n for f in nps]
    assert lower.fill == "tonexty"


def test_the_stage_and_touchpoint_bars_are_csat_and_ces_with_low_samples_hatched(scores):
    figure = valid(charts.scores_by_figure(scores.touchpoints))
    by_name = {trace.name: trace for trace in figure.data}
    # NPS was asked at touchpoints too in this data set, so it has bars of its own.
    assert set(by_name) == {"NPS", "CSAT (% satisfied)", "CES (% easy)"}
    csat = by_name["CSAT (% satisfied)"]
    assert list(csat.x) == [row.figures["csat"].value for row in scores.touchpoints]
    assert list(by_name["CES (% easy)"].x) == [row.figures["ces"].secondary for row in scores.touchpoints]
    assert list(csat.y) == ["Website", "Call &lt;b&gt;us&lt;/b&gt;", "Contract", "Form"]
    assert list(csat.marker.pattern.shape) == [
        "/" if row.figures["csat"].low_sample else "" for row in scores.touchpoints
    ]
    assert "/" in csat.marker.pattern.shape  # 5 responses: fewer than 30


def test_the_stage_bars_leave_out_nps_when_no_stage_has_nps(scores):
    rows = [row for row in scores.stages if not row.figures["nps"].n]
    figure = valid(charts.scores_by_figure(rows))
    assert [trace.name for trace in figure.data] == ["CSAT (% satisfied)", "CES (% easy)"]


def test_the_channels_figure_compares_the_channels_on_each_metric(scores):
    figure = valid(charts.channels_figure(scores.channels))
    nps = next(trace for trace in figure.data if trace.name == "NPS")
    assert list(nps.x) == [row.label for row in scores.channels]
    assert list(nps.y) == [row.figures["nps"].value for row in scores.channels]


def test_the_heatmap_colours_each_journeys_stages_by_the_chosen_metric(scores):
    heatmap = scores.heatmaps["csat"]
    figure = valid(charts.heatmap_figure(heatmap, "csat"))
    trace = figure.data[0]
    assert list(trace.y) == [name for _pk, name in heatmap.journeys]
    expected = [
        [None if cell is None or cell.figure is None else cell.figure.value for cell in heatmap.cells[pk]]
        for pk, _name in heatmap.journeys
    ]
    assert [list(row) for row in trace.z] == expected
    assert (trace.zmin, trace.zmax) == (0, 100)
    assert "Orientation<br>40*" in trace.text[0][0]  # the stage, its figure and the low-sample mark
    ces = valid(charts.heatmap_figure(scores.heatmaps["ces"], "ces")).data[0]
    assert ces.z[0][0] == scores.heatmaps["ces"].cells[heatmap.journeys[0][0]][0].figure.secondary


def test_the_actions_figure_counts_the_actions_per_status():
    by_status = [{"status": "idea", "label": "Idea", "count": 3}, {"status": "done", "label": "Done", "count": 0}]
    bar = valid(charts.actions_status_figure(by_status)).data[0]
    assert list(bar.x) == ["Idea", "Done"]
    assert list(bar.y) == [3, 0]


def test_the_roi_figure_sets_expected_against_realised_roi_per_case():
    cases = [
        {"title": "Call back <fast>", "expected_roi": Decimal("150.0"), "realised_roi": Decimal("80.5")},
        {"title": "New letter", "expected_roi": Decimal("20.0"), "realised_roi": None},
    ]
    expected, realised = valid(charts.roi_figure(cases)).data
    assert list(expected.y) == ["Call back &lt;fast&gt;", "New letter"]
    assert list(expected.x) == [150.0, 20.0]
    assert list(realised.x) == [80.5, None]


def test_the_figures_speak_dutch_when_the_page_does(scores):
    with translation.override("nl"):
        figure = charts.nps_trend_figure(scores.trend)
        heatmap = charts.heatmap_figure(scores.heatmaps["csat"], "csat")
    assert figure["data"][1]["name"] == "95%-band"
    assert heatmap["data"][0]["x"][0] == "Fase 1"


def test_the_touchpoint_chart_shows_the_weakest_touchpoints_first(scores):
    weakest = charts.weakest_rows(scores.touchpoints, limit=2)
    # Call: CSAT 40% (and CES 40% easy); Form: CES 50% easy; Website and Contract have neither.
    assert [row.label for row in weakest] == ["Call <b>us</b>", "Form"]
    bars = valid(charts.scores_by_figure(weakest)).data
    assert list(bars[-1].y) == ["Call &lt;b&gt;us&lt;/b&gt;", "Form"]
