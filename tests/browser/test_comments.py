"""In real browsers: Anna comments on a touchpoint of the map, mentioning Bram with the @ autocomplete (keyboard
only); Bram, in another browser, sees it on his bell, in his list, and in his mailbox, and opens the thread from
his notification. Screenshots of the thread and of the bell's list, in English and in Dutch."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from cxplatform.accounts.models import Role
from cxplatform.notifications.models import Notification
from journeys.comments.models import Comment
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import build_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str, path: str) -> None:
    page.goto(f"{base}{path}")
    page.get_by_label(re.compile("Username|Gebruikersnaam")).fill(username)
    page.get_by_label(re.compile("Password|Wachtwoord")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Inloggen")).click()
    expect(page).to_have_url(re.compile(re.escape(path.split("#")[0]) + "$"))
    page.wait_for_load_state()


def test_a_mention_reaches_the_bell_and_the_mailbox_of_the_person_mentioned(
    live_server, page: Page, browser: Browser, screenshot
):
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 1000})
    journey = build_map(stages=2, touchpoints_per_stage=2, name="Report a claim")
    touchpoint = journey.touchpoints.order_by("stage__position", "position").first()
    UserFactory(username="anna", first_name="Anna", last_name="de Vries", role=Role.CX_EDITOR)
    bram = UserFactory(username="bram", first_name="Bram", last_name="Jansen", role=Role.PROCESS_OWNER)
    UserFactory(username="brenda", first_name="Brenda", last_name="Bos", role=Role.MANAGER)

    # Anna opens the touchpoint's thread from its card on the map.
    log_in(page, base, "anna", f"/journeys/{journey.pk}/")
    button = page.locator(f"#comments-touchpoint-{touchpoint.pk}")
    button.click()
    dialog = page.locator("#comment-dialog")
    expect(dialog.get_by_role("heading")).to_contain_text(touchpoint.name)
    box = dialog.get_by_label("Your comment")
    expect(box).to_be_focused()

    # She types @br: two people match; the arrow picks the second, Enter inserts it.
    box.press_sequentially("Can @br")
    options = dialog.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("Bram Jansen")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    box.press("Enter")
    expect(dialog.get_by_role("listbox")).to_have_count(0)
    expect(box).to_have_value("Can @bram ")
    box.press_sequentially("check the waiting times? https://example.org/queues")
    # Escape closes an open list, not the dialog.
    box.press_sequentially(" @b")
    expect(options.first).to_be_visible()
    box.press("Escape")
    expect(dialog.get_by_role("listbox")).to_have_count(0)
    expect(dialog).to_be_visible()
    box.press("Backspace")
    box.press("Backspace")
    dialog.get_by_role("button", name="Comment", exact=True).click()

    comment = dialog.locator(".comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text("Can @bram check the waiting times?")
    expect(comment.get_by_role("link", name="https://example.org/queues")).to_have_attribute(
        "href", "https://example.org/queues"
    )
    # The card's count follows, without a reload.
    expect(button.locator(".comment-count")).to_have_text("1")
    assert list(Comment.objects.get().mentions.values_list("username", flat=True)) == ["bram"]
    screenshot("comments-thread-en")

    # Bram, in another browser: the bell says 1, the list says who mentioned him where.
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    bram_page = other.new_page()
    log_in(bram_page, base, "bram", "/journeys/")
    bell = bram_page.locator("#bell")
    expect(bell.locator(".bell-count")).to_have_text("1")
    bell.click()
    expect(bram_page).to_have_url(f"{base}/notifications/")
    entry = bram_page.locator(".notification.is-unread")
    expect(entry).to_contain_text(f"Anna de Vries mentioned you on “{touchpoint.name}”")
    expect(entry).to_contain_text("check the waiting times?")
    bram_page.screenshot(path=str(screenshot_path("notifications-en")), full_page=True)

    # And in his mailbox (tasks run in-process in the tests; the test email backend keeps the outbox).
    [message] = [m for m in mail.outbox if m.to == [bram.email]]
    assert "Anna de Vries mentioned you on" in message.body
    assert f"/journeys/{journey.pk}/#comments-touchpoint-{touchpoint.pk}" in message.body

    # Opening it marks it read and opens the thread on the map.
    entry.locator(".notification-open button").click()
    expect(bram_page).to_have_url(f"{base}/journeys/{journey.pk}/#comments-touchpoint-{touchpoint.pk}")
    expect(bram_page.locator("#comment-dialog .comment")).to_contain_text("check the waiting times?")
    expect(bram_page.locator("#bell .bell-count")).to_have_count(0)
    assert Notification.objects.get(recipient=bram).read_at is not None

    # In Dutch: the list and the thread.
    other.add_cookies([{"name": "django_language", "value": "nl", "url": base}])
    bram_page.goto(f"{base}/notifications/")
    expect(bram_page.get_by_role("heading", level=1)).to_be_visible()
    bram_page.screenshot(path=str(screenshot_path("notifications-nl")), full_page=True)
    bram_page.goto(f"{base}/journeys/{journey.pk}/#comments-touchpoint-{touchpoint.pk}")
    expect(bram_page.locator("#comment-dialog .comment")).to_be_visible()
    bram_page.screenshot(path=str(screenshot_path("comments-thread-nl")))
    other.close()


def screenshot_path(name: str):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_an_action_has_its_discussion_and_its_assignee_hears_of_it(live_server, page: Page, screenshot):
    from tests.teams.factories import ActionFactory

    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 1000})
    assignee = UserFactory(username="priya", first_name="Priya", role=Role.PROCESS_OWNER)
    UserFactory(username="martin", first_name="Martin", role=Role.MANAGER)
    action = ActionFactory(title="Call back within a day", assignee=assignee)
    log_in(page, base, "martin", f"/actions/{action.pk}/")
    discussion = page.locator("#discussion")
    expect(page.locator("body")).not_to_contain_text("{#")
    box = discussion.get_by_label("Your comment")
    box.fill("Is this on track? <script>alert(1)</script>")
    discussion.get_by_role("button", name="Comment", exact=True).click()
    expect(discussion.locator(".comment")).to_contain_text("<script>alert(1)</script>")
    discussion.get_by_role("button", name="Resolve").click()
    expect(discussion.locator(".comment-state")).to_contain_text("Resolved by Martin")
    discussion.scroll_into_view_if_needed()
    screenshot("comments-action-en")
    assert Notification.objects.get().recipient == assignee
