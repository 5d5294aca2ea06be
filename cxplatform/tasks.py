from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

BEAT_HEARTBEAT_KEY = "celery:beat-heartbeat"


@shared_task(name="cxplatform.tasks.ping", time_limit=10, soft_time_limit=8)
def ping() -> dict:
    """The health check's round trip: answers with the name of the worker that ran it."""
    return {"pong": True, "hostname": ping.request.hostname or "in-process"}


@shared_task(name="cxplatform.tasks.beat_heartbeat", time_limit=10, soft_time_limit=8, ignore_result=True)
def beat_heartbeat() -> None:
    """Scheduled by beat; /health/ reports when it last ran, so a stopped beat is visible."""
    cache.set(BEAT_HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)
