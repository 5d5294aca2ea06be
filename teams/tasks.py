"""Thin tasks: take ids, fetch, call the notification code, retry with backoff."""

from smtplib import SMTPException

from celery import shared_task

from teams import notifications
from teams.models import ImprovementAction


@shared_task(
    name="teams.send_assignment_email",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=50,
)
def send_assignment_email(action_id: int) -> None:
    action = ImprovementAction.objects.select_related("assignee", "journey", "touchpoint").filter(pk=action_id).first()
    if action is not None:
        notifications.send_assignment_email(action)


@shared_task(name="teams.emit_overdue_action_events", time_limit=300, soft_time_limit=240, ignore_result=True)
def emit_overdue_action_events() -> int:
    """Hourly (beat): the webhook event action.overdue, once per action and deadline."""
    from teams.webhooks import emit_overdue

    return emit_overdue()
