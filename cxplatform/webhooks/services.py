"""Writes: subscriptions (create, edit, pause, resume, delete), a test event, a delivery re-sent by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.webhooks.emitting import forget_subscribed_event_types, queue_send
from cxplatform.webhooks.events import SUBSCRIBABLE, EventType
from cxplatform.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription, new_secret

if TYPE_CHECKING:
    from cxplatform.accounts.models import User

EVENT_VALUES = [value for value, _label in SUBSCRIBABLE]


def _clean_events(events: list[str]) -> list[str]:
    unknown = [event for event in events if event not in EVENT_VALUES]
    if unknown:
        raise ValidationError({"events": _("Not an event: %(names)s.") % {"names": ", ".join(map(str, unknown))}})
    if not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    return [value for value in EVENT_VALUES if value in events]  # in the list's order, once each


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        raise ValidationError({"url": _("Enter an http:// or https:// URL.")})
    return url


@transaction.atomic
def subscription_create(
    *, owner: User, name: str, url: str, events: list[str], body_format: str
) -> WebhookSubscription:
    subscription = WebhookSubscription(
        owner=owner, name=name.strip(), url=_clean_url(url), events=_clean_events(events), body_format=body_format
    )
    subscription.full_clean()
    subscription.save()
    forget_subscribed_event_types()
    return subscription


@transaction.atomic
def subscription_update(
    *,
    subscription: WebhookSubscription,
    name: str | None = None,
    url: str | None = None,
    events: list[str] | None = None,
    body_format: str | None = None,
) -> WebhookSubscription:
    if name is not None:
        subscription.name = name.strip()
    if url is not None:
        subscription.url = _clean_url(url)
    if events is not None:
        subscription.events = _clean_events(events)
    if body_format is not None:
        subscription.body_format = body_format
    subscription.full_clean()
    subscription.save()
    forget_subscribed_event_types()
    return subscription


@transaction.atomic
def subscription_pause(*, subscription: WebhookSubscription, reason: str = "") -> WebhookSubscription:
    subscription.is_active = False
    subscription.paused_reason = reason[:300]
    subscription.paused_at = timezone.now()
    subscription.save(update_fields=["is_active", "paused_reason", "paused_at", "updated_at"])
    forget_subscribed_event_types()
    return subscription


@transaction.atomic
def subscription_resume(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Active again; the deliveries that waited (and those given up while it failed) are sent afresh, with a
    new day of retries."""
    subscription.is_active = True
    subscription.paused_reason = ""
    subscription.paused_at = None
    subscription.save(update_fields=["is_active", "paused_reason", "paused_at", "updated_at"])
    waiting = WebhookDelivery.objects.filter(
        subscription=subscription,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP],
    )
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), first_attempt_at=None, attempts=0)
    queue_send(ids)
    forget_subscribed_event_types()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription) -> None:
    subscription.delete()
    forget_subscribed_event_types()


@transaction.atomic
def subscription_rotate_secret(*, subscription: WebhookSubscription) -> WebhookSubscription:
    subscription.secret = new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription


@transaction.atomic
def subscription_send_test(*, subscription: WebhookSubscription, by: User) -> WebhookDelivery:
    """A test event for this subscription alone, sent (and retried) like any other."""
    if not subscription.is_active:
        raise ValidationError({"subscription": _("Resume the subscription before sending it a test event.")})
    now = timezone.now()
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_type=EventType.TEST,
        payload={
            "type": EventType.TEST.value,
            "timestamp": now.isoformat(),
            "data": {"subscription": {"id": subscription.pk, "name": subscription.name}, "by": by.username},
        },
        next_attempt_at=now,
    )
    queue_send([delivery.pk])
    return delivery


@transaction.atomic
def delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, whatever became of it: same message id (so a receiver can tell a duplicate),
    a new day of retries."""
    if not delivery.subscription.is_active:
        raise ValidationError({"subscription": _("Resume the subscription before re-sending its deliveries.")})
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.first_attempt_at = None
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "first_attempt_at", "next_attempt_at"])
    queue_send([delivery.pk])
    return delivery
