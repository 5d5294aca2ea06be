"""In a real browser, on an edit page (not the map): a stale save keeps the description typed, the panel at
the top of the form says why and takes the focus; "Take all of theirs" fills in their values; saving works."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from metrics.models import Metric, MetricTarget
from teams.models import ImprovementAction
from teams.services.actions import action_create, action_update
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORY = "As a customer, I want to upload photos of the damage from my phone, so that I need not mail them."


def test_a_stale_action_edit_keeps_my_story_and_takes_their_title(live_server, page: Page, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    journey = build_map(stages=1, touchpoints_per_stage=1, name="Report a claim")
    editor = UserFactory(username="carla", role=Role.CX_EDITOR)
    MembershipFactory(team=TeamFactory(journey_groups=[journey.group]), user=editor)
    action = action_create(created_by=None, title="Photo upload", journey=journey, description="")
    edit = f"{live_server.url}/actions/{action.pk}/edit/"

    page.goto(edit)
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill("carla")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(edit)
    page.get_by_label("Description").fill(STORY)
    # Meanwhile someone else renames the action.
    action_update(action=ImprovementAction.objects.get(pk=action.pk), expected_version=1, title="Upload photos")
    page.get_by_role("button", name="Save").click()

    panel = page.locator("[data-stale-edit]")
    expect(panel).to_be_focused()
    expect(panel.get_by_role("alert")).to_contain_text("Nothing is saved yet")
    expect(page.get_by_label("Description")).to_have_value(STORY)
    expect(panel.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_label("Title")).to_have_value("Upload photos")  # only they changed it: theirs preselected
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("action-stale-edit")
    panel.get_by_role("button", name="Keep all of mine").click()
    expect(page.get_by_label("Title")).to_have_value("Photo upload")
    panel.get_by_role("button", name="Take all of theirs").click()
    expect(page.get_by_label("Title")).to_have_value("Upload photos")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{live_server.url}/actions/{action.pk}/")
    action.refresh_from_db()
    assert (action.title, action.description, action.version) == ("Upload photos", STORY, 3)


def test_a_stale_delete_asks_again_saying_what_changed(live_server, page: Page, screenshot):
    page.set_viewport_size({"width": 1280, "height": 800})
    UserFactory(username="martin", role=Role.MANAGER)
    target = MetricTarget.objects.create(metric=Metric.NPS, value=Decimal("20"))
    url = f"{live_server.url}/targets/{target.pk}/delete/"
    page.goto(url)
    page.get_by_label("Username").fill("martin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("Remove the NPS target"))).to_be_visible()
    MetricTarget.objects.filter(pk=target.pk).update(value=Decimal("25"), version=2)  # someone else, meanwhile

    page.get_by_role("button", name="Yes, remove the target").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing is deleted")
    expect(alert).to_contain_text("25")
    expect(page.get_by_role("heading", name=re.compile(r"\(\+25\)"))).to_be_visible()
    screenshot("target-stale-delete")
    assert MetricTarget.objects.filter(pk=target.pk).exists()
    page.get_by_role("button", name="Yes, remove the target").click()
    expect(page.get_by_text("removed")).to_be_visible()
    assert not MetricTarget.objects.filter(pk=target.pk).exists()
