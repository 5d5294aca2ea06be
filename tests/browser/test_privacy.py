"""In a real browser: an admin finds Jan's data by his e-mail address, reads what an erasure does, erases it with
the keyboard, and opens the processing register."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from metrics.models import SurveyResponse
from tests.browser.test_actions import log_in, shoot
from tests.cxplatform.factories import UserFactory
from tests.metrics.privacy.people import JAN_EMAIL, build_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_finds_exports_and_erases_a_respondents_data(page: Page, live_server, screenshot, client):
    build_people(client)
    UserFactory(username="anne", first_name="Anne", role=Role.ADMIN)
    log_in(page, live_server.url, "/privacy/respondents/", "anne")
    shoot(page, screenshot, "privacy-search")
    page.get_by_label("Respondent key or e-mail address").fill(JAN_EMAIL)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("4 survey responses"))).to_be_visible()
    expect(page.get_by_text("Nobody called me back about my car")).to_be_visible()
    assert "jansen" not in page.url
    shoot(page, screenshot, "privacy-results")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export as JSON").click()
    assert re.fullmatch(r"personal-data-\d{4}-\d{2}-\d{2}\.json", download.value.suggested_filename)

    page.get_by_role("link", name="Erase…").click()
    expect(page.get_by_text("4 survey responses lose their respondent key")).to_be_visible()
    shoot(page, screenshot, "privacy-confirm-erase")
    expect(page.get_by_role("link", name="Cancel")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name="Yes, erase")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("4 responses lost their respondent key")).to_be_visible()
    assert not SurveyResponse.objects.filter(respondent__iexact="c-1042").exists()

    page.get_by_role("link", name="Processing register").click()
    expect(page.get_by_role("rowheader", name=re.compile("Respondent keys"))).to_be_visible()
    shoot(page, screenshot, "privacy-register")
