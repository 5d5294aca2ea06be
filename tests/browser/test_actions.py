"""In a real browser: a CX editor turns a pain point into an improvement action for a process owner, who
carries it out from "My work"; the board follows, by drag and drop and by keyboard."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from teams.models import ActionStatus, ImprovementAction
from teams.services.actions import action_create
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, path: str, username: str) -> None:
    """Open `path`, get sent to the login form, log in with the factories' password, land on `path`."""
    page.goto(f"{base}{path}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}{path}")


def shoot(page: Page, screenshot, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(name)


def column(page: Page, status: str):
    return page.locator(f'.action-cards[data-status="{status}"]')


def drag(page: Page, card, target) -> None:
    """SortableJS runs in fallback mode (mouse events), so a stepwise mouse drag works like a person's."""
    start, end = card.bounding_box(), target.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + start["height"] / 2 + 10, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 30, steps=20)
    page.mouse.up()


@pytest.fixture
def claim_map(db):
    journey = build_map(stages=3, touchpoints_per_stage=2, findings_per_touchpoint=1, name="Report a claim")
    finding = journey.findings.first()
    finding.text = "Customers cannot find where to upload photos of the damage"
    finding.save()
    team = TeamFactory(name="Being a customer", journey_groups=[journey.group])
    editor = UserFactory(username="carla", first_name="Carla", last_name="Jansen", role=Role.CX_EDITOR)
    MembershipFactory(team=team, user=editor)
    owner = UserFactory(username="pieter", first_name="Pieter", last_name="de Vries", role=Role.PROCESS_OWNER)
    return journey, finding, team, owner


