"""The generation of the organisation's data: a number that goes up after every committed write to a table of
the journeys, teams or metrics apps, so that a page built from that data can be cached under it.

Every SQL statement Django sends passes through an execute wrapper installed on each new connection; a
statement that writes (INSERT, UPDATE, DELETE, MERGE) and names a table of those apps schedules a bump for when
its transaction commits (nothing happens on a rollback). That covers model saves, queryset updates and
deletes, bulk creates and the raw SQL of the ingest and recompute services alike, with no list of write paths
to keep up to date. The number lives in the cache (Redis in production, so every process sees the same one).

With the cache down a write still succeeds and answers normally: the bump is skipped (the pages are not cached
meanwhile either) and done on this process's next use of the generation once the cache answers again, so a
page cached before the outage is not served after it as if nothing had changed.
"""

from __future__ import annotations

import logging
import re

from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created

from cxplatform.lib.resilient_cache import CacheUnavailable

KEY = "data-generation"
WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "WITH")
TABLE_PREFIXES = ("journeys_", "teams_", "metrics_")
WRITE_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
logger = logging.getLogger(__name__)
# A bump this process could not make (the cache was down); made on the next current() or bump().
_missed_bump = False


def current() -> int:
    """The current generation (1 until the first write this cache has seen)."""
    if _missed_bump:
        bump()
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 1, timeout=None)
        value = cache.get(KEY, 1)
    return value


def bump() -> None:
    """Move the generation on. Never raises: it runs after a write has committed, and the write must answer
    its normal status whatever the cache does."""
    global _missed_bump
    try:
        try:
            cache.incr(KEY)
        except CacheUnavailable:
            raise
        except ValueError:  # not in the cache (yet, or any more): start above the generation anyone may have read
            cache.set(KEY, 2, timeout=None)
    except Exception:  # CacheUnavailable, or a cache backend that raises its own errors
        if not _missed_bump:
            logger.warning("could not move the data generation on; will retry when the cache answers", exc_info=True)
        _missed_bump = True
        return
    _missed_bump = False


def is_data_write(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if not head.startswith(WRITES):
        return False
    if head.startswith("WITH") and not WRITE_WORD.search(sql):
        return False
    return any(prefix in sql for prefix in TABLE_PREFIXES)


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_data_write(sql):
        transaction.on_commit(bump, using=context["connection"].alias)
    return result


def _install(sender, connection, **kwargs) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def watch_data_writes() -> None:
    """Install the wrapper on every connection from now on (called once, from the app's ready())."""
    connection_created.connect(_install, dispatch_uid="cxplatform.lib.generations")
