"""Fixtures of the tests of cxplatform: for the webhook tests, a receiver (tests.cxplatform.webhook_receiver) and a
subscription to it."""

from __future__ import annotations

import pytest

from cxplatform.webhooks import services
from cxplatform.webhooks.events import EventType
from tests.cxplatform.webhook_receiver import Receiver, start_receiver


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = start_receiver(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def subscribe(admin_user, receiver):
    """subscribe(*events, body_format="json"): an active subscription of the receiver, owned by the admin."""

    def make(*events: str, body_format: str = "json", url: str | None = None):
        return services.subscription_create(
            owner=admin_user,
            name="Receiver",
            url=url or receiver.url,
            events=list(events) or [EventType.ACTION_CREATED.value],
            body_format=body_format,
        )

    return make
