"""The checks behind /health/: the database, the cache and the task queue, each up or down."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from cxplatform.tasks import BEAT_HEARTBEAT_KEY, ping

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


def health_report() -> tuple[bool, dict[str, Any]]:
    components = {
        "database": _timed(check_database),
        "cache": _timed(check_cache),
        "queue": _timed(check_queue),
    }
    healthy = all(component["status"] == "up" for component in components.values())
    return healthy, {"status": "ok" if healthy else "unavailable", "components": components}
