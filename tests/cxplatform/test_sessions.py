"""Sessions: rotated at login, ended after SESSION_IDLE_MINUTES unused (saying why), listed on the profile page,
and ending another (or all others) logs that browser out for good."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cxplatform.accounts import sessions
from cxplatform.accounts.models import Role, UserSession
from cxplatform.audit.models import AuditEvent
from tests.cxplatform.factories import PASSWORD, UserFactory

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def carla(db):
    return UserFactory(username="carla", role=Role.CX_EDITOR, first_name="Carla")


def browser(user_agent: str = FIREFOX, address: str = "10.0.0.1") -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


def log_in(client: Client, username: str = "carla"):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the login failed"
    return response


def travel(minutes: float):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True)


def is_logged_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_the_session_key_is_rotated_at_login(carla):
    client = browser()
    session = client.session  # a session from before the login (one an attacker could have fixed)
    session["planted"] = True
    session.save()
    before = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == before
    log_in(client)
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert UserSession.objects.get(user=carla).session_id == after


# Idle expiry


@pytest.mark.django_db
def test_a_session_unused_for_the_idle_limit_is_ended_and_the_login_page_says_why(carla, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = browser()
    log_in(client)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    with travel(31):
        response = client.get(reverse("teams:index"))
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next=/teams/"
        page = client.get(response["Location"]).content.decode()
        assert "You were logged out because CX Platform was not used for 30 minutes." in page
        assert not Session.objects.filter(session_key=key).exists()
        assert not UserSession.objects.filter(user=carla).exists()
        event = AuditEvent.objects.get(action="session_ended")
        assert event.detail["reason"] == "idle"
        assert key not in str(event.detail) + event.object_repr + event.object_id
        assert not is_logged_in(client)


@pytest.mark.django_db
def test_a_session_in_use_stays_and_is_saved_at_most_once_a_minute(carla, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client = browser()
    log_in(client)
    for step in (20, 40, 60):  # used every 20 minutes: never 30 idle
        with travel(step):
            assert is_logged_in(client)
    row = UserSession.objects.get(user=carla)
    assert row.last_seen > timezone.now() + timedelta(minutes=59)

    # Within the minute: no write at all (the session, the user and the page's own queries only).
    with travel(60.2), CaptureQueriesContext(connection) as queries:
        client.get(reverse("teams:index"))
    assert not [q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]


@pytest.mark.django_db
def test_the_idle_limit_makes_no_query_on_a_page(carla):
    client = browser()
    client.force_login(carla)
    client.get(reverse("teams:index"))
    # session, user, teams, memberships: the teams page's own pin (tests/teams/test_team_pages.py)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("teams:index"))
    assert not [q for q in queries if "accounts_usersession" in q["sql"] or "otp_" in q["sql"]]


# The list on the profile page


@pytest.mark.django_db
def test_the_profile_lists_the_sessions_with_browser_address_and_this_session(carla):
    laptop = browser(FIREFOX, "10.0.0.1")
    phone = browser(SAFARI, "192.0.2.7")
    log_in(laptop)
    log_in(phone)
    html = laptop.get(reverse("profile")).content.decode()
    assert "Firefox 128 on Windows" in html and "10.0.0.1" in html
    assert "Safari 17 on iPhone" in html and "192.0.2.7" in html
    assert html.count("This session") == 1
    assert html.count("End session") == 1
    assert "End all other sessions" in html
    # The session key is never shown.
    for key in UserSession.objects.values_list("session_id", flat=True):
        assert key not in html


@pytest.mark.django_db
def test_alone_the_profile_says_there_are_no_other_sessions(carla):
    client = browser()
    log_in(client)
    html = client.get(reverse("profile")).content.decode()
    assert "You are not logged in anywhere else." in html
    assert "End all other sessions" not in html


@pytest.mark.django_db
def test_ending_another_session_logs_that_browser_out(carla):
    laptop = browser(FIREFOX)
    phone = browser(SAFARI, "192.0.2.7")
    log_in(laptop)
    log_in(phone)
    other = UserSession.objects.get(user=carla, user_agent=SAFARI)
    url = reverse("session-end", args=[other.pk])
    confirm = laptop.get(url).content.decode()
    assert "End this session?" in confirm and "Safari 17 on iPhone" in confirm
    assert is_logged_in(phone)  # asking does not end it

    response = laptop.post(url)
    assert response["Location"] == reverse("profile")
    assert "that browser is logged out" in laptop.get(reverse("profile")).content.decode()
    assert not is_logged_in(phone)
    assert phone.get(reverse("profile"))["Location"].startswith(reverse("login"))
    assert is_logged_in(laptop)
    event = AuditEvent.objects.get(action="session_ended")
    assert event.detail == {"reason": "ended_by_user"} and event.actor_id == carla.pk
    assert other.session_id not in event.object_id + event.object_repr


@pytest.mark.django_db
def test_ending_all_other_sessions_keeps_this_one(carla):
    clients = [browser(address=f"10.0.0.{n}") for n in range(1, 4)]
    for client in clients:
        log_in(client)
    here = clients[0]
    assert "End all your other sessions?" in here.get(reverse("sessions-end-others")).content.decode()
    here.post(reverse("sessions-end-others"))
    assert "2 other sessions were ended." in here.get(reverse("profile")).content.decode()
    assert is_logged_in(here)
    assert not any(is_logged_in(client) for client in clients[1:])
    assert UserSession.objects.filter(user=carla).count() == 1
    assert AuditEvent.objects.filter(action="session_ended").count() == 2


@pytest.mark.django_db
def test_one_cannot_end_this_session_or_someone_elses_from_here(carla):
    dirk = UserFactory(username="dirk")
    mine, theirs = browser(), browser(SAFARI)
    log_in(mine)
    log_in(theirs, "dirk")
    own = UserSession.objects.get(user=carla)
    other = UserSession.objects.get(user=dirk)
    assert mine.post(reverse("session-end", args=[own.pk])).status_code == 404
    assert mine.post(reverse("session-end", args=[other.pk])).status_code == 404
    assert is_logged_in(theirs) and is_logged_in(mine)


@pytest.mark.django_db
def test_logout_removes_the_session_from_the_list(carla):
    client = browser()
    log_in(client)
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=carla).exists()


@pytest.mark.django_db
def test_changing_the_password_ends_the_other_sessions(carla):
    """The product has no password page of its own: the admin's "change password" (or an admin's reset) is it.
    Django's session hash logs every other session out; the list leaves them out at once."""
    carla.is_staff = True
    carla.is_superuser = True
    carla.save()
    here, elsewhere = browser(), browser(SAFARI)
    log_in(here)
    log_in(elsewhere)
    response = here.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": "A-new-passw0rd-2026", "new_password2": "A-new-passw0rd-2026"},
    )
    assert response.status_code == 302
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    html = here.get(reverse("profile")).content.decode()
    assert "You are not logged in anywhere else." in html


