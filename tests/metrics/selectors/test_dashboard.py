"""The scores of the management dashboard (metrics.selectors.dashboard): every breakdown equals what the
kpi_summary selector (tested against hand-worked figures in test_summary.py) gives for the same scope."""

from datetime import date
from decimal import Decimal

import pytest

from journeys.services import journey_archive
from metrics.forms.periods import CUSTOM, ReportPeriod
from metrics.models import MetricTarget, PendingRecompute
from metrics.selectors.dashboard import Scope, dashboard_scores, trend_start
from metrics.selectors.kpis import kpi_summary

pytestmark = pytest.mark.django_db

SPRING = ReportPeriod(CUSTOM, date(2024, 4, 1), date(2024, 5, 31))  # 61 days; the previous: 31 Jan - 31 Mar


def summary_figures(row: dict) -> dict:
    return {"nps": row["nps"]["score"], "csat": row["csat"]["score"], "ces": row["ces"]["mean"]}


def figures(row) -> dict:
    return {metric: figure.value for metric, figure in row.figures.items()}


def test_the_tiles_hold_the_scope_and_period_totals_and_the_previous_period_of_equal_length(org):
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    now = kpi_summary(date_from=SPRING.date_from, date_to=SPRING.date_to)["results"][0]
    before = kpi_summary(date_from=date(2024, 1, 31), date_to=date(2024, 3, 31))["results"][0]
    assert scores.previous == (date(2024, 1, 31), date(2024, 3, 31))
    for metric, key in (("nps", "score"), ("csat", "score"), ("ces", "mean")):
        tile = scores.tiles[metric]
        assert tile.current.value == now[metric][key]
        assert tile.current.n == now[metric]["n"]
        assert tile.previous.value == before[metric][key]
    # The NPS of 31 March (10, 9, 7, 3, 0: +0.0) against the spring's: the change is their difference.
    nps = scores.tiles["nps"]
    assert nps.previous.n == 5
    assert nps.change == round(nps.current.value - nps.previous.value, 1)
    assert nps.current.margin == now["nps"]["margin_of_error"]


def test_the_breakdowns_equal_the_summary_per_stage_touchpoint_channel_and_journey(org):
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    for group_by, rows in (
        ("stage", scores.stages),
        ("touchpoint", scores.touchpoints),
        ("channel", scores.channels),
        ("journey", scores.journeys),
    ):
        expected = kpi_summary(date_from=SPRING.date_from, date_to=SPRING.date_to, group_by=group_by)["results"]
        expected = [r for r in expected if r["key"] is not None or group_by == "channel"]
        assert [row.label for row in rows] == [r["label"] for r in expected], group_by
        assert [figures(row) for row in rows] == [summary_figures(r) for r in expected], group_by
        assert [row.low_sample for row in rows] == [r["low_sample"] for r in expected], group_by
    assert [row.context for row in scores.touchpoints] == ["Open an account"] * 3 + ["Make a complaint"]


def test_the_trend_has_a_row_per_month_from_twelve_months_before_the_end(org):
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    assert scores.trend_from == date(2023, 6, 1)
    expected = kpi_summary(date_from=date(2023, 6, 1), date_to=SPRING.date_to, group_by="month")["results"]
    assert (
        [row.key for row in scores.trend] == [r["key"] for r in expected] == ["2024-03-01", "2024-04-01", "2024-05-01"]
    )
    assert [figures(row) for row in scores.trend] == [summary_figures(r) for r in expected]


def test_a_period_longer_than_twelve_months_keeps_all_its_months_in_the_trend():
    period = ReportPeriod(CUSTOM, date(2022, 3, 15), date(2024, 5, 31))
    assert trend_start(period) == date(2022, 3, 1)


