"""Three sections of the management dashboard: custom KPIs against their targets, the improvement work (actions,
business cases, the before/after effect of finished actions) and the inner loop (follow-up cases).

Every function takes the dashboard's scope as keywords: `group_id` (journey group), `journey_id`, `channel_id`
(the touchpoint's channel: actions and cases without a touchpoint drop out when a channel is chosen), and for the
period-bound figures `date_from` / `date_to` (local dates, both included) and `today`. Each returns plain dicts
and dataclasses ready for a template, a chart and a CSV, in a fixed number of queries whatever the data (counted
in each docstring); scores come from the KPI snapshots, never the responses.
"""

from __future__ import annotations

import datetime
import statistics
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Max, Q, Value, Window
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from metrics import formulas
from metrics.formulas import Counts
from metrics.models import CaseStatus, Direction, FollowUpCase, KpiStatus
from metrics.selectors.business_cases import (
    DEFAULT_EFFECT_WEEKS,
    business_case_list,
    case_roi,
    effect_of,
    effect_windows,
)
from metrics.selectors.custom_kpis import kpi_list
from metrics.selectors.followups import ACTIVE_STATUSES, case_overdue_q
from teams.models import ActionStatus, ImprovementAction
from teams.selectors.actions import overdue

EFFECT_LIMIT = 10  # finished actions whose effect the dashboard shows, most recent first


def _scope_q(
    *, group_id: int | None, journey_id: int | None, channel_id: int | None, journey: str, touchpoint: str
) -> Q:
    """The scope as a filter on rows whose journey is at `journey` and touchpoint at `touchpoint` (paths)."""
    condition = Q()
    if group_id is not None:
        condition &= Q(**{f"{journey}__group_id": group_id})
    if journey_id is not None:
        condition &= Q(**{f"{journey}_id": journey_id})
    if channel_id is not None:
        condition &= Q(**{f"{touchpoint}__channel_id": channel_id})
    return condition


def _check_period(date_from: datetime.date | None, date_to: datetime.date | None) -> None:
    if date_from is None or date_to is None:
        raise ValueError("date_from and date_to are both required.")
    if date_from > date_to:
        raise ValueError(f"date_from ({date_from}) is after date_to ({date_to}).")


