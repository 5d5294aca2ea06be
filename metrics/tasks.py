"""Thin Celery tasks of the metrics app: take ids and primitives, call a service, retry with backoff."""

from __future__ import annotations

import contextlib
import logging

from celery import current_app, shared_task
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import RedisError

from metrics.services.recompute import snapshots_rebuild_all, snapshots_recompute_pending

logger = logging.getLogger(__name__)

# While this cache key exists a recompute_pending task is queued and has not started yet: further ingests
# need not queue another, the queued one will see their PendingRecompute rows. The key expires by itself
# in case the message is lost (a worker killed before it started the task), so a later ingest queues anew.
QUEUED_KEY = "metrics:recompute-queued:{queue}"
QUEUED_SECONDS = 60
DATABASE_HICCUPS = (OperationalError, InterfaceError)


def queued_key() -> str:
    # Per queue: several installations (or test runs) can share one Redis, each with a queue of its own.
    return QUEUED_KEY.format(queue=current_app.conf.task_default_queue)


def schedule_recompute() -> None:
    """Enqueue one recompute of the pending snapshots, unless one is already queued (coalescing).

    Runs on commit of an ingest. When the cache or the broker is down the ingest has still succeeded and its
    PendingRecompute rows remain: the next ingest, or the nightly rebuild, picks them up.
    """
    key = queued_key()
    try:
        if not cache.add(key, 1, timeout=QUEUED_SECONDS):
            return
        recompute_pending.delay()
    except (RedisError, BrokerUnavailable):
        logger.exception("could not queue a KPI recompute; the pending requests wait for the next one")
        with contextlib.suppress(RedisError):
            cache.delete(key)  # so that the next ingest tries again instead of thinking one is queued


@shared_task(
    name="metrics.recompute_pending",
    autoretry_for=DATABASE_HICCUPS,
    retry_backoff=True,
    max_retries=5,
    time_limit=300,
    soft_time_limit=270,
)
def recompute_pending() -> int:
    """Recompute the snapshots the PendingRecompute rows ask for; returns how many requests it consumed."""
    # Deleted before the pending rows are read: an ingest committing from now on queues a new run, and one
    # that committed before is seen by this run. Either way nothing is left behind.
    cache.delete(queued_key())
    return snapshots_recompute_pending()


@shared_task(
    name="metrics.recompute_all",
    autoretry_for=DATABASE_HICCUPS,
    retry_backoff=True,
    max_retries=3,
    time_limit=1800,
    soft_time_limit=1740,
)
def recompute_all() -> dict:
    """The nightly rebuild of every snapshot from every response (celery beat, 02:30)."""
    return snapshots_rebuild_all()
