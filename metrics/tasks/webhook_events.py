"""Hourly (beat): the webhook events found by looking: follow-up cases past their deadline, targets missed in
the month just ended. Each is emitted once (cxplatform.webhooks remembers)."""

from celery import shared_task
from django.utils import timezone

from metrics import webhooks


@shared_task(name="metrics.emit_webhook_events", time_limit=300, soft_time_limit=240, ignore_result=True)
def emit_webhook_events() -> int:
    today = timezone.localdate()
    return webhooks.emit_overdue_cases(today) + webhooks.emit_targets_missed(today)
