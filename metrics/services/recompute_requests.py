"""Asking for a KPI recompute: the request side, called inside the transactions of ingests and of journeys'
structure changes. A request is a PendingRecompute row; the task that consumes it is queued after commit
(metrics.tasks.recompute), and the computation itself is metrics.services.recompute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from django.db import transaction
from django.db.models import Max, Min

from metrics.models import PendingRecompute, SurveyResponse
from metrics.tasks.recompute import schedule_recompute


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
    transaction.on_commit(schedule_recompute)


def structure_changed(*, journey_ids: Sequence[int]) -> None:
    """settings.MAP_STRUCTURE_CHANGED: the shape of these journeys changed (a touchpoint or stage deleted,
    archived, restored or moved to another stage; a journey archived, restored or deleted). Mark every day of
    their responses out of date and recompute after commit, as an ingest does: `stale` is true meanwhile."""
    days = (
        SurveyResponse.objects.filter(journey_id__in=list(journey_ids))
        .order_by()
        .values("journey_id")
        .annotate(first=Min("day"), last=Max("day"))
    )
    recompute_request(ranges={row["journey_id"]: (row["first"], row["last"]) for row in days})
