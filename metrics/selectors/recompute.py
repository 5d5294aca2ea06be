"""How much recompute work waits: /health/ reports it, so stale figures never hide behind an "ok"."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Min

from metrics.models import PendingRecompute


def recompute_backlog() -> tuple[int, datetime | None]:
    """The number of pending recompute requests and when the oldest was made (None without any)."""
    backlog = PendingRecompute.objects.aggregate(pending=Count("id"), oldest=Min("requested_at"))
    return backlog["pending"], backlog["oldest"]
