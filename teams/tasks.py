"""Thin tasks: take ids, fetch, call the notification code, retry with backoff."""

from smtplib import SMTPException

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils import timezone

from teams import notifications
from teams.models import OPEN_STATUSES, ImprovementAction


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


@shared_task(name="teams.send_overdue_digests", time_limit=600, soft_time_limit=540)
def send_overdue_digests() -> int:
    """Each morning (beat): one email per assignee listing their overdue open actions. Returns emails sent."""
    today = timezone.localdate()
    overdue = (
        ImprovementAction.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today, assignee__isnull=False)
        .select_related("journey")
        .order_by("assignee_id", "due_date", "id")
    )
    by_user: dict[int, list[ImprovementAction]] = {}
    for action in overdue:
        by_user.setdefault(action.assignee_id, []).append(action)
    users = get_user_model().objects.in_bulk(list(by_user))
    for user_id, actions in by_user.items():
        notifications.send_overdue_digest(users[user_id], actions)
    return len(by_user)
