"""Thin tasks: take ids, call the notification code, retry with backoff."""

from smtplib import SMTPException

from celery import shared_task

from cxplatform.notifications import emails


@shared_task(
    name="notifications.send_notification_email",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=50,
)
def send_notification_email(recipient_id: int) -> int:
    return emails.send_pending(recipient_id)
