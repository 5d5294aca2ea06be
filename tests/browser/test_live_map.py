"""In two real browsers at once: a CX team maps together. What one adds appears on the other's map without a
reload, the other sees who is there and who is editing which card, and only the changed parts are swapped in."""

import base64
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from cxplatform.accounts.models import Role
from journeys.models import Journey, Stage, Touchpoint
from tests.browser.conftest import SCREENSHOTS
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import ChannelFactory, JourneyFactory, JourneyGroupFactory
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str, journey: Journey) -> None:
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto(f"{base}/journeys/{journey.pk}/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/journeys/{journey.pk}/")


def side_by_side(page: Page, left: bytes, right: bytes, name: str) -> None:
    """One picture of the two browsers, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    images = "".join(
        f'<img src="data:image/png;base64,{base64.b64encode(shot).decode()}" style="width:50%;border:1px solid #999">'
        for shot in (left, right)
    )
    page.set_content(f'<body style="margin:0;display:flex;gap:4px;background:#555">{images}</body>')
    page.set_viewport_size({"width": 2560, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_two_editors_see_each_others_changes_presence_and_editing(live_server, browser: Browser):
    base = live_server.url
    group = JourneyGroupFactory(name="Being a customer")
    ChannelFactory(slug="web")
    journey = JourneyFactory(name="Report a claim", group=group)
    stage = Stage.objects.create(journey=journey, name="Report", position=0)
    other = Stage.objects.create(journey=journey, name="Assessment", position=1)
    Touchpoint.objects.create(journey=journey, stage=other, name="Expert visit", position=0)
    team = TeamFactory(journey_groups=[group])
    for username, first, last in (("anna", "Anna", "Jansen"), ("bram", "Bram", "de Vries")):
        MembershipFactory(
            user=UserFactory(username=username, role=Role.CX_EDITOR, first_name=first, last_name=last), team=team
        )

    anna_context, bram_context = browser.new_context(), browser.new_context()
    anna, bram = anna_context.new_page(), bram_context.new_page()
    try:
        log_in(anna, base, "anna", journey)
        log_in(bram, base, "bram", journey)

        # Each sees the other's avatar (initials, the name on hover) in the map's header.
        expect(bram.locator('#live-presence .live-avatar[title="Anna Jansen"]')).to_have_text(
            re.compile("AJ"), timeout=2000
        )
        expect(anna.locator('#live-presence .live-avatar[title="Bram de Vries"]')).to_be_visible(timeout=2000)
        expect(bram.locator("#live-presence .live-avatar")).to_have_count(1)  # not himself

        # Bram scrolls and reads; a card Anna does not touch keeps its element (only changed parts are swapped).
        expert = Touchpoint.objects.get(name="Expert visit").pk
        bram.locator(f"#tp-{expert}").evaluate("card => { card.keptByTheSwap = true; }")

        # Anna adds a touchpoint: Bram sees it without reloading.
        anna.locator(f"#stage-{stage.pk}-add-touchpoint").click()
        dialog = anna.locator("#map-editor")
        dialog.get_by_label("Name").fill("Claim by phone")
        dialog.get_by_role("button", name="Save").click()
        expect(dialog).not_to_be_visible()
        expect(bram.locator(".tp-name", has_text="Claim by phone")).to_be_visible(timeout=2000)
        expect(bram.locator(f".stage-head#stage-{stage.pk} .stage-count")).to_have_text("1 touchpoint")
        assert bram.evaluate(f"document.getElementById('tp-{expert}').keptByTheSwap === true")
        assert bram.evaluate("document.getElementById('live-offline').hidden")

        # Anna opens the new card's edit dialog: Bram sees "Anna Jansen is editing" on that card.
        claim = Touchpoint.objects.get(name="Claim by phone")
        anna.locator(f"#tp-{claim.pk}-edit").click()
        expect(dialog.get_by_label("Name")).to_have_value("Claim by phone")
        editing = bram.locator(f"#tp-{claim.pk} .live-editing")
        expect(editing).to_have_text("Anna Jansen is editing", timeout=2000)
        anna_shot = anna.screenshot()
        bram_shot = bram.screenshot()

        # Bram opens the same card: he is warned, not blocked.
        bram.locator(f"#tp-{claim.pk}-edit").click()
        warning = bram.locator("#map-editor .live-dialog-warning")
        expect(warning).to_have_text("Anna Jansen is editing this right now.", timeout=2000)
        expect(bram.locator("#map-editor").get_by_label("Name")).to_be_editable()
        expect(anna.locator(f"#tp-{claim.pk} .live-editing")).to_have_text("Bram de Vries is editing", timeout=2000)

        # Anna closes her dialog: her "is editing" goes away, on the card and in Bram's warning.
        dialog.get_by_role("button", name="Cancel").click()
        expect(editing).to_have_count(0, timeout=2000)
        expect(warning).to_have_count(0, timeout=2000)
        bram.locator("#map-editor").get_by_role("button", name="Cancel").click()

        # Anna leaves the map: her avatar goes from Bram's header.
        anna.goto(f"{base}/journeys/")
        expect(bram.locator("#live-presence .live-avatar")).to_have_count(0, timeout=2000)
    finally:
        anna_context.close()
        bram_context.close()
    shot_page = browser.new_page()
    side_by_side(shot_page, anna_shot, bram_shot, "live-map-presence")
    shot_page.close()


def test_the_map_says_when_it_is_offline_catches_up_on_reconnecting_and_keeps_an_unsent_edit(
    live_server, page: Page, screenshot
):
    from journeys.services import stage_create

    base = live_server.url
    group = JourneyGroupFactory(name="Moving")
    journey = JourneyFactory(name="Move house", group=group)
    stage = Stage.objects.create(journey=journey, name="Plan the move", position=0)
    MembershipFactory(
        user=UserFactory(username="anna", role=Role.CX_EDITOR, first_name="Anna", last_name="Jansen"),
        team=TeamFactory(journey_groups=[group]),
    )
    # The page's WebSocket goes through a switch this test can turn off, as a dropped network would.
    network = {"up": True, "sockets": []}

    def route(socket):
        if not network["up"]:
            socket.close(code=4000, reason="network down")
            return
        socket.connect_to_server()
        network["sockets"].append(socket)

    page.route_web_socket(re.compile(r"/ws/journeys/"), route)
    log_in(page, base, "anna", journey)
    offline = page.locator("#live-offline")
    expect(offline).to_be_hidden()
    expect(page.locator("#live-map")).to_have_attribute("data-state", "connected", timeout=2000)

    network["up"] = False
    for socket in network["sockets"]:
        socket.close(code=4000, reason="network down")
    expect(offline).to_have_text("Offline — reconnecting; changes you make are kept.", timeout=2000)
    screenshot("live-map-offline")

    # Meanwhile someone else adds a stage; once the page is back, it fetches the board it missed.
    stage_create(journey=journey, name="Pack the boxes")
    network["up"] = True
    expect(offline).to_be_hidden(timeout=15000)  # the pause between attempts grows while it is down
    expect(page.locator("#live-map")).to_have_attribute("data-state", "connected")
    expect(page.locator(".stage-name", has_text="Pack the boxes")).to_be_visible(timeout=2000)

    # A save that cannot reach the server keeps what was typed, and says so.
    page.route(
        re.compile(r"/touchpoints/add/$"),
        lambda request_route: (
            request_route.abort() if request_route.request.method == "POST" else request_route.continue_()
        ),
    )
    page.locator(f"#stage-{stage.pk}-add-touchpoint").click()
    dialog = page.locator("#map-editor")
    dialog.get_by_label("Name").fill("Compare moving companies")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator(".live-unsent")).to_contain_text("The server could not be reached", timeout=5000)
    expect(dialog.get_by_label("Name")).to_have_value("Compare moving companies")
    screenshot("live-map-unsent-edit")
    page.unroute(re.compile(r"/touchpoints/add/$"))
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).not_to_be_visible()
    expect(page.locator(".tp-name", has_text="Compare moving companies")).to_be_visible()
