"""The webhook events of improvement actions (cxplatform.webhooks): what their data say, and the overdue check.

Data are built lazily (only when some subscription wants the event), labels as their English msgids (the
webhooks app translates them into the subscription owner's language)."""

from __future__ import annotations

import datetime
from functools import partial
from typing import Any

from django.utils import timezone

from cxplatform import webhooks
from cxplatform.lib import emails
from cxplatform.webhooks.events import OVERDUE_LOOKBACK, EventType, person_data
from teams.models import ActionStatus, ImprovementAction


def action_data(action: ImprovementAction, **extra: Any) -> dict[str, Any]:
    return {
        "action": {"id": action.pk},
        "id": action.pk,
        "title": action.title,
        "status": action.status,
        "status_label": str(ActionStatus(action.status).label),
        "journey": {"id": action.journey.pk, "name": action.journey.name},
        "touchpoint": {"id": action.touchpoint.pk, "name": action.touchpoint.name} if action.touchpoint else None,
        "team": {"id": action.team.pk, "name": action.team.name} if action.team else None,
        "assignee": person_data(action.assignee),
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "impact": action.impact,
        "effort": action.effort,
        "url": emails.absolute_reverse("teams:action", args=[action.pk]),
        **extra,
    }


def emit_created(action: ImprovementAction) -> None:
    webhooks.emit(EventType.ACTION_CREATED, lambda: action_data(action))
    if action.assignee_id:
        emit_assigned(action)


def emit_assigned(action: ImprovementAction) -> None:
    webhooks.emit(EventType.ACTION_ASSIGNED, lambda: action_data(action))


def emit_status_changed(action: ImprovementAction, previous: str) -> None:
    webhooks.emit(
        EventType.ACTION_STATUS_CHANGED,
        lambda: action_data(action, previous_status=previous, previous_status_label=str(ActionStatus(previous).label)),
    )


def emit_overdue(today: datetime.date | None = None) -> int:
    """Emit action.overdue once for each open action whose deadline passed (within OVERDUE_LOOKBACK)."""
    if not webhooks.wanted(EventType.ACTION_OVERDUE):
        return 0
    from teams.selectors.actions import overdue

    today = today or timezone.localdate()
    late = list(
        ImprovementAction.objects.filter(overdue(today), due_date__gte=today - OVERDUE_LOOKBACK)
        .select_related("journey", "touchpoint", "team", "assignee")
        .order_by("due_date", "id")
    )
    keys = {action.pk: f"action.overdue:{action.pk}:{action.due_date}" for action in late}
    done = webhooks.already_emitted(keys.values())
    emitted = 0
    for action in late:
        if keys[action.pk] not in done:
            emitted += webhooks.emit(EventType.ACTION_OVERDUE, partial(action_data, action), once_key=keys[action.pk])
    return emitted
