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
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from journeys.models import Channel, Journey, Stage, Touchpoint, channel_label
from metrics import formulas
from metrics.forms.periods import ReportPeriod
from metrics.models import KpiSnapshot, Metric, Period
from metrics.periods import cover, month_start
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


@dataclass(frozen=True)
class MetricFigure:
    """One metric of one row: the figure (NPS score, CSAT %, CES mean), its 95% margin, n, and the mean
    beside a CSAT % (and the % easy beside a CES mean)."""

    metric: str
    n: int
    value: float | None
    margin: float | None
    secondary: float | None = None  # CSAT: mean 1-5; CES: % scoring 5-7
    target: float | None = None
    target_status: str | None = None

    @property
    def low_sample(self) -> bool:
        return self.n > 0 and formulas.is_low_sample(self.n)


def metric_figure(metric: str, counts: formulas.Counts, target: Decimal | None = None) -> MetricFigure:
    """The figure of `metric` from its counts, with the verdict against `target` (None: no target)."""
    figure = formulas.headline(metric, counts)
    target_value = None if target is None else float(target)
    return MetricFigure(
        metric,
        counts.n,
        figure.value,
        figure.margin,
        figure.secondary,
        target_value,
        formulas.target_status(figure.value, target_value, figure.margin),
    )


@dataclass
class Row:
    """A row of a breakdown (a stage, a touchpoint, a channel, a month...): a figure per metric."""

    key: Any
    label: str
    figures: dict[str, MetricFigure]
    context: str = ""  # e.g. the journey of a stage or touchpoint

    @property
    def low_sample(self) -> bool:
        return any(figure.low_sample for figure in self.figures.values())

    @property
    def n(self) -> int:
        return sum(figure.n for figure in self.figures.values())


@dataclass
class Tile:
    """A headline tile: the figure now, the one of the previous period of equal length and the change."""

    current: MetricFigure
    previous: MetricFigure

    @property
    def change(self) -> float | None:
        if self.current.value is None or self.previous.value is None:
            return None
        digits = 2 if self.current.metric == Metric.CES else 1
        return round(self.current.value - self.previous.value, digits)


@dataclass
class HeatmapCell:
    stage_id: int
    stage: str
    figure: MetricFigure | None


@dataclass
class Heatmap:
    """Journeys (rows) x stage positions (columns): each journey's own stage in each column."""

    journeys: list[tuple[int, str]]
    columns: int
    cells: dict[int, list[HeatmapCell | None]]


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
    cells = scope.cells()
    ranges = cover(period.date_from, period.date_to)
    rows = list(
        cells.filter(cover_q(ranges))
        .values("journey_id", "touchpoint_id", "channel_id", "metric")
        .annotate(**SUMS, computed_at=Max("computed_at"))
        .order_by()
    )
    previous_from, previous_to = period.previous
    previous = {
        row["metric"]: _counts(row)
        for row in cells.filter(cover_q(cover(previous_from, previous_to))).values("metric").annotate(**SUMS).order_by()
    }
    first_month = trend_start(period)
    month_ranges = cover(first_month, period.date_to, COVERING_PERIODS[Period.MONTH])
    trend_counts: dict[datetime.date, dict[str, formulas.Counts]] = defaultdict(dict)
    for month_row in (
        cells.filter(cover_q(month_ranges))
        .annotate(month=TruncMonth("period_start"))
        .values("month", "metric")
        .annotate(**SUMS)
        .order_by()
    ):
        month = month_row["month"].date() if isinstance(month_row["month"], datetime.datetime) else month_row["month"]
        trend_counts[month][month_row["metric"]] = _counts(month_row)

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
    targets = target_index()
    stale = scope_is_stale(scope, period)

    total: dict[str, formulas.Counts] = {}
    by_journey: dict[int, dict[str, formulas.Counts]] = defaultdict(dict)
    by_stage: dict[int, dict[str, formulas.Counts]] = defaultdict(dict)
    by_touchpoint: dict[int, dict[str, formulas.Counts]] = defaultdict(dict)
    by_channel: dict[int, dict[str, formulas.Counts]] = defaultdict(dict)
    computed_at = None
    for row in rows:
        counts, metric = _counts(row), row["metric"]
        _add(total, metric, counts)
        _add(by_journey[row["journey_id"]], metric, counts)
        _add(by_channel[row["channel_id"]], metric, counts)
        if row["touchpoint_id"] in touchpoints:
            _add(by_touchpoint[row["touchpoint_id"]], metric, counts)
            _add(by_stage[touchpoints[row["touchpoint_id"]][0]], metric, counts)
        computed_at = max(filter(None, (computed_at, row["computed_at"])), default=None)

    # An archived journey keeps its row (and heatmap row) while it has responses in the period, so the rows add
    # up to the totals; without any, it is left out like from every other list.
    journeys = [
        (pk, archived_name(name, archived))
        for pk, name, archived in all_journeys
        if archived is None or pk in by_journey
    ]

    def figures(counts: dict[str, formulas.Counts], **where: int | None) -> dict[str, MetricFigure]:
        return {m: metric_figure(m, counts.get(m, formulas.Counts()), targets.get(m, **where)) for m in METRICS}

    journey_names = dict(journeys)
    scope_journey = scope.journey_id
    tiles = {
        m: Tile(
            current=metric_figure(m, total.get(m, formulas.Counts()), targets.get(m, journey_id=scope_journey)),
            previous=metric_figure(m, previous.get(m, formulas.Counts())),
        )
        for m in METRICS
    }
    stage_names = {pk: (journey_id, name) for pk, journey_id, name in stages}
    stage_rows = [
        Row(pk, name, figures(by_stage[pk], journey_id=journey_id), journey_names.get(journey_id, ""))
        for pk, journey_id, name in stages
        if pk in by_stage
    ]
    touchpoint_rows = [
        Row(
            pk,
            name,
            figures(by_touchpoint[pk], journey_id=stage_names[stage_id][0], touchpoint_id=pk),
            journey_names.get(stage_names[stage_id][0], ""),
        )
        for pk, (stage_id, name) in touchpoints.items()
        if pk in by_touchpoint
    ]
    channel_rows = [Row(pk, name, figures(by_channel[pk])) for pk, name in channels if pk in by_channel]
    if 0 in by_channel:
        channel_rows.append(Row(None, _("No channel named"), figures(by_channel[0])))
    return DashboardScores(
        period=period,
        previous=(previous_from, previous_to),
        trend_from=first_month,
        tiles=tiles,
        trend=[
            Row(month.isoformat(), month.strftime("%Y-%m"), figures(trend_counts[month], journey_id=scope_journey))
            for month in sorted(trend_counts)
        ],
        journeys=[Row(pk, name, figures(by_journey[pk], journey_id=pk)) for pk, name in journeys if pk in by_journey],
        stages=stage_rows,
        touchpoints=touchpoint_rows,
        channels=channel_rows,
        heatmaps={m: _heatmap(m, journeys, stages, stage_rows) for m in METRICS},
        computed_at=computed_at,
        stale=stale,
        targets=targets,
    )


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
