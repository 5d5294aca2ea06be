"""The bell and the notification list (cxplatform.notifications): one's own only, read one or all, in fixed
queries; the header asks for the count after the page has loaded, so no page pays for it."""

import pytest
from django.urls import reverse

from cxplatform.notifications.models import Notification, NotificationKind
from journeys.comments import services
from tests.journeys.factories import TouchpointFactory


@pytest.fixture
def touchpoint(db):
    return TouchpointFactory(name="Call us")


def mention(author, whom, touchpoint, n=1):
    for i in range(n):
        services.comment_add(author=author, kind="touchpoint", object_id=touchpoint.pk, text=f"@{whom.username} #{i}")


def test_the_bell_counts_ones_unread_notifications(
    client_of, cx_editor, manager, touchpoint, django_assert_num_queries
):
    mention(cx_editor, manager, touchpoint, n=3)
    client = client_of(manager)
    # session, user, the count
    with django_assert_num_queries(3):
        html = client.get(reverse("notifications:bell")).content.decode()
    assert '<span class="bell-count" aria-hidden="true">3</span>' in html
    assert "Notifications: 3 unread" in html
    other = client_of(cx_editor).get(reverse("notifications:bell")).content.decode()
    assert "bell-count" not in other and "none unread" in other


def test_every_page_asks_for_the_bell_after_loading(editor_client):
    html = editor_client.get(reverse("journeys:index")).content.decode()
    assert f'hx-get="{reverse("notifications:bell")}" hx-trigger="load, every 60s"' in html


@pytest.mark.parametrize("count", [2, 40])
def test_the_list_runs_a_fixed_number_of_queries(
    client_of, cx_editor, manager, touchpoint, django_assert_num_queries, count
):
    mention(cx_editor, manager, touchpoint, n=count)
    client = client_of(manager)
    # session, user, notifications (+actor)
    with django_assert_num_queries(3):
        response = client.get(reverse("notifications:list"))
    html = response.content.decode()
    assert html.count('class="notification is-unread"') == count
    assert f"{cx_editor.get_full_name()} mentioned you on “Call us”" in html


def test_one_is_marked_read_then_all(client_of, cx_editor, manager, touchpoint):
    mention(cx_editor, manager, touchpoint, n=2)
    first, second = Notification.objects.order_by("pk")
    client = client_of(manager)
    response = client.post(reverse("notifications:read", args=[first.pk]))
    assert response.status_code == 302
    assert list(Notification.objects.filter(read_at__isnull=True)) == [second]
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_opening_one_marks_it_read_and_leads_to_the_thread(client_of, cx_editor, manager, touchpoint):
    mention(cx_editor, manager, touchpoint)
    notification = Notification.objects.get()
    response = client_of(manager).post(reverse("notifications:open", args=[notification.pk]))
    assert (
        response.url == reverse("journeys:map", args=[touchpoint.journey_id]) + f"#comments-touchpoint-{touchpoint.pk}"
    )
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found(client_of, cx_editor, manager, touchpoint):
    mention(cx_editor, manager, touchpoint)
    notification = Notification.objects.get()
    client = client_of(cx_editor)
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert Notification.objects.get().read_at is None


def test_a_signed_out_visitor_is_sent_to_log_in(client, db):
    assert client.get(reverse("notifications:bell")).status_code == 302
    assert client.get(reverse("notifications:list")).status_code == 302


def test_the_owner_kind_reads_in_plain_words(cx_editor, process_owner):
    touchpoint = TouchpointFactory(name="Call us", owner=process_owner)
    services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="Hi")
    notification = Notification.objects.get()
    assert notification.kind == NotificationKind.OWNED
    assert notification.message == f"{cx_editor.get_full_name()} commented on “Call us”, which you own"


def test_the_api_lists_and_marks_ones_own_notifications(
    client_of, cx_editor, manager, touchpoint, django_assert_num_queries
):
    mention(cx_editor, manager, touchpoint, n=2)
    client = client_of(manager)
    # session, user, count, notifications (+actor)
    with django_assert_num_queries(4):
        listed = client.get("/api/v1/notifications/").json()
    assert listed["count"] == 2
    first = listed["results"][0]
    assert first["message"].endswith("mentioned you on “Call us”") and first["read_at"] is None
    assert client_of(cx_editor).post(f"/api/v1/notifications/{first['id']}/read/").status_code == 404
    client = client_of(manager)
    assert client.post(f"/api/v1/notifications/{first['id']}/read/").json()["read_at"]
    assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 1
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
