"""In a real browser, under the Content Security Policy (tests/browser/conftest.py fails a test on any violation):
the pages no other browser test opens, the API docs (Swagger UI) and the Django admin, work; a new API token is
selected by a click; and a violation is caught, so the other tests' silence means something."""

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from tests.browser.test_actions import log_in, shoot
from tests.cxplatform.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_and_the_admin_work_under_the_policy(live_server, page: Page, screenshot):
    UserFactory(username="anne", role=Role.ADMIN, is_staff=True, is_superuser=True, first_name="Anne")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, "/api/docs/", "anne")
    # Swagger UI drew the operations from the schema: its start-up script ran, from 'self'.
    expect(page.locator(".swagger-ui .opblock-tag").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("CX Platform API").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    shoot(page, screenshot, "api-docs-csp")

    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    page.goto(f"{live_server.url}/admin/journeys/journey/add/")
    expect(page.locator("#journey_form")).to_be_visible()
    shoot(page, screenshot, "admin-csp")


def test_a_new_api_token_is_selected_with_one_click(live_server, page: Page):
    UserFactory(username="emma", role=Role.CX_EDITOR, first_name="Emma")
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, "/profile/", "emma")
    page.get_by_label("Name").fill("CI export")
    page.get_by_role("button", name="Create token").click()
    field = page.locator("#new-token")
    page.locator("body").click(position={"x": 5, "y": 5})
    field.click()
    selected = page.evaluate(
        "() => window.getSelection().toString() || document.activeElement.value.substring("
        "document.activeElement.selectionStart, document.activeElement.selectionEnd)"
    )
    assert selected == field.input_value() and len(selected) >= 20


def test_a_violation_is_caught(live_server, page: Page, csp_violations):
    """The watcher itself: an inline script on one of our pages is refused and recorded."""
    page.goto(f"{live_server.url}/login/")
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                    document.body.appendChild(s); }""")
    assert page.evaluate("() => window.ran") is None
    for _ in range(40):  # the report comes back through the binding, a moment later
        if csp_violations:
            break
        page.wait_for_timeout(50)
    assert any(v.get("directive") == "script-src-elem" for v in csp_violations if isinstance(v, dict))
    csp_violations.clear()  # expected here: the teardown check stays for the others
