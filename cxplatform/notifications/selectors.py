from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from cxplatform.notifications.models import Notification

if TYPE_CHECKING:
    from cxplatform.accounts.models import User


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user).select_related("actor")
    return rows.filter(read_at__isnull=True) if unread_only else rows