def _moments(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of date_from and of the day after date_to, local time: the period's [start, end)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min), tz)
    return start, end


# Custom KPIs


def _kpi_scope_q(*, group_id: int | None, journey_id: int | None, channel_id: int | None) -> Q:
    """KPIs of the scope's journeys, plus the organisation-wide ones (no journey). With a channel: the KPIs of
    that channel (their own, else their touchpoint's), plus organisation-wide KPIs that name no channel at all."""
    organisation_wide = Q(journey__isnull=True)
    condition = Q()
    if group_id is not None:
        condition &= Q(journey__group_id=group_id) | organisation_wide
    if journey_id is not None:
        condition &= Q(journey_id=journey_id) | organisation_wide
    if channel_id is not None:
        no_channel = Q(channel__isnull=True, touchpoint__channel__isnull=True)
        condition &= (
            Q(channel_id=channel_id)
            | Q(channel__isnull=True, touchpoint__channel_id=channel_id)
            | (organisation_wide & no_channel)
        )
    return condition


def custom_kpi_overview(
    *, group_id: int | None = None, journey_id: int | None = None, channel_id: int | None = None
) -> dict[str, Any]:
    """The custom KPIs in scope, by name, each with its latest value and status against its target, and the
    number of KPIs per status (every status, in KpiStatus order). One query."""
    kpis = (
        kpi_list()
        .select_related("touchpoint__channel")
        .filter(_kpi_scope_q(group_id=group_id, journey_id=journey_id, channel_id=channel_id))
    )
    rows = []
    for kpi in kpis:
        channel = kpi.channel or (kpi.touchpoint.channel if kpi.touchpoint else None)
        rows.append(
            {
                "id": kpi.pk,
                "name": kpi.name,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "direction_label": str(Direction(kpi.direction).label),
                "target": kpi.target,
                "latest_value": kpi.latest_value,
                "latest_period": kpi.latest_period,
                "status": kpi.status,
                "status_label": str(KpiStatus(kpi.status).label),
                "journey_id": kpi.journey_id,
                "journey": kpi.journey.name if kpi.journey else None,
                "touchpoint": kpi.touchpoint.name if kpi.touchpoint else None,
                "channel": channel.label if channel else None,
                "owner": (kpi.owner.get_full_name() or kpi.owner.get_username()) if kpi.owner else None,
            }
        )
    by_status = [
        {"status": value, "label": str(label), "count": sum(1 for row in rows if row["status"] == value)}
        for value, label in KpiStatus.choices
    ]
    return {"rows": rows, "by_status": by_status, "total": len(rows)}


# Improvement work


def _actions_by_status(scope: Q, today: datetime.date) -> dict[str, Any]:
    counted = (
        ImprovementAction.objects.filter(scope)
        .values("status")
        .annotate(count=Count("id"), overdue=Count("id", filter=overdue(today)))
        .order_by()
    )
    found = {row["status"]: row for row in counted}
    by_status = [
        {
            "status": value,
            "label": str(label),
            "count": found.get(value, {}).get("count", 0),
            "overdue": found.get(value, {}).get("overdue", 0),
        }
        for value, label in ActionStatus.choices
    ]
    return {
        "by_status": by_status,
        "total": sum(row["count"] for row in by_status),
        "overdue": sum(row["overdue"] for row in by_status),
    }


def _business_cases(scope: Q) -> dict[str, Any]:
    # Without business_case_list's prefetch of the gains by type: the sums it annotates are all this shows.
    cases = business_case_list().prefetch_related(None).filter(scope)
    rows = []
    for case in cases:
        roi = case_roi(case)
        action = case.action
        rows.append(
            {
                "case_id": case.pk,
                "action_id": action.pk,
                "title": action.title,
                "action_status": action.status,
                "action_status_label": str(ActionStatus(action.status).label),
                "journey": action.journey.name,
                "touchpoint": action.touchpoint.name if action.touchpoint else None,
                "investment": case.investment,
                "expected_gains": case.expected_gains,
                "realised_gains": case.realised_gains,
                "expected_roi": roi.expected,
                "realised_roi": roi.realised,
            }
        )
    investment = sum((row["investment"] for row in rows), Decimal("0"))
    expected = sum((row["expected_gains"] for row in rows), Decimal("0"))
    measured = [row for row in rows if row["realised_gains"] is not None]
    realised_investment = sum((row["investment"] for row in measured), Decimal("0"))
    realised = sum((row["realised_gains"] for row in measured), Decimal("0")) if measured else None
    totals = {
        "cases": len(rows),
        "investment": investment,
        "expected_gains": expected,
        "expected_roi": formulas.roi(expected, investment),
        # Realised ROI counts only the cases with a realised amount, against their own investment.
        "cases_realised": len(measured),
        "realised_investment": realised_investment,
        "realised_gains": realised,
        "realised_roi": formulas.roi(realised, realised_investment),
    }
    return {"rows": rows, "totals": totals}


# One row per action: the day cells of its touchpoint in both windows (the day itself in neither), read through
# the primary key's leading (period, period_start) and summed per action, metric and window in one statement.
# Raw SQL because the ORM builds one filtered, grouped query per action (a union of effect_cells): compiling
# that took longer than running it, and PostgreSQL ran the union as a parallel plan, 10x slower on 2 cores.
EFFECT_CELLS_SQL = """
    WITH r (action_id, touchpoint_id, day, first, last) AS (VALUES {values})
    SELECT r.action_id, c.metric, CASE WHEN c.period_start < r.day THEN 'before' ELSE 'after' END,
           CAST(SUM(c.n) AS bigint), CAST(SUM(c.low) AS bigint), CAST(SUM(c.high) AS bigint),
           CAST(SUM(c.total) AS bigint), CAST(SUM(c.total_sq) AS bigint)
    FROM {cells}
    GROUP BY 1, 2, 3
"""
EFFECT_CELLS_FROM = {
    # A plain join makes PostgreSQL read the whole table into a hash join (25 ms at 1M responses, against a few
    # for the windows' index scans); OFFSET 0 keeps the lateral subquery from being flattened into that join.
    "postgresql": """r CROSS JOIN LATERAL (
        SELECT * FROM metrics_kpisnapshot c
        WHERE c.period = 'day' AND c.period_start BETWEEN r.first AND r.last AND c.period_start <> r.day
            AND c.touchpoint_id = r.touchpoint_id
        OFFSET 0
    ) c""",
    "default": """r JOIN metrics_kpisnapshot c
        ON c.period = 'day' AND c.period_start BETWEEN r.first AND r.last AND c.period_start <> r.day
            AND c.touchpoint_id = r.touchpoint_id""",
}


def _effect_counts(actions: list[ImprovementAction]) -> dict[tuple[int, str, str], Counts]:
    """{(action id, metric, window): Counts} of the actions' touchpoints over their windows: the day cells
    effect_cells reads for one action, for all of them in one query (none without actions)."""
    params: list[Any] = []
    for action in actions:
        day = timezone.localdate(action.done_at)
        windows = effect_windows(day, action.weeks)
        params += [action.pk, action.touchpoint_id, day, windows.before_from, windows.after_to]
    if not params:
        return {}
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(actions))
    with connection.cursor() as cursor:
        cells = EFFECT_CELLS_FROM.get(connection.vendor, EFFECT_CELLS_FROM["default"])
        cursor.execute(EFFECT_CELLS_SQL.format(values=values, cells=cells), params)
        return {(key, metric, window): Counts(*sums) for key, metric, window, *sums in cursor.fetchall()}


