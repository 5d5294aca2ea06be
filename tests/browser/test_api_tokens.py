"""In a real browser: a user makes two API tokens on the profile page, copies the new key with the Copy button,
calls the API with it, and revokes one after confirming. Screenshots for a person to look at:
test-results/screenshots/profile-api-tokens-new.png, profile-api-tokens-errors.png, profile-api-tokens.png."""

import datetime
import json
import urllib.error
import urllib.request

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import ApiToken, Role
from tests.browser.conftest import SCREENSHOTS
from tests.cxplatform.factories import PASSWORD, UserFactory, api_key_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def call(base: str, key: str, method: str = "GET", body: dict | None = None) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/personas/",
        method=method,
        data=json.dumps(body).encode() if body else None,
        headers={"Authorization": f"Token {key}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_user_makes_copies_uses_and_revokes_api_tokens(live_server, page: Page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page.set_viewport_size({"width": 1300, "height": 900})
    user = UserFactory(username="integrator", role=Role.CX_EDITOR, first_name="Ivo", last_name="Jansen")
    api_key_for(user, name="Old dashboard", expires_at=timezone.localdate() - datetime.timedelta(days=3))
    api_key_for(user, name="Retired export", revoked_at=timezone.now() - datetime.timedelta(days=2))

    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill("integrator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/profile/")
    section = page.locator("#api-tokens")
    expect(section.get_by_role("heading", name="API tokens")).to_be_visible()

    # A form with errors says what is wrong, at the field.
    section.get_by_label("Expires").select_option("date")
    section.get_by_role("button", name="Create token").click()
    expect(section.get_by_text("This field is required.")).to_be_visible()
    expect(section.get_by_text("Pick the date the token should stop working.")).to_be_visible()
    shoot(page, "profile-api-tokens-errors")

    # A read-only token: the key is shown once, with a Copy button.
    section.get_by_label("Name").fill("Power BI refresh")
    section.get_by_label("Read only").check()
    section.get_by_label("Expires").select_option("90")
    section.get_by_role("button", name="Create token").click()
    key_field = section.locator("#new-token")
    expect(key_field).to_be_visible()
    key = key_field.input_value()
    assert len(key) == 40
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    section.get_by_role("button", name="Copy").click()
    expect(section.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == key
    shoot(page, "profile-api-tokens-new")

    assert call(base, key) == 200
    assert call(base, key, "POST", {"name": "Claimant"}) == 403

    # Reloaded: the key is gone for good, the token is listed by name and the start of its key, its use noted.
    page.reload()
    expect(section.locator("#new-token")).to_have_count(0)
    row = section.locator("tr", has_text="Power BI refresh")
    expect(row).to_contain_text(key[:8])
    expect(row).to_contain_text("Read only")
    expect(row).to_contain_text("Active")
    expect(row).not_to_contain_text("Not used yet")
    expect(section.locator("tr", has_text="Old dashboard")).to_contain_text("Expired")
    expect(section.locator("tr", has_text="Retired export")).to_contain_text("Revoked")
    shoot(page, "profile-api-tokens")

    # Revoking asks first, then the key stops working.
    row.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", name="Revoke the API token “Power BI refresh”?")).to_be_visible()
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_text("The API token “Power BI refresh” was revoked.")).to_be_visible()
    expect(section.locator("tr", has_text="Power BI refresh")).to_contain_text("Revoked")
    assert call(base, key) == 401
    assert ApiToken.objects.get(name="Power BI refresh").revoked_at is not None
