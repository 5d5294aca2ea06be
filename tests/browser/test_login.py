"""In a real browser: the demo CX editor logs in with the password seed_demo printed and finds their way."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_password(username: str) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return re.search(rf"^\s+.+?\s{{2,}}{username}\s+(\S+)$", out.getvalue(), flags=re.MULTILINE).group(1)


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_the_demo_cx_editor_logs_in_and_sees_the_navigation(live_server, page: Page, screenshot):
    password = demo_password("editor")
    page.goto(f"{live_server.url}/login/")
    screenshot("login")
    log_in(page, live_server.url, "editor", password)

    nav = page.get_by_role("navigation", name="Main")
    for label in ("Journeys", "Teams", "Actions", "Dashboard"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_text("CX editor", exact=True)).to_be_visible()
    screenshot("dashboard")

    nav.get_by_role("link", name="Teams").click()
    expect(page.get_by_role("heading", name="Team Being a customer")).to_be_visible()
    screenshot("teams")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_text("You have been logged out.")).to_be_visible()


def test_a_wrong_password_shows_an_error_and_no_navigation(live_server, page: Page):
    demo_password("editor")
    log_in(page, live_server.url, "editor", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def test_five_wrong_passwords_lock_the_login_with_the_time_and_whom_to_ask(live_server, page: Page, screenshot):
    password = demo_password("editor")
    for attempt in range(5):
        log_in(page, live_server.url, "editor", f"wrong-{attempt}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Too many failed logins.")
    expect(alert).to_contain_text("Logging in is locked for 15 minutes")
    expect(alert).to_contain_text("Ask an administrator of CX Platform to unlock your account.")
    screenshot("login-locked")
    # The right password is refused too while the lock lasts.
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed logins.")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def test_the_language_switcher_shows_the_ui_in_dutch(live_server, page: Page, screenshot):
    log_in(page, live_server.url, "editor", demo_password("editor"))
    page.get_by_role("button", name="NL").click()
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    for label in ("Klantreizen", "Teams", "Acties", "Dashboard"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    nav.get_by_role("link", name="Klantreizen").click()
    expect(page.get_by_role("heading", name="Klantreizen")).to_be_visible()
    expect(page.get_by_role("cell", name="Klant worden")).to_be_visible()  # the demo group, in Dutch
    screenshot("journeys-nl")


def test_keyboard_users_can_log_in_and_skip_to_the_content(live_server, page: Page):
    password = demo_password("editor")
    page.goto(f"{live_server.url}/login/")
    page.keyboard.type("editor")  # the username field has focus
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
