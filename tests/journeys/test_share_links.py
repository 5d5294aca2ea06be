"""Read-only share links: the editor's page (create, list, revoke, who may), and the shared view /s/<token>/
(anonymous, read-only, expired and revoked refused, password, every use logged, no API access)."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeys.models import ShareLink, ShareLinkUse
from journeys.services.share_links import share_link_create, share_link_revoke
from tests.journeys.factories import JourneyFactory, build_map

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_the_editor_owns_every_journey_group")]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Uses are logged once a minute per visitor and password attempts are counted in the cache, which outlives a
    test (with Redis, a run)."""
    cache.clear()
    yield
    cache.clear()


def share_url(journey) -> str:
    return reverse("journeys:share", args=[journey.pk])


def shared_url(token: str) -> str:
    return reverse("shared-map", args=[token])


def make_link(journey, user, **options) -> tuple[ShareLink, str]:
    return share_link_create(journey=journey, created_by=user, **options)


def token_in(content: str) -> str:
    return re.search(r'value="http://testserver/s/([^/"]+)/"', content).group(1)


# The service


def test_the_token_is_stored_only_as_a_hash(journey, cx_editor):
    link, token = make_link(journey, cx_editor, password="open sesame")
    link.refresh_from_db()
    assert len(token) >= 40
    assert token not in link.token_hash
    assert link.token_hash == ShareLink.hash_token(token)
    assert "open sesame" not in link.password
    assert link.check_password("open sesame")
    assert not link.check_password("wrong")


def test_an_expiry_date_in_the_past_is_refused_naming_the_field(journey, cx_editor):
    with pytest.raises(Exception) as raised:
        make_link(journey, cx_editor, expires_at=timezone.localdate() - datetime.timedelta(days=1))
    assert "expires_at" in raised.value.message_dict
    assert not ShareLink.objects.exists()


def test_a_link_is_active_until_the_end_of_its_expiry_day_then_expired_and_revoked_wins(journey, cx_editor):
    today = timezone.localdate()
    link, _token = make_link(journey, cx_editor, expires_at=today)
    assert link.status == "active"
    link.expires_at = today - datetime.timedelta(days=1)
    assert link.status == "expired"
    share_link_revoke(link=link)
    assert link.status == "revoked"


# The editor's page


def test_the_map_offers_share_to_an_editor_only(client_of, cx_editor, manager, journey):
    assert share_url(journey) in client_of(cx_editor).get(reverse("journeys:map", args=[journey.pk])).content.decode()
    assert share_url(journey) not in client_of(manager).get(reverse("journeys:map", args=[journey.pk])).content.decode()


@pytest.mark.parametrize("persona", ["manager", "process_owner", "outsider"])
def test_only_who_may_edit_the_journey_manages_its_links(client_of, request, journey, cx_editor, persona):
    link, _token = make_link(journey, cx_editor)
    client = client_of(request.getfixturevalue(persona))
    assert client.get(share_url(journey)).status_code == 403
    assert client.post(share_url(journey), {"label": "Mine"}).status_code == 403
    revoke = reverse("journeys:share-revoke", args=[journey.pk, link.pk])
    assert client.post(revoke).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None
    assert ShareLink.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_editor_page(client, journey):
    response = client.get(share_url(journey))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_editor_creates_a_link_and_sees_its_url_once(editor_client, journey, cx_editor):
    expires = timezone.localdate() + datetime.timedelta(days=7)
    response = editor_client.post(
        share_url(journey),
        {"label": "Board meeting", "with_measures": "on", "expires_at": expires.isoformat(), "password": "pw"},
        follow=True,
    )
    content = response.content.decode()
    assert "Your new link" in content
    token = token_in(content)
    link = ShareLink.objects.get()
    assert link.token_hash == ShareLink.hash_token(token)
    assert (link.label, link.with_measures, link.expires_at, link.created_by) == (
        "Board meeting",
        True,
        expires,
        cx_editor,
    )
    assert link.check_password("pw")
    # Shown once: the next visit lists the link, without its URL.
    again = editor_client.get(share_url(journey)).content.decode()
    assert "Board meeting" in again
    assert token not in again
    assert "Your new link" not in again


