"""Sending webhooks: signed as Standard Webhooks specifies (verified with the standardwebhooks library by a real
local receiver), retried with a growing wait for a day, then given up, the subscription paused and its owner
emailed; re-sent by hand; Slack and Teams bodies; and the request that causes an event never waits for the
receiver."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from standardwebhooks import Webhook

from cxplatform import celery_app, webhooks
from cxplatform.webhooks import sending, services
from cxplatform.webhooks.events import EventType
from cxplatform.webhooks.models import DeliveryStatus, WebhookDelivery
from cxplatform.webhooks.tasks import sweep_due_deliveries
from tests.journeys.factories import JourneyFactory

pytestmark = pytest.mark.django_db


def emit_one(event_type: str = EventType.ACTION_CREATED, **data) -> WebhookDelivery:
    assert webhooks.emit(event_type, lambda: {"title": "Call back within a day", "due_date": None, **data}) == 1
    return WebhookDelivery.objects.latest("id")


def test_a_delivery_reaches_the_receiver_signed_and_the_signature_verifies(receiver, subscribe):
    subscription = subscribe(EventType.ACTION_CREATED)
    delivery = emit_one(id=7)

    assert sending.send(delivery.pk) == DeliveryStatus.SUCCEEDED

    [request] = receiver.requests
    headers = {name.lower(): value for name, value in request.headers.items()}
    assert headers["webhook-id"] == delivery.event_id
    assert headers["webhook-signature"].startswith("v1,")
    event = Webhook(subscription.secret).verify(request.body, request.headers)
    assert event["type"] == "action.created"
    assert event["id"] == delivery.event_id
    assert event["data"]["title"] == "Call back within a day"
    assert event["text"] == "New improvement action: Call back within a day, due no date"
    # Another secret does not verify it.
    with pytest.raises(Exception, match="signature"):
        Webhook(services.new_secret()).verify(request.body, request.headers)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (DeliveryStatus.SUCCEEDED, 1, 200)
    assert delivery.last_response_ms is not None and delivery.next_attempt_at is None


def test_the_send_is_queued_only_once_the_transaction_commits(receiver, subscribe, django_capture_on_commit_callbacks):
    subscribe(EventType.ACTION_CREATED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emit_one()
    assert receiver.requests == []  # recorded, not sent
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
    for callback in callbacks:
        callback()  # the commit: the (eager) task sends it
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_a_failing_receiver_gets_retries_with_a_growing_wait(receiver, subscribe):
    receiver.status = 500
    subscribe(EventType.ACTION_CREATED)
    delivery = emit_one()
    start = timezone.now()
    waits = []
    with time_machine.travel(start, tick=False) as traveller:
        for _attempt in range(6):
            assert sweep_due_deliveries() == 1
            delivery.refresh_from_db()
            assert delivery.status == DeliveryStatus.FAILED
            assert delivery.last_response_code == 500
            assert delivery.last_error == "HTTP 500 Internal Server Error"
            waits.append(delivery.next_attempt_at - timezone.now())
            assert sweep_due_deliveries() == 0  # not due yet: nothing is sent before its time
            traveller.move_to(delivery.next_attempt_at)
    assert len(receiver.requests) == 6 and delivery.attempts == 6
    assert waits == [
        datetime.timedelta(seconds=30),
        datetime.timedelta(minutes=2),
        datetime.timedelta(minutes=10),
        datetime.timedelta(hours=1),
        datetime.timedelta(hours=3),
        datetime.timedelta(hours=6),
    ]
    # Each attempt carries the same message id, so the receiver can drop a duplicate.
    assert {r.headers["webhook-id"] for r in receiver.requests} == {delivery.event_id}


def test_after_a_day_of_failures_the_delivery_is_given_up_the_subscription_paused_and_its_owner_emailed(
    receiver, subscribe, admin_user, django_capture_on_commit_callbacks
):
    admin_user.email = "anne@example.org"
    admin_user.save()
    receiver.status = 503
    subscription = subscribe(EventType.ACTION_CREATED)
    delivery = emit_one()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller, django_capture_on_commit_callbacks(execute=True):
        while True:
            sweep_due_deliveries()
            delivery.refresh_from_db()
            if delivery.status != DeliveryStatus.FAILED:
                break
            assert delivery.next_attempt_at <= start + datetime.timedelta(hours=24)
            traveller.move_to(delivery.next_attempt_at)
        assert delivery.last_attempt_at == start + datetime.timedelta(hours=24)  # the last try: a day after the first
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert delivery.attempts == 10  # 30 s, 2 min, 10 min, 1 h, 3 h, then every 6 h until the day is up
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert "failed for a day" in subscription.paused_reason
    [email] = mail.outbox
    assert email.to == ["anne@example.org"]
    assert "Receiver" in email.subject and "paused" in email.subject
    assert reverse("webhooks:detail", args=[subscription.pk]) in email.body
    # Paused, it is sent nothing more: the next event waits.
    count = len(receiver.requests)
    assert webhooks.emit(EventType.ACTION_CREATED, lambda: {}) == 0
    assert sweep_due_deliveries() == 0
    assert len(receiver.requests) == count


def test_a_receiver_that_cannot_be_reached_is_a_failed_attempt_with_the_error(subscribe):
    subscribe(EventType.ACTION_CREATED, url="http://127.0.0.1:9/nothing-listens")
    delivery = emit_one()
    assert sending.send(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.last_response_code is None
    assert "refused" in delivery.last_error.lower()


def test_a_delivery_given_up_is_re_sent_by_hand(receiver, subscribe, django_capture_on_commit_callbacks):
    subscription = subscribe(EventType.ACTION_CREATED)
    delivery = emit_one()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.GIVEN_UP, attempts=9)
    delivery.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(delivery=delivery)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 1)
    [request] = receiver.requests
    assert Webhook(subscription.secret).verify(request.body, request.headers)["type"] == "action.created"


def test_the_sweeper_sends_what_a_lost_task_left_pending(receiver, subscribe):
    """The task was never queued (Redis down at commit) or its worker was killed: the row is still there."""
    subscribe(EventType.ACTION_CREATED)
    delivery = emit_one()  # in a test transaction: nothing was queued
    assert receiver.requests == []
    assert sweep_due_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.requests) == 1


def test_a_delivery_claimed_by_one_sender_is_not_sent_by_another(receiver, subscribe):
    subscribe(EventType.ACTION_CREATED)
    delivery = emit_one()
    assert sending._claim(delivery.pk, force=False) is not None  # a worker took it, and died
    assert sweep_due_deliveries() == 0
    assert receiver.requests == []
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=sending.claim_seconds() + 1)):
        assert sweep_due_deliveries() == 1  # its claim ran out: the sweeper sends it
    assert len(receiver.requests) == 1


def test_a_slack_subscription_gets_the_sentence_as_text(receiver, subscribe):
    subscription = subscribe(EventType.FOLLOWUP_OPENED, body_format="slack")
    due = timezone.localdate() + datetime.timedelta(days=2)
    webhooks.emit(
        EventType.FOLLOWUP_OPENED,
        lambda: {
            "metric_label": "NPS",
            "score": 3,
            "touchpoint": {"id": 1, "name": "Claim by phone"},
            "due_date": due.isoformat(),
        },
    )
    sending.send(WebhookDelivery.objects.get().pk)
    [request] = receiver.requests
    body = Webhook(subscription.secret).verify(request.body, request.headers)
    assert body == {"text": f"New follow-up case: NPS 3 on Claim by phone, due {due.strftime('%A')}"}


def test_a_teams_subscription_gets_a_message_card_with_an_adaptive_card_beside_it(receiver, subscribe):
    subscribe(EventType.ACTION_ASSIGNED, body_format="teams")
    webhooks.emit(EventType.ACTION_ASSIGNED, lambda: {"title": "Shorter claim form", "assignee": {"name": "Priya"}})
    sending.send(WebhookDelivery.objects.get().pk)
    body = json.loads(receiver.requests[0].body)
    sentence = "Improvement action Shorter claim form assigned to Priya"
    assert (body["@type"], body["text"], body["summary"]) == ("MessageCard", sentence, sentence)
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["body"][0]["text"] == sentence


def test_the_text_is_in_the_owner_s_language_whatever_the_language_of_who_caused_it(receiver, subscribe, settings):
    """Users read their email (and their webhooks) in the site's language (emails.language_of); labels are
    stored as their English source and translated when sent."""
    subscribe(EventType.ACTION_STATUS_CHANGED, body_format="slack")
    with translation.override("en"):  # the person who moved the action works in English
        webhooks.emit(
            EventType.ACTION_STATUS_CHANGED,
            lambda: {"title": "Shorter form", "status_label": "In progress", "previous_status_label": "Planned"},
        )
    settings.LANGUAGE_CODE = "nl"
    sending.send(WebhookDelivery.objects.get().pk)
    text = json.loads(receiver.requests[0].body)["text"]
    assert "In uitvoering" in text and "Gepland" in text


@pytest.mark.django_db(transaction=True)
def test_the_request_that_causes_an_event_does_not_contact_the_receiver(client, admin_user, receiver, subscribe):
    """With a real broker (no worker listening) the API answers while the receiver has heard nothing; a
    receiver that sleeps cannot slow it. The delivery waits, recorded, for a worker."""
    receiver.delay = 30  # a receiver this slow would hold the request up, were anything sent in it
    subscribe(EventType.ACTION_CREATED)
    journey = JourneyFactory()
    client.force_login(admin_user)
    celery_app.conf.task_always_eager = False
    try:
        response = client.post(
            reverse("api:action-list"),
            {"title": "Shorter claim form", "journey": journey.pk},
            content_type="application/json",
        )
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.control.purge()
    assert response.status_code == 201, response.content
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.payload["data"]["title"] == "Shorter claim form"


def test_a_subscription_deleted_while_its_delivery_is_on_the_way_breaks_nothing(subscribe, monkeypatch):
    subscription = subscribe(EventType.ACTION_CREATED)
    delivery = emit_one()

    def post_and_delete(request):
        services.subscription_delete(subscription=subscription)
        return 500, "HTTP 500"

    monkeypatch.setattr(sending, "post", post_and_delete)
    assert sending.send(delivery.pk) == DeliveryStatus.FAILED
    assert not WebhookDelivery.objects.exists()
