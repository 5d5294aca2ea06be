"""Reading the audit trail: one query shape for the page, the CSV export and the API (no join: the row keeps
who acted and what the object was called at the time)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import AuditEvent


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_event_search(filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The events matching the cleaned filters of AuditSearchForm, newest first."""
    events = AuditEvent.objects.all()
    person = (filters.get("person") or "").strip()
    if person:
        events = events.filter(Q(actor_label__icontains=person) | Q(credential__icontains=person))
    if filters.get("object_type"):
        events = events.filter(object_type=filters["object_type"])
    target = (filters.get("object") or "").strip()
    if target:
        matches = Q(object_repr__icontains=target)
        if target.isdigit():
            matches |= Q(object_id=target)
        events = events.filter(matches)
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("date_from"):
        events = events.filter(at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        events = events.filter(at__lt=_day_start(filters["date_to"] + datetime.timedelta(days=1)))
    return events.order_by("-at", "-id")
