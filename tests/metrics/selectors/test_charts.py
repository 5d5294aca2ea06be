"""Every chart-building function of the metrics/charts package: a valid Plotly figure whose data are the selector's
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
from tests.journeys.factories import (
    ChannelFactory,
    JourneyFactory,
    JourneyGroupFactory,
    StageFactory,
    TouchpointFactory,
)
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.recompute_data import add_responses, at, build_org

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


def shown(axis, keys) -> list[str]:
    """What the axis shows at each category: its tick text (the categories themselves are ids)."""
    names = dict(zip(axis.tickvals, axis.ticktext, strict=True))
    return [names[key] for key in keys]


# Each stage's CSAT and CES answers: its CSAT % satisfied and CES % easy differ from every other stage's.
SAME_NAMES = [
    # (journey, stage, touchpoint, CSAT scores, CES scores)
    ("Open an account", "Decision", "Website", [5, 5, 1, 1], [7, 1]),
    ("Report a claim", "Notice", "Claim form", [5, 1, 1, 1], [7, 7]),
    ("Report a claim", "Decision", "Letter", [5, 5, 5, 1], [1, 1]),
    ("Report a claim", "Decision", "Claim form", [5, 5, 5, 5], [7, 7, 7, 1]),
    ("Report a claim", "Payment", "Transfer", [1, 1, 1, 1], [7, 1, 1, 1]),
]


def build_same_names() -> dict[str, list]:
    """Three journeys, two named "Report a claim"; "Decision" is a stage of all three (first in one, second in
    the others) and "Claim form" a touchpoint of both claim journeys. Responses in April 2024 (SPRING)."""
    group = JourneyGroupFactory(name="Being a customer")
    account = JourneyFactory(name="Open an account", group=group)
    claims = [JourneyFactory(name="Report a claim", group=group) for _copy in range(2)]
    web = ChannelFactory(slug="web")
    journeys = {0: account, 1: claims[0], 2: claims[0], 3: claims[1], 4: claims[1]}
    stages, touchpoints = [], []
    for index, (_journey, stage_name, touchpoint_name, csat, ces) in enumerate(SAME_NAMES):
        stage = StageFactory(journey=journeys[index], name=stage_name)
        touchpoint = TouchpointFactory(stage=stage, name=touchpoint_name, channel=web)
        stages.append(stage)
        touchpoints.append(touchpoint)
        for metric, answers in (("csat", csat), ("ces", ces)):
            for score in answers:
                SurveyResponseFactory(touchpoint=touchpoint, channel=web, metric=metric, score=score,
                                      responded_at=at(date(2024, 4, 15)))  # fmt: skip
    snapshots_rebuild_all()
    return {"journeys": [account, *claims], "stages": stages, "touchpoints": touchpoints}


@pytest.fixture
def same_names():
    return build_same_names()


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
    assert list(csat.y) == [str(row.key) for row in scores.touchpoints]
    assert [tick.split("<br>")[0] for tick in shown(figure.layout.yaxis, csat.y)] == [
        "Website",
        "Call &lt;b&gt;us&lt;/b&gt;",
        "Contract",
        "Form",
    ]
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
    assert list(nps.x) == [str(row.key) if row.key else "-" for row in scores.channels]
    assert shown(figure.layout.xaxis, nps.x) == ["Web", "Phone", "No channel named"]
    assert list(nps.y) == [row.figures["nps"].value for row in scores.channels]


def test_the_heatmap_colours_each_journeys_stages_by_the_chosen_metric(scores):
    heatmap = scores.heatmaps["csat"]
    figure = valid(charts.heatmap_figure(heatmap, "csat"))
    trace = figure.data[0]
    assert list(trace.y) == [str(pk) for pk, _name in heatmap.journeys]
    assert shown(figure.layout.yaxis, trace.y) == [name for _pk, name in heatmap.journeys]
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
    assert list(bar.x) == ["idea", "done"]
    assert shown(valid(charts.actions_status_figure(by_status)).layout.xaxis, bar.x) == ["Idea", "Done"]
    assert list(bar.y) == [3, 0]


def test_the_roi_figure_sets_expected_against_realised_roi_per_case():
    cases = [
        {
            "action_id": 4,
            "title": "Call back <fast>",
            "expected_roi": Decimal("150.0"),
            "realised_roi": Decimal("80.5"),
        },
        {"action_id": 7, "title": "New letter", "expected_roi": Decimal("20.0"), "realised_roi": None},
        {"action_id": 9, "title": "New letter", "expected_roi": Decimal("35.0"), "realised_roi": Decimal("5")},
    ]
    figure = valid(charts.roi_figure(cases))
    expected, realised = figure.data
    # Two cases of one title are two pairs of bars, each with its own figures.
    assert list(expected.y) == ["4", "7", "9"]
    assert shown(figure.layout.yaxis, expected.y) == ["Call back &lt;fast&gt;", "New letter", "New letter"]
    assert list(expected.x) == [150.0, 20.0, 35.0]
    assert list(realised.x) == [80.5, None, 5.0]


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
    figure = valid(charts.scores_by_figure(weakest))
    assert list(figure.data[-1].y) == [str(row.key) for row in weakest]
    assert shown(figure.layout.yaxis, figure.data[-1].y) == [
        'Call &lt;b&gt;us&lt;/b&gt;<br><span style="font-size:10px">Open an account</span>',
        'Form<br><span style="font-size:10px">Make a complaint</span>',
    ]


def test_stages_of_one_name_in_different_journeys_are_bars_of_their_own(same_names):
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    assert [row.label for row in scores.stages] == ["Decision", "Notice", "Decision", "Decision", "Payment"]
    figure = valid(charts.scores_by_figure(scores.stages))
    csat, ces = figure.data
    # One category per stage id, not per name: three "Decision" bars, each with its own stage's figures.
    assert list(csat.y) == list(ces.y) == [str(stage.pk) for stage in same_names["stages"]]
    assert dict(zip(csat.y, csat.x, strict=True)) == {str(row.key): row.figures["csat"].value for row in scores.stages}
    assert dict(zip(ces.y, ces.x, strict=True)) == {str(row.key): row.figures["ces"].secondary for row in scores.stages}
    assert sorted(set(csat.x)) == [0.0, 25.0, 50.0, 75.0, 100.0]
    # Each bar says which journey its stage belongs to, on the axis and in the hover.
    ticks = shown(figure.layout.yaxis, csat.y)
    assert ticks[0] == 'Decision<br><span style="font-size:10px">Open an account</span>'
    assert ticks[2] == 'Decision<br><span style="font-size:10px">Report a claim</span>'
    assert [data[2] for data in csat.customdata] == [
        "Decision · Open an account",
        "Notice · Report a claim",
        "Decision · Report a claim",
        "Decision · Report a claim",
        "Payment · Report a claim",
    ]


def test_touchpoints_of_one_name_are_bars_of_their_own(same_names):
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    csat = valid(charts.scores_by_figure(scores.touchpoints)).data[0]
    assert len(set(csat.y)) == len(scores.touchpoints) == 5
    assert dict(zip(csat.y, csat.x, strict=True)) == {
        str(row.key): row.figures["csat"].value for row in scores.touchpoints
    }


@pytest.mark.parametrize("metric", ["csat", "ces"])
def test_the_heatmap_has_a_row_per_journey_with_its_own_stages_when_names_repeat(same_names, metric):
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    account, claim, other_claim = same_names["journeys"]
    figure = valid(charts.heatmap_figure(scores.heatmaps[metric], metric))
    trace = figure.data[0]
    # Three rows, keyed by journey, two of them named "Report a claim".
    assert list(trace.y) == [str(account.pk), str(claim.pk), str(other_claim.pk)]
    assert shown(figure.layout.yaxis, trace.y) == ["Open an account", "Report a claim", "Report a claim"]
    # Each cell is its own journey's stage, at its place, with that stage's figure.
    by_stage = {row.key: row.figures[metric] for row in scores.stages}
    value = {"csat": lambda f: f.value, "ces": lambda f: f.secondary}[metric]
    cells = [[(data[2], data[0]) for data in row if data[2] != ""] for row in trace.customdata]
    decision, notice, decision_2, decision_3, payment = same_names["stages"]
    assert cells == [
        [(decision.pk, "Decision")],
        [(notice.pk, "Notice"), (decision_2.pk, "Decision")],
        [(decision_3.pk, "Decision"), (payment.pk, "Payment")],
    ]
    for row_cells, z_row, text_row in zip(cells, trace.z, trace.text, strict=True):
        for (stage_id, name), z, text in zip(row_cells, z_row, text_row, strict=False):
            assert z == value(by_stage[stage_id])
            assert text.startswith(f"{name}<br>{z:.0f}")
    assert [data[3] for data in trace.customdata[2]] == ["Report a claim", "Report a claim"]
