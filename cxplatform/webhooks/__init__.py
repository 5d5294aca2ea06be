"""Webhooks out: admins subscribe a URL to events (an improvement action created, a follow-up case opened, a
target missed...), and each event is delivered to it signed as Standard Webhooks specifies, by Celery, after
the transaction that caused it commits.

Any app emits through `emit(event_type, build)` (cxplatform.webhooks.emitting): inside the caller's transaction
it records one WebhookDelivery per active subscription to the event (Postgres first) and queues the send task on
commit. Nothing is sent in the request; a receiver that is down only fills the deliveries log. The event types
are the fixed list in cxplatform.webhooks.events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def emit(event_type: str, build: Callable[[], Any], *, once_key: str | None = None) -> int:
    """See cxplatform.webhooks.emitting.emit (imported here lazily: this package is imported before the models
    are ready)."""
    from cxplatform.webhooks.emitting import emit as _emit

    return _emit(event_type, build, once_key=once_key)


def wanted(event_type: str) -> bool:
    """Whether any active subscription wants `event_type` (no query while the cache knows)."""
    from cxplatform.webhooks.emitting import subscribed_event_types

    return event_type in subscribed_event_types()


def already_emitted(keys) -> set[str]:
    """Which of `keys` (emit's once_key) were emitted before: one query."""
    from cxplatform.webhooks.emitting import already_emitted as _already_emitted

    return _already_emitted(keys)
