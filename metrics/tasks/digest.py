"""The morning email task."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from metrics import notifications


@shared_task(
    name="metrics.send_morning_digests",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=3,
    time_limit=600,
    soft_time_limit=540,
)
def send_morning_digests() -> int:
    """Each morning (beat): one email per person listing their overdue follow-up cases and improvement actions.
    Returns the number of emails sent."""
    return notifications.send_morning_digests(today=timezone.localdate())
