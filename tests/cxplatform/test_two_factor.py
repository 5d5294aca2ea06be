"""Two-factor authentication (TOTP, django-otp) for local accounts: set up from the profile page, asked after a
password login before any other page or the admin works, required for admins with REQUIRE_2FA_FOR_ADMINS, and
switched off again."""

import base64
import binascii
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cxplatform.accounts import two_factor
from cxplatform.accounts.models import Role
from cxplatform.audit.models import AuditEvent
from tests.cxplatform.factories import PASSWORD, UserFactory


def code_for(key: str) -> str:
    """The code an authenticator app shows now for this secret (time_machine moves "now" too)."""
    return f"{TOTP(binascii.unhexlify(key)).token():06d}"


def password_login(client: Client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def with_two_factor(user) -> tuple[str, list[str]]:
    """The user with an authenticator app and recovery codes (the service the set-up page uses)."""
    key = two_factor.new_secret()
    codes = two_factor.two_factor_enable(user=user, key=key, last_t=0)
    return key, codes


def later(seconds: int):
    """A moment past django-otp's throttle (1, 2, 4... seconds after each failure) and the last code's step."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


@pytest.fixture
def carla(db):
    return UserFactory(username="carla", role=Role.CX_EDITOR, first_name="Carla")


# Setting up


@pytest.mark.django_db
def test_the_profile_offers_to_set_up_two_factor(client_of, carla):
    html = client_of(carla).get(reverse("profile")).content.decode()
    assert "Two-factor authentication" in html
    assert "Set up two-factor authentication" in html
    assert reverse("two-factor-setup") in html


@pytest.mark.django_db
def test_setting_up_shows_a_qr_code_and_the_secret_and_a_right_code_switches_it_on(client_of, carla):
    client = client_of(carla)
    html = client.get(reverse("two-factor-setup")).content.decode()
    # An inline SVG QR code: no image from another service.
    assert re.search(r'<figure class="qr"[^>]*><svg ', html)
    assert "otpauth" not in html  # the address is drawn, not written out
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', html).group(1)
    key = client.session[two_factor.SETUP_KEY]
    assert base64.b32decode(secret.replace(" ", "")) == binascii.unhexlify(key)

    response = client.post(reverse("two-factor-setup"), {"code": code_for(key)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-recovery-codes"))
    device = TOTPDevice.objects.get(user=carla)
    assert device.confirmed and device.key == key

    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=carla).values_list("token", flat=True))
    # Shown once: the next visit sends to the profile, which says how many are left.
    again = client.get(reverse("two-factor-recovery-codes"))
    assert again.status_code == 302 and again["Location"] == reverse("profile")
    profile = client.get(reverse("profile")).content.decode()
    assert "10 recovery codes left" in profile
    assert "Switch off two-factor authentication" in profile

    event = AuditEvent.objects.get(action="two_factor_enabled")
    assert event.object_id == str(carla.pk) and event.actor_id == carla.pk


@pytest.mark.django_db
def test_a_wrong_code_at_set_up_says_so_and_switches_nothing_on(client_of, carla):
    client = client_of(carla)
    client.get(reverse("two-factor-setup"))
    key = client.session[two_factor.SETUP_KEY]
    wrong = f"{(int(code_for(key)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two-factor-setup"), {"code": wrong})
    assert response.status_code == 400
    assert "That code is not right." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=carla).exists()
    # The same secret stays, so the app already scanned still fits.
    assert client.session[two_factor.SETUP_KEY] == key
    empty = client.post(reverse("two-factor-setup"), {"code": ""})
    assert empty.status_code == 400 and "Enter the code." in empty.content.decode()


# Logging in


@pytest.mark.django_db
def test_a_user_with_two_factor_cannot_reach_the_dashboard_or_the_admin_before_the_code(carla):
    carla.is_staff = True
    carla.is_superuser = True
    carla.save()
    key, _codes = with_two_factor(carla)
    client = Client()
    response = password_login(client, "carla")
    assert response.status_code == 302
    for url in (reverse("home"), reverse("dashboard"), reverse("profile"), "/admin/", "/admin/accounts/user/"):
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked["Location"].startswith(reverse("two-factor-verify")), url
    # The API answers as JSON, not a redirect.
    api = client.get("/api/v1/journeys/")
    assert api.status_code == 403 and "two-factor" in api.json()["detail"]

    page = client.get(reverse("two-factor-verify")).content.decode()
    assert "Code from your authenticator app" in page and "recovery codes" in page
    with later(31):
        done = client.post(reverse("two-factor-verify"), {"code": code_for(key), "next": "/admin/"})
        assert done.status_code == 302 and done["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
        assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_the_login_sends_to_the_verification_page_with_where_the_user_was_going(carla):
    with_two_factor(carla)
    client = Client()
    password_login(client, "carla", next_url="/teams/")
    response = client.get("/teams/")
    assert response["Location"] == f"{reverse('two-factor-verify')}?next=/teams/"


@pytest.mark.django_db
def test_a_wrong_code_is_refused_with_a_clear_message_and_then_throttled(carla):
    key, _codes = with_two_factor(carla)
    client = Client()
    password_login(client, "carla")
    wrong = f"{(int(code_for(key)) + 500_000) % 1_000_000:06d}"
    refused = client.post(reverse("two-factor-verify"), {"code": wrong})
    assert refused.status_code == 400
    assert "That code is not right." in refused.content.decode()
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.detail == {"step": "second_factor"} and failed.object_id == str(carla.pk)
    # Right away, even the right code waits: django-otp's throttle.
    throttled = client.post(reverse("two-factor-verify"), {"code": code_for(key)})
    assert throttled.status_code == 429
    assert "Too many wrong codes. Wait" in throttled.content.decode()
    assert int(throttled["Retry-After"]) >= 1
    assert client.get(reverse("home"))["Location"].startswith(reverse("two-factor-verify"))
    with later(31):
        assert client.post(reverse("two-factor-verify"), {"code": code_for(key)}).status_code == 302
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_a_recovery_code_works_once(carla):
    _key, codes = with_two_factor(carla)
    first = Client()
    password_login(first, "carla")
    response = first.post(reverse("two-factor-verify"), {"code": codes[0].upper()})
    assert response.status_code == 302
    home = first.get(reverse("home"))
    assert home.status_code == 200
    assert "You used a recovery code; it will not work again." in home.content.decode()

    second = Client()
    password_login(second, "carla")
    again = second.post(reverse("two-factor-verify"), {"code": codes[0]})
    assert again.status_code == 400
    assert second.get(reverse("home")).status_code == 302
    assert StaticToken.objects.filter(device__user=carla).count() == 9


@pytest.mark.django_db
def test_a_user_without_two_factor_logs_in_as_before(carla):
    client = Client()
    password_login(client, "carla")
    assert client.get(reverse("home")).status_code == 200
    assert client.session[two_factor.AUTH_METHOD] == "password"
    assert client.get(reverse("two-factor-verify"))["Location"] == reverse("home")


@pytest.mark.django_db
def test_a_single_sign_on_session_is_not_asked_for_a_code(carla):
    with_two_factor(carla)
    client = Client()
    password_login(client, "carla")
    session = client.session
    session[two_factor.AUTH_METHOD] = "oidc"  # what the SSO login sets
    session.save()
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_api_tokens_are_not_asked_for_a_code(carla):
    from tests.cxplatform.factories import api_key_for

    with_two_factor(carla)
    response = Client().get("/api/v1/journeys/", HTTP_AUTHORIZATION=f"Token {api_key_for(carla)}")
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_verified_session_makes_no_extra_query(carla):
    key, _codes = with_two_factor(carla)
    client = Client()
    password_login(client, "carla")
    with later(31):
        client.post(reverse("two-factor-verify"), {"code": code_for(key)})
        client.get(reverse("teams:index"))
        # A user without two-factor, for comparison: the pages' own pins hold for both.
        plain = Client()
        plain.force_login(UserFactory(username="plain"))
        plain.get(reverse("teams:index"))
        with CaptureQueriesContext(connection) as without:
            plain.get(reverse("teams:index"))
        with CaptureQueriesContext(connection) as with_:
            client.get(reverse("teams:index"))
    assert len(with_) == len(without)


# Required for admins


@pytest.mark.django_db
@pytest.mark.parametrize("required", [True, False])
def test_an_admin_without_two_factor_is_sent_to_set_it_up_when_required(settings, admin_user, required):
    settings.REQUIRE_2FA_FOR_ADMINS = required
    client = Client()
    client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    response = client.get(reverse("dashboard"))
    if not required:
        assert response.status_code == 200
        return
    assert response["Location"].startswith(reverse("two-factor-setup"))
    assert client.get("/admin/")["Location"].startswith(reverse("two-factor-setup"))
    setup = client.get(reverse("two-factor-setup"))
    assert "Administrators must use two-factor authentication." in setup.content.decode()
    key = client.session[two_factor.SETUP_KEY]
    done = client.post(reverse("two-factor-setup"), {"code": code_for(key)})
    assert done["Location"].startswith(reverse("two-factor-recovery-codes"))
    assert client.get(reverse("dashboard")).status_code == 200
    # Required: the profile offers no way to switch it off, and the page refuses.
    assert "Switch off two-factor authentication" not in client.get(reverse("profile")).content.decode()
    refused = client.post(reverse("two-factor-disable"), {"secret": PASSWORD})
    assert refused.status_code == 302
    assert TOTPDevice.objects.filter(user=admin_user).exists()


@pytest.mark.django_db
def test_a_user_who_is_no_admin_is_not_required_to_set_it_up(settings, carla):
    settings.REQUIRE_2FA_FOR_ADMINS = True
    client = Client()
    password_login(client, "carla")
    assert client.get(reverse("dashboard")).status_code == 200


# Switching off


@pytest.mark.django_db
def test_switching_off_asks_for_the_password_or_a_code(client_of, carla):
    client = client_of(carla)  # logged in before two-factor was on: no code owed
    with_two_factor(carla)
    page = client.get(reverse("two-factor-disable")).content.decode()
    assert "Switch off two-factor authentication?" in page
    wrong = client.post(reverse("two-factor-disable"), {"secret": "not my password"})
    assert wrong.status_code == 400
    assert "That is neither your password nor a current code." in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=carla).exists()
    with later(5):
        done = client.post(reverse("two-factor-disable"), {"secret": PASSWORD})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=carla).exists()
    assert not StaticToken.objects.filter(device__user=carla).exists()
    assert AuditEvent.objects.filter(action="two_factor_disabled", object_id=str(carla.pk)).exists()
    # The next login asks for no code.
    fresh = Client()
    password_login(fresh, "carla")
    assert fresh.get(reverse("home")).status_code == 200


@pytest.mark.django_db
def test_switching_off_with_a_current_code(client_of, carla):
    client = client_of(carla)  # logged in before two-factor was on: no code owed
    key, _codes = with_two_factor(carla)
    with later(31):
        assert client.post(reverse("two-factor-disable"), {"secret": code_for(key)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=carla).exists()


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client_of, carla):
    client = client_of(carla)  # logged in before two-factor was on: no code owed
    _key, old = with_two_factor(carla)
    assert "Make new recovery codes?" in client.get(reverse("two-factor-recovery-renew")).content.decode()
    response = client.post(reverse("two-factor-recovery-codes"))
    assert response["Location"] == reverse("two-factor-recovery-codes")
    new = re.findall(r"<li>([a-z2-7]{8})</li>", client.get(response["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
