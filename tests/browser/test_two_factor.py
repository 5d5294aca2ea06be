"""In a real browser: a user sets up two-factor authentication from the profile page (the QR code's secret typed
into an "app": django-otp's TOTP here), saves the recovery codes, logs out, and logs in again with a code, after
one wrong code. A second browser's session is listed and ended from the first."""

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from tests.cxplatform.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def app_code(secret: str, *, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for the secret typed in (steps_ahead: the next window's code)."""
    generator = TOTP(base64.b32decode(secret.replace(" ", "")))
    generator.time = time.time() + 30 * steps_ahead
    return f"{generator.token():06d}"


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("carla")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_setting_up_two_factor_and_logging_in_with_a_code(live_server, page: Page, browser, screenshot):
    UserFactory(username="carla", first_name="Carla", last_name="de Vries")
    log_in(page, live_server.url)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    # A second browser, to see it listed and end it.
    other = browser.new_context(
        user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    )
    phone = other.new_page()
    log_in(phone, live_server.url)
    expect(phone.get_by_role("navigation", name="Main")).to_be_visible()

    page.goto(f"{live_server.url}/profile/")
    sessions = page.get_by_role("region", name="Your sessions")
    expect(sessions.get_by_text("This session")).to_be_visible()
    expect(sessions.get_by_text("Safari 17 on iPhone")).to_be_visible()
    screenshot("profile_two_factor_off_and_sessions")

    page.get_by_role("link", name="Set up two-factor authentication").click()
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    screenshot("two_factor_setup")
    secret = page.locator("#two-factor-secret").inner_text()

    page.get_by_label("Code from the app").fill("000000" if app_code(secret) != "000000" else "111111")
    page.get_by_role("button", name="Confirm and switch on").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    page.get_by_label("Code from the app").fill(app_code(secret))
    page.get_by_role("button", name="Confirm and switch on").click()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    screenshot("two_factor_recovery_codes")
    page.get_by_role("link", name="I have saved them, continue").click()

    expect(page.get_by_text("10 recovery codes left")).to_be_visible()
    # End the phone's session, after the confirmation.
    page.get_by_role("region", name="Your sessions").get_by_role("link", name="End session").click()
    expect(page.get_by_role("heading", name="End this session?")).to_be_visible()
    page.get_by_role("button", name="Yes, end it").click()
    expect(page.get_by_text("The session was ended: that browser is logged out.")).to_be_visible()
    expect(page.get_by_text("You are not logged in anywhere else.")).to_be_visible()
    screenshot("profile_two_factor_on")
    phone.goto(f"{live_server.url}/journeys/")
    expect(phone).to_have_url(re.compile(r"/login/\?next=/journeys/$"))
    other.close()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    log_in(page, live_server.url)
    expect(page).to_have_url(re.compile(r"/login/verify/"))
    # The dashboard is not reachable before the code.
    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/login/verify/\?next=/dashboard/$"))
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    screenshot("two_factor_verify")

    page.get_by_label("Code from your authenticator app").fill("12345678")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    screenshot("two_factor_verify_wrong_code")
    time.sleep(1.2)  # django-otp's throttle: one second after the first failure
    # The code used at set-up cannot be used again: the app's next code (one step of clock drift is allowed).
    page.get_by_label("Code from your authenticator app").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
