"""The scores of the management dashboard, read from the KPI snapshots only, in a fixed number of queries.

The period's cells are read once, summed per (journey, touchpoint, channel, metric) in the database, and every
breakdown on the page (totals, stages, touchpoints, channels, the journeys x stages heatmap) is summed from
those rows in Python: their number depends on the size of the organisation's map, never on the number of
responses. The previous period (for the change on the tiles) and the monthly trend are one query each.

Queries: the period's cells, the previous period's totals, the monthly trend, the journeys, stages,
touchpoints and channels of the scope (labels), the targets, the pending-recompute check.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from journeys.models import Channel, Journey, Stage, Touchpoint, channel_label
from metrics import formulas
from metrics.models import KpiSnapshot, Metric, Period
from metrics.periods import ReportPeriod, cover, month_start
from metrics.selectors.figures import Heatmap, HeatmapCell, MetricFigure, Row, Tile, metric_figure
from metrics.selectors.kpis import COVERING_PERIODS, cover_q, is_stale, scoped_cells
from metrics.selectors.targets import TargetIndex, target_index

METRICS: tuple[str, ...] = (Metric.NPS, Metric.CSAT, Metric.CES)
TREND_MONTHS = 12
SUMS = {"n": Sum("n"), "low": Sum("low"), "high": Sum("high"), "total": Sum("total"), "total_sq": Sum("total_sq")}


@dataclass(frozen=True)
class Scope:
    """Which part of the organisation: a journey group, a journey, a channel (None: all)."""

    group_id: int | None = None
    journey_id: int | None = None
    channel_id: int | None = None

    def cells(self) -> QuerySet[KpiSnapshot]:
        return scoped_cells(
            journey=self.journey_id, stage=None, touchpoint=None, channel=self.channel_id, group=self.group_id
        )

    def journeys(self) -> QuerySet[Journey]:
        # Archived journeys too: their responses keep counting in the totals, so their rows stay beside the rest.
        journeys = Journey.all_objects.all()
        if self.journey_id is not None:
            journeys = journeys.filter(pk=self.journey_id)
        if self.group_id is not None:
            journeys = journeys.filter(group_id=self.group_id)
        return journeys


@dataclass
class DashboardScores:
    period: ReportPeriod
    previous: tuple[datetime.date, datetime.date]
    trend_from: datetime.date
    tiles: dict[str, Tile]
    trend: list[Row]
    journeys: list[Row]
    stages: list[Row]
    touchpoints: list[Row]
    channels: list[Row]
    heatmaps: dict[str, Heatmap]
    computed_at: datetime.datetime | None
    stale: bool
    targets: TargetIndex = field(repr=False, default_factory=TargetIndex)

    @property
    def has_data(self) -> bool:
        return any(tile.current.n for tile in self.tiles.values())


# Touchpoint fields the dashboard never shows nor filters by: editing them (what editors do all day on the map)
# leaves the dashboard as it is. Every other field is part of touchpoints_state().
TOUCHPOINT_FIELDS_NOT_SHOWN = frozenset(
    {"description", "customer_expectation", "emotion", "is_moment_of_truth", "copied_from", "version"}
)


def touchpoints_state() -> str:
    """A digest of what the dashboard shows of the touchpoints (names, stages, order, channels, owners...), for
    its cache key: the cache is keyed on this rather than on every write to the touchpoints (one query)."""
    fields = [
        field.attname
        for field in Touchpoint._meta.concrete_fields
        if field.name not in TOUCHPOINT_FIELDS_NOT_SHOWN and field.attname not in TOUCHPOINT_FIELDS_NOT_SHOWN
    ]
    rows = list(Touchpoint.all_objects.order_by("pk").values_list(*fields))
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def trend_start(period: ReportPeriod) -> datetime.date:
    """The monthly trend covers the period, and at least the twelve months up to its end."""
    first = month_start(period.date_to)
    for _month in range(TREND_MONTHS - 1):
        first = month_start(first - datetime.timedelta(days=1))
    return min(first, month_start(period.date_from))


def scope_is_stale(scope: Scope, period: ReportPeriod) -> bool:
    """Whether a recompute is pending for a journey of the scope on days of the period (one query)."""
    ids = {"journey": scope.journey_id, "group": scope.group_id, "stage": None, "touchpoint": None}
    return is_stale(ids, period.date_from, period.date_to)


def dashboard_scores(*, scope: Scope, period: ReportPeriod) -> DashboardScores:
    """The scores of `scope` over `period`, read from the KPI snapshots only, in a fixed number of queries
    whatever the number of responses (the module docstring lists them); reading the result runs no query.

    - `tiles`: per metric, its figure in the period (against the target of the scope's journey, else the
      organisation's) and in the previous period of the same length (`previous`, no target);
    - `trend`: one Row per month with responses, from `trend_start(period)` to the end of the period;
    - `journeys`, `stages`, `touchpoints`, `channels`: one Row each, in map order, for those with responses in
      the period only; archived ones are named as such; responses without a channel are a last channel row
      with key None. Journeys and channels add up to the tiles; stages and touchpoints count the responses
      about a touchpoint only. A stage's or touchpoint's Row carries its journey's name as context;
    - `heatmaps`: per metric, the journeys x stages grid (a cell without responses has no figure);
    - `computed_at`: the newest snapshot read (None without any); `stale`: a recompute is pending for the
      scope on days of the period, so the figures are about to change.
    """
    cells = scope.cells()
    rows = list(
        cells.filter(cover_q(cover(period.date_from, period.date_to)))
        .values("journey_id", "touchpoint_id", "channel_id", "metric")
        .annotate(**SUMS, computed_at=Max("computed_at"))
        .order_by()
    )
    previous = _previous_totals(cells, period)
    first_month = trend_start(period)
    trend_counts = _monthly_counts(cells, first_month, period.date_to)
    labels = _scope_labels(scope)
    targets = target_index()
    stale = scope_is_stale(scope, period)
    sums = _sum_rows(rows, labels.touchpoints)
    # An archived journey keeps its row (and heatmap row) while it has responses in the period, so the rows add
    # up to the totals; without any, it is left out like from every other list.
    journeys = [
        (pk, archived_name(name, archived))
        for pk, name, archived in labels.journeys
        if archived is None or pk in sums.by_journey
    ]
    scope_journey = scope.journey_id
    stage_rows = _stage_rows(labels, sums, targets, dict(journeys))
    return DashboardScores(
        period=period,
        previous=period.previous,
        trend_from=first_month,
        tiles=_tiles(sums.total, previous, targets, scope_journey),
        trend=_trend_rows(trend_counts, targets, scope_journey),
        journeys=[
            Row(pk, name, _figures(sums.by_journey[pk], targets, journey_id=pk))
            for pk, name in journeys
            if pk in sums.by_journey
        ],
        stages=stage_rows,
        touchpoints=_touchpoint_rows(labels, sums, targets, dict(journeys)),
        channels=_channel_rows(labels, sums, targets),
        heatmaps={m: _heatmap(m, journeys, labels.stages, stage_rows) for m in METRICS},
        computed_at=sums.computed_at,
        stale=stale,
        targets=targets,
    )


def _tiles(
    total: dict[str, formulas.Counts],
    previous: dict[str, formulas.Counts],
    targets: TargetIndex,
    journey_id: int | None,
) -> dict[str, Tile]:
    return {
        m: Tile(
            current=metric_figure(m, total.get(m, formulas.Counts()), targets.get(m, journey_id=journey_id)),
            previous=metric_figure(m, previous.get(m, formulas.Counts())),
        )
        for m in METRICS
    }


def _trend_rows(
    trend_counts: dict[datetime.date, dict[str, formulas.Counts]], targets: TargetIndex, journey_id: int | None
) -> list[Row]:
    return [
        Row(month.isoformat(), month.strftime("%Y-%m"), _figures(trend_counts[month], targets, journey_id=journey_id))
        for month in sorted(trend_counts)
    ]


def _previous_totals(cells: QuerySet[KpiSnapshot], period: ReportPeriod) -> dict[str, formulas.Counts]:
    """Each metric's counts in the previous period (one query)."""
    previous_from, previous_to = period.previous
    return {
        row["metric"]: _counts(row)
        for row in cells.filter(cover_q(cover(previous_from, previous_to))).values("metric").annotate(**SUMS).order_by()
    }


def _monthly_counts(
    cells: QuerySet[KpiSnapshot], first_month: datetime.date, last_day: datetime.date
) -> dict[datetime.date, dict[str, formulas.Counts]]:
    """Each metric's counts per month from `first_month` to `last_day`, from the month snapshots (one query)."""
    month_ranges = cover(first_month, last_day, COVERING_PERIODS[Period.MONTH])
    trend_counts: dict[datetime.date, dict[str, formulas.Counts]] = defaultdict(dict)
    for row in (
        cells.filter(cover_q(month_ranges))
        .annotate(month=TruncMonth("period_start"))
        .values("month", "metric")
        .annotate(**SUMS)
        .order_by()
    ):
        month = row["month"].date() if isinstance(row["month"], datetime.datetime) else row["month"]
        trend_counts[month][row["metric"]] = _counts(row)
    return trend_counts


@dataclass
class _ScopeLabels:
    """The names and map order of the scope's journeys, stages, touchpoints, and of every channel."""

    journeys: list[tuple[int, str, datetime.datetime | None]]  # (id, name, archived_at)
    stages: list[tuple[int, int, str]]  # (id, journey id, name)
    touchpoints: dict[int, tuple[int, str]]  # id: (stage id, name)
    channels: list[tuple[int, str]]  # (id, name)


def _scope_labels(scope: Scope) -> _ScopeLabels:
    """Four queries: the journeys, stages and touchpoints of the scope, and the channels."""
    all_journeys = list(
        scope.journeys().order_by("group__position", "name", "id").values_list("id", "name", "archived_at")
    )
    journey_ids = [pk for pk, _name, _archived in all_journeys]
    # Archived stages and touchpoints too: their responses keep counting, and the dashboards keep their figures
    # (named as archived).
    stages = [
        (pk, journey_id, archived_name(name, archived))
        for pk, journey_id, name, archived in Stage.all_objects.filter(journey_id__in=journey_ids)
        .order_by("journey_id", "position", "id")
        .values_list("id", "journey_id", "name", "archived_at")
    ]
    touchpoints = {
        pk: (stage_id, archived_name(name, archived))
        for pk, stage_id, name, archived in Touchpoint.all_objects.filter(journey_id__in=journey_ids)
        .order_by("journey_id", "stage__position", "position", "id")
        .values_list("id", "stage_id", "name", "archived_at")
    }
    channels = [
        (pk, channel_label(name, name_nl))
        for pk, name, name_nl in Channel.objects.order_by("position", "name", "id").values_list("id", "name", "name_nl")
    ]
    return _ScopeLabels(journeys=all_journeys, stages=stages, touchpoints=touchpoints, channels=channels)


@dataclass
class _Sums:
    """The period's counts per metric, in total and per journey, stage, touchpoint and channel."""

    total: dict[str, formulas.Counts] = field(default_factory=dict)
    by_journey: dict[int, dict[str, formulas.Counts]] = field(default_factory=lambda: defaultdict(dict))
    by_stage: dict[int, dict[str, formulas.Counts]] = field(default_factory=lambda: defaultdict(dict))
    by_touchpoint: dict[int, dict[str, formulas.Counts]] = field(default_factory=lambda: defaultdict(dict))
    by_channel: dict[int, dict[str, formulas.Counts]] = field(default_factory=lambda: defaultdict(dict))
    computed_at: datetime.datetime | None = None


def _sum_rows(rows: Sequence[Mapping[str, Any]], touchpoints: dict[int, tuple[int, str]]) -> _Sums:
    """The period's rows (per journey, touchpoint, channel and metric) summed into every breakdown, in Python:
    their number depends on the size of the map, never on the number of responses."""
    sums = _Sums()
    for row in rows:
        counts, metric = _counts(row), row["metric"]
        _add(sums.total, metric, counts)
        _add(sums.by_journey[row["journey_id"]], metric, counts)
        _add(sums.by_channel[row["channel_id"]], metric, counts)
        if row["touchpoint_id"] in touchpoints:
            _add(sums.by_touchpoint[row["touchpoint_id"]], metric, counts)
            _add(sums.by_stage[touchpoints[row["touchpoint_id"]][0]], metric, counts)
        sums.computed_at = max(filter(None, (sums.computed_at, row["computed_at"])), default=None)
    return sums


def _figures(counts: dict[str, formulas.Counts], targets: TargetIndex, **where: int | None) -> dict[str, MetricFigure]:
    """Every metric's figure from `counts`, each against its target `where` (journey, touchpoint)."""
    return {m: metric_figure(m, counts.get(m, formulas.Counts()), targets.get(m, **where)) for m in METRICS}


def _stage_rows(labels: _ScopeLabels, sums: _Sums, targets: TargetIndex, journey_names: dict[int, str]) -> list[Row]:
    return [
        Row(pk, name, _figures(sums.by_stage[pk], targets, journey_id=journey_id), journey_names.get(journey_id, ""))
        for pk, journey_id, name in labels.stages
        if pk in sums.by_stage
    ]


def _touchpoint_rows(
    labels: _ScopeLabels, sums: _Sums, targets: TargetIndex, journey_names: dict[int, str]
) -> list[Row]:
    stage_journeys = {pk: journey_id for pk, journey_id, _name in labels.stages}
    return [
        Row(
            pk,
            name,
            _figures(sums.by_touchpoint[pk], targets, journey_id=stage_journeys[stage_id], touchpoint_id=pk),
            journey_names.get(stage_journeys[stage_id], ""),
        )
        for pk, (stage_id, name) in labels.touchpoints.items()
        if pk in sums.by_touchpoint
    ]


def _channel_rows(labels: _ScopeLabels, sums: _Sums, targets: TargetIndex) -> list[Row]:
    """The channels in their order, and the responses without a channel (channel id 0) last, keyed None."""
    rows = [
        Row(pk, name, _figures(sums.by_channel[pk], targets)) for pk, name in labels.channels if pk in sums.by_channel
    ]
    if 0 in sums.by_channel:
        rows.append(Row(None, _("No channel named"), _figures(sums.by_channel[0], targets)))
    return rows


def archived_name(name: str, archived_at: datetime.datetime | None) -> str:
    return name if archived_at is None else _("%(name)s (archived)") % {"name": name}


def _counts(row: Mapping[str, Any]) -> formulas.Counts:
    return formulas.Counts(row["n"], row["low"], row["high"], row["total"], row["total_sq"])


def _add(into: dict[str, formulas.Counts], metric: str, counts: formulas.Counts) -> None:
    into[metric] = into.get(metric, formulas.Counts()) + counts


def _heatmap(
    metric: str, journeys: list[tuple[int, str]], stages: list[tuple[int, int, str]], stage_rows: list[Row]
) -> Heatmap:
    measured = {row.key: row.figures[metric] for row in stage_rows if row.figures[metric].n}
    cells: dict[int, list[HeatmapCell | None]] = {pk: [] for pk, _name in journeys}
    for stage_id, journey_id, name in stages:
        cells[journey_id].append(HeatmapCell(stage_id, name, measured.get(stage_id)))
    columns = max((len(row) for row in cells.values()), default=0)
    for row in cells.values():
        row.extend([None] * (columns - len(row)))
    return Heatmap(journeys=journeys, columns=columns, cells=cells)
