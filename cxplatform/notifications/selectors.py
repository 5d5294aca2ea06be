from django.db.models import QuerySet

from cxplatform.notifications.models import Notification


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user).select_related("actor")
    return rows.filter(read_at__isnull=True) if unread_only else rows
