"""The webhook pages and API: admins only; the list (empty state, pinned queries), the form and its
validation, the secret with its copy button, a test event, pause / resume, delete after a confirmation, the
deliveries log with re-send."""

from __future__ import annotations

import pytest
from django.urls import reverse
from standardwebhooks import Webhook

from cxplatform.webhooks.events import EventType
from cxplatform.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from cxplatform.webhooks.services import subscription_create

pytestmark = pytest.mark.django_db


def make_subscriptions(owner, count: int) -> list[WebhookSubscription]:
    return [
        subscription_create(
            owner=owner,
            name=f"Hook {i:03}",
            url=f"https://example.org/{i}",
            events=["action.created"],
            body_format="json",
        )
        for i in range(count)
    ]


def make_deliveries(subscription, count: int) -> None:
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription=subscription, event_type="action.created", payload={"data": {}}, attempts=1)
        for _ in range(count)
    )


PAGES = [
    ("webhooks:list", False),
    ("webhooks:create", False),
    ("webhooks:detail", True),
    ("webhooks:edit", True),
    ("webhooks:delete", True),
]
POSTS = ["webhooks:pause", "webhooks:resume", "webhooks:test"]


@pytest.mark.parametrize("persona", ["cx_editor", "manager", "process_owner"])
def test_only_admins_open_the_pages_and_the_api(request, client_of, admin_user, persona):
    client = client_of(request.getfixturevalue(persona))
    [subscription] = make_subscriptions(admin_user, 1)
    make_deliveries(subscription, 1)
    delivery = WebhookDelivery.objects.get()
    for name, takes_pk in PAGES:
        assert client.get(reverse(name, args=[subscription.pk] if takes_pk else [])).status_code == 403, name
    for name in POSTS:
        assert client.post(reverse(name, args=[subscription.pk])).status_code == 403, name
    assert client.post(reverse("webhooks:resend", args=[subscription.pk, delivery.pk])).status_code == 403
    assert client.post(reverse("webhooks:delete", args=[subscription.pk])).status_code == 403
    api = reverse("api:webhook-list")
    assert client.get(api).status_code == 403
    assert client.post(api, {"name": "x", "url": "https://x.org", "events": ["action.created"]}).status_code == 403
    assert client.get(reverse("api:webhook-deliveries", args=[subscription.pk])).status_code == 403
    assert client.delete(reverse("api:webhook-detail", args=[subscription.pk])).status_code == 403
    assert WebhookSubscription.objects.count() == 1


def test_the_list_says_what_webhooks_are_when_there_are_none(admin_client):
    html = admin_client.get(reverse("webhooks:list")).content.decode()
    assert "No webhooks yet" in html
    assert reverse("webhooks:create") in html


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_page_pins_its_queries(admin_client, admin_user, django_assert_num_queries, count):
    make_subscriptions(admin_user, count)
    # session, user, count of subscriptions, the page of subscriptions with owners and delivery figures
    with django_assert_num_queries(4):
        response = admin_client.get(reverse("webhooks:list"))
    assert response.status_code == 200
    assert "Hook 000" in response.content.decode()


@pytest.mark.parametrize("count", [2, 200])
def test_the_deliveries_log_pins_its_queries_and_pages(admin_client, admin_user, django_assert_num_queries, count):
    [subscription] = make_subscriptions(admin_user, 1)
    make_deliveries(subscription, count)
    # session, user, subscription with owner, count of deliveries, the page of deliveries
    with django_assert_num_queries(5):
        response = admin_client.get(reverse("webhooks:detail", args=[subscription.pk]))
    html = response.content.decode()
    assert f"{count} deliveries" in html
    assert html.count(">Re-send</button>") == min(count, 50)
    assert ("Page 1 of 4" in html) == (count == 200)


def test_an_admin_creates_a_webhook_and_sees_its_secret_to_copy(admin_client, admin_user):
    response = admin_client.post(
        reverse("webhooks:create"),
        {
            "name": "Claims channel",
            "url": "https://hooks.slack.com/services/T0/B0/x",
            "events": ["followup.opened", "action.assigned"],
            "body_format": "slack",
        },
        follow=True,
    )
    subscription = WebhookSubscription.objects.get()
    assert (subscription.owner, subscription.body_format, subscription.is_active) == (admin_user, "slack", True)
    assert subscription.events == ["action.assigned", "followup.opened"]
    assert subscription.secret.startswith("whsec_")
    Webhook(subscription.secret)  # a valid Standard Webhooks secret
    html = response.content.decode()
    assert subscription.secret in html and 'data-copy="#hook-secret"' in html
    assert "Follow-up case opened" in html and "Nothing sent yet" in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "ftp://example.org/x"}, "url", "Enter an http:// or https:// URL."),
        ({"url": "javascript:alert(1)"}, "url", "Enter a valid URL."),
        ({"events": []}, "events", "Choose at least one event."),
        ({"events": ["everything"]}, "events", "Select a valid choice."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_the_form_says_what_is_wrong_and_saves_nothing(admin_client, data, field, message):
    values = {"name": "Hook", "url": "https://example.org/", "events": ["action.created"], "body_format": "json"}
    response = admin_client.post(reverse("webhooks:create"), {**values, **data})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not WebhookSubscription.objects.exists()


def test_editing_keeps_the_secret(admin_client, admin_user):
    [subscription] = make_subscriptions(admin_user, 1)
    secret = subscription.secret
    admin_client.post(
        reverse("webhooks:edit", args=[subscription.pk]),
        {"name": "Renamed", "url": "http://127.0.0.1:9999/x", "events": ["target.missed"], "body_format": "teams"},
    )
    subscription.refresh_from_db()
    assert (subscription.name, subscription.events, subscription.secret) == ("Renamed", ["target.missed"], secret)


def test_a_test_event_is_sent_to_the_receiver(admin_client, receiver, subscribe, django_capture_on_commit_callbacks):
    subscription = subscribe(EventType.ACTION_CREATED)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("webhooks:test", args=[subscription.pk]), follow=True)
    assert "Test event queued" in response.content.decode()
    [request] = receiver.requests
    assert Webhook(subscription.secret).verify(request.body, request.headers)["type"] == "webhook.test"
    html = admin_client.get(reverse("webhooks:detail", args=[subscription.pk])).content.decode()
    assert "Delivered" in html and "webhook.test" in html


