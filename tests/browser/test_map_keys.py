"""In a real browser: a touchpoint card's menu copies the touchpoint's key (keyboard and mouse), and the edit
dialog shows and saves the key and the aliases."""

import pytest
from playwright.sync_api import Page, expect

from journeys.models import Touchpoint
from tests.browser.test_map_editor import open_map_as_editor, save_dialog
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_key_from_a_cards_menu_and_edit_the_key_and_aliases(live_server, page: Page, screenshot):
    journey = JourneyFactory(name="Report a claim")
    stage = StageFactory(journey=journey, name="Report")
    phone = TouchpointFactory(stage=stage, name="Claim by phone", aliases=["Q7"])
    TouchpointFactory(stage=stage, name="Claim online")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    open_map_as_editor(page, live_server.url, journey)

    # The journey's key is in the header.
    expect(page.locator(".map-key code")).to_have_text("report-a-claim")
    page.locator(".map-head").screenshot(path="/tmp/shots-keys/header.png")

    # By keyboard: focus the card's "⋯", Enter opens the menu on "Copy key", Enter copies.
    card = page.locator(f"#tp-{phone.pk}")
    menu_button = card.get_by_label("More about “Claim by phone”")
    menu_button.focus()
    page.keyboard.press("Enter")
    menu = card.locator(".part-menu-panel")
    expect(menu).to_be_visible()
    expect(menu.locator("code")).to_have_text("claim-by-phone")
    expect(menu.get_by_role("button", name="Copy key")).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "claim-by-phone"
    screenshot("map-keys-card-menu")
    page.screenshot(path="/tmp/shots-keys/card-menu.png", clip=_around(card.bounding_box(), 260))
    # Escape closes it, the focus back on its button.
    page.keyboard.press("Escape")
    expect(menu).not_to_be_visible()
    expect(menu_button).to_be_focused()

    # With the mouse, another card: the clipboard now holds that key.
    online = page.locator(".tp-card", has_text="Claim online")
    online.get_by_label("More about “Claim online”").click()
    online.get_by_role("button", name="Copy key").click()
    expect(online.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "claim-online"
    page.mouse.click(5, 5)  # a click elsewhere closes the menu
    expect(online.locator(".part-menu-panel")).not_to_be_visible()

    # The edit dialog shows the key and the aliases, and saves them.
    page.locator(f"#tp-{phone.pk}-edit").click()
    dialog = page.locator("#map-editor")
    expect(dialog.get_by_label("Key")).to_have_value("claim-by-phone")
    expect(dialog.get_by_label("Aliases")).to_have_value("Q7")
    dialog.get_by_label("Key").fill("claim-online")
    dialog.get_by_label("Aliases").fill("Q7\nphone claim, TEL")
    dialog.get_by_role("button", name="Save").click()
    expect(
        dialog.get_by_text("The touchpoint “Claim online” of this journey has the key “claim-online” already")
    ).to_be_visible()
    page.screenshot(path="/tmp/shots-keys/dialog-key-taken.png")
    dialog.get_by_label("Key").fill("phone")
    save_dialog(page)
    phone = Touchpoint.objects.get(pk=phone.pk)
    assert (phone.key, phone.aliases) == ("phone", ["Q7", "phone claim", "TEL"])
    page.locator(f"#tp-{phone.pk}-edit").click()
    expect(dialog.get_by_label("Key")).to_have_value("phone")
    page.screenshot(path="/tmp/shots-keys/dialog-key-aliases.png")


def _around(box, margin: int) -> dict:
    return {
        "x": max(box["x"] - 20, 0),
        "y": max(box["y"] - 20, 0),
        "width": box["width"] + margin,
        "height": box["height"] + margin,
    }
