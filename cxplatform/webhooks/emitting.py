"""emit(): record an event's deliveries in the caller's transaction and queue their sending after commit.

The set of event types that some active subscription wants is kept in the cache (SUBSCRIBED_KEY), refreshed
from the database on a miss and dropped whenever a subscription changes (at once and again after commit, so a
process that read it in between does not keep a stale copy). An event nobody wants therefore costs no query:
the write services that emit keep their query counts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone, translation

from cxplatform.webhooks.models import WebhookDelivery, WebhookEmission, WebhookSubscription

logger = logging.getLogger(__name__)

SUBSCRIBED_KEY = "webhooks:subscribed-event-types"
SUBSCRIBED_SECONDS = 300


def subscribed_event_types() -> frozenset[str]:
    cached = cache.get(SUBSCRIBED_KEY)
    if cached is not None:
        return frozenset(cached)
    wanted: set[str] = set()
    for events in WebhookSubscription.objects.filter(is_active=True).values_list("events", flat=True):
        wanted.update(events or ())
    cache.set(SUBSCRIBED_KEY, sorted(wanted), SUBSCRIBED_SECONDS)
    return frozenset(wanted)


def forget_subscribed_event_types() -> None:
    """After a subscription changed: drop the cached set now and once the change commits."""
    cache.delete(SUBSCRIBED_KEY)
    transaction.on_commit(partial(cache.delete, SUBSCRIBED_KEY))


def already_emitted(keys: Iterable[str]) -> set[str]:
    """Which of `keys` (once_key of emit) were emitted before: one query."""
    keys = list(keys)
    if not keys:
        return set()
    return set(WebhookEmission.objects.filter(key__in=keys).values_list("key", flat=True))


def queue_send(delivery_ids: list[int]) -> None:
    """Queue the send task of each delivery once the transaction commits (at once outside one). A broker that
    is down loses nothing: the sweeper (tasks.sweep_due_deliveries) finds the pending rows."""
    from cxplatform.webhooks.tasks import send_delivery

    def enqueue() -> None:
        for delivery_id in delivery_ids:
            try:
                send_delivery.delay(delivery_id)
            except Exception:  # Redis down: the sweeper sends it later
                logger.warning("webhook delivery %s not queued; the sweeper will send it", delivery_id, exc_info=True)
                return

    transaction.on_commit(enqueue)


def emit(event_type: str, build: Callable[[], Any], *, once_key: str | None = None) -> int:
    """One delivery of `event_type` to each active subscription that chose it; returns how many.

    `build()` gives the event's data (a JSON object), or a list of them for several events at once; it is
    called only when some subscription wants the event, in no language (labels stay their English msgids,
    translated when the text is rendered in the owner's language). With `once_key`, an event already emitted
    under that key is not emitted again."""
    if event_type not in subscribed_event_types():
        return 0  # before any savepoint: an event nobody wants costs no query at all
    return _record(event_type, build, once_key)


@transaction.atomic
def _record(event_type: str, build: Callable[[], Any], once_key: str | None) -> int:
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(is_active=True).only("id", "events")
        if event_type in (subscription.events or ())
    ]
    if not subscriptions:
        return 0
    if once_key is not None:
        _row, created = WebhookEmission.objects.get_or_create(key=once_key)
        if not created:
            return 0
    with translation.override(None):
        built = build()
    items = built if isinstance(built, list) else [built]
    now = timezone.now()
    rows = [
        WebhookDelivery(
            subscription=subscription,
            event_type=event_type,
            payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
            next_attempt_at=now,
        )
        for data in items
        for subscription in subscriptions
    ]
    created_rows = WebhookDelivery.objects.bulk_create(rows)
    queue_send([row.pk for row in created_rows])
    return len(created_rows)
