"""Login throttling (django-axes): repeated failures lock the username and the address out, with the product's
login page saying for how long and whom to ask; an administrator unlocks."""

import re
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cxplatform.accounts.models import Role
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.cxplatform.test_config import start_django


def log_in(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db
def test_six_wrong_passwords_lock_the_user_out_even_with_the_right_one(client):
    UserFactory(username="carla")
    answers = [log_in(client, "carla", f"wrong-{i}").status_code for i in range(6)]
    # Four ordinary refusals, then the fifth failure locks.
    assert answers == [200, 200, 200, 200, 429, 429]

    refused = log_in(client, "carla", PASSWORD)
    assert not logged_in(refused)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    html = refused.content.decode()
    assert "Too many failed logins." in html
    assert re.search(r"Logging in is locked for 15 minutes: try again after \d\d:\d\d\.", html)
    assert "Ask an administrator of CX Platform to unlock your account." in html
    # The product's page, not a bare text: the brand, the form and the username kept.
    assert 'id="login-title"' in html
    assert 'value="carla"' in html
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_failures_from_one_address_lock_out_another_user_from_that_address(client):
    UserFactory(username="carla")
    UserFactory(username="dirk")
    for i in range(5):  # a different username each time: no username reaches the limit, the address does
        log_in(client, f"guess-{i}", "wrong")
    assert log_in(client, "dirk", PASSWORD).status_code == 429
    # The same user from another address is not locked out.
    assert logged_in(log_in(Client(), "dirk", PASSWORD, address="10.0.0.2"))


@pytest.mark.django_db
def test_a_locked_username_stays_locked_from_another_address(client):
    UserFactory(username="carla")
    for i in range(5):
        log_in(client, "carla", f"wrong-{i}", address=f"10.0.1.{i}")
    assert log_in(Client(), "carla", PASSWORD, address="10.0.2.1").status_code == 429


@pytest.mark.django_db
def test_forwarded_for_headers_from_clients_do_not_give_a_fresh_address(client):
    for i in range(5):
        client.post(reverse("login"), {"username": f"guess-{i}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    UserFactory(username="dirk")
    assert log_in(client, "dirk", PASSWORD, address="127.0.0.1").status_code == 429


@pytest.mark.django_db
def test_an_administrator_unlocks_with_the_reset_command(client):
    UserFactory(username="carla")
    for i in range(5):
        log_in(client, "carla", f"wrong-{i}", address=f"10.0.1.{i}")
    assert log_in(client, "carla", PASSWORD).status_code == 429

    call_command("axes_reset_username", "carla", stdout=StringIO())
    assert logged_in(log_in(Client(), "carla", PASSWORD, address="10.0.3.1"))


@pytest.mark.django_db
def test_an_administrator_unlocks_in_the_admin(client):
    UserFactory(username="carla")
    for i in range(5):
        log_in(client, "carla", f"wrong-{i}", address=f"10.0.1.{i}")
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    admin_client = Client()
    admin_client.force_login(admin)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "carla" in changelist.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="carla").values_list("pk", flat=True)]
    admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert logged_in(log_in(Client(), "carla", PASSWORD, address="10.0.3.1"))


@pytest.mark.django_db
def test_logging_in_to_an_own_account_between_guesses_does_not_clear_the_address_count(client):
    UserFactory(username="mallory")
    UserFactory(username="carla")
    for i in range(4):
        log_in(client, "carla", f"guess-{i}")
    assert logged_in(log_in(client, "mallory", PASSWORD))
    client.post(reverse("logout"))
    assert log_in(client, "carla", "guess-4").status_code == 429


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AXES_FAILURE_LIMIT", "0"),
        ("LOGIN_LOCKOUT_MINUTES", "a while"),
        ("AXES_LOCKOUT_PARAMETERS", "username,email"),
        ("API_BAD_TOKEN_RATE", "ten a minute"),
        ("TRUSTED_PROXY_COUNT", "-1"),
    ],
)
def test_a_bad_throttling_setting_stops_start_up_naming_the_variable(variable, value):
    result = start_django(**{variable: value})
    assert result.returncode != 0
    assert f"{variable} must" in result.stderr
