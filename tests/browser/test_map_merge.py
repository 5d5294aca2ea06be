"""In two real browsers: edits of one card merge field by field, and moves on a map someone else changed merge onto
the current order. A and B open the same card: A renames it, B writes its description, both survive; A and B
write the same field, B is asked to choose and sees both texts; arrow moves made on an older map are applied."""

import re

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cxplatform.accounts.models import Role
from journeys.models import Touchpoint
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_map_editor import drag
from tests.browser.test_map_stale_edit import log_in
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THEIRS = "Sent within five minutes of signing, with a link to the app for the first login."
MINE = "Short: what happens next and who calls, readable on a phone in one minute."


def open_card(page: Page, touchpoint: Touchpoint):
    page.locator(f"#tp-{touchpoint.pk}-edit").click()
    dialog = page.locator("#map-editor")
    expect(dialog.locator("#map-editor-title")).to_be_visible()
    return dialog


@pytest.fixture
def two_editors(browser: Browser):
    """Anna and Bram, CX editors of the same journey, each in a browser of their own."""
    journey = build_map(stages=2, touchpoints_per_stage=2, name="Open an account")
    team = TeamFactory(journey_groups=[journey.group])
    for username in ("anna", "bram"):
        MembershipFactory(user=UserFactory(username=username, role=Role.CX_EDITOR), team=team)
    contexts: list[BrowserContext] = []

    def page_of(username: str, base: str, language: str = "en", live: bool = True) -> Page:
        """`live=False`: the page's live connection hears nothing (as when a change's announcement has not reached
        it yet, or its socket is down), so its board stays as it was: what the merge of moves is about."""
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        page = context.new_page()
        if not live:
            page.route_web_socket(re.compile(r"/ws/journeys/"), lambda socket: None)  # open, never connected
        log_in(page, base, username, journey)
        if language != "en":
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            page.reload()
        return page

    yield journey, page_of
    for context in contexts:
        context.close()


def test_a_and_b_edit_different_fields_of_one_card_and_both_changes_survive(live_server, two_editors):
    journey, page_of = two_editors
    touchpoint = journey.touchpoints.order_by("stage__position", "position").first()
    anna, bram = page_of("anna", live_server.url), page_of("bram", live_server.url)
    theirs, mine = open_card(anna, touchpoint), open_card(bram, touchpoint)

    theirs.get_by_label("Name").fill("Welcome email and app tour")
    theirs.get_by_role("button", name="Save").click()
    expect(anna.locator(f"#tp-{touchpoint.pk} .tp-name")).to_have_text("Welcome email and app tour")

    mine.get_by_label("Description").fill(MINE)
    mine.get_by_role("button", name="Save").click()

    # Saved, no question asked: B's board shows A's name, and the message says it merged.
    expect(bram.locator("#map-editor")).not_to_be_visible()
    expect(bram.locator(f"#tp-{touchpoint.pk} .tp-name")).to_have_text("Welcome email and app tour")
    expect(bram.locator("#map-status")).to_contain_text("Merged with someone else’s change to: Name")
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.description, touchpoint.version) == ("Welcome email and app tour", MINE, 3)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_and_b_write_the_same_field_and_b_chooses_seeing_both_texts(live_server, two_editors, language):
    journey, page_of = two_editors
    touchpoint = journey.touchpoints.order_by("stage__position", "position").first()
    emotion = "1" if touchpoint.emotion != 1 else "-1"
    anna, bram = page_of("anna", live_server.url), page_of("bram", live_server.url, language)
    theirs, mine = open_card(anna, touchpoint), open_card(bram, touchpoint)
    description = "#id_description"

    theirs.locator(description).fill(THEIRS)
    theirs.locator("#id_name").fill("Welcome email and app tour")  # a field B leaves alone
    theirs.locator("button[type=submit]").click()
    expect(anna.locator("#map-editor")).not_to_be_visible()

    # B writes the description too, and sets another emotion (which A left alone).
    mine.locator(description).fill(MINE)
    mine.locator("#id_emotion").select_option(value=emotion)
    mine.locator("button[type=submit]").click()

    panel = mine.locator("[data-stale-edit]")
    expect(panel).to_be_visible()
    rows = panel.locator("tbody tr")
    expect(rows).to_have_count(1)  # only the description is a conflict
    row = panel.locator('tr[data-stale-field="description"]')
    expect(row).to_contain_text(THEIRS)
    expect(row).to_contain_text(MINE)
    if language == "en":
        expect(panel.locator("thead")).to_contain_text("Saved by someone else")
        expect(panel.locator("thead")).to_contain_text("Yours")
    expect(mine.locator(description)).to_have_value(MINE)  # nothing typed is lost
    expect(mine.locator("#id_name")).to_have_value("Welcome email and app tour")  # A's other change is merged
    expect(panel.locator("[data-stale-merged]")).to_contain_text(re.compile("Name|Naam"))
    expect(mine.locator("#id_emotion")).to_have_value(emotion)
    original = touchpoint.emotion
    touchpoint.refresh_from_db()
    assert (touchpoint.description, touchpoint.emotion) == (THEIRS, original)  # nothing saved until B chooses
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bram.locator("#map-editor").screenshot(path=str(SCREENSHOTS / f"map-merge-conflict-{language}.png"))

    # B takes A's text, keeps the own emotion, and saves: against the current version.
    row.locator('input[type="radio"][value="theirs"]').check()
    expect(mine.locator(description)).to_have_value(THEIRS)
    mine.locator("button[type=submit]").click()
    expect(bram.locator("#map-editor")).not_to_be_visible()
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.description, touchpoint.emotion, touchpoint.version) == (
        "Welcome email and app tour",
        THEIRS,
        int(emotion),
        3,
    )


