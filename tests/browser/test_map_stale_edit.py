"""In a real browser: two editors open the same card; A saves first; B's save is refused but B's typing stays,
B picks theirs for one field and B's own for another, and saves the merged card."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from cxplatform.accounts.models import Role
from journeys.models import Journey, Touchpoint
from tests.browser.conftest import SCREENSHOTS
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = (
    "New customers read this email on their phone within minutes of signing. It must say what happens next, "
    "link to the app for the first login, and name the person who follows up. Keep it under 120 words."
)


def log_in(page: Page, base: str, username: str, journey: Journey) -> None:
    """Log in through the form that opening the journey's map asks for, and land on that map."""
    page.goto(f"{base}/journeys/{journey.pk}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/journeys/{journey.pk}/")
    page.wait_for_load_state()


def open_card(page: Page, touchpoint: Touchpoint):
    page.locator(f"#tp-{touchpoint.pk}-edit").click()
    dialog = page.locator("#map-editor")
    expect(dialog.get_by_role("heading", name="Edit the touchpoint")).to_be_visible()
    return dialog


def test_a_stale_card_edit_keeps_my_text_and_merges_field_by_field(
    live_server, page: Page, browser: Browser, screenshot
):
    page.set_viewport_size({"width": 1400, "height": 1000})
    journey = build_map(stages=1, touchpoints_per_stage=1, name="Open an account")
    touchpoint = journey.touchpoints.get()
    team = TeamFactory(journey_groups=[journey.group])
    for username in ("anna", "bram"):
        MembershipFactory(user=UserFactory(username=username, role=Role.CX_EDITOR), team=team)

    # B opens the card first.
    log_in(page, live_server.url, "bram", journey)
    mine = open_card(page, touchpoint)

    # A, in another browser, renames the card and changes its emotion, and saves.
    other = browser.new_context()
    anna = other.new_page()
    log_in(anna, live_server.url, "anna", journey)
    theirs = open_card(anna, touchpoint)
    theirs.get_by_label("Name").fill("Welcome email and app tour")
    theirs.get_by_label("Designed emotion").select_option(value="-1")
    theirs.get_by_role("button", name="Save").click()
    expect(anna.locator(f"#tp-{touchpoint.pk} .tp-name")).to_have_text("Welcome email and app tour")
    other.close()

    # B, unaware, types a long description, renames it too, sets another emotion, and saves.
    mine.get_by_label("Name").fill("Welcome mail")
    mine.get_by_label("Designed emotion").select_option(value="2")
    mine.get_by_label("Description").fill(LONG)
    mine.get_by_role("button", name="Save").click()

    # Refused, but the dialog stays open with what B typed, and says why, inside the dialog.
    panel = mine.locator("[data-stale-edit]")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("alert")).to_contain_text("Someone else changed this in the meantime")
    expect(mine.get_by_label("Description")).to_have_value(LONG)
    rows = panel.locator("tbody tr")
    expect(rows).to_have_count(2)  # name and emotion differ; the description is B's alone
    name_row = panel.locator('tr[data-stale-field="name"]')
    expect(name_row).to_contain_text("Welcome email and app tour")
    expect(name_row).to_contain_text("Welcome mail")
    expect(panel.locator('tr[data-stale-field="emotion"]')).to_contain_text("−1 negative")
    expect(panel.locator('tr[data-stale-field="emotion"]')).to_contain_text("+2 very positive")
    expect(page.locator("#map-editor")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#map-editor").screenshot(path=str(SCREENSHOTS / "map-stale-edit-dialog.png"))
    screenshot("map-stale-edit")

    # B takes theirs for the name, keeps B's emotion, and saves again: now based on the current version.
    name_row.get_by_role("radio", name=re.compile("use theirs")).check()
    expect(mine.get_by_label("Name")).to_have_value("Welcome email and app tour")
    mine.get_by_role("button", name="Save").click()
    expect(page.locator("#map-editor")).not_to_be_visible()

    card = page.locator(f"#tp-{touchpoint.pk}")
    expect(card.locator(".tp-name")).to_have_text("Welcome email and app tour")
    expect(card.locator(".tp-emotion")).to_contain_text("+2")
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.emotion, touchpoint.description, touchpoint.version) == (
        "Welcome email and app tour",
        2,
        LONG,
        3,
    )