def test_pause_and_resume(admin_client, subscribe, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(EventType.ACTION_CREATED)
    html = admin_client.post(reverse("webhooks:pause", args=[subscription.pk]), follow=True).content.decode()
    subscription.refresh_from_db()
    assert not subscription.is_active and "Paused by Anne" in html
    assert reverse("webhooks:test", args=[subscription.pk]) not in html
    make_deliveries(subscription, 1)  # waiting while paused
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("webhooks:resume", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.is_active and subscription.paused_reason == ""
    assert len(receiver.requests) == 1  # what waited is sent
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_delete_asks_first(admin_client, admin_user):
    [subscription] = make_subscriptions(admin_user, 1)
    html = admin_client.get(reverse("webhooks:delete", args=[subscription.pk])).content.decode()
    assert "Delete the webhook “Hook 000”?" in html and "Yes, delete the webhook" in html
    assert WebhookSubscription.objects.exists()
    response = admin_client.post(reverse("webhooks:delete", args=[subscription.pk]))
    assert response.status_code == 302 and not WebhookSubscription.objects.exists()


def test_a_delivery_is_re_sent_from_the_log(admin_client, subscribe, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(EventType.ACTION_CREATED)
    make_deliveries(subscription, 1)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.GIVEN_UP)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("webhooks:resend", args=[subscription.pk, delivery.pk]))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SUCCEEDED and len(receiver.requests) == 1


def test_a_delivery_of_another_subscription_is_not_found(admin_client, admin_user):
    first, second = make_subscriptions(admin_user, 2)
    make_deliveries(second, 1)
    delivery = WebhookDelivery.objects.get()
    assert admin_client.post(reverse("webhooks:resend", args=[first.pk, delivery.pk])).status_code == 404


def test_user_text_is_escaped(admin_client, admin_user):
    subscription_create(
        owner=admin_user, name="<script>alert(1)</script>", url="https://example.org/", events=["action.created"],
        body_format="json",
    )  # fmt: skip
    html = admin_client.get(reverse("webhooks:list")).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# The API


def test_the_api_creates_reads_changes_and_deletes_a_subscription(admin_client, admin_user):
    url = reverse("api:webhook-list")
    response = admin_client.post(
        url,
        {
            "name": "Tickets",
            "url": "https://tickets.example.org/in",
            "events": ["followup.opened"],
            "body_format": "json",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner"] == "admin" and body["secret"].startswith("whsec_") and body["is_active"] is True
    detail = reverse("api:webhook-detail", args=[body["id"]])
    response = admin_client.patch(
        detail, {"events": ["target.missed", "followup.overdue"]}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["events"] == ["followup.overdue", "target.missed"]
    assert admin_client.post(reverse("api:webhook-pause", args=[body["id"]])).json()["is_active"] is False
    assert admin_client.post(reverse("api:webhook-resume", args=[body["id"]])).json()["is_active"] is True
    assert admin_client.get(url).json()["count"] == 1
    assert admin_client.delete(detail).status_code == 204
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"url": "ftp://example.org/"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["nope"]}, "events"),
        ({"events": "action.created"}, "events"),
        ({"body_format": "xml"}, "body_format"),
        ({"name": "x" * 121}, "name"),
    ],
)
def test_the_api_answers_bad_input_with_a_400_naming_the_field(admin_client, data, field):
    values = {"name": "Hook", "url": "https://example.org/", "events": ["action.created"], **data}
    response = admin_client.post(reverse("api:webhook-list"), values, content_type="application/json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert not WebhookSubscription.objects.exists()


@pytest.mark.parametrize("count", [2, 200])
def test_the_api_lists_deliveries_with_pinned_queries_and_resends_one(
    admin_client, subscribe, receiver, django_assert_num_queries, django_capture_on_commit_callbacks, count
):
    subscription = subscribe(EventType.ACTION_CREATED)
    make_deliveries(subscription, count)
    url = reverse("api:webhook-deliveries", args=[subscription.pk])
    # session, user, subscription, count, page of deliveries
    with django_assert_num_queries(5):
        body = admin_client.get(url).json()
    assert body["count"] == count and len(body["results"]) == min(count, 50)
    delivery_id = body["results"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("api:webhook-resend", args=[subscription.pk, delivery_id]))
    assert response.status_code == 202
    assert WebhookDelivery.objects.get(pk=delivery_id).status == DeliveryStatus.SUCCEEDED
    assert len(receiver.requests) == 1


@pytest.mark.parametrize("count", [2, 200])
def test_the_api_list_pins_its_queries(admin_client, admin_user, django_assert_num_queries, count):
    make_subscriptions(admin_user, count)
    # session, user, count, page of subscriptions with owners and figures
    with django_assert_num_queries(4):
        assert admin_client.get(reverse("api:webhook-list")).json()["count"] == count


def test_the_api_is_in_the_openapi_schema(admin_client):
    paths = admin_client.get(reverse("schema"), {"format": "json"}).json()["paths"]
    assert "/api/v1/webhooks/" in paths
    assert "/api/v1/webhooks/{id}/deliveries/" in paths
    assert "/api/v1/webhooks/{id}/deliveries/{delivery_id}/resend/" in paths
