"""In a real browser: each role lands where their work is. A process owner on "My work"; a manager on the
dashboard, which lists the mandates waiting for their decision and drops one as soon as it is decided."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.teams.factories import MandateFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_process_owner_lands_on_my_work(live_server, page: Page):
    UserFactory(username="priya", role=Role.PROCESS_OWNER, first_name="Priya")
    log_in(page, live_server.url, "priya")
    expect(page).to_have_url(f"{live_server.url}/actions/mine/")
    expect(page.get_by_role("heading", name="My work", exact=True)).to_be_visible()
    page.locator(".brand").click()
    expect(page).to_have_url(f"{live_server.url}/actions/mine/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()


def test_a_manager_decides_a_mandate_from_the_landing_page(live_server, page: Page, screenshot, settings):
    settings.REPORT_CACHE_SECONDS = 600  # the dashboard cached in parts, as in production
    cache.clear()
    UserFactory(username="martin", role=Role.MANAGER, first_name="Martin")
    MandateFactory(team=TeamFactory(name="Team Claims"))
    log_in(page, live_server.url, "martin")
    expect(page).to_have_url(f"{live_server.url}/")
    waiting = page.get_by_role("region", name="Waiting for your decision")
    expect(waiting).to_contain_text("Team Claims")
    screenshot("dashboard-waiting-for-decision")
    waiting.get_by_role("link", name="Decide…").click()
    expect(page.get_by_role("heading", name=re.compile("Decide on the mandate of Team Claims"))).to_be_visible()
    page.get_by_role("button", name="Approve the mandate").click()
    expect(page.get_by_text("Mandate approved. The team can start.")).to_be_visible()
    page.locator(".brand").click()
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Waiting for your decision")).to_have_count(0)
    cache.clear()
