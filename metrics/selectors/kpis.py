"""NPS, CSAT and CES of any scope and period, read from the KPI snapshots only (never the responses).

A scope (organisation, journey group, journey, stage, touchpoint, channel) is a sum over snapshot cells, and a
date range is covered by whole-month cells where it can, whole-week cells at its edges and day cells for the
rest (metrics.periods.cover): a year of a large organisation sums a few thousand cells, in one query.
"""

from __future__ import annotations

import operator
from datetime import date, datetime
from functools import reduce
from typing import Any

from django.db.models import F, Max, Model, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext as _

from journeys.models import Channel, Journey, Stage, Touchpoint
from metrics import formulas
from metrics.models import KpiSnapshot, Metric, PendingRecompute, Period
from metrics.periods import CellRange, cover

PERIOD_GROUP_BYS = (Period.MONTH, Period.WEEK, Period.DAY)
ENTITY_GROUP_BYS = ("journey", "stage", "touchpoint", "channel")
GROUP_BYS: tuple[str, ...] = (*PERIOD_GROUP_BYS, *ENTITY_GROUP_BYS)
# Which cells may cover the range for each grouping: a week can straddle two months, so grouping by month
# uses month and day cells, grouping by week week and day cells; any other grouping uses all three.
COVERING_PERIODS: dict[str | None, tuple[str, ...]] = {
    Period.MONTH: (Period.MONTH, Period.DAY),
    Period.WEEK: (Period.WEEK, Period.DAY),
    Period.DAY: (Period.DAY,),
}
# The rows of an entity grouping come in the order the journeys pages show them.
ENTITY_ORDER: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "journey": (Journey, ("group__position", "name", "id")),
    "stage": (Stage, ("journey_id", "position", "id")),
    "touchpoint": (Touchpoint, ("journey_id", "stage__position", "position", "id")),
    "channel": (Channel, ("position", "name", "id")),
}

ModelOrId = Model | int | None


def kpi_summary(
    *,
    journey: ModelOrId = None,
    stage: ModelOrId = None,
    touchpoint: ModelOrId = None,
    channel: ModelOrId = None,
    group: ModelOrId = None,
    date_from: date | None = None,
    date_to: date | None = None,
    group_by: str | None = None,
) -> dict[str, Any]:
    """The KPI summary of the responses in the scope (every filter given applies; ids or instances) on the
    days [date_from, date_to] (either open), as one row per `group_by` key (GROUP_BYS), or one total row.

    Rows exist only for keys with responses; an entity grouping also has a row with key None for responses
    that name no touchpoint (stage, touchpoint) or no channel, so the rows add up to the total. A row is
    `low_sample` when any metric in it has responses, but fewer than KPI_MIN_SAMPLE. `computed_at` is when the
    newest figure read was computed (None without any); `stale` is true while a recompute is pending for a
    journey of the scope on days of the range.

    Queries: the cells (one), the labels of an entity grouping (one, when there are rows), the pending check.
    """
    ids = _ids(journey=journey, stage=stage, touchpoint=touchpoint, channel=channel, group=group)
    counts, computed_at = _aggregate(ids, date_from, date_to, group_by)
    if group_by is None:
        results = [_row(None, _("Total"), counts.get(None, {}))]
    else:
        results = [_row(_key_value(k), label, counts[k]) for k, label in _ordered_labels(group_by, counts)]
    return {
        "results": results,
        "computed_at": computed_at,
        "stale": is_stale(ids, date_from, date_to),
    }


def _pk(value: ModelOrId) -> int | None:
    return value.pk if isinstance(value, Model) else value


def scoped_cells(
    *, journey: int | None, stage: int | None, touchpoint: int | None, channel: int | None, group: int | None
) -> QuerySet[KpiSnapshot]:
    cells = KpiSnapshot.objects.all()
    if journey is not None:
        cells = cells.filter(journey_id=journey)
    if group is not None:
        cells = cells.filter(journey__group_id=group)
    if stage is not None:
        cells = cells.filter(touchpoint_id__in=Touchpoint.all_objects.filter(stage_id=stage).values("id"))
    if touchpoint is not None:
        cells = cells.filter(touchpoint_id=touchpoint)
    if channel is not None:
        cells = cells.filter(channel_id=channel)
    return cells


def cover_q(ranges: list[CellRange]) -> Q:
    if not ranges:  # days that no period covers (before periods.EARLIEST, say): no cell
        return Q(pk__in=[])
    return reduce(
        operator.or_, (Q(period=r.period, period_start__gte=r.first, period_start__lte=r.last) for r in ranges)
    )


def _key_expression(group_by: str | None) -> Combinable | None:
    if group_by is None:
        return None
    if group_by == Period.MONTH:
        return TruncMonth("period_start")  # day cells at the range's edges join their month
    if group_by == Period.WEEK:
        return TruncWeek("period_start")
    if group_by == Period.DAY:
        return F("period_start")
    if group_by == "stage":
        # touchpoint_id is a plain integer (0 = none), not a foreign key: the stage comes by subquery.
        return Subquery(Touchpoint.all_objects.filter(pk=OuterRef("touchpoint_id")).order_by().values("stage_id"))
    if group_by == "journey":
        return F("journey_id")
    return F(f"{group_by}_id")


def _key_value(key: Any) -> Any:
    if isinstance(key, datetime):
        key = key.date()
    if isinstance(key, date):
        return key.isoformat()
    return key or None  # touchpoint and channel 0 mean "none"


