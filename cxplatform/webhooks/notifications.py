"""The email to a subscription's owner when it was paused after a day of failed deliveries."""

from __future__ import annotations

from django.utils.translation import gettext

from cxplatform.lib import emails
from cxplatform.webhooks.models import WebhookSubscription


def send_paused_email(subscription_id: int) -> bool:
    subscription = WebhookSubscription.objects.select_related("owner").filter(pk=subscription_id).first()
    if subscription is None or subscription.owner is None or subscription.is_active:
        return False
    return emails.send(
        to=subscription.owner,
        template="webhooks/email/paused.txt",
        subject=lambda: gettext("CX Platform: webhook “%(name)s” paused") % {"name": subscription.name},
        context=lambda: {
            "subscription": subscription,
            "url": emails.absolute_reverse("webhooks:detail", args=[subscription.pk]),
        },
    )