def _effects(scope: Q, date_from: datetime.date, date_to: datetime.date, today: datetime.date) -> dict[str, Any]:
    """The actions moved to done in the period (their latest move, as action_effect reads it) that name a
    touchpoint, most recent first, at most EFFECT_LIMIT, each with its effect over its business case's window
    (the default without one). Two queries: the actions with their done time and count; the cells of all their
    windows (none when there are no actions)."""
    start, end = _moments(date_from, date_to)
    actions = list(
        ImprovementAction.objects.filter(scope, status=ActionStatus.DONE, touchpoint__isnull=False)
        .annotate(done_at=Max("transitions__at", filter=Q(transitions__to_status=ActionStatus.DONE)))
        .filter(done_at__gte=start, done_at__lt=end)
        .annotate(
            weeks=Coalesce("business_case__effect_weeks", Value(DEFAULT_EFFECT_WEEKS)),
            found=Window(Count("id")),  # all the actions found, before the limit
        )
        .select_related("journey", "touchpoint")
        .order_by("-done_at", "-id")[:EFFECT_LIMIT]
    )
    found = actions[0].found if actions else 0
    counts = _effect_counts(actions)
    rows = []
    for action in actions:
        mine = {(metric, window): c for (key, metric, window), c in counts.items() if key == action.pk}
        rows.append(
            {
                "action_id": action.pk,
                "title": action.title,
                "journey_id": action.journey_id,
                "journey": action.journey.name,
                "touchpoint_id": action.touchpoint_id,
                "touchpoint": action.touchpoint.name,
                "done_at": action.done_at,
                "weeks": action.weeks,
                "effect": effect_of(weeks=action.weeks, moment=action.done_at, counts=mine, today=today),
            }
        )
    return {"rows": rows, "total": found, "more": found - len(rows), "limit": EFFECT_LIMIT}


def improvement_work(
    *,
    group_id: int | None = None,
    journey_id: int | None = None,
    channel_id: int | None = None,
    date_from: datetime.date,
    date_to: datetime.date,
    today: datetime.date | None = None,
    effects: bool = True,
) -> dict[str, Any]:
    """The improvement work in scope: all current actions by status with the overdue count (not bound to the
    period), the business cases with expected and realised ROI (not bound to the period either), and (unless
    `effects` is false: the dashboard caches them apart, as they read the KPI snapshots) the before/after
    effect of the actions finished in the period (action_effects).

    Queries: actions per status (1), business cases with their summed gains (1), and action_effects' (2, or 1):
    4, or 3 (2 without effects). Raises ValueError when the period is missing or reversed."""
    _check_period(date_from, date_to)
    today = today or timezone.localdate()
    scope = {"group_id": group_id, "journey_id": journey_id, "channel_id": channel_id}
    action_scope = _scope_q(**scope, journey="journey", touchpoint="touchpoint")
    work = {
        "actions": _actions_by_status(action_scope, today),
        "business_cases": _business_cases(
            _scope_q(**scope, journey="action__journey", touchpoint="action__touchpoint")
        ),
    }
    if effects:
        work["effects"] = _effects(action_scope, date_from, date_to, today)
    return work