def test_a_past_expiry_date_shows_at_its_field(editor_client, journey):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = editor_client.post(share_url(journey), {"expires_at": yesterday.isoformat()})
    assert response.status_code == 422
    assert re.search(r'id="id_expires_at-error">The expiry date cannot be in the past', response.content.decode())
    assert not ShareLink.objects.exists()


def test_a_malformed_date_is_a_clear_error_not_a_500(editor_client, journey):
    response = editor_client.post(share_url(journey), {"expires_at": "next tuesday"})
    assert response.status_code == 422
    assert 'id="id_expires_at-error"' in response.content.decode()


def test_the_list_shows_creator_expiry_last_use_uses_and_status(editor_client, client, journey, cx_editor):
    active, token = make_link(journey, cx_editor, label="For the board")
    revoked, _ = make_link(journey, cx_editor, label="Old one")
    share_link_revoke(link=revoked)
    expired, _ = make_link(journey, cx_editor, label="Workshop", expires_at=timezone.localdate())
    ShareLink.objects.filter(pk=expired.pk).update(expires_at=timezone.localdate() - datetime.timedelta(days=2))
    Client().get(shared_url(token), HTTP_USER_AGENT="Browser A")
    Client().get(shared_url(token), HTTP_USER_AGENT="Browser B")
    content = editor_client.get(share_url(journey)).content.decode()
    row = content.split(f'id="share-link-{active.pk}"')[1].split("</tr>")[0]
    assert "Emma" in row  # created by
    assert "Never" in row  # no expiry
    assert "Not used yet" not in row
    assert re.search(r'<td class="num">2</td>', row)
    assert "Active" in row
    assert "Revoked" in content.split(f'id="share-link-{revoked.pk}"')[1].split("</tr>")[0]
    assert "Expired" in content.split(f'id="share-link-{expired.pk}"')[1].split("</tr>")[0]


