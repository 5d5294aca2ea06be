"""Thin Celery tasks of the metrics app: take ids and primitives, call a service, retry with backoff."""

from __future__ import annotations


def schedule_recompute() -> None:
    """Enqueue one recompute of the pending snapshots, unless one is already queued (coalescing)."""
    raise NotImplementedError  # the recompute helper writes this
