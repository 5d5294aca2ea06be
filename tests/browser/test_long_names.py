"""In a real browser at 1280 px: a 200-character name without a space (a pasted reference, a URL) wraps or is
cut on the ownership page and in the map's banner, with the whole name a hover away, and never widens the page."""

import re

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from tests.browser.conftest import SCREENSHOTS
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import JourneyFactory, PersonaFactory, StageFactory, TouchpointFactory
from tests.teams.factories import DepartmentFactory, DepartmentMemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Klantreis" + "x" * 191  # 200 characters, not one place to break
WIDTH = 1280


def long_named_journey():
    """A journey, a stage, touchpoints, departments, owners, a persona and a chain owner, all with the longest
    names they may have, unbroken."""
    owner = UserFactory(username="long-owner", first_name="Owner" + "w" * 145, last_name="")
    other = UserFactory(username="other-owner", first_name="Other" + "o" * 145, last_name="")
    DepartmentMemberFactory(user=owner, department=DepartmentFactory(name="Department" + "d" * 110))
    DepartmentMemberFactory(user=other, department=DepartmentFactory(name="Service" + "s" * 113))
    journey = JourneyFactory(name=LONG, chain_owner=owner, personas=[PersonaFactory(name="Persona" + "p" * 113)])
    stage = StageFactory(journey=journey, name="Stage" + "g" * 195)
    TouchpointFactory(stage=stage, name="Touchpoint" + "t" * 190, owner=owner)
    TouchpointFactory(stage=stage, name="Handover" + "h" * 192, owner=other)
    TouchpointFactory(stage=stage, name="Orphan" + "r" * 194)
    return journey


def log_in(page: Page, base: str, url: str) -> None:
    UserFactory(username="viewer", role=Role.MANAGER, first_name="Martin")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(f"{base}{url}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}{url}")


def page_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_ownership_page_wraps_a_long_journey_name_without_widening_the_page(live_server, page: Page):
    journey = long_named_journey()
    log_in(page, live_server.url, f"/journeys/{journey.pk}/ownership/")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(LONG)
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "ownership-long-name.png"), full_page=True)
    assert page_overflow(page) <= 0
    # the heading is inside the window, and so is every stat card
    box = heading.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH
    for card in page.locator(".ownership-stats .card").all():
        card_box = card.bounding_box()
        assert card_box["x"] + card_box["width"] <= WIDTH
    # a name cut short says the whole of it on hover
    expect(page.locator('.stat-value-text[title^="Owner"]')).to_have_count(1)


def test_the_map_banner_wraps_a_long_journey_name(live_server, page: Page):
    journey = long_named_journey()
    log_in(page, live_server.url, f"/journeys/{journey.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(LONG)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "map-long-name.png"), full_page=False)
    banner = page.locator(".map-head")
    overflow = banner.evaluate("element => element.scrollWidth - element.clientWidth")
    assert overflow <= 0
    box = banner.bounding_box()
    assert box["x"] + box["width"] <= WIDTH
    # a name of more than three lines is cut short, whole on hover
    expect(page.locator(f'h1[title="{LONG}"]')).to_have_count(1)
    # the buttons beside the title stay in the window
    expect(page.get_by_role("button", name="Print")).to_be_in_viewport()
    assert page.get_by_role("button", name="Print").bounding_box()["x"] + 10 <= WIDTH