def stage_order(stage) -> list[int]:
    return list(Touchpoint.objects.filter(stage=stage).order_by("position").values_list("pk", flat=True))


def test_arrow_moves_on_a_map_someone_else_changed_merge_and_a_moved_card_can_be_edited(live_server, two_editors):
    journey, page_of = two_editors
    first, second = journey.stages.order_by("position")
    a1, a2 = first.touchpoints.order_by("position")
    b1, b2 = second.touchpoints.order_by("position")
    anna, bram = page_of("anna", live_server.url), page_of("bram", live_server.url, live=False)
    mine = open_card(bram, a1)  # B starts editing a card that A is about to move

    # A moves a1 to the second stage (on top), then b2 up.
    anna.locator(f"#tp-{a1.pk}-right").click()
    expect(anna.locator(f'.tp-list[data-stage-id="{second.pk}"] #tp-{a1.pk}')).to_be_visible()
    anna.locator(f"#tp-{b2.pk}-up").click()
    expect(anna.locator(f'.tp-list[data-stage-id="{second.pk}"] .tp-card').nth(1)).to_have_id(f"tp-{b2.pk}")
    assert stage_order(second) == [a1.pk, b2.pk, b1.pk]

    # B, on the map as it was, renames a1: it stays where A moved it, and B's board now shows A's moves.
    mine.get_by_label("Name").fill("Welcome call")
    mine.get_by_role("button", name="Save").click()
    expect(bram.locator("#map-editor")).not_to_be_visible()
    a1.refresh_from_db()
    assert (a1.name, a1.stage_id, a1.position) == ("Welcome call", second.pk, 0)
    expect(bram.locator(f'.tp-list[data-stage-id="{second.pk}"] #tp-{a1.pk}')).to_be_visible()

    # A moves a2 to the second stage; B, on a board that does not show it yet, moves b2 down: both moves hold.
    anna.locator(f"#tp-{a2.pk}-right").click()
    expect(anna.locator(f'.tp-list[data-stage-id="{second.pk}"] #tp-{a2.pk}')).to_be_visible()
    bram.locator(f"#tp-{b2.pk}-down").click()
    expect(bram.locator("#map-status")).to_contain_text("moved")
    expect(bram.locator(f'.tp-list[data-stage-id="{second.pk}"] #tp-{a2.pk}')).to_be_visible()
    assert stage_order(second) == [a2.pk, a1.pk, b1.pk, b2.pk]
    assert stage_order(first) == []

    # A moves b2 up again; B, not seeing it, moves the same card: B is told, with the current map; nothing moves.
    anna.reload()
    anna.locator(f"#tp-{b2.pk}-up").click()
    expect(anna.locator(f'.tp-list[data-stage-id="{second.pk}"] .tp-card').nth(2)).to_have_id(f"tp-{b2.pk}")
    bram.locator(f"#tp-{b2.pk}-up").click()
    expect(bram.locator("#map-status")).to_contain_text("Someone else moved or deleted the same card")
    expect(bram.locator(f'.tp-list[data-stage-id="{second.pk}"] .tp-card').nth(2)).to_have_id(f"tp-{b2.pk}")
    assert stage_order(second) == [a2.pk, a1.pk, b2.pk, b1.pk]


def test_a_drop_on_a_map_someone_else_changed_merges_onto_it(live_server, two_editors):
    journey, page_of = two_editors
    first, second = journey.stages.order_by("position")
    a1, a2 = first.touchpoints.order_by("position")
    b1, b2 = second.touchpoints.order_by("position")
    anna, bram = page_of("anna", live_server.url), page_of("bram", live_server.url, live=False)

    anna.locator(f"#tp-{b2.pk}-up").click()  # A: b2 above b1
    expect(anna.locator(f'.tp-list[data-stage-id="{second.pk}"] .tp-card').first).to_have_id(f"tp-{b2.pk}")

    # B, on the board from before, drags a1 to the bottom of the second stage.
    drag(bram, bram.locator(f"#tp-{a1.pk}"), bram.locator(f'.tp-list[data-stage-id="{second.pk}"]'))
    expect(bram.locator("#map-status")).to_contain_text("The new order is saved.")
    expect(bram.locator(f'.tp-list[data-stage-id="{second.pk}"] .tp-card').first).to_have_id(f"tp-{b2.pk}")
    assert stage_order(second) == [b2.pk, b1.pk, a1.pk]
    assert stage_order(first) == [a2.pk]
