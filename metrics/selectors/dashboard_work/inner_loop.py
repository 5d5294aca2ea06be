"""The dashboard's inner loop: the follow-up cases of the scope."""

from __future__ import annotations

import datetime
import statistics
from typing import Any, TypedDict

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from metrics.models import CaseStatus, FollowUpCase
from metrics.selectors.followups import ACTIVE_STATUSES, case_overdue_q

from .scope import check_period, period_moments, scope_q


class Median(Aggregate):
    """PostgreSQL's continuous median, percentile_cont(0.5), of numbers or intervals."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


class CaseStatusRow(TypedDict):
    status: str  # CaseStatus
    label: str
    count: int  # cases with this status now
    opened_in_period: int  # of the cases opened in the period, those with this status now


class InnerLoop(TypedDict):
    open: int
    open_overdue: int
    due: int
    missed: int
    resolved: int
    median_days_to_close: float | None  # None without cases resolved in the period
    by_status: list[CaseStatusRow]  # every status, in CaseStatus order


def _duration() -> ExpressionWrapper:
    return ExpressionWrapper(F("resolved_at") - F("opened_at"), output_field=DurationField())


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
) -> InnerLoop:
    """The follow-up cases in scope (their touchpoint's journey, group and channel):

    - `open`: open or contacted now; `open_overdue`: of which past their deadline now;
    - `due`: deadlines in the period; `missed`: of which the case was not resolved by its deadline (resolved on a
      later day, or still unresolved with the deadline passed; a deadline still ahead is not missed yet);
    - `resolved`: cases resolved in the period; `median_days_to_close`: their median of resolved_at - opened_at,
      in days with one decimal (None without any);
    - `by_status`: every status with the number of cases now (`count`) and of those opened in the period.

    Queries: one on PostgreSQL (the median computed in the database); two elsewhere (the resolved cases'
    durations are read for the median). Raises ValueError when the period is missing or reversed."""
    check_period(date_from, date_to)
    today = today or timezone.localdate()
    cases = FollowUpCase.objects.filter(
        scope_q(
            group_id=group_id,
            journey_id=journey_id,
            channel_id=channel_id,
            journey="touchpoint__journey",
            touchpoint="touchpoint",
        )
    )
    figures = cases.aggregate(**_case_counts(date_from, date_to, today))
    return {
        "open": figures["open"],
        "open_overdue": figures["open_overdue"],
        "due": figures["due"],
        "missed": figures["missed"],
        "resolved": figures["resolved"],
        "median_days_to_close": _days(_median_to_close(cases, date_from, date_to, figures)),
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


def _resolved_in(date_from: datetime.date, date_to: datetime.date) -> Q:
    start, end = period_moments(date_from, date_to)
    return Q(status=CaseStatus.RESOLVED, resolved_at__gte=start, resolved_at__lt=end)


def _case_counts(date_from: datetime.date, date_to: datetime.date, today: datetime.date) -> dict[str, Aggregate]:
    """Every count of the inner loop as one aggregate each, for one query; on PostgreSQL the median time to
    close too."""
    start, end = period_moments(date_from, date_to)
    due = Q(due_date__gte=date_from, due_date__lte=date_to)
    resolved_late = Q(status=CaseStatus.RESOLVED) & Q(GreaterThan(TruncDate("resolved_at"), F("due_date")))
    resolved = _resolved_in(date_from, date_to)
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
    if connection.vendor == "postgresql":
        aggregates["median"] = Median(_duration(), filter=resolved)
    return aggregates


def _median_to_close(
    cases: QuerySet[FollowUpCase], date_from: datetime.date, date_to: datetime.date, figures: dict[str, Any]
) -> datetime.timedelta | None:
    """The median of resolved_at - opened_at of the cases resolved in the period: computed by the database on
    PostgreSQL (in `figures`), else read and computed here (one more query)."""
    if connection.vendor == "postgresql":
        return figures["median"]
    durations = [
        closed - opened_at
        for opened_at, closed in cases.filter(_resolved_in(date_from, date_to)).values_list("opened_at", "resolved_at")
        if closed is not None  # always: _resolved_in filters on resolved_at
    ]
    if not durations:
        return None
    # statistics.median's middle pair, (low + high) / 2 (one value when odd): its typing takes no timedelta.
    return (statistics.median_low(durations) + statistics.median_high(durations)) / 2