def test_an_editor_assigns_an_action_and_the_process_owner_carries_it_out(
    live_server, page: Page, screenshot, claim_map
):
    journey, finding, team, owner = claim_map
    page.set_viewport_size({"width": 1400, "height": 900})
    due = timezone.localdate() + datetime.timedelta(days=14)

    # The editor opens the map and turns the pain point into an action: the form knows what it addresses.
    log_in(page, live_server.url, f"/journeys/{journey.pk}/", "carla")
    page.locator(f"#finding-{finding.pk}").get_by_role("link", name="Create improvement action").click()
    expect(page).to_have_url(f"{live_server.url}/actions/new/?finding={finding.pk}")
    expect(page.get_by_role("heading", name="New improvement action")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Customers cannot find where to upload photos of the damage")
    addresses = page.locator(".addresses")
    expect(addresses).to_contain_text("Report a claim")
    expect(addresses).to_contain_text(finding.touchpoint.name)
    expect(page.get_by_label("Team")).to_have_value(str(team.pk))
    shoot(page, screenshot, "action-new-from-finding")

    page.get_by_label("Title").fill("Let customers upload damage photos in the claim form")
    page.get_by_label("User story or description").fill(
        "As a claimant, I want to add photos while I report the damage, so that I do not have to e-mail them."
    )
    page.get_by_label("Assignee").select_option(label="Pieter de Vries")
    page.get_by_label("Impact").select_option(label="4 · high")
    page.get_by_label("Effort").select_option(label="2 · low")
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_label("Sprint or iteration").fill("2025-S14")
    page.get_by_label("Expected investment (€)").fill("4000")
    page.get_by_label("Expected gains (€)").fill("10000")
    page.get_by_role("button", name="Create action").click()

    action = ImprovementAction.objects.get()
    expect(page).to_have_url(f"{live_server.url}/actions/{action.pk}/")
    expect(
        page.get_by_text("Improvement action “Let customers upload damage photos in the claim form” created.")
    ).to_be_visible()
    expect(page.get_by_role("link", name=finding.touchpoint.name)).to_have_attribute(
        "href", f"/journeys/{journey.pk}/#tp-{finding.touchpoint_id}"
    )
    expect(page.locator(".action-head-tags")).to_contain_text("Quick win")
    expect(page.get_by_text("150%")).to_be_visible()  # expected ROI: (10000 − 4000) / 4000
    shoot(page, screenshot, "action-detail-editor")
    page.get_by_role("button", name="Log out").click()

    # The process owner finds it under My work, and moves it on: planned, then in progress.
    log_in(page, live_server.url, "/actions/mine/", "pieter")
    item = page.locator(".work-item", has_text="Let customers upload damage photos")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Proposed")
    shoot(page, screenshot, "action-my-work")
    item.get_by_role("button", name="Planned").click()
    expect(page.get_by_text("is now: Planned.")).to_be_visible()
    item.get_by_role("button", name="In progress").click()
    expect(page.get_by_text("is now: In progress.")).to_be_visible()
    item.get_by_label("Progress (%)").fill("30")
    item.get_by_role("button", name="Save progress").click()
    expect(page.get_by_text("is now 30%.")).to_be_visible()
    expect(item).to_contain_text("In progress")
    shoot(page, screenshot, "action-my-work-in-progress")

    # The board shows it in the In progress column.
    page.get_by_role("navigation", name="Views of the improvement actions").get_by_role("link", name="Board").click()
    card = page.locator(f"#action-{action.pk}")
    expect(column(page, "in_progress").locator(f"#action-{action.pk}")).to_be_visible()
    expect(card).to_contain_text("Pieter de Vries")
    expect(card).to_contain_text("Quick win")
    shoot(page, screenshot, "action-board-in-progress")

    action.refresh_from_db()
    assert (action.status, action.progress, action.assignee) == (ActionStatus.IN_PROGRESS, 30, owner)
    assert [t.to_status for t in action.transitions.all()] == ["planned", "in_progress"]


def test_a_drag_on_the_board_moves_a_card_or_is_refused_and_the_card_goes_back(
    live_server, page: Page, screenshot, claim_map
):
    journey, _finding, _team, owner = claim_map
    page.set_viewport_size({"width": 1400, "height": 900})
    today = timezone.localdate()
    touchpoints = list(journey.touchpoints.all())
    ready = action_create(
        created_by=None,
        title="Confirm the claim by SMS",
        journey=journey,
        touchpoint=touchpoints[1],
        assignee=owner,
        impact=3,
        effort=1,
        due_date=today + datetime.timedelta(days=5),
    )
    late = action_create(
        created_by=None,
        title="Call back within one working day",
        journey=journey,
        touchpoint=touchpoints[2],
        assignee=owner,
        impact=5,
        effort=4,
        due_date=today - datetime.timedelta(days=3),
    )
    action_create(
        created_by=None,
        title="Rewrite the claim letter",
        journey=journey,
        touchpoint=touchpoints[3],
        impact=2,
        effort=2,
    )
    log_in(page, live_server.url, "/actions/", "pieter")
    expect(page.locator(f"#action-{late.pk}")).to_contain_text("Overdue")
    shoot(page, screenshot, "action-board")

    # Proposed → Done is not a step an action can take: refused with the reason, the card stays.
    drag(page, page.locator(f"#action-{ready.pk}"), column(page, "done"))
    expect(page.get_by_role("alert")).to_contain_text("An action that is “Proposed” cannot become “Done”")
    expect(column(page, "proposed").locator(f"#action-{ready.pk}")).to_be_visible()
    expect(column(page, "done").locator(".action-card")).to_have_count(0)
    shoot(page, screenshot, "action-board-refused")

    # Proposed → Planned is.
    drag(page, page.locator(f"#action-{ready.pk}"), column(page, "planned"))
    expect(page.get_by_text("“Confirm the claim by SMS” is now: Planned.")).to_be_visible()
    expect(column(page, "planned").locator(f"#action-{ready.pk}")).to_be_visible()

    # Without dragging: the card's "Move to…" menu, by keyboard, and the focus comes back to the card.
    card = page.locator(f"#action-{late.pk}")
    card.get_by_text("Move to…").focus()
    page.keyboard.press("Enter")
    card.get_by_role("button", name="Dropped").focus()
    page.keyboard.press("Enter")
    expect(column(page, "dropped").locator(f"#action-{late.pk}")).to_be_visible()
    expect(page.locator(f"#action-{late.pk}")).to_be_focused()

    # The card of an action assigned to someone else cannot be dragged by the process owner.
    other = page.locator(".action-card", has_text="Rewrite the claim letter")
    expect(other).not_to_have_attribute("data-can-move", re.compile(".*"))
    drag(page, other, column(page, "planned"))
    expect(column(page, "proposed").locator(".action-card", has_text="Rewrite the claim letter")).to_be_visible()
    shoot(page, screenshot, "action-board-after-moves")

    assert ImprovementAction.objects.get(pk=ready.pk).status == ActionStatus.PLANNED
    assert ImprovementAction.objects.get(pk=late.pk).status == ActionStatus.DROPPED


def test_the_matrix_and_the_list_show_the_open_actions(live_server, page: Page, screenshot, claim_map):
    journey, _finding, _team, owner = claim_map
    page.set_viewport_size({"width": 1400, "height": 900})
    today = timezone.localdate()
    touchpoints = list(journey.touchpoints.all())
    examples = [
        ("Confirm the claim by SMS", 4, 1),
        ("Show the claim status online", 4, 1),
        ("Explain the excess up front", 3, 2),
        ("New claims platform", 5, 5),
        ("Rename the claim form", 1, 1),
        ("Redesign every letter", 2, 4),
    ]
    for index, (title, impact, effort) in enumerate(examples):
        action_create(
            created_by=None,
            title=title,
            journey=journey,
            touchpoint=touchpoints[index % len(touchpoints)],
            assignee=owner if index % 2 else None,
            impact=impact,
            effort=effort,
            due_date=today + datetime.timedelta(days=7 * index - 8),
        )
    log_in(page, live_server.url, "/actions/matrix/", "carla")
    expect(page.locator(".priority-matrix .main-svg").first).to_be_visible()
    expect(page.locator(".priority-matrix")).to_contain_text("Quick wins")
    expect(page.locator(".priority-matrix")).to_contain_text("Thankless tasks")
    expect(page.locator(".priority-matrix .point")).to_have_count(len(examples))
    quick_wins = page.locator("table").first
    expect(quick_wins.locator("tbody tr")).to_have_count(3)
    shoot(page, screenshot, "action-matrix")

    page.get_by_role("link", name="List").click()
    expect(page.locator("table tbody tr")).to_have_count(len(examples))
    page.get_by_label("Overdue").select_option(label="Overdue")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("table tbody tr").first).to_contain_text("Confirm the claim by SMS")
    shoot(page, screenshot, "action-list-overdue")