@pytest.mark.parametrize(
    "scope_of, summary_filter",
    [
        (lambda org: Scope(group_id=org.becoming.pk), lambda org: {"group": org.becoming}),
        (lambda org: Scope(journey_id=org.complaint.pk), lambda org: {"journey": org.complaint}),
        (lambda org: Scope(channel_id=org.phone.pk), lambda org: {"channel": org.phone}),
    ],
    ids=["group", "journey", "channel"],
)
def test_each_filter_narrows_every_figure_to_its_scope(org, scope_of, summary_filter):
    scores = dashboard_scores(scope=scope_of(org), period=SPRING)
    everything = dashboard_scores(scope=Scope(), period=SPRING)
    expected = kpi_summary(**summary_filter(org), date_from=SPRING.date_from, date_to=SPRING.date_to)["results"][0]
    assert {m: t.current.value for m, t in scores.tiles.items()} == summary_figures(expected)
    assert {m: t.current.n for m, t in scores.tiles.items()} != {m: t.current.n for m, t in everything.tiles.items()}
    by_stage = kpi_summary(**summary_filter(org), date_from=SPRING.date_from, date_to=SPRING.date_to, group_by="stage")[
        "results"
    ]
    assert [figures(row) for row in scores.stages] == [summary_figures(r) for r in by_stage if r["key"]]


def test_the_heatmap_puts_each_journeys_stages_in_order_with_the_chosen_metric(org):
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    heatmap = scores.heatmaps["csat"]
    assert [name for _pk, name in heatmap.journeys] == ["Open an account", "Make a complaint"]
    assert heatmap.columns == 2
    first, second = heatmap.cells[org.open_account.pk]
    assert (first.stage, second.stage) == ("Orientation", "Signing")
    # Orientation: the call's CSAT 5, 4, 3, 2, 1 -> 40% satisfied; Signing has no CSAT.
    assert first.figure.value == 40.0 and first.figure.n == 5
    assert second.figure is None
    assert heatmap.cells[org.complaint.pk][1] is None  # one stage only: the second column is empty


def test_targets_give_each_figure_its_verdict_the_most_specific_target_winning(org):
    MetricTarget.objects.create(metric="csat", value=Decimal("30"))
    MetricTarget.objects.create(metric="csat", touchpoint=org.call, journey=org.open_account, value=Decimal("60"))
    MetricTarget.objects.create(metric="nps", journey=org.complaint, value=Decimal("100"))
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    call = next(row for row in scores.touchpoints if row.key == org.call.pk)
    assert call.figures["csat"].target == 60.0
    # 40% against 60%: short by 20 points, more than its margin (n = 5: +/- 42.9) would allow? No: within it.
    assert call.figures["csat"].target_status == "near"
    assert scores.tiles["csat"].current.target == 30.0
    assert scores.tiles["csat"].current.target_status == "met"
    assert scores.tiles["nps"].current.target is None  # the complaint journey's target is not the organisation's
    complaint = dashboard_scores(scope=Scope(journey_id=org.complaint.pk), period=SPRING)
    assert complaint.tiles["nps"].current.target == 100.0
    assert complaint.tiles["nps"].current.target_status == "missed"


def test_an_empty_period_has_no_data_and_no_rows(org):
    scores = dashboard_scores(scope=Scope(), period=ReportPeriod(CUSTOM, date(2020, 1, 1), date(2020, 1, 31)))
    assert not scores.has_data
    assert scores.stages == scores.touchpoints == scores.channels == []
    assert scores.computed_at is None
    assert all(tile.change is None for tile in scores.tiles.values())


def test_it_says_when_the_figures_were_computed_and_when_a_recompute_is_pending(org):
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    assert scores.computed_at is not None and not scores.stale
    PendingRecompute.objects.create(journey=org.complaint, day_from=date(2024, 5, 1), day_to=date(2024, 5, 1))
    assert dashboard_scores(scope=Scope(), period=SPRING).stale
    assert not dashboard_scores(scope=Scope(journey_id=org.open_account.pk), period=SPRING).stale


def test_an_archived_journey_keeps_its_rows_named_as_archived_so_the_rows_add_up_to_the_totals(org):
    journey_archive(journey=org.complaint, expected_version=org.complaint.version)
    scores = dashboard_scores(scope=Scope(), period=SPRING)
    labels = {row.key: row.label for row in scores.journeys}
    assert labels[org.complaint.pk] == "Make a complaint (archived)"
    for metric in ("nps", "csat", "ces"):
        assert sum(row.figures[metric].n for row in scores.journeys) == scores.tiles[metric].current.n, metric
    heatmap = scores.heatmaps["csat"]
    assert (org.complaint.pk, "Make a complaint (archived)") in heatmap.journeys
    complaint_stages = [row for row in scores.stages if row.context == "Make a complaint (archived)"]
    assert complaint_stages and all(row.label.endswith("(archived)") for row in complaint_stages)
