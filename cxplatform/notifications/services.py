"""Writes: notify people, mark read, withdraw what a deleted source caused."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator

from cxplatform.notifications.models import Notification

if TYPE_CHECKING:
    from cxplatform.accounts.models import User


@transaction.atomic
def notify(
    *,
    recipients: Iterable[tuple[User, str]],
    actor: User | None,
    about: str,
    excerpt: str,
    url: str,
    source: models.Model,
) -> list[Notification]:
    """One notification to each (recipient, kind); the actor is never notified of their own doing, and nobody
    twice for one source. Their emails are queued once the transaction commits."""
    source_type = ContentType.objects.get_for_model(source)
    seen: set[int] = set()
    rows = []
    for recipient, kind in recipients:
        if recipient.pk in seen or (actor is not None and recipient.pk == actor.pk) or not recipient.is_active:
            continue
        seen.add(recipient.pk)
        rows.append(
            Notification(
                recipient=recipient,
                kind=kind,
                actor=actor,
                about=Truncator(about).chars(300),
                excerpt=Truncator(excerpt).chars(300),
                url=url,
                source_type=source_type,
                source_id=source.pk,
            )
        )
    created = Notification.objects.bulk_create(rows)
    if created:
        from cxplatform.notifications.tasks import send_notification_email

        delay = settings.NOTIFICATION_EMAIL_DELAY
        for recipient_id in sorted(seen):
            transaction.on_commit(partial(send_notification_email.apply_async, args=[recipient_id], countdown=delay))
    return created


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the user's notifications read; False when it is not theirs (or gone)."""
    found = Notification.objects.filter(pk=notification_id, recipient=user)
    found.filter(read_at__isnull=True).update(read_at=timezone.now())
    return found.exists()


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notifications_withdraw(*, source: models.Model) -> None:
    """Remove what `source` caused (a deleted comment no longer rings anyone's bell)."""
    Notification.objects.filter(source_type=ContentType.objects.get_for_model(source), source_id=source.pk).delete()
