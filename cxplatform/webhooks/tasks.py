"""Thin tasks: send one delivery, sweep the due ones, email an owner whose subscription was paused."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from cxplatform.webhooks import sending
from cxplatform.webhooks.models import DeliveryStatus, WebhookDelivery

SWEEP_BATCH = 500


@shared_task(name="webhooks.send_delivery", time_limit=120, soft_time_limit=100, ignore_result=True)
def send_delivery(delivery_id: int) -> str | None:
    return sending.send(delivery_id)


@shared_task(name="webhooks.sweep_due_deliveries", time_limit=120, soft_time_limit=100, ignore_result=True)
def sweep_due_deliveries() -> int:
    """Queue every delivery whose next attempt is due: retries, and what a killed worker or a broker down at
    commit left behind. The send claims each one, so a delivery queued twice is still sent once."""
    ids = list(
        WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
            next_attempt_at__lte=timezone.now(),
            subscription__is_active=True,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        for delivery_id in ids:
            sending.send(delivery_id)
    else:
        for delivery_id in ids:
            send_delivery.delay(delivery_id)
    return len(ids)


@shared_task(
    name="webhooks.send_paused_email",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=50,
)
def send_paused_email(subscription_id: int) -> bool:
    from cxplatform.webhooks.notifications import send_paused_email as send

    return send(subscription_id)
