"""Survey connectors' tasks: a fetching tool's delivery processed (its answers fetched with retries and backoff),
deliveries left "received" queued again (the sweeper), polled tools polled (beat)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

DATABASE_HICCUPS = (OperationalError, InterfaceError)
MAX_BACKOFF_SECONDS = 240  # below the sweeper's wait, so that a delivery in its retries is not queued twice


@shared_task(
    bind=True,
    name="metrics.connectors.process_delivery",
    autoretry_for=DATABASE_HICCUPS,
    retry_backoff=True,
    max_retries=8,
    time_limit=120,
    soft_time_limit=100,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def process_delivery(self, delivery_id: int) -> str:
    """Fetch (a fetching tool) and ingest one stored delivery; a retryable fetch failure is tried again later,
    30 s, 60 s, 120 s, then every 240 s, until metrics.connectors.services.MAX_FETCH_ATTEMPTS marks it failed.
    Running it twice is harmless: a delivery already processed is left as it is. Returns the status."""
    from metrics.connectors.services import delivery_process
    from metrics.connectors.vendors.base import FetchFailed
    from metrics.models import Delivery

    delivery = Delivery.objects.select_related("source").filter(pk=delivery_id).first()
    if delivery is None:  # its source was deleted meanwhile
        return "gone"
    try:
        return delivery_process(delivery=delivery).status
    except FetchFailed as failed:
        countdown = min(30 * 2**self.request.retries, MAX_BACKOFF_SECONDS)
        logger.warning("delivery %s: fetch failed (%s); again in %d s", delivery_id, failed.reason, countdown)
        raise self.retry(countdown=countdown, max_retries=None) from failed


@shared_task(name="metrics.connectors.sweep_deliveries", time_limit=60, soft_time_limit=50, ignore_result=True)
def sweep_deliveries() -> int:
    """Every DELIVERY_SWEEP_SECONDS (beat): queue again the deliveries left "received" for longer than
    DELIVERY_SWEEP_AFTER_SECONDS (a worker killed, Redis down when they arrived). Returns how many."""
    from metrics.connectors.services import delivery_sweep

    queued = delivery_sweep(older_than_seconds=settings.DELIVERY_SWEEP_AFTER_SECONDS)
    if queued:
        logger.warning("%d survey deliveries were left behind; queued again", queued)
    return queued


@shared_task(name="metrics.connectors.poll_sources", time_limit=600, soft_time_limit=570, ignore_result=True)
def poll_sources() -> int:
    """Every SURVEY_POLL_SECONDS (beat): ask each active polled source (LimeSurvey) for what is new; a tool's
    error is logged and that source is asked again next time. Returns the deliveries made."""
    from metrics.connectors.services import source_poll
    from metrics.connectors.vendors import vendors
    from metrics.models import SurveySource

    polled = [vendor.slug for vendor in vendors() if vendor.polls]
    made = 0
    for source in SurveySource.objects.filter(active=True, vendor__in=polled):
        try:
            made += source_poll(source=source) is not None
        except Exception:
            logger.exception("polling survey source %s failed; trying again at the next poll", source.pk)
    return made
