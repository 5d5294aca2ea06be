"""The email of notifications: one message per recipient with all that is unread and not yet emailed."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from cxplatform.accounts.models import User
from cxplatform.lib import emails
from cxplatform.notifications.models import Notification


def send_pending(recipient_id: int) -> int:
    """Email the recipient what is pending; returns how many notifications it carried (0: nothing sent).

    The rows are locked and marked in one transaction: two tasks for one person never send the same
    notification twice, and an SMTP error rolls the marks back so that the retry sends them."""
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None:
        return 0
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(recipient=recipient, read_at__isnull=True, emailed_at__isnull=True)
            .select_related("actor")
            .order_by("created_at", "id")
        )
        if not pending:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
        count = len(pending)
        sent = emails.send(
            to=recipient,
            template="notifications/email/pending.txt",
            subject=lambda: (
                ngettext("CX Platform: %(count)s new notification", "CX Platform: %(count)s new notifications", count)
                % {"count": count}
            ),
            context=lambda: {
                "notifications": [
                    {"message": n.message, "excerpt": n.excerpt, "url": emails.absolute_url(n.url)} for n in pending
                ],
                "list_url": emails.absolute_reverse("notifications:list"),
            },
        )
    return count if sent else 0
