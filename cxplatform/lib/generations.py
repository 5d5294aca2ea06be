"""The generation of the organisation's data: a number that goes up after every committed write to a table of
the journeys, teams or metrics apps, so that a page built from that data can be cached under it.

Every SQL statement Django sends passes through an execute wrapper installed on each new connection; a
statement that writes (INSERT, UPDATE, DELETE, MERGE) and names a table of those apps schedules a bump for when
its transaction commits (nothing happens on a rollback). That covers model saves, queryset updates and
deletes, bulk creates and the raw SQL of the ingest and recompute services alike, with no list of write paths
to keep up to date. The number lives in the cache (Redis in production, so every process sees the same one).

Beside it, a generation per table (a topic) for a page that should not be rebuilt on every write: a page cached
under state() of the tables it shows (data_tables() without those it does not read) stays valid while survey
responses come in, and moves when their recompute commits changed KPI snapshots, or when a target, a label, an
action... changes. A write whose table cannot be told moves the topic ANY, which every state() includes; a
statement that changed no row moves no topic.

How it is installed: at start-up, cxplatform.apps.CxPlatformConfig.ready() calls watch_data_writes(), which
connects _install to Django's connection_created signal; every database connection any process opens from
then on (web, worker, beat, tests) gets _watch_writes in its execute_wrappers. Nothing else installs or
removes it. It costs one prefix test per statement; only writes to the data's tables do more.

With the cache down a write still succeeds and answers normally: the bump is skipped (the pages are not cached
meanwhile either) and done on this process's next read of a generation once the cache answers again, so a page
cached before the outage is not served after it as if nothing had changed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from functools import cache as once
from functools import partial
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created

from cxplatform.lib.resilient_cache import CacheUnavailable

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

KEY = "data-generation"
WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE", "WITH")
TABLE_PREFIXES = ("journeys_", "teams_", "metrics_")
WRITE_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)
# The table a statement (or a data-modifying WITH of it) writes: INSERT INTO t, UPDATE t, DELETE FROM t, MERGE
# INTO t. "DO UPDATE SET" of an upsert yields "SET", which names no table of the data.
WRITTEN_TABLE = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|MERGE\s+INTO)\s+(?:ONLY\s+)?"?(\w+)', re.I)
KPI_SNAPSHOTS = "metrics_kpisnapshot"
# What an ingest of survey responses writes: the responses (through a staging table), the recompute requests and
# the follow-up cases opened for detractors. The recompute that follows writes the snapshots.
INGEST_TABLES = frozenset(
    {"metrics_surveyresponse", "metrics_ingest_staging", "metrics_pendingrecompute", "metrics_followupcase"}
)
ANY = "any"
logger = logging.getLogger(__name__)
# The bumps this process could not make (the cache was down), by topic (None: the generation of all the data);
# made on the next read of a generation.
_missed: set[str | None] = set()


def current(topic: str | None = None) -> int:
    """The current generation of the data, or of one topic (a table, or ANY): 1 until the
    first write this cache has seen."""
    _catch_up()
    key = topic_key(topic)
    value = cache.get(key)
    if value is None:
        cache.add(key, 1, timeout=None)
        value = cache.get(key, 1)
    return value


def bump(topic: str | None = None) -> None:
    """Move the generation (of a topic) on. Never raises: it runs after a write has committed, and the write must
    answer its normal status whatever the cache does."""
    key = topic_key(topic)
    try:
        try:
            cache.incr(key)
        except CacheUnavailable:
            raise
        except ValueError:  # not in the cache (yet, or any more): start above the generation anyone may have read
            cache.set(key, 2, timeout=None)
    except Exception:  # CacheUnavailable, or a cache backend that raises its own errors
        if not _missed:
            logger.warning("could not move the data generation on; will retry when the cache answers", exc_info=True)
        _missed.add(topic)
        return
    _missed.discard(topic)


def _catch_up() -> None:
    """Make the bumps missed while the cache was down (each stays missed while it still is)."""
    for topic in list(_missed):
        bump(topic)


def topic_key(topic: str | None) -> str:
    return KEY if topic is None else f"{KEY}:{topic}"


def topics_written(sql: str) -> set[str]:
    """The tables of the data a write statement writes, or {ANY} when its table cannot be told (so that
    nothing is ever missed). A write to a table outside the data (the recompute's temporary table, filled from
    the responses) moves none."""
    tables = {name.lower() for name in WRITTEN_TABLE.findall(sql)}
    if not tables:
        return {ANY}
    return {name for name in tables if name.startswith(TABLE_PREFIXES)}


@once
def data_tables() -> frozenset[str]:
    """Every table of the journeys, teams and metrics apps (many-to-many tables included)."""
    return frozenset(
        model._meta.db_table
        for label in ("journeys", "teams", "metrics")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    )


def state(topics: Iterable[str]) -> str:
    """A short digest of the generations of `topics` and of ANY: it changes whenever a write to one of them
    commits."""
    return states({"": topics})[""]


def states(groups: dict[str, Iterable[str]]) -> dict[str, str]:
    """state() of each group of topics, in one round trip to the cache."""
    found = values({topic for topics in groups.values() for topic in topics})
    return {name: digest(found, topics) for name, topics in groups.items()}


def values(topics: Iterable[str]) -> dict[str, int]:
    """The generation of each of `topics` and of ANY, in one round trip to the cache."""
    _catch_up()
    wanted = {*topics, ANY}
    found = cache.get_many([topic_key(topic) for topic in wanted])
    result = {}
    for topic in wanted:
        key = topic_key(topic)
        if key not in found:
            cache.add(key, 1, timeout=None)
            found[key] = cache.get(key, 1)
        result[topic] = found[key]
    return result


def digest(found: dict[str, int], topics: Iterable[str]) -> str:
    """The state of `topics` (and ANY) from the generations values() found."""
    return hashlib.sha256(repr([found[topic] for topic in sorted({*topics, ANY})]).encode()).hexdigest()[:16]


def is_data_write(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if not head.startswith(WRITES):
        return False
    if head.startswith("WITH") and not WRITE_WORD.search(sql):
        return False
    return any(prefix in sql for prefix in TABLE_PREFIXES)


def _watch_writes(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """A connection's execute wrapper (Django's execute_wrappers): the statement runs, then a data write bumps
    its topics once the transaction commits."""
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and is_data_write(sql):
        transaction.on_commit(bump, using=context["connection"].alias)
        # A statement that changed no row (a recompute's upsert of cells that are all the same) moves no topic.
        # The count of a WITH statement is its outer query's, not its writes': it always moves them.
        unchanged = getattr(context.get("cursor"), "rowcount", -1) == 0 and sql.lstrip()[:4].upper() != "WITH"
        for topic in () if unchanged else topics_written(sql):
            transaction.on_commit(partial(bump, topic), using=context["connection"].alias)
    return result


def _install(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def watch_data_writes() -> None:
    """Install the wrapper on every connection opened from now on. Called once, at start-up, from
    cxplatform.apps.CxPlatformConfig.ready(); the dispatch_uid makes a second call harmless."""
    connection_created.connect(_install, dispatch_uid="cxplatform.lib.generations")
