"""The webhook events of the metrics app (cxplatform.webhooks): follow-up cases opened, overdue and resolved,
and targets missed in the month just ended; what their data say, and the periodic checks.

Data are built lazily (only when some subscription wants the event), labels as their English msgids (the
webhooks app translates them into the subscription owner's language)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from functools import partial
from typing import Any

from django.db.models import Sum

from cxplatform import webhooks
from cxplatform.lib import emails
from cxplatform.webhooks.events import OVERDUE_LOOKBACK, EventType, person_data
from metrics import formulas
from metrics.models import CaseStatus, FollowUpCase, KpiSnapshot, Metric, MetricTarget, Period
from metrics.periods import month_start
from metrics.selectors.figures import metric_figure


def case_data(case: FollowUpCase) -> dict[str, Any]:
    response = case.response
    touchpoint = case.touchpoint
    return {
        "id": case.pk,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "metric": response.metric,
        "metric_label": str(Metric(response.metric).label),
        "score": response.score,
        "comment": response.comment,
        "respondent": response.respondent,
        "responded_at": response.responded_at.isoformat(),
        "touchpoint": {"id": touchpoint.pk, "name": touchpoint.name},
        "journey": {"id": response.journey_id, "name": response.journey.name},
        "channel": {"id": response.channel.pk, "name": response.channel.name} if response.channel else None,
        "owner": person_data(case.owner),
        "due_date": case.due_date.isoformat(),
        "outcome": case.outcome,
        "url": emails.absolute_reverse("metrics:followup", args=[case.pk]),
    }


def _cases(ids: list[int]) -> list[FollowUpCase]:
    return list(
        FollowUpCase.objects.filter(pk__in=ids)
        .select_related("response__journey", "response__channel", "touchpoint", "owner")
        .order_by("id")
    )


def wants_opened() -> bool:
    return webhooks.wanted(EventType.FOLLOWUP_OPENED)


def emit_opened(case_ids: list[int]) -> None:
    if case_ids:
        webhooks.emit(EventType.FOLLOWUP_OPENED, lambda: [case_data(case) for case in _cases(case_ids)])


def emit_resolved(case_id: int) -> None:
    webhooks.emit(EventType.FOLLOWUP_RESOLVED, lambda: case_data(_cases([case_id])[0]))


def emit_overdue_cases(today: datetime.date) -> int:
    """followup.overdue once for each case not resolved by its deadline (within OVERDUE_LOOKBACK)."""
    if not webhooks.wanted(EventType.FOLLOWUP_OVERDUE):
        return 0
    from metrics.selectors.followups import case_overdue_q

    late = _cases(
        list(
            FollowUpCase.objects.filter(case_overdue_q(today), due_date__gte=today - OVERDUE_LOOKBACK).values_list(
                "pk", flat=True
            )
        )
    )
    keys = {case.pk: f"followup.overdue:{case.pk}:{case.due_date.isoformat()}" for case in late}
    done = webhooks.already_emitted(keys.values())
    emitted = 0
    for case in late:
        if keys[case.pk] not in done:
            emitted += webhooks.emit(EventType.FOLLOWUP_OVERDUE, partial(case_data, case), once_key=keys[case.pk])
    return emitted


def _month_counts(start: datetime.date) -> dict[tuple[str, str, int], formulas.Counts]:
    """The month's counts per scope: ("organisation", metric, 0), ("journey", metric, id), ("touchpoint",
    metric, id), summed by the database per journey, touchpoint and metric."""
    rows = (
        KpiSnapshot.objects.filter(period=Period.MONTH, period_start=start)
        .values("journey_id", "touchpoint_id", "metric")
        .annotate(n=Sum("n"), low=Sum("low"), high=Sum("high"), total=Sum("total"), total_sq=Sum("total_sq"))
        .order_by()
    )
    sums: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for row in rows:
        values = (row["n"], row["low"], row["high"], row["total"], row["total_sq"])
        scopes = [("organisation", row["metric"], 0), ("journey", row["metric"], row["journey_id"])]
        if row["touchpoint_id"]:
            scopes.append(("touchpoint", row["metric"], row["touchpoint_id"]))
        for scope in scopes:
            sums[scope] = [a + b for a, b in zip(sums[scope], values, strict=True)]
    return {key: formulas.Counts(*value) for key, value in sums.items()}


def emit_targets_missed(today: datetime.date) -> int:
    """target.missed once for each target that the month just ended missed (formulas.target_status: short by
    more than the figure's 95% margin)."""
    if not webhooks.wanted(EventType.TARGET_MISSED):
        return 0
    start = month_start(month_start(today) - datetime.timedelta(days=1))
    targets = list(MetricTarget.objects.select_related("journey", "touchpoint").order_by("id"))
    if not targets:
        return 0
    keys = {target.pk: f"target.missed:{target.pk}:{start.isoformat()}" for target in targets}
    done = webhooks.already_emitted(keys.values())
    pending = [target for target in targets if keys[target.pk] not in done]
    if not pending:
        return 0
    counts = _month_counts(start)
    emitted = 0
    for target in pending:
        if target.touchpoint is not None:
            scope: tuple[str, str, int] = ("touchpoint", target.metric, target.touchpoint.pk)
            name = target.touchpoint.name
        elif target.journey is not None:
            scope, name = ("journey", target.metric, target.journey.pk), target.journey.name
        else:
            scope, name = ("organisation", target.metric, 0), ""
        figure = metric_figure(target.metric, counts.get(scope, formulas.Counts()), target.value)
        if figure.target_status != formulas.TARGET_MISSED:
            continue
        data = {
            "target": {"id": target.pk, "metric": target.metric, "value": float(target.value)},
            "metric": target.metric,
            "metric_label": str(Metric(target.metric).label),
            "period": "month",
            "period_start": start.isoformat(),
            "value": figure.value,
            "margin": figure.margin,
            "n": figure.n,
            "scope": {"kind": scope[0], "id": scope[2] or None, "name": name},
            "scope_name": name,
            "url": emails.absolute_reverse("dashboard"),
        }
        emitted += webhooks.emit(EventType.TARGET_MISSED, partial(dict, data), once_key=keys[target.pk])
    return emitted
