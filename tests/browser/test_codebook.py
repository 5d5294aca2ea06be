"""In a real browser: a CX editor defines a theme on the codebook page and watches the live preview follow what
they type: the match count and the highlighted words, an exclusion that lowers the count; then saves, and the
comments are tagged with it."""

import re

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from metrics.models import Theme
from tests.browser.test_actions import log_in, shoot
from tests.cxplatform.factories import UserFactory
from tests.metrics.factories import SurveyResponseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENTS = [
    "Ik moest heel lang wachten aan de telefoon.",
    "Het wachten viel mee, binnen twee minuten iemand gesproken.",
    "Vriendelijke medewerker, goed geholpen.",
    "Na drie weken wachten nog steeds niets gehoord.",
    "De brief was onduidelijk, ik begreep niet wat ik moest doen.",
    "Wachten, wachten en nog eens wachten op een reactie.",
]


def test_the_live_preview_follows_the_rules_as_the_editor_types(live_server, page: Page, screenshot):
    page.set_viewport_size({"width": 1400, "height": 900})
    UserFactory(username="carla", role=Role.CX_EDITOR)
    for text in COMMENTS:
        SurveyResponseFactory(comment=text)

    log_in(page, live_server.url, "/themes/", "carla")
    expect(page.get_by_role("heading", name="No themes yet")).to_be_visible()
    page.get_by_role("link", name="Define a theme yourself").click()
    expect(page.get_by_role("heading", name="New theme")).to_be_visible()
    preview = page.locator("#theme-preview")
    expect(preview).to_contain_text("Type a word or phrase in a rule")

    page.get_by_label("Name (English)").fill("Waiting time")
    page.get_by_label("Name (Dutch)").fill("Wachttijd")
    first = page.locator("[data-rule-row]").nth(0)
    first.get_by_label("Words or phrase").press_sequentially("wachten", delay=30)
    expect(preview).to_contain_text("Matches 4 of the 6 most recent comments")
    expect(preview.locator("mark").first).to_have_text(re.compile("wachten", re.I))
    expect(preview).to_contain_text("Na drie weken wachten nog steeds")
    expect(preview).not_to_contain_text("Vriendelijke medewerker")

    # An exclusion, in a row added by keyboard: the count drops, the excluded comment is shown as such.
    page.get_by_role("button", name="Add a rule").focus()
    page.keyboard.press("Enter")
    second = page.locator("[data-rule-row]").nth(1)
    expect(second.locator("legend")).to_have_text("Rule 2")
    expect(second.get_by_label("Words or phrase")).to_be_focused()
    second.get_by_label("Counts as").select_option("exclude")
    second.get_by_label("Words or phrase").press_sequentially("viel mee", delay=30)
    expect(preview).to_contain_text("Matches 3 of the 6 most recent comments")
    expect(preview).to_contain_text("1 excluded")
    excluded = preview.locator(".theme-preview-comment.is-excluded")
    expect(excluded).to_contain_text("Het wachten viel mee")
    expect(excluded.locator("mark.excluded")).to_have_text("viel mee")
    shoot(page, screenshot, "codebook-live-preview")

    page.get_by_role("button", name="Create theme").click()
    expect(page).to_have_url(f"{live_server.url}/themes/")
    expect(page.locator(".messages")).to_contain_text("Theme “Waiting time” created.")
    theme = Theme.objects.get()
    assert list(theme.rules.values_list("mode", "phrase")) == [("mention", "wachten"), ("exclude", "viel mee")]
    # Tagged on commit (the tests' Celery runs in-process): the list counts its mentions.
    row = page.get_by_role("row", name=re.compile("Waiting time"))
    expect(row).to_contain_text("3")
    shoot(page, screenshot, "codebook-list")