def test_revoking_asks_for_confirmation_then_revokes(editor_client, journey, cx_editor):
    client = Client()
    link, token = make_link(journey, cx_editor)
    assert client.get(shared_url(token)).status_code == 200
    url = reverse("journeys:share-revoke", args=[journey.pk, link.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert "Revoke this share link?" in page.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is None  # the GET only asks
    response = editor_client.post(url)
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(shared_url(token)).status_code == 410


def test_a_link_of_another_journey_cannot_be_revoked_through_this_one(editor_client, journey, cx_editor):
    other_link, _ = make_link(JourneyFactory(), cx_editor)
    assert editor_client.post(reverse("journeys:share-revoke", args=[journey.pk, other_link.pk])).status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_runs_a_fixed_number_of_queries(editor_client, journey, cx_editor, count, django_assert_num_queries):
    for index in range(count):
        link, _ = make_link(journey, cx_editor, label=f"Link {index}")
        ShareLinkUse.objects.create(link=link, ip_address="10.0.0.1")
    # session, user, journey (+group), the edit policy (the editor's teams, their groups), the links (+creator, uses)
    with django_assert_num_queries(6):
        response = editor_client.get(share_url(journey))
    assert response.content.decode().count('class="share-link-row') == count


# The shared view


def test_an_anonymous_visitor_sees_the_map_read_only_with_the_banner(client, journey, cx_editor):
    _link, token = make_link(journey, cx_editor)
    response = client.get(shared_url(token))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Shared view — read only" in content
    assert "Compare on website" in content and "Welcome email" in content
    assert "data-can-edit" not in content
    assert "hx-post" not in content and "hx-get" not in content
    assert 'class="mainnav"' not in content
    assert "Log out" not in content
    assert reverse("journeys:index") not in content
    assert "/api/" not in content  # not even the footer's API documentation
    assert "Edit details" not in content


def test_the_shared_view_has_no_write_form(client, journey, cx_editor):
    _link, token = make_link(journey, cx_editor, with_measures=True)
    content = client.get(shared_url(token)).content.decode()
    assert 'class="map-period"' in content  # the period form is a GET
    assert not re.search(r'<form[^>]*method="post"', content, re.IGNORECASE)
    assert "csrfmiddlewaretoken" not in content


def test_the_shared_view_names_no_other_journey(client, journey, cx_editor):
    # A future state links to the current state it redesigns on the map page; the shared view must not.
    future = JourneyFactory(name="Secret redesign", state="future", current_state=journey)
    JourneyFactory(name="Another journey altogether", group=journey.group)
    _link, token = make_link(future, cx_editor)
    content = client.get(shared_url(token)).content.decode()
    assert "Secret redesign" in content
    assert journey.name not in content
    assert "Another journey altogether" not in content


def test_the_measured_layer_shows_only_when_the_link_says_so(client, journey, cx_editor):
    _plain, plain_token = make_link(journey, cx_editor)
    _measured, measured_token = make_link(journey, cx_editor, with_measures=True)
    assert "Measured experience" not in client.get(shared_url(plain_token)).content.decode()
    assert "Measured experience" in client.get(shared_url(measured_token)).content.decode()


def test_an_editor_opening_the_link_gets_the_read_only_view_too(editor_client, journey, cx_editor):
    _link, token = make_link(journey, cx_editor)
    content = editor_client.get(shared_url(token)).content.decode()
    assert "Shared view — read only" in content
    assert "data-can-edit" not in content
    assert "Add a stage" not in content


def test_an_unknown_token_is_not_found_without_naming_a_journey(client, journey):
    response = client.get(shared_url("not-a-real-token"))
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


@pytest.mark.parametrize("how", ["revoked", "expired", "archived"])
def test_a_link_that_no_longer_works_is_gone_and_names_no_journey(client, journey, cx_editor, how):
    link, token = make_link(journey, cx_editor)
    if how == "revoked":
        share_link_revoke(link=link)
    elif how == "expired":
        ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.localdate() - datetime.timedelta(days=1))
    else:
        type(journey).objects.filter(pk=journey.pk).update(archived_at=timezone.now())
    response = client.get(shared_url(token))
    assert response.status_code == 410
    content = response.content.decode()
    assert "This link no longer works" in content
    assert journey.name not in content
    assert "Compare on website" not in content
    assert not ShareLinkUse.objects.exists()


def test_a_password_link_asks_first_and_a_right_password_opens_it(client, journey, cx_editor):
    _link, token = make_link(journey, cx_editor, password="tulips")
    first = client.get(shared_url(token))
    assert first.status_code == 200
    assert "asks for a password" in first.content.decode()
    assert journey.name not in first.content.decode()
    wrong = client.post(shared_url(token), {"password": "roses"})
    assert wrong.status_code == 403
    assert "That password is not right." in wrong.content.decode()
    assert "Compare on website" not in wrong.content.decode()
    right = client.post(shared_url(token), {"password": "tulips"})
    assert right.status_code == 302
    assert "Compare on website" in client.get(shared_url(token)).content.decode()


def test_a_right_password_unlocks_that_link_only_and_logs_nobody_in(client, journey, cx_editor):
    _first, first_token = make_link(journey, cx_editor, password="tulips")
    _second, second_token = make_link(journey, cx_editor, password="tulips")
    client.post(shared_url(first_token), {"password": "tulips"})
    assert "asks for a password" in client.get(shared_url(second_token)).content.decode()
    assert "_auth_user_id" not in client.session
    response = client.get(reverse("journeys:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_password_attempts_are_limited_per_link_and_address(client, journey, cx_editor):
    _link, token = make_link(journey, cx_editor, password="tulips")
    for _attempt in range(5):
        assert client.post(shared_url(token), {"password": "wrong"}).status_code == 403
    blocked = client.post(shared_url(token), {"password": "tulips"})
    assert blocked.status_code == 429
    assert "Too many wrong passwords" in blocked.content.decode()
    assert "Compare on website" not in client.get(shared_url(token)).content.decode()


def test_an_empty_password_is_a_400_naming_the_field(client, journey, cx_editor):
    _link, token = make_link(journey, cx_editor, password="tulips")
    response = client.post(shared_url(token), {"password": ""})
    assert response.status_code == 400
    assert 'id="id_password-error"' in response.content.decode()


def test_every_use_is_logged_once_a_minute_per_visitor(client, journey, cx_editor):
    link, token = make_link(journey, cx_editor)
    client.get(shared_url(token), HTTP_USER_AGENT="Firefox " + "x" * 500, REMOTE_ADDR="192.0.2.7")
    client.get(shared_url(token), HTTP_USER_AGENT="Firefox " + "x" * 500, REMOTE_ADDR="192.0.2.7")  # a reload
    client.get(shared_url(token), HTTP_USER_AGENT="Safari", REMOTE_ADDR="192.0.2.8")
    uses = list(ShareLinkUse.objects.order_by("id"))
    assert [(use.ip_address, use.user_agent[:7]) for use in uses] == [("192.0.2.7", "Firefox"), ("192.0.2.8", "Safari")]
    assert len(uses[0].user_agent) == 300
    link.refresh_from_db()
    assert link.last_used_at is not None


def test_a_share_link_gives_no_api_access(client, journey, cx_editor):
    _link, token = make_link(journey, cx_editor, password="tulips")
    client.post(shared_url(token), {"password": "tulips"})
    assert "Compare on website" in client.get(shared_url(token)).content.decode()
    for url in [f"/api/v1/journeys/{journey.pk}/", "/api/v1/journeys/", f"/api/v1/journeys/{journey.pk}/map/"]:
        assert client.get(url).status_code in (401, 403), url
        assert client.get(url, HTTP_AUTHORIZATION=f"Token {token}").status_code in (401, 403), url
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code in (401, 403), url
        assert client.get(f"{url}?token={token}").status_code in (401, 403), url


@pytest.mark.parametrize("stages", [1, 8])
def test_the_shared_view_runs_a_fixed_number_of_queries(client, cx_editor, stages, django_assert_num_queries):
    _link, token = make_link(build_map(stages=stages, touchpoints_per_stage=5, findings_per_touchpoint=1), cx_editor)
    # the link (+journey); the map: journey, personas, stages, touchpoints, findings; the use: savepoint, insert,
    # last use, release
    with django_assert_num_queries(10):
        assert client.get(shared_url(token)).status_code == 200


def test_the_shared_view_keeps_its_token_from_other_sites_and_search_engines(client, journey, cx_editor):
    _link, token = make_link(journey, cx_editor)
    for url in [shared_url(token), shared_url("unknown")]:
        response = client.get(url)
        assert response["Referrer-Policy"] == "same-origin"
        assert "noindex" in response["X-Robots-Tag"]
        assert "no-store" in response["Cache-Control"]  # a revoked link is not served from the browser's cache


def test_the_password_and_gone_pages_run_one_query(client, journey, cx_editor, django_assert_num_queries):
    _link, token = make_link(journey, cx_editor, password="tulips")
    # the link (+journey); an anonymous visitor without a session cookie costs no session query
    with django_assert_num_queries(1):
        assert "asks for a password" in client.get(shared_url(token)).content.decode()
    with django_assert_num_queries(1):
        assert client.get(shared_url("unknown")).status_code == 404


def test_the_revoke_confirmation_runs_a_fixed_number_of_queries(
    editor_client, journey, cx_editor, django_assert_num_queries
):
    link, _token = make_link(journey, cx_editor)
    # session, user, journey (+group), the edit policy (teams, their groups), the link (+creator)
    with django_assert_num_queries(6):
        assert editor_client.get(reverse("journeys:share-revoke", args=[journey.pk, link.pk])).status_code == 200


def test_the_admin_shows_links_but_cannot_make_one_without_a_token(client_of, admin_user, journey, cx_editor):
    link, token = make_link(journey, cx_editor, label="For the board")
    client = client_of(admin_user)
    assert "For the board" in client.get(reverse("admin:journeys_sharelink_changelist")).content.decode()
    page = client.get(reverse("admin:journeys_sharelink_change", args=[link.pk])).content.decode()
    assert token not in page and link.token_hash not in page
    assert client.get(reverse("admin:journeys_sharelink_add")).status_code == 403