@pytest.mark.django_db
def test_user_sessions_leaves_out_idle_ones(carla, settings):
    settings.SESSION_IDLE_MINUTES = 10
    log_in(browser())
    with travel(11):
        assert sessions.user_sessions(user=carla, current_key=None) == []


@pytest.mark.django_db
def test_the_api_with_an_idle_session_answers_401_or_403(carla, settings):
    settings.SESSION_IDLE_MINUTES = 10
    client = browser()
    log_in(client)
    assert client.get("/api/v1/journeys/").status_code == 200
    with travel(11):
        assert client.get("/api/v1/journeys/").status_code in (401, 403)
        assert get_user(client).is_anonymous


@pytest.mark.django_db
def test_the_hourly_sweep_removes_idle_sessions_and_keeps_the_others(carla, settings):
    from cxplatform.accounts.tasks import sweep_idle_sessions

    settings.SESSION_IDLE_MINUTES = 30
    gone, kept = browser(), browser(SAFARI)
    log_in(gone)
    with travel(20):
        log_in(kept)
    with travel(40):
        assert sweep_idle_sessions.delay().get() == 1
        assert list(UserSession.objects.values_list("user_agent", flat=True)) == [SAFARI]
        assert is_logged_in(kept) and not is_logged_in(gone)
    event = AuditEvent.objects.get(action="session_ended")
    assert event.detail == {"reason": "idle", "count": 1} and event.via == "task"
