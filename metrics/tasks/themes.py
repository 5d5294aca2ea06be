"""The tagging task (metrics.themes.tagging does the work), its queueing and its sweeper.

One tagger at a time: the task holds a PostgreSQL session advisory lock while it works; a second one finds it
taken and leaves the work to the first, which looks for pending work again after it let go of the lock (so a
codebook change committed while it was finishing is not left behind). Without Redis (`make run`) the task runs
in-process when the transaction that asked for it commits.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from celery import shared_task
from django.db import InterfaceError, OperationalError, connection

from metrics.themes.tagging import pending_exists, tag_pending

logger = logging.getLogger(__name__)

# pg_try_advisory_lock key of the tagging (any bigint no other part of the product uses).
TAGGING_LOCK_KEY = 7_202_517_017
DATABASE_HICCUPS = (OperationalError, InterfaceError)
# Acknowledged once done and given back to the queue when its worker dies: the batches it committed stay, the
# next run tags the rest. Nobody reads the result.
TAGGING_TASK = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}
MAX_ROUNDS = 10  # passes over the pending work in one run (each goes once through the responses, in id order)


@contextlib.contextmanager
def tagging_lock() -> Iterator[bool]:
    """Whether this process holds the tagging lock (always True off PostgreSQL: one process there)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [TAGGING_LOCK_KEY])
        (held,) = cursor.fetchone()
    try:
        yield bool(held)
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [TAGGING_LOCK_KEY])


def schedule_tagging() -> bool:
    """Queue a tagging run; never raises (called on commit: the change has succeeded whatever happens here, and
    what is pending is in the database for the sweeper). Returns whether a task was queued."""
    try:
        tag_pending_task.delay()
    except Exception:  # broker unreachable, however it says so: the sweeper queues it later
        logger.exception("could not queue the tagging of comments; the sweeper will queue it")
        return False
    return True


@shared_task(
    name="metrics.themes.tag_pending",
    autoretry_for=DATABASE_HICCUPS,
    retry_backoff=True,
    max_retries=5,
    time_limit=1800,
    soft_time_limit=1740,
    **TAGGING_TASK,
)
def tag_pending_task() -> int:
    """Tag every pending comment (metrics.themes.tagging.tag_pending), until none is left. Returns how many
    responses it went through (0 when another tagger is at work)."""
    done = 0
    for _round in range(MAX_ROUNDS):
        with tagging_lock() as held:
            if not held:
                return done  # another tagger is at work; it looks again once it lets go
            done += tag_pending()
        if not pending_exists():  # after letting go: a request the other tagger turned away is seen here
            break
    return done


@shared_task(name="metrics.themes.sweep_tagging", time_limit=60, soft_time_limit=50, ignore_result=True)
def sweep_tagging() -> bool:
    """Every TAGGING_SWEEP_SECONDS (celery beat): queue a tagging run when comments are waiting (a worker was
    down or killed, Redis was down on commit). Returns whether it queued one."""
    if not pending_exists():
        return False
    logger.info("comments are waiting to be tagged; queueing the tagging")
    return schedule_tagging()
