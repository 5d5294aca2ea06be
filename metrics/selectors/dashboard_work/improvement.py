"""The dashboard's improvement work: actions per status, business cases and the before/after effect of
finished actions."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from django.db import connection
from django.db.models import Count, Max, Q, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from metrics import formulas
from metrics.formulas import Counts
from metrics.selectors.business_cases import (
    DEFAULT_EFFECT_WEEKS,
    Effect,
    business_case_list,
    case_roi,
    effect_of,
    effect_windows,
)
from teams.models import ActionStatus, ImprovementAction
from teams.selectors.actions import overdue

from .scope import check_period, period_moments, scope_q

if TYPE_CHECKING:  # django-stubs' helper for annotated rows; a development dependency only
    from django_stubs_ext import WithAnnotations

EFFECT_LIMIT = 10  # finished actions whose effect the dashboard shows, most recent first


class StatusRow(TypedDict):
    status: str  # ActionStatus
    label: str
    count: int
    overdue: int


class ActionsByStatus(TypedDict):
    by_status: list[StatusRow]  # every status, in ActionStatus order
    total: int
    overdue: int


class CaseRow(TypedDict):
    case_id: int
    action_id: int
    title: str
    action_status: str  # ActionStatus
    action_status_label: str
    journey: str
    touchpoint: str | None
    investment: Decimal
    expected_gains: Decimal
    realised_gains: Decimal | None  # None until a realised amount is entered
    expected_roi: Decimal | None
    realised_roi: Decimal | None


class CaseTotals(TypedDict):
    cases: int
    investment: Decimal
    expected_gains: Decimal
    expected_roi: Decimal | None
    cases_realised: int
    realised_investment: Decimal
    realised_gains: Decimal | None  # None when no case has a realised amount
    realised_roi: Decimal | None


class BusinessCases(TypedDict):
    rows: list[CaseRow]
    totals: CaseTotals


class DoneAction(TypedDict):
    """What _effects annotates on each action."""

    done_at: datetime.datetime  # its latest move to done; never NULL, as the query filters on it
    weeks: int  # its business case's effect window, else the default
    found: int  # all the actions found, before the limit


class EffectItem(TypedDict):
    action_id: int
    title: str
    journey_id: int
    journey: str
    touchpoint_id: int
    touchpoint: str
    done_at: datetime.datetime
    weeks: int
    effect: Effect


class Effects(TypedDict):
    rows: list[EffectItem]
    total: int
    more: int
    limit: int


class ImprovementWork(TypedDict):
    actions: ActionsByStatus
    business_cases: BusinessCases
    effects: NotRequired[Effects]  # left out when improvement_work is asked for no effects


def _actions_by_status(scope: Q, today: datetime.date) -> ActionsByStatus:
    counted = (
        ImprovementAction.objects.filter(scope)
        .values("status")
        .annotate(count=Count("id"), overdue=Count("id", filter=overdue(today)))
        .order_by()
    )
    found = {row["status"]: (row["count"], row["overdue"]) for row in counted}
    by_status: list[StatusRow] = []
    for value, label in ActionStatus.choices:
        count, late = found.get(value, (0, 0))  # (0, 0): no action has this status
        by_status.append({"status": value, "label": str(label), "count": count, "overdue": late})
    return {
        "by_status": by_status,
        "total": sum(row["count"] for row in by_status),
        "overdue": sum(row["overdue"] for row in by_status),
    }


def _business_cases(scope: Q) -> BusinessCases:
    # Without business_case_list's prefetch of the gains by type: the sums it annotates are all this shows.
    cases = business_case_list().prefetch_related(None).filter(scope)
    rows: list[CaseRow] = []
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
    # (investment, realised gains) of the cases with a realised amount
    measured = [(row["investment"], row["realised_gains"]) for row in rows if row["realised_gains"] is not None]
    realised_investment = sum((invested for invested, _ in measured), Decimal("0"))
    realised = sum((gains for _, gains in measured), Decimal("0")) if measured else None
    totals: CaseTotals = {
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


def _effect_counts(actions: list[WithAnnotations[ImprovementAction, DoneAction]]) -> dict[tuple[int, str, str], Counts]:
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


def _effects(scope: Q, date_from: datetime.date, date_to: datetime.date, today: datetime.date) -> Effects:
    """The actions moved to done in the period (their latest move, as action_effect reads it) that name a
    touchpoint, most recent first, at most EFFECT_LIMIT, each with its effect over its business case's window
    (the default without one). Two queries: the actions with their done time and count; the cells of all their
    windows (none when there are no actions)."""
    start, end = period_moments(date_from, date_to)
    actions: list[WithAnnotations[ImprovementAction, DoneAction]] = list(
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
    rows: list[EffectItem] = []
    for action in actions:
        # The query keeps only the actions that name a touchpoint.
        assert action.touchpoint is not None and action.touchpoint_id is not None, "filtered on touchpoint__isnull"
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
) -> ImprovementWork:
    """The improvement work in scope: all current actions by status with the overdue count (not bound to the
    period), the business cases with expected and realised ROI (not bound to the period either), and (unless
    `effects` is false: the dashboard caches them apart, as they read the KPI snapshots) the before/after
    effect of the actions finished in the period (action_effects).

    Queries: actions per status (1), business cases with their summed gains (1), and action_effects' (2, or 1):
    4, or 3 (2 without effects). Raises ValueError when the period is missing or reversed."""
    check_period(date_from, date_to)
    today = today or timezone.localdate()
    scope = {"group_id": group_id, "journey_id": journey_id, "channel_id": channel_id}
    action_scope = scope_q(**scope, journey="journey", touchpoint="touchpoint")
    work: ImprovementWork = {
        "actions": _actions_by_status(action_scope, today),
        "business_cases": _business_cases(scope_q(**scope, journey="action__journey", touchpoint="action__touchpoint")),
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
) -> Effects:
    """The before/after effect of the actions in scope finished in the period that name a touchpoint, most
    recent first, at most EFFECT_LIMIT: {"rows", "total", "more", "limit"}. Queries: the actions (1), the
    snapshot cells of their windows (1, only when an action was finished in the period).
    Raises ValueError when the period is missing or reversed."""
    check_period(date_from, date_to)
    scope = scope_q(
        group_id=group_id, journey_id=journey_id, channel_id=channel_id, journey="journey", touchpoint="touchpoint"
    )
    return _effects(scope, date_from, date_to, today or timezone.localdate())
