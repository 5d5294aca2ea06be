"""In a real browser: an admin adds a webhook for a local receiver, copies its signing secret, sends a test event
and sees it delivered in the log; the receiver verifies it with the standardwebhooks library. Screenshots:
test-results/screenshots/webhooks-*.png."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect
from standardwebhooks import Webhook

from cxplatform.accounts.models import Role
from cxplatform.webhooks.emitting import SUBSCRIBED_KEY
from cxplatform.webhooks.models import WebhookSubscription
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.cxplatform.webhook_receiver import Receiver, start_receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = start_receiver(receiver)
    yield receiver
    server.shutdown()
    server.server_close()


def log_in(page: Page, base: str, path: str, username: str) -> None:
    page.goto(f"{base}{path}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}{path}")


def test_an_admin_adds_a_webhook_and_sends_it_a_test_event(live_server, page: Page, screenshot, receiver):
    cache.delete(SUBSCRIBED_KEY)
    base = live_server.url
    page.set_viewport_size({"width": 1300, "height": 900})
    UserFactory(username="anne", role=Role.ADMIN, first_name="Anne", last_name="Admin")
    log_in(page, base, "/webhooks/", "anne")
    expect(page.get_by_role("heading", name="No webhooks yet")).to_be_visible()
    # The menu's one admin entry, and its Webhooks tab, are the current page's.
    expect(page.locator("nav.mainnav").get_by_role("link", name="Administration")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator("nav.admin-tabs").get_by_role("link", name="Webhooks")).to_have_attribute(
        "aria-current", "page"
    )
    screenshot("webhooks-empty")

    page.get_by_role("link", name="Add the first webhook").click()
    page.get_by_label("Name").fill("Claims channel")
    page.get_by_label("URL").fill("ftp://example.org/")
    page.get_by_label("Follow-up case opened").check()
    page.get_by_role("button", name="Create webhook").click()
    expect(page.get_by_text("Enter an http:// or https:// URL.")).to_be_visible()
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Slack-compatible message").check()
    page.get_by_label("Improvement action assigned").press("Space")  # keyboard works as well
    screenshot("webhooks-form")
    page.get_by_role("button", name="Create webhook").click()

    expect(page.get_by_role("heading", name=re.compile("Claims channel"))).to_be_visible()
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["action.assigned", "followup.opened"]
    expect(page.get_by_label("Signing secret")).to_have_value(subscription.secret)
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()

    page.get_by_role("button", name="Send a test event").click()
    expect(page.get_by_text("Test event queued")).to_be_visible()
    page.reload()
    expect(page.locator("td .badge", has_text="Delivered")).to_be_visible()
    [request] = receiver.requests
    assert Webhook(subscription.secret).verify(request.body, request.headers) == {
        "text": "Test event from CX Platform: this subscription works."
    }
    screenshot("webhooks-detail")

    page.locator("nav.mainnav").get_by_role("link", name="Administration").click()
    page.locator("nav.admin-tabs").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("link", name="Claims channel")).to_be_visible()
    screenshot("webhooks-list")
