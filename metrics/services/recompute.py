"""Keeping KPI snapshots in step with the responses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.db import transaction

from metrics.models import PendingRecompute


def recompute_request(*, ranges: Mapping[int, tuple[date, date]]) -> None:
    """Mark the days [first, last] of each journey id as out of date, and have a worker recompute them once
    this transaction commits. Call it inside the ingest's transaction."""
    if not ranges:
        return
    PendingRecompute.objects.bulk_create(
        [
            PendingRecompute(journey_id=journey_id, day_from=first, day_to=last)
            for journey_id, (first, last) in ranges.items()
        ]
    )
    from metrics.tasks import schedule_recompute

    transaction.on_commit(schedule_recompute)