def _ordered_labels(group_by: str, counts: dict[Any, dict]) -> list[tuple[Any, str]]:
    """(key, label) of each row, in display order: periods by date; entities as the journeys pages order them,
    then the responses without one."""
    if group_by in PERIOD_GROUP_BYS:
        return [(k, _period_label(group_by, k)) for k in sorted(counts, key=_as_date)]
    model, ordering = ENTITY_ORDER[group_by]
    labelled = [
        (pk, name)
        # Archived journeys, stages and touchpoints keep their figures, under their names.
        for pk, name in model._base_manager.filter(pk__in=[k for k in counts if k])
        .order_by(*ordering)
        .values_list("pk", "name")
    ]
    # An entity deleted since the last recompute keeps its row until the next one, under its id.
    known = {pk for pk, _name in labelled}
    labelled += [(k, f"#{k}") for k in sorted(k for k in counts if k and k not in known)]
    if any(not k for k in counts):
        none_key = next(k for k in counts if not k)
        labelled.append((none_key, _NONE_LABELS[group_by]()))
    return labelled


_NONE_LABELS = {
    "journey": lambda: _("No journey"),
    "stage": lambda: _("No touchpoint named"),
    "touchpoint": lambda: _("No touchpoint named"),
    "channel": lambda: _("No channel named"),
}


def _as_date(key: date | datetime) -> date:
    return key.date() if isinstance(key, datetime) else key


def _period_label(period: str, key: date | datetime) -> str:
    day = _as_date(key)
    if period == Period.MONTH:
        return day.strftime("%Y-%m")
    if period == Period.WEEK:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _row(key: Any, label: str, by_metric: dict[str, formulas.Counts]) -> dict[str, Any]:
    nps = by_metric.get(Metric.NPS, formulas.Counts())
    csat = by_metric.get(Metric.CSAT, formulas.Counts())
    ces = by_metric.get(Metric.CES, formulas.Counts())
    return {
        "key": key,
        "label": label,
        "nps": formulas.nps(nps),
        "csat": formulas.csat(csat),
        "ces": formulas.ces(ces),
        "low_sample": any(c.n > 0 and formulas.is_low_sample(c.n) for c in (nps, csat, ces)),
    }


def is_stale(ids: dict[str, int | None], date_from: date | None, date_to: date | None) -> bool:
    pending = PendingRecompute.objects.all()
    if ids["journey"] is not None:
        pending = pending.filter(journey_id=ids["journey"])
    if ids["group"] is not None:
        pending = pending.filter(journey__group_id=ids["group"])
    if ids["stage"] is not None:
        pending = pending.filter(journey_id__in=Stage.all_objects.filter(pk=ids["stage"]).values("journey_id"))
    if ids["touchpoint"] is not None:
        pending = pending.filter(
            journey_id__in=Touchpoint.all_objects.filter(pk=ids["touchpoint"]).values("journey_id")
        )
    if date_from is not None:
        pending = pending.filter(day_to__gte=date_from)
    if date_to is not None:
        pending = pending.filter(day_from__lte=date_to)
    return pending.exists()


def kpi_counts(
    *,
    journey: ModelOrId = None,
    stage: ModelOrId = None,
    touchpoint: ModelOrId = None,
    channel: ModelOrId = None,
    group: ModelOrId = None,
    date_from: date | None = None,
    date_to: date | None = None,
    group_by: str | None = None,
) -> dict[Any, dict[str, formulas.Counts]]:
    """The bucket counts and score sums behind kpi_summary's rows, from the same cells: {key: {metric: Counts}}
    with the keys kpi_summary gives its rows (None for the total, and for responses naming no touchpoint or
    channel), only keys and metrics with responses. formulas.nps / csat / ces of these Counts are the figures
    kpi_summary shows; the Counts also give the margins (formulas.mean_margin_of_error needs total_sq).

    Queries: one (no labels, no pending check).
    """
    ids = _ids(journey=journey, stage=stage, touchpoint=touchpoint, channel=channel, group=group)
    raw, _computed_at = _aggregate(ids, date_from, date_to, group_by)
    counts: dict[Any, dict[str, formulas.Counts]] = {}
    for raw_key, by_metric in raw.items():
        # Keys that mean the same (touchpoint 0 and None; a month as date or datetime) add up.
        into = counts.setdefault(_key_value(raw_key), {})
        for metric, found in by_metric.items():
            into[metric] = into[metric] + found if metric in into else found
    return counts


def _ids(**scope: ModelOrId) -> dict[str, int | None]:
    return {name: _pk(value) for name, value in scope.items()}


def _aggregate(
    ids: dict[str, int | None], date_from: date | None, date_to: date | None, group_by: str | None
) -> tuple[dict[Any, dict[str, formulas.Counts]], datetime | None]:
    """The cells of the scope and range summed per (group_by key, metric), in one query: {raw key: {metric:
    Counts}} and when the newest of them was computed."""
    if group_by is not None and group_by not in GROUP_BYS:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BYS)}; got {group_by!r}.")
    ranges = cover(date_from, date_to, COVERING_PERIODS.get(group_by, PERIOD_GROUP_BYS))
    cells = scoped_cells(**ids).filter(cover_q(ranges))
    key = _key_expression(group_by)
    values = cells.values("metric") if key is None else cells.annotate(key=key).values("key", "metric")
    aggregated = values.annotate(
        n=Sum("n"),
        low=Sum("low"),
        high=Sum("high"),
        total=Sum("total"),
        total_sq=Sum("total_sq"),
        computed_at=Max("computed_at"),
    ).order_by()
    counts: dict[Any, dict[str, formulas.Counts]] = {}
    computed_at: datetime | None = None
    for row in aggregated:
        counts.setdefault(row.get("key"), {})[row["metric"]] = formulas.Counts(
            n=row["n"], low=row["low"], high=row["high"], total=row["total"], total_sq=row["total_sq"]
        )
        computed_at = max(filter(None, (computed_at, row["computed_at"])), default=None)
    return counts, computed_at
