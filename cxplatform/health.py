"""The checks behind /health/: the database, the cache and the task queue, each up or down, and whether the
KPI recompute keeps up (the figures are stale while requests wait; "overdue" once one has waited longer than
RECOMPUTE_OVERDUE_SECONDS, which the sweeper should never let happen with a worker and beat running).

Anyone may ask (monitoring needs no login) but only staff see the details: error text names hosts and ports,
and the worker's host name and the backlog are nobody else's business. Everyone else gets the status words."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.utils import timezone

from cxplatform.lib.resilient_cache import ResilientRedisCache
from cxplatform.tasks import BEAT_HEARTBEAT_KEY, ping
from metrics.selectors.recompute import recompute_backlog

Component = dict[str, Any]


def _timed(check: Callable[[], Component]) -> Component:
    started = time.perf_counter()
    try:
        result = {"status": "up", **check()}
    except Exception as error:  # a health check reports every failure instead of raising it
        result = {"status": "down", "error": f"{type(error).__name__}: {error}"[:300]}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> Component:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"engine": connection.vendor}


def check_cache() -> Component:
    backend = caches["default"]
    if isinstance(backend, ResilientRedisCache):
        backend.check()  # the real error, which the cache's own calls would turn into a miss
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return the value just written")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_queue() -> Component:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "in-process", "worker": ping.apply().get()["hostname"]}
    # Fail fast with a clear error when the broker is unreachable, rather than after Celery's retries.
    with ping.app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=settings.HEALTH_QUEUE_TIMEOUT)
    # A real round trip: the broker takes the task, a worker runs it, the result comes back.
    result = ping.apply_async(retry=False, expires=settings.HEALTH_QUEUE_TIMEOUT)
    try:
        answer = result.get(timeout=settings.HEALTH_QUEUE_TIMEOUT)
    finally:
        result.forget()
    component: Component = {"mode": "worker", "worker": answer["hostname"]}
    try:
        component["beat_last_seen"] = cache.get(BEAT_HEARTBEAT_KEY)
    except Exception:  # the cache has its own component; its failure is reported there
        component["beat_last_seen"] = None
    return component


def check_recompute() -> Component:
    pending, oldest = recompute_backlog()
    waited = 0 if oldest is None else max(0, round((timezone.now() - oldest).total_seconds()))
    component: Component = {"pending": pending, "oldest_pending_seconds": waited}
    if waited > settings.RECOMPUTE_OVERDUE_SECONDS:
        component["status"] = "overdue"
    return component


def health_report() -> tuple[bool, dict[str, Any]]:
    components = {
        "database": _timed(check_database),
        "cache": _timed(check_cache),
        "queue": _timed(check_queue),
        "recompute": _timed(check_recompute),
    }
    healthy = all(component["status"] == "up" for component in components.values())
    services_up = all(components[name]["status"] == "up" for name in ("database", "cache", "queue"))
    status = "ok" if healthy else "degraded" if services_up else "unavailable"
    return healthy, {"status": status, "components": components}


def status_words(report: dict[str, Any]) -> dict[str, Any]:
    """The report without its details: the overall status and each component's status word."""
    return {
        "status": report["status"],
        "components": {name: {"status": component["status"]} for name, component in report["components"].items()},
    }
