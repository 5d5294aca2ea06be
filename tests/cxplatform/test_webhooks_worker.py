"""Webhooks through a REAL Celery worker (Redis, the test's Postgres database): the write commits, the worker
sends the delivery, signed, to a real local receiver."""

from types import SimpleNamespace

import pytest
from standardwebhooks import Webhook

from cxplatform.webhooks.events import EventType
from cxplatform.webhooks.models import DeliveryStatus, WebhookDelivery
from teams.services.actions import action_create
from tests.journeys.factories import TouchpointFactory
from tests.services import celery_worker, wait_for
from tests.stack.test_procfile_stack import database_url


@pytest.fixture
def worker(transactional_db, tmp_path):
    with celery_worker(database_url=database_url(), log=tmp_path / "worker.log") as queue:
        yield SimpleNamespace(queue=queue)


def test_a_real_worker_sends_the_event_after_the_commit(worker, receiver, subscribe, admin_user):
    subscription = subscribe(EventType.ACTION_CREATED)
    touchpoint = TouchpointFactory(name="Claim by phone")
    action = action_create(created_by=admin_user, title="Call back within a day", touchpoint=touchpoint)
    [request] = wait_for(lambda: receiver.requests, timeout=30, what="the webhook delivery")
    event = Webhook(subscription.secret).verify(request.body, request.headers)
    assert (event["type"], event["data"]["id"]) == ("action.created", action.pk)
    delivery = wait_for(
        lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).first(),
        timeout=30,
        what="the delivery recorded as delivered",
    )
    assert (delivery.attempts, delivery.last_response_code) == (1, 200)
