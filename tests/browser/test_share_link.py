"""In real browsers: an editor makes a read-only share link; a third, anonymous browser context opens it and sees
the map read-only (the banner, no edit controls, no menu); the editor revokes it and the anonymous reload says
the link no longer works. Screenshots for a person to look at, in English and Dutch:
test-results/screenshots/share-links[-nl].png and shared-view[-nl].png."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from cxplatform.accounts.models import Role
from journeys.models import ShareLink, ShareLinkUse
from journeys.services.share_links import share_link_create
from tests.browser.conftest import SCREENSHOTS
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import JourneyFactory, build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """A use is logged once a minute per visitor, counted in the cache, which outlives a test (with Redis, a run)."""
    cache.clear()
    yield
    cache.clear()


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def shoot(page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_share_link_opens_read_only_for_an_anonymous_visitor_until_revoked(live_server, page: Page, browser: Browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 1000})
    journey = build_map(stages=3, touchpoints_per_stage=2, findings_per_touchpoint=1, name="Report a claim")
    JourneyFactory(name="Confidential pricing journey", group=journey.group)
    editor = UserFactory(username="sharer", role=Role.CX_EDITOR, first_name="Sara", last_name="Jansen")
    MembershipFactory(user=editor, team=TeamFactory(journey_groups=[journey.group]))

    # The editor goes from the map to its share links and makes one.
    log_in(page, base, "sharer")
    page.goto(f"{base}/journeys/{journey.pk}/")
    page.get_by_role("link", name="Share", exact=True).click()
    expect(page.get_by_role("heading", name="Share links")).to_be_visible()
    page.get_by_label("Label").fill("Management review")
    page.get_by_role("button", name="Create link").click()
    url_field = page.locator("#share-new-url")
    expect(url_field).to_be_visible()
    shared = url_field.input_value()
    assert re.fullmatch(rf"{re.escape(base)}/s/[A-Za-z0-9_-]{{40,}}/", shared), shared
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == shared
    shoot(page, "share-links-new")

    # A third, anonymous browser context opens it: the map, read-only, and nothing else.
    anonymous = browser.new_context(viewport={"width": 1400, "height": 1000})
    visitor = anonymous.new_page()
    visitor.goto(shared)
    expect(visitor.locator("#shared-banner")).to_have_text("Shared view — read only")
    expect(visitor.get_by_role("heading", name="Report a claim")).to_be_visible()
    expect(visitor.locator(".tp-name")).to_have_count(6)
    expect(visitor.locator(".tools, .add-btn, #add-stage, .drag-handle, .tp-action, .finding-action")).to_have_count(0)
    expect(visitor.locator("[data-can-edit]")).to_have_count(0)
    expect(visitor.locator(".mainnav")).to_have_count(0)
    expect(visitor.get_by_role("button", name="Log out")).to_have_count(0)
    expect(visitor.locator("form[method=post]")).to_have_count(0)
    expect(visitor.locator("a[href^='/']")).to_have_count(0)  # no link into the application
    assert "Confidential pricing journey" not in visitor.content()
    expect(visitor.locator(".emotion-curve .main-svg").first).to_be_visible()
    shoot(visitor, "shared-view")

    # The same view in Dutch (a visitor whose browser asks for Dutch).
    dutch = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="nl-NL")
    dutch_visitor = dutch.new_page()
    dutch_visitor.goto(shared)
    expect(dutch_visitor.locator("html")).to_have_attribute("lang", "nl")
    expect(dutch_visitor.locator("#shared-banner")).to_be_visible()
    expect(dutch_visitor.locator(".tools")).to_have_count(0)
    shoot(dutch_visitor, "shared-view-nl")
    dutch.close()

    # The editor sees the use in the list: one, since both visits came from the same address and browser within
    # the minute (a reload is not a new use).
    page.reload()
    row = page.locator(".share-link-row").first
    expect(row).to_contain_text("Management review")
    expect(row).to_contain_text("Sara Jansen")
    expect(row.locator("td.num")).to_have_text("1")
    expect(row).not_to_contain_text("Not used yet")
    expect(row).to_contain_text("Active")
    assert ShareLinkUse.objects.count() == 1
    shoot(page, "share-links")

    # The editor revokes it, confirming first.
    row.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", name="Revoke this share link?")).to_be_visible()
    page.get_by_role("button", name="Revoke the link").click()
    expect(page.locator(".share-link-row").first).to_contain_text("Revoked")
    assert ShareLink.objects.get().revoked_at is not None

    # The anonymous reload: the link no longer works, and names no journey.
    response = visitor.reload()
    assert response.status == 410
    expect(visitor.get_by_role("heading", name="This link no longer works")).to_be_visible()
    expect(visitor.get_by_text("Report a claim")).to_have_count(0)
    expect(visitor.locator(".tp-name")).to_have_count(0)
    shoot(visitor, "shared-gone")
    anonymous.close()

    # The editor's page in Dutch.
    page.context.add_cookies([{"name": "django_language", "value": "nl", "url": base}])
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    shoot(page, "share-links-nl")


def test_a_password_link_opens_only_with_the_right_password(live_server, browser: Browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    journey = build_map(stages=2, touchpoints_per_stage=1, name="Move house")
    editor = UserFactory(username="sharer", role=Role.CX_EDITOR)
    _link, token = share_link_create(journey=journey, created_by=editor, password="tulips")
    anonymous = browser.new_context(viewport={"width": 1280, "height": 800})
    visitor = anonymous.new_page()
    visitor.goto(f"{live_server.url}/s/{token}/")
    expect(visitor.get_by_role("heading", name="This shared map asks for a password")).to_be_visible()
    expect(visitor.get_by_text("Move house")).to_have_count(0)
    visitor.locator("#id_password").fill("roses")
    visitor.get_by_role("button", name="Open the map").click()
    expect(visitor.get_by_text("That password is not right.")).to_be_visible()
    shoot(visitor, "shared-password")
    visitor.locator("#id_password").fill("tulips")
    visitor.get_by_role("button", name="Open the map").click()
    expect(visitor.get_by_role("heading", name="Move house")).to_be_visible()
    expect(visitor.locator("#shared-banner")).to_be_visible()
    expect(visitor.locator(".tools")).to_have_count(0)
    anonymous.close()
