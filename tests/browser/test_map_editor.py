"""In a real browser: a CX editor builds a journey map in place, drags a touchpoint, moves one by keyboard."""

import re

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from journeys.models import Journey, Stage, Touchpoint
from tests.browser.conftest import SCREENSHOTS
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import ChannelFactory, JourneyGroupFactory, build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_map_as_editor(page: Page, base: str, journey: Journey) -> None:
    """Log in through the login form as a CX editor of the team that owns the journey, and land on its map."""
    editor = UserFactory(username="mapper", role=Role.CX_EDITOR, first_name="Mia")
    MembershipFactory(user=editor, team=TeamFactory(journey_groups=[journey.group]))
    journey_id = journey.pk
    page.goto(f"{base}/journeys/{journey_id}/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill("mapper")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/journeys/{journey_id}/")
    page.wait_for_load_state()


def save_dialog(page: Page) -> None:
    dialog = page.locator("#map-editor")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).not_to_be_visible()


def add_stage(page: Page, name: str, goal: str, button: str = "+ Add a stage") -> None:
    page.get_by_role("button", name=button).click()
    dialog = page.locator("#map-editor")
    expect(dialog.get_by_role("heading", name="Add a stage")).to_be_visible()
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Customer goal").fill(goal)
    save_dialog(page)
    expect(page.locator(".stage-name", has_text=name)).to_be_visible()


def add_touchpoint(page: Page, stage: str, name: str, emotion: str, *, channel: str = "Web", truth=False) -> None:
    stage_id = Stage.objects.get(name=stage).pk
    page.locator(f"#stage-{stage_id}-add-touchpoint").click()
    dialog = page.locator("#map-editor")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("Channel").select_option(label=channel)
    dialog.get_by_label("Designed emotion").select_option(value=emotion)
    if truth:
        dialog.get_by_label("Moment of truth").check()
    save_dialog(page)


def touchpoints_of(page: Page, stage: str):
    return page.locator(f'.tp-list[data-stage-id="{Stage.objects.get(name=stage).pk}"] .tp-name')


def shoot(page: Page, screenshot, name: str) -> None:
    """A full-page screenshot from the top, so the sticky top bar stays at the top of the picture."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(name)


def drag(page: Page, source, target) -> None:
    """SortableJS runs in fallback mode (mouse events), so a stepwise mouse drag works like a person's."""
    start, end = source.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 12)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 20, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] - 6, steps=20)
    page.mouse.up()


