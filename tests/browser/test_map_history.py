"""In a real browser: a touchpoint deleted on the map is restored from the History page at its place, and
Ctrl+Z on the map undoes one's own last change (not while typing in a field)."""

import re

import pytest
from playwright.sync_api import Page, expect

from journeys.models import Stage, Touchpoint
from tests.browser.test_map_editor import open_map_as_editor, shoot
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def claim():
    journey = JourneyFactory(name="Report a claim")
    report = StageFactory(journey=journey, name="Report the claim")
    assess = StageFactory(journey=journey, name="Assessment")
    TouchpointFactory(stage=report, name="Claim by phone")
    TouchpointFactory(stage=report, name="Claim online")
    TouchpointFactory(stage=report, name="Call the helpdesk", description="Waits ten minutes")
    TouchpointFactory(stage=assess, name="Expert visit")
    return journey


def cards_of(page: Page, stage: str):
    return page.locator(f'.tp-list[data-stage-id="{Stage.objects.get(name=stage).pk}"] .tp-name')


def test_a_deleted_touchpoint_comes_back_from_the_history_at_its_place(live_server, page: Page, claim, screenshot):
    base = live_server.url
    open_map_as_editor(page, base, claim)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete “Claim online”").click()
    expect(cards_of(page, "Report the claim")).to_have_text(["Claim by phone", "Call the helpdesk"])

    page.get_by_role("link", name="History").click()
    expect(page).to_have_url(f"{base}/journeys/{claim.pk}/history/")
    entry = page.locator(".timeline-entry").first
    expect(entry).to_contain_text("Mia")
    expect(entry).to_contain_text("deleted the touchpoint “Claim online”")
    shoot(page, screenshot, "history-timeline-en")
    entry.get_by_role("button", name="Restore").click()

    expect(page).to_have_url(f"{base}/journeys/{claim.pk}/")
    expect(page.get_by_text("“Claim online” is back on the map, at its place.")).to_be_visible()
    expect(cards_of(page, "Report the claim")).to_have_text(["Claim by phone", "Claim online", "Call the helpdesk"])


def test_ctrl_z_undoes_ones_own_last_change_but_not_while_typing(live_server, page: Page, claim, screenshot):
    base = live_server.url
    open_map_as_editor(page, base, claim)
    phone = Touchpoint.objects.get(name="Claim by phone")
    page.locator(f"#tp-{phone.pk}-right").click()
    expect(cards_of(page, "Assessment")).to_have_text(["Claim by phone", "Expert visit"])

    # Typing in a field: Ctrl+Z belongs to the field.
    page.locator(f"#tp-{phone.pk}-edit").click()
    name = page.locator("#map-editor").get_by_label("Name")
    name.fill("Claim by phone, typed")
    name.press("Control+z")
    page.keyboard.press("Escape")
    expect(page.locator("#map-editor")).not_to_be_visible()
    expect(cards_of(page, "Assessment")).to_have_text(["Claim by phone", "Expert visit"])

    page.locator("body").press("Control+z")
    expect(page.locator("#map-status")).to_contain_text(re.compile("Undone: Mia .*moved “Claim by phone”"))
    expect(cards_of(page, "Report the claim")).to_have_text(["Claim by phone", "Claim online", "Call the helpdesk"])
    expect(cards_of(page, "Assessment")).to_have_text(["Expert visit"])
    shoot(page, screenshot, "map-undone")


def test_the_history_timeline_in_dutch(live_server, page: Page, claim, screenshot):
    base = live_server.url
    open_map_as_editor(page, base, claim)
    page.locator(f"#tp-{Touchpoint.objects.get(name='Claim by phone').pk}-right").click()
    expect(cards_of(page, "Assessment")).to_have_text(["Claim by phone", "Expert visit"])
    page.context.add_cookies([{"name": "django_language", "value": "nl", "url": base}])
    page.goto(f"{base}/journeys/{claim.pk}/history/")
    expect(page.get_by_role("heading", name="Geschiedenis")).to_be_visible()
    expect(page.locator(".timeline-entry").first).to_contain_text("Claim by phone")
    shoot(page, screenshot, "history-timeline-nl")


def test_a_named_version_is_compared_with_now(live_server, page: Page, claim, screenshot):
    base = live_server.url
    open_map_as_editor(page, base, claim)
    page.get_by_role("link", name="History").click()
    page.locator(".version-form").get_by_label("Name").fill("Workshop 12 March")
    page.get_by_role("button", name="Name this version").click()
    expect(page.locator(".version-list")).to_contain_text("Workshop 12 March")
    page.goto(f"{base}/journeys/{claim.pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete “Claim online”").click()
    expect(cards_of(page, "Report the claim")).to_have_text(["Claim by phone", "Call the helpdesk"])
    page.get_by_role("link", name="History").click()
    page.locator(".version-list").get_by_role("link", name="Compare with now").click()
    expect(page.get_by_role("heading", name="Workshop 12 March and Now")).to_be_visible()
    expect(page.locator(".compare-tp.is-removed")).to_have_text(re.compile("Claim online"))
    shoot(page, screenshot, "history-compare-en")
