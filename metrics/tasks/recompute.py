"""The recompute tasks, and the queueing of them (`schedule_recompute`, which the sweeper calls too).

Imports run one way: the request side (metrics.services.recompute_requests, called by ingests) imports this
module to queue a run; this module imports the computation (metrics.services.recompute); the computation
imports neither.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta

from celery import current_app, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError

from metrics.services.recompute import (
    pending_requests_left_behind,
    snapshots_rebuild_all,
    snapshots_recompute_pending,
)

logger = logging.getLogger(__name__)

# While this cache key exists a recompute_pending task is queued and has not started yet: further ingests
# need not queue another, the queued one will see their PendingRecompute rows. The key expires by itself
# in case the message is lost (a worker killed before it started the task), so a later ingest queues anew;
# the sweeper does not look at it at all, so a key left behind never holds a recompute back.
QUEUED_KEY = "metrics:recompute-queued:{queue}"
QUEUED_SECONDS = 60
DATABASE_HICCUPS = (OperationalError, InterfaceError)
# The recompute tasks are acknowledged once they are done, and given back to the queue when the worker running
# them dies: a killed worker's recompute is run again (see CELERY_BROKER_TRANSPORT_OPTIONS for the timeout). A
# second run is harmless: it recomputes what is still pending, and an identical recompute changes no row.
# Nobody reads their results, and with Redis down storing one would fail the caller.
RECOMPUTE_TASK = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


def queued_key() -> str:
    # Per queue: several installations (or test runs) can share one Redis, each with a queue of its own.
    return QUEUED_KEY.format(queue=current_app.conf.task_default_queue)


def schedule_recompute(*, force: bool = False) -> bool:
    """Enqueue one recompute of the pending snapshots, unless one is already queued (coalescing); `force`
    queues one in any case (the sweeper). Returns whether a task was queued.

    Runs on commit of an ingest, and never raises: the ingest has succeeded whatever happens here, and its
    PendingRecompute rows are the record of the work. With the cache or the broker down nothing is queued and
    the sweeper queues the recompute once they are back.
    """
    key = queued_key()
    try:
        if force:
            cache.set(key, 1, timeout=QUEUED_SECONDS)
        elif not cache.add(key, 1, timeout=QUEUED_SECONDS):
            return False  # one is queued already, or the cache is down (then so, most likely, is the broker)
        recompute_pending.delay()
    except Exception:  # broker or cache unreachable, however it says so: the rows wait for the sweeper
        logger.exception("could not queue a KPI recompute; the sweeper will queue it")
        with contextlib.suppress(Exception):
            cache.delete(key)  # so that the next ingest tries again instead of thinking one is queued
        return False
    return True


@shared_task(
    name="metrics.recompute_pending",
    autoretry_for=DATABASE_HICCUPS,
    retry_backoff=True,
    max_retries=5,
    time_limit=300,
    soft_time_limit=270,
    **RECOMPUTE_TASK,
)
def recompute_pending() -> int:
    """Recompute the snapshots the PendingRecompute rows ask for; returns how many requests it consumed."""
    # Deleted before the pending rows are read: an ingest committing from now on queues a new run, and one
    # that committed before is seen by this run. Either way nothing is left behind.
    cache.delete(queued_key())
    return snapshots_recompute_pending()


@shared_task(name="metrics.sweep_pending_recomputes", time_limit=60, soft_time_limit=50, ignore_result=True)
def sweep_pending_recomputes() -> bool:
    """Every RECOMPUTE_SWEEP_SECONDS (celery beat): queue a recompute when a request has waited longer than
    RECOMPUTE_SWEEP_AFTER_SECONDS and no recompute is working on it (its worker was killed, or Redis was down
    when it was made). Returns whether it queued one."""
    if not pending_requests_left_behind(older_than=timedelta(seconds=settings.RECOMPUTE_SWEEP_AFTER_SECONDS)):
        return False
    logger.warning("recompute requests have waited too long; queueing a recompute")
    return schedule_recompute(force=True)


@shared_task(
    name="metrics.recompute_all",
    autoretry_for=DATABASE_HICCUPS,
    retry_backoff=True,
    max_retries=3,
    time_limit=1800,
    soft_time_limit=1740,
    **RECOMPUTE_TASK,
)
def recompute_all() -> dict:
    """The nightly rebuild of every snapshot from every response (celery beat, 02:30)."""
    return snapshots_rebuild_all()
