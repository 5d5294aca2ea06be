"""Thin Celery tasks of the metrics app: take ids and primitives, call a service, retry with backoff.

A module per topic (recompute, digest, connectors); Celery autodiscovers this package, which imports them all. Each task
has an explicit `name=`, so moving a task between modules never changes the name that queued messages, the
beat schedule and the sweeper use.
"""

from .connectors import poll_sources, process_delivery, sweep_deliveries
from .digest import send_morning_digests
from .recompute import (
    QUEUED_KEY,
    QUEUED_SECONDS,
    queued_key,
    recompute_all,
    recompute_pending,
    schedule_recompute,
    sweep_pending_recomputes,
)
from .retention import retention_anonymise_task
from .themes import schedule_tagging, sweep_tagging, tag_pending_task
from .webhook_events import emit_webhook_events

__all__ = [
    "QUEUED_KEY",
    "QUEUED_SECONDS",
    "emit_webhook_events",
    "poll_sources",
    "process_delivery",
    "queued_key",
    "recompute_all",
    "recompute_pending",
    "retention_anonymise_task",
    "schedule_recompute",
    "schedule_tagging",
    "send_morning_digests",
    "sweep_deliveries",
    "sweep_pending_recomputes",
    "sweep_tagging",
    "tag_pending_task",
]