def action_effects(
    *,
    group_id: int | None = None,
    journey_id: int | None = None,
    channel_id: int | None = None,
    date_from: datetime.date,
    date_to: datetime.date,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The before/after effect of the actions in scope finished in the period that name a touchpoint, most
    recent first, at most EFFECT_LIMIT: {"rows", "total", "more", "limit"}. Queries: the actions (1), the
    snapshot cells of their windows (1, only when an action was finished in the period).
    Raises ValueError when the period is missing or reversed."""
    _check_period(date_from, date_to)
    scope = _scope_q(
        group_id=group_id, journey_id=journey_id, channel_id=channel_id, journey="journey", touchpoint="touchpoint"
    )
    return _effects(scope, date_from, date_to, today or timezone.localdate())


# The inner loop


class Median(Aggregate):
    """PostgreSQL's continuous median, percentile_cont(0.5), of numbers or intervals."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _days(duration: datetime.timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def inner_loop(
    *,
    group_id: int | None = None,
    journey_id: int | None = None,
    channel_id: int | None = None,
    date_from: datetime.date,
    date_to: datetime.date,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The follow-up cases in scope (their touchpoint's journey, group and channel):

    - `open`: open or contacted now; `open_overdue`: of which past their deadline now;
    - `due`: deadlines in the period; `missed`: of which the case was not resolved by its deadline (resolved on a
      later day, or still unresolved with the deadline passed; a deadline still ahead is not missed yet);
    - `resolved`: cases resolved in the period; `median_days_to_close`: their median of resolved_at - opened_at,
      in days with one decimal (None without any);
    - `by_status`: every status with the number of cases now (`count`) and of those opened in the period.

    Queries: one on PostgreSQL (the median computed in the database); two elsewhere (the resolved cases'
    durations are read for the median). Raises ValueError when the period is missing or reversed."""
    _check_period(date_from, date_to)
    today = today or timezone.localdate()
    start, end = _moments(date_from, date_to)
    cases = FollowUpCase.objects.filter(
        _scope_q(
            group_id=group_id,
            journey_id=journey_id,
            channel_id=channel_id,
            journey="touchpoint__journey",
            touchpoint="touchpoint",
        )
    )
    due = Q(due_date__gte=date_from, due_date__lte=date_to)
    resolved_late = Q(status=CaseStatus.RESOLVED) & Q(GreaterThan(TruncDate("resolved_at"), F("due_date")))
    resolved = Q(status=CaseStatus.RESOLVED, resolved_at__gte=start, resolved_at__lt=end)
    opened = Q(opened_at__gte=start, opened_at__lt=end)
    aggregates: dict[str, Aggregate] = {
        "open": Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
        "open_overdue": Count("id", filter=case_overdue_q(today)),
        "due": Count("id", filter=due),
        "missed": Count("id", filter=due & (case_overdue_q(today) | resolved_late)),
        "resolved": Count("id", filter=resolved),
    }
    for value in CaseStatus.values:
        aggregates[f"status_{value}"] = Count("id", filter=Q(status=value))
        aggregates[f"opened_{value}"] = Count("id", filter=opened & Q(status=value))
    duration = ExpressionWrapper(F("resolved_at") - F("opened_at"), output_field=DurationField())
    in_database = connection.vendor == "postgresql"
    if in_database:
        aggregates["median"] = Median(duration, filter=resolved)
    figures = cases.aggregate(**aggregates)
    if in_database:
        median = figures["median"]
    else:
        durations = [
            closed - opened_at for opened_at, closed in cases.filter(resolved).values_list("opened_at", "resolved_at")
        ]
        median = statistics.median(durations) if durations else None
    return {
        "open": figures["open"],
        "open_overdue": figures["open_overdue"],
        "due": figures["due"],
        "missed": figures["missed"],
        "resolved": figures["resolved"],
        "median_days_to_close": _days(median),
        "by_status": [
            {
                "status": value,
                "label": str(label),
                "count": figures[f"status_{value}"],
                "opened_in_period": figures[f"opened_{value}"],
            }
            for value, label in CaseStatus.choices
        ],
    }