def test_an_editor_builds_a_map_and_drags_a_touchpoint_to_another_stage(live_server, page: Page, screenshot):
    page.set_viewport_size({"width": 1400, "height": 900})
    group = JourneyGroupFactory(name="Being a customer")
    for slug in ("web", "phone", "email"):  # a transactional test before this one may have flushed them
        ChannelFactory(slug=slug)
    # The editor logs in and creates the journey with the "New journey" form; it opens on its (empty) map.
    editor = UserFactory(username="mapper", role=Role.CX_EDITOR, first_name="Mia")
    MembershipFactory(user=editor, team=TeamFactory(journey_groups=[group]))
    page.goto(f"{live_server.url}/journeys/")
    page.get_by_label("Username").fill("mapper")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="New journey").first.click()
    page.get_by_label("Name").fill("Report a claim")
    page.get_by_label("Description").fill("From the damage to the payment.")
    page.get_by_label("Journey group").select_option(label="Being a customer")
    page.get_by_role("button", name="Create journey").click()
    journey = Journey.objects.get(name="Report a claim")
    expect(page).to_have_url(f"{live_server.url}/journeys/{journey.pk}/")
    expect(page.get_by_role("heading", name="This map has no stages yet")).to_be_visible()
    shoot(page, screenshot, "map-empty")

    add_stage(page, "Orientation", "Know what is covered", button="+ Add the first stage")
    add_stage(page, "Report", "Report the damage quickly")
    add_stage(page, "Settlement", "Get paid")
    add_touchpoint(page, "Orientation", "Read the policy online", "1")
    add_touchpoint(page, "Orientation", "Call the hotline", "-1", channel="Phone", truth=True)
    add_touchpoint(page, "Report", "Fill in the claim form", "-2")
    add_touchpoint(page, "Settlement", "Payment received", "2", channel="Email")
    expect(page.locator(".emotion-curve .main-svg").first).to_be_visible()
    expect(page.locator(".emotion-curve.js-plotly-plot")).to_have_count(1)
    shoot(page, screenshot, "map-built")

    # A mistake is shown next to the field and the dialog stays open.
    page.locator(f"#stage-{Stage.objects.get(name='Report').pk}-add-touchpoint").click()
    page.locator("#map-editor").get_by_role("button", name="Save").click()
    expect(page.locator("#id_name-error")).to_have_text("This field is required.")
    shoot(page, screenshot, "map-form-error")
    page.locator("#map-editor").get_by_role("button", name="Cancel").click()

    with page.expect_response(lambda response: "/reorder/" in response.url) as reorder:
        drag(page, page.locator(".tp-card", has_text="Call the hotline"), page.locator(".tp-list").nth(1))
    assert reorder.value.status == 200
    expect(touchpoints_of(page, "Report")).to_have_text(["Fill in the claim form", "Call the hotline"])

    page.reload()
    expect(touchpoints_of(page, "Orientation")).to_have_text(["Read the policy online"])
    expect(touchpoints_of(page, "Report")).to_have_text(["Fill in the claim form", "Call the hotline"])
    expect(page.locator(".emotion-curve .main-svg").first).to_be_visible()
    assert Touchpoint.objects.get(name="Call the hotline").stage.name == "Report"
    shoot(page, screenshot, "map-after-drag")

    # Stages move by their header's handle too.
    with page.expect_response(lambda response: "/reorder/" in response.url):
        drag(
            page,
            page.locator(".stage-head", has_text="Settlement").locator(".stage-handle"),
            page.locator(".stage-head").first,
        )
    expect(page.locator(".stage-name")).to_have_text(["Settlement", "Orientation", "Report"])

    page.emulate_media(media="print")
    expect(page.locator(".board-toolbar")).not_to_be_visible()
    expect(page.locator(".tools").first).not_to_be_visible()
    # The curve follows its (now wider) lane.
    page.wait_for_function(
        """() => {
            const curve = document.querySelector(".emotion-curve");
            const svg = curve.querySelector(".main-svg");
            return Math.abs(svg.getBoundingClientRect().width - curve.getBoundingClientRect().width) < 2;
        }"""
    )
    shoot(page, screenshot, "map-print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (SCREENSHOTS.parent / "map.pdf").write_bytes(pdf)
    width, height = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points


def test_a_touchpoint_named_like_a_script_shows_as_text(live_server, page: Page, screenshot):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    journey = build_map(stages=2, touchpoints_per_stage=2, name="Open an account")
    open_map_as_editor(page, live_server.url, journey)

    add_touchpoint(page, "Stage 1", "<script>alert(1)</script>", "-1")
    expect(page.locator(".tp-name", has_text="<script>alert(1)</script>")).to_be_visible()
    page.reload()
    expect(page.locator(".tp-name", has_text="<script>alert(1)</script>")).to_be_visible()
    expect(page.locator(".emotion-curve .main-svg").first).to_be_visible()
    expect(page.locator(".emotion-curve").get_by_text("<script>alert(1)</script>")).to_have_count(1)
    shoot(page, screenshot, "map-script-name")
    assert dialogs == []


def test_a_keyboard_user_moves_a_touchpoint_with_the_move_buttons(live_server, page: Page, screenshot):
    journey = build_map(stages=2, touchpoints_per_stage=2, name="Move by keyboard")
    open_map_as_editor(page, live_server.url, journey)

    down = page.get_by_role("button", name="Move “Stage 1 touchpoint 1” down")
    down.focus()
    page.keyboard.press("Enter")
    expect(touchpoints_of(page, "Stage 1")).to_have_text(["Stage 1 touchpoint 2", "Stage 1 touchpoint 1"])
    # The focus comes back to the moved card (its down button is disabled now it is last).
    expect(page.locator(f"#tp-{Touchpoint.objects.get(name='Stage 1 touchpoint 1').pk}")).to_be_focused()

    page.keyboard.press("Tab")  # from the card to its first enabled button, "up"
    page.keyboard.press("Tab")  # ... then "to the next stage"
    expect(page.get_by_role("button", name="Move “Stage 1 touchpoint 1” to the next stage")).to_be_focused()
    page.keyboard.press("Space")
    expect(touchpoints_of(page, "Stage 2")).to_have_text(
        ["Stage 2 touchpoint 1", "Stage 1 touchpoint 1", "Stage 2 touchpoint 2"]
    )
    # In the last stage "to the next stage" is disabled, so the focus is on the card again.
    expect(page.locator(f"#tp-{Touchpoint.objects.get(name='Stage 1 touchpoint 1').pk}")).to_be_focused()
    shoot(page, screenshot, "map-keyboard-move")

    page.get_by_role("button", name="Move stage “Stage 2” left").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".stage-name")).to_have_text(["Stage 2", "Stage 1"])
    assert list(journey.stages.order_by("position").values_list("name", flat=True)) == ["Stage 2", "Stage 1"]


def test_a_wide_map_scrolls_sideways_and_keeps_its_lane_labels(live_server, page: Page, screenshot):
    journey = build_map(stages=9, touchpoints_per_stage=4, findings_per_touchpoint=1, name="A long journey")
    open_map_as_editor(page, live_server.url, journey)
    board = page.locator(".map-scroll")
    expect(page.locator(".emotion-curve .main-svg").first).to_be_visible()
    assert board.evaluate("element => element.scrollWidth > element.clientWidth")
    # The curve spans every stage column, so its points line up with them.
    curve_width = page.locator(".emotion-curve").bounding_box()["width"]
    columns_width = sum(head.bounding_box()["width"] for head in page.locator(".stage-head").all())
    assert abs(curve_width - columns_width) < 2
    # Down to the board, as a reader does (the map's header and toolbar come first), then sideways.
    board.scroll_into_view_if_needed()
    board.evaluate("element => element.scrollBy(800, 0)")
    label = page.locator(".lane-touchpoints .lane-label")
    expect(label).to_be_in_viewport()
    assert abs(label.bounding_box()["x"] - board.bounding_box()["x"]) < 2  # sticky on the left
    shoot(page, screenshot, "map-wide-scrolled")
