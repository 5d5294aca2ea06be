"""Sending one delivery: claim it, POST it signed (Standard Webhooks), record what the receiver answered, and
schedule the next attempt, or give up after a day and pause the subscription.

The HTTP request is made outside any transaction, on a delivery claimed first (its next attempt moved past the
request's longest wait), so that two workers never send it at once and a worker killed mid-send leaves it for the
sweeper. Retries follow RETRY_DELAYS until RETRY_WINDOW after the first attempt.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext
from standardwebhooks import Webhook

from cxplatform.lib import emails
from cxplatform.webhooks import events
from cxplatform.webhooks.models import BodyFormat, DeliveryStatus, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

# After the 1st failed attempt wait 30 s, after the 2nd 2 min, ... then every 6 h, until a day has passed.
RETRY_DELAYS = [
    datetime.timedelta(seconds=30),
    datetime.timedelta(minutes=2),
    datetime.timedelta(minutes=10),
    datetime.timedelta(hours=1),
    datetime.timedelta(hours=3),
    datetime.timedelta(hours=6),
]
RETRY_WINDOW = datetime.timedelta(hours=24)
USER_AGENT = "CX-Platform-Webhooks/1"


def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed attempt (1-based)."""
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]


def claim_seconds() -> int:
    """How long a claimed delivery is left to its sender before the sweeper takes it back."""
    return 2 * settings.WEBHOOK_TIMEOUT + 60


def owner_language(subscription: WebhookSubscription) -> str:
    return (
        emails.language_of(subscription.owner)
        if subscription.owner_id and subscription.owner
        else settings.LANGUAGE_CODE
    )


def body_of(delivery: WebhookDelivery, subscription: WebhookSubscription) -> dict[str, Any]:
    """What is POSTed: the event as JSON (with its text), or a Slack or Teams message carrying the text, in the
    subscription owner's language."""
    payload = delivery.payload
    with translation.override(owner_language(subscription)):
        sentence = events.text(payload.get("type", delivery.event_type), payload.get("data") or {})
    if subscription.body_format == BodyFormat.SLACK:
        # Slack's incoming webhooks (and Mattermost's, Rocket.Chat's) show `text`.
        return {"text": sentence}
    if subscription.body_format == BodyFormat.TEAMS:
        # An Office 365 connector card (MessageCard: summary, text) and, beside it, the "message with an
        # adaptive card attachment" that Teams' Workflows webhooks read: either kind of Teams endpoint shows it.
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": sentence,
            "text": sentence,
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [{"type": "TextBlock", "text": sentence, "wrap": True}],
                    },
                }
            ],
        }
    return {**payload, "id": delivery.event_id, "text": sentence}


def signed_request(
    delivery: WebhookDelivery, subscription: WebhookSubscription, now: datetime.datetime
) -> urllib.request.Request:
    body = json.dumps(body_of(delivery, subscription), separators=(",", ":"), ensure_ascii=False).encode()
    signature = Webhook(subscription.secret).sign(msg_id=delivery.event_id, timestamp=now, data=body)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    # http(s) only: the services refuse any other scheme, and post() checks again before opening.
    return urllib.request.Request(subscription.url, data=body, headers=headers, method="POST")  # noqa: S310


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a hop: a signed POST is not re-sent elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(request: urllib.request.Request) -> tuple[int | None, str]:
    """(status code or None, error text). Connecting, and each read of the answer, waits at most
    WEBHOOK_TIMEOUT seconds; only the first 64 KiB of the answer are read."""
    if request.type not in ("http", "https"):
        return None, f"not an http(s) URL: {request.type}"
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            response.read(65536)
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return None, f"{type(error).__name__}: {reason}"


def _claim(delivery_id: int, *, force: bool) -> WebhookDelivery | None:
    """The delivery, if it is due (or `force`) and its subscription active, with its next attempt moved on by
    claim_seconds() so that nobody else sends it meanwhile."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription__owner")
            .filter(pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
            .first()
        )
        if delivery is None or not delivery.subscription.is_active:
            return None
        if not force and delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None
        delivery.next_attempt_at = now + datetime.timedelta(seconds=claim_seconds())
        if delivery.first_attempt_at is None:
            delivery.first_attempt_at = now
        delivery.save(update_fields=["next_attempt_at", "first_attempt_at"])
    return delivery


def send(delivery_id: int, *, force: bool = False) -> str | None:
    """Attempt delivery `delivery_id` now; returns its status afterwards (None: not due, taken or paused)."""
    delivery = _claim(delivery_id, force=force)
    if delivery is None:
        return None
    subscription = delivery.subscription
    started = time.monotonic()
    now = timezone.now()
    code, error = post(signed_request(delivery, subscription, now))
    elapsed_ms = int((time.monotonic() - started) * 1000)
    finished = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = finished
    delivery.last_response_code = code
    delivery.last_response_ms = elapsed_ms
    give_up = False
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = finished
        delivery.next_attempt_at = None
        delivery.last_error = ""
    else:
        delivery.last_error = Truncator(error or f"HTTP {code}").chars(300)
        deadline = (delivery.first_attempt_at or now) + RETRY_WINDOW
        if finished >= deadline:
            delivery.status = DeliveryStatus.GIVEN_UP
            delivery.next_attempt_at = None
            give_up = True
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = min(finished + retry_delay(delivery.attempts), deadline)
    logger.info(
        "webhook delivery %s (%s) to subscription %s: attempt %s, %s, code %s, %s ms%s",
        delivery.pk,
        delivery.event_type,
        subscription.pk,
        delivery.attempts,
        delivery.status,
        code,
        elapsed_ms,
        f", error: {delivery.last_error}" if delivery.last_error else "",
    )
    fields = [
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_response_code",
        "last_response_ms",
        "last_error",
        "delivered_at",
    ]
    with transaction.atomic():
        # An update, not save(): the subscription (and its deliveries) may have been deleted meanwhile.
        stored = WebhookDelivery.objects.filter(pk=delivery.pk).update(
            **{name: getattr(delivery, name) for name in fields}
        )
        if give_up and stored:
            _pause_after_failures(subscription, delivery)
    return delivery.status


def _pause_after_failures(subscription: WebhookSubscription, delivery: WebhookDelivery) -> None:
    from cxplatform.webhooks.services import subscription_pause
    from cxplatform.webhooks.tasks import send_paused_email

    with translation.override(owner_language(subscription)):
        reason = gettext("Paused automatically: deliveries failed for a day (last: %(error)s).") % {
            "error": delivery.last_error
        }
    if subscription.is_active:
        subscription_pause(subscription=subscription, reason=reason)
        if subscription.owner_id:
            emails.send_after_commit(send_paused_email, subscription.pk)
