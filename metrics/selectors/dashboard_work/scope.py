"""The dashboard's scope and period as filters, shared by its work sections."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone


def scope_q(
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


def check_period(date_from: datetime.date | None, date_to: datetime.date | None) -> None:
    if date_from is None or date_to is None:
        raise ValueError("date_from and date_to are both required.")
    if date_from > date_to:
        raise ValueError(f"date_from ({date_from}) is after date_to ({date_to}).")


def period_moments(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The first moment of date_from and of the day after date_to, local time: the period's [start, end)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.datetime.combine(date_from, datetime.time.min), tz)
    end = timezone.make_aware(datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min), tz)
    return start, end
