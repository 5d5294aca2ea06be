"""The teams list, a team's page, and mandates: proposed by the team's CX editors, decided by management."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cxplatform.accounts.models import Role
from teams.models import ActionStatus, ImprovementAction, Mandate, MandateStatus, MemberRole, Membership, Team
from teams.permissions import NOT_A_DECIDER
from teams.views.teams import NOT_A_PROPOSER
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory, JourneyGroupFactory
from tests.teams.factories import (
    ActionFactory,
    DepartmentFactory,
    DepartmentMemberFactory,
    MandateFactory,
    MembershipFactory,
    TeamFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def running_mandate(team: Team, budget: str = "10000", **fields) -> Mandate:
    defaults = {
        "status": MandateStatus.APPROVED,
        "starts_on": days(-30),
        "ends_on": days(300),
        "budget": Decimal(budget),
    }
    return MandateFactory(team=team, **{**defaults, **fields})


def text_of(response) -> str:
    """The page's visible text, tags removed and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def team(cx_editor):
    group = JourneyGroupFactory(name="Being a customer")
    team = TeamFactory(name="Team Claims", journey_groups=[group])
    MembershipFactory(team=team, user=cx_editor, role=MemberRole.UX_MARKETING, allocation=40)
    return team


# ---------------------------------------------------------------------------------------------------------
# The teams list


def test_the_list_shows_members_by_role_groups_and_the_mandate_with_its_budget_bar(editor_client, team):
    MembershipFactory(team=team, user=UserFactory(first_name="Priya", last_name="R"), role=MemberRole.PROCESS_OWNER)
    MembershipFactory(
        team=team, user=UserFactory(first_name="Karin", last_name="B"), role=MemberRole.COACH, allocation=10
    )
    running_mandate(team, budget="20000")
    journey = JourneyFactory(group=team.journey_groups.get())
    ActionFactory(journey=journey, team=team, expected_investment=Decimal("5000"))
    ActionFactory(journey=journey, team=team, expected_investment=Decimal("9000"), status=ActionStatus.DROPPED)

    text = text_of(editor_client.get(reverse("teams:index")))

    assert "Team Claims" in text and "Being a customer" in text
    # Roles in their fixed order: process owner before UX, the coach last.
    assert (
        text.index("Process owner Priya R")
        < text.index("UX / communication / marketing Emma")
        < text.index("Coach Karin B 10%")
    )
    assert "Approved, running" in text
    assert "€ 5,000 of € 20,000 · 25%" in text  # the dropped action claims nothing


def test_the_list_flags_a_proposal_awaiting_a_decision_beside_the_running_mandate(editor_client, team):
    running_mandate(team)
    MandateFactory(team=team, starts_on=days(200), ends_on=days(500))
    text = text_of(editor_client.get(reverse("teams:index")))
    assert "Approved, running" in text
    assert "1 proposal awaiting decision" in text


@pytest.mark.parametrize("team_count", [2, 200])
def test_the_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, team_count):
    group = JourneyGroupFactory()
    teams = Team.objects.bulk_create([Team(slug=f"t{i}", name=f"Team {i:03}") for i in range(team_count)])
    Team.journey_groups.through.objects.bulk_create(
        [Team.journey_groups.through(team_id=t.pk, journeygroup_id=group.pk) for t in teams]
    )
    people = [UserFactory(), UserFactory()]
    Membership.objects.bulk_create([Membership(team=t, user=p, role=MemberRole.ANALYST) for t in teams for p in people])
    Mandate.objects.bulk_create(
        [Mandate(team=t, budget=1000, hours=10, starts_on=days(-1), ends_on=days(9), status="approved") for t in teams]
    )
    # session, user, teams (+ budget claimed), journey groups, members (+ user, department), mandates
    with django_assert_num_queries(6):
        response = editor_client.get(reverse("teams:index"))
    assert response.content.decode().count('class="card team-card"') == team_count


# ---------------------------------------------------------------------------------------------------------
# A team's page


def test_the_team_page_groups_members_by_role_with_allocation_and_department(editor_client, team):
    service = DepartmentFactory(name="Customer Service")
    daan = UserFactory(first_name="Daan", last_name="Smit")
    DepartmentMemberFactory(user=daan, department=service)
    MembershipFactory(team=team, user=daan, role=MemberRole.PROCESS_OWNER, allocation=25)
    MembershipFactory(team=team, user=UserFactory(first_name="Bram", last_name="H"), role=MemberRole.BI_IT)

    text = text_of(editor_client.get(reverse("teams:team", args=[team.pk])))

    assert "Process owner Daan Smit Customer Service · 25% of their time" in text
    assert text.index("Process owner") < text.index("BI / IT") < text.index("UX / communication / marketing")


def test_the_team_page_lists_its_journeys_with_links_to_map_and_ownership(editor_client, team):
    journey = JourneyFactory(name="Report a claim", group=team.journey_groups.get())
    other = JourneyFactory(name="Someone else's journey")
    content = editor_client.get(reverse("teams:team", args=[team.pk])).content.decode()
    assert reverse("journeys:map", args=[journey.pk]) in content
    assert reverse("teams:ownership", args=[journey.pk]) in content
    assert other.name not in content


def test_the_team_page_shows_the_budget_claimed_by_its_actions_and_warns_when_over(editor_client, team):
    running_mandate(team, budget="10000")
    journey = JourneyFactory(group=team.journey_groups.get())
    for status, amount in [("proposed", 4000), ("in_progress", 5000), ("done", 3000), ("dropped", 50000)]:
        ActionFactory(journey=journey, team=team, status=status, expected_investment=Decimal(amount))
    ActionFactory(journey=journey, team=TeamFactory(), expected_investment=Decimal(99000))  # another team's

    text = text_of(editor_client.get(reverse("teams:team", args=[team.pk])))

    assert "€ 12,000 of € 10,000 · 120%" in text
    assert "Over budget by € 2,000" in text


def test_the_team_page_shows_no_warning_within_budget(editor_client, team):
    running_mandate(team, budget="10000")
    ActionFactory(journey=JourneyFactory(group=team.journey_groups.get()), team=team, expected_investment=9000)
    text = text_of(editor_client.get(reverse("teams:team", args=[team.pk])))
    assert "€ 9,000 of € 10,000 · 90%" in text
    assert "Over budget" not in text


def test_the_team_page_counts_actions_per_status_with_links_to_the_board(editor_client, team):
    journey = JourneyFactory(group=team.journey_groups.get())
    ActionFactory(journey=journey, team=team, status="planned", due_date=days(-3))
    ActionFactory(journey=journey, team=team, status="planned", due_date=days(3))
    ActionFactory(journey=journey, team=team, status="done", due_date=days(-3))  # done: not overdue

    response = editor_client.get(reverse("teams:team", args=[team.pk]))
    content, text = response.content.decode(), text_of(response)

    # Each count opens the action list filtered on the team and the status; the board shows them all.
    assert f'href="{reverse("teams:action-list")}?team={team.pk}&amp;status=planned"' in content
    assert f'href="{reverse("teams:actions")}?team={team.pk}"' in content
    assert "2 Planned 1 overdue" in text
    assert "1 Done" in text and "overdue" not in text.split("1 Done")[1].split("Dropped")[0]
    assert "All 3 actions on the board" in text


def test_the_team_page_lists_mandates_with_sponsor_time_period_and_decision(editor_client, team, manager):
    decided_at = timezone.now() - datetime.timedelta(days=5)
    running_mandate(
        team,
        budget="120000",
        hours=None,
        time_percent=20,
        priority="high",
        sponsor=manager,
        decided_by=manager,
        decided_at=decided_at,
        decision_note="Claims first.",
    )
    text = text_of(editor_client.get(reverse("teams:team", args=[team.pk])))
    assert "€ 120,000 20% of members' time High Martin" in text
    assert f"Approved by {manager} on {date_format(timezone.localtime(decided_at), 'DATE_FORMAT')}" in text
    assert "Claims first." in text


def test_an_unknown_team_is_404(editor_client):
    assert editor_client.get(reverse("teams:team", args=[999])).status_code == 404


@pytest.mark.parametrize("size", [2, 200])
def test_the_team_page_runs_a_fixed_number_of_queries(client, manager, django_assert_num_queries, size):
    team = TeamFactory(journey_groups=[JourneyGroupFactory()])
    group = team.journey_groups.get()
    journeys = [JourneyFactory(group=group) for _ in range(2)]
    people = UserFactory.create_batch(2)
    Membership.objects.bulk_create([Membership(team=team, user=p, role=MemberRole.ANALYST) for p in people])
    ImprovementAction.objects.bulk_create(
        [
            ImprovementAction(title=f"A{i}", journey=journeys[i % 2], team=team, status=ActionStatus.values[i % 5])
            for i in range(size)
        ]
    )
    Mandate.objects.bulk_create(
        [
            Mandate(team=team, budget=1000, hours=1, starts_on=days(-i), ends_on=days(i), sponsor=manager)
            for i in range(size)
        ]
    )
    client.force_login(manager)
    # session, user, team, journey groups, journeys, members (+ user, department), mandates (+ sponsor,
    # decider), actions counted per status
    with django_assert_num_queries(8):
        response = client.get(reverse("teams:team", args=[team.pk]))
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------------------
# Proposing a mandate


def mandate_data(**overrides) -> dict:
    return {
        "budget": "50000",
        "hours": "800",
        "time_percent": "",
        "priority": "high",
        "starts_on": days(10).isoformat(),
        "ends_on": days(200).isoformat(),
        **overrides,
    }


def test_a_cx_editor_of_the_team_proposes_a_mandate(editor_client, team, manager):
    url = reverse("teams:mandate-create", args=[team.pk])
    response = editor_client.post(url, mandate_data(sponsor=manager.pk), follow=True)
    assert response.redirect_chain[-1][0] == reverse("teams:team", args=[team.pk])
    mandate = team.mandates.get()
    assert (mandate.status, mandate.budget, mandate.hours, mandate.sponsor) == ("proposed", 50000, 800, manager)
    assert "Mandate proposed" in text_of(response)
    assert "Awaiting a manager's decision" in text_of(response)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"starts_on": days(10).isoformat(), "ends_on": days(9).isoformat()}, "ends_on", "The period must end on or after the day it starts."),
        ({"budget": "-1"}, "budget", "The budget cannot be negative."),
        ({"hours": "", "time_percent": ""}, "hours", "Give the time as hours or as a percentage of the members&#x27; time."),
        ({"time_percent": "120"}, "time_percent", "Ensure this value is less than or equal to 100."),
    ],
)  # fmt: skip
def test_a_wrong_mandate_is_refused_with_the_message_at_the_field(
    editor_client, team, manager, overrides, field, message
):
    response = editor_client.post(
        reverse("teams:mandate-create", args=[team.pk]), mandate_data(sponsor=manager.pk, **overrides)
    )
    assert response.status_code == 200
    assert f'<p class="field-error" id="id_{field}-error">{message}</p>' in response.content.decode()
    assert not Mandate.objects.exists()


def test_a_percentage_alone_is_enough_time(editor_client, team, manager):
    editor_client.post(
        reverse("teams:mandate-create", args=[team.pk]), mandate_data(sponsor=manager.pk, hours="", time_percent="20")
    )
    assert team.mandates.get().time_percent == 20


@pytest.mark.parametrize("role", [Role.CX_EDITOR, Role.MANAGER, Role.PROCESS_OWNER])
def test_only_the_teams_editors_and_admins_may_propose(client, team, role):
    client.force_login(UserFactory(role=role))  # not in the team
    response = client.get(reverse("teams:mandate-create", args=[team.pk]))
    assert response.status_code == 403
    assert str(NOT_A_PROPOSER) in response.content.decode()
    assert client.post(reverse("teams:mandate-create", args=[team.pk]), mandate_data()).status_code == 403


def test_an_admin_may_propose_for_any_team(client, admin_user, team):
    client.force_login(admin_user)
    assert client.get(reverse("teams:mandate-create", args=[team.pk])).status_code == 200


def test_the_propose_button_is_shown_only_to_who_may_propose(client, team, cx_editor, manager):
    url, create_url = reverse("teams:team", args=[team.pk]), reverse("teams:mandate-create", args=[team.pk])
    client.force_login(cx_editor)
    assert create_url in client.get(url).content.decode()
    client.force_login(manager)
    assert create_url not in client.get(url).content.decode()


# ---------------------------------------------------------------------------------------------------------
# Deciding on a mandate


def test_a_manager_approves_a_proposed_mandate(client, manager, team):
    mandate = MandateFactory(team=team)
    client.force_login(manager)
    response = client.post(reverse("teams:mandate-decide", args=[mandate.pk]), {"decision": "approve"}, follow=True)
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.APPROVED
    assert mandate.decided_by == manager and mandate.decided_at is not None
    assert "Mandate approved" in text_of(response)


def test_rejecting_asks_for_confirmation_and_keeps_the_note(client, manager, team):
    mandate = MandateFactory(team=team)
    client.force_login(manager)
    url = reverse("teams:mandate-decide", args=[mandate.pk])

    confirm = client.get(url, {"decision": "reject"})
    assert confirm.status_code == 200
    assert "Yes, reject the mandate" in text_of(confirm)
    assert "Approve the mandate" not in text_of(confirm)
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.PROPOSED  # looking is not deciding

    response = client.post(url, {"decision": "reject", "note": "  Come back with a business case.  "}, follow=True)
    mandate.refresh_from_db()
    assert (mandate.status, mandate.decision_note) == ("rejected", "Come back with a business case.")
    assert "Rejected by Martin" in text_of(response)
    assert "Come back with a business case." in text_of(response)


def test_deciding_twice_is_refused_with_the_message(client, manager, admin_user, team):
    mandate = MandateFactory(team=team)
    client.force_login(manager)
    client.post(reverse("teams:mandate-decide", args=[mandate.pk]), {"decision": "approve"})
    client.force_login(admin_user)
    response = client.post(reverse("teams:mandate-decide", args=[mandate.pk]), {"decision": "reject"}, follow=True)
    mandate.refresh_from_db()
    assert (mandate.status, mandate.decided_by) == ("approved", manager)
    assert "This mandate was already approved." in text_of(response)
    # The decision page of a decided mandate says so too, instead of offering buttons.
    response = client.get(reverse("teams:mandate-decide", args=[mandate.pk]), follow=True)
    assert "This mandate was already approved." in text_of(response)


def test_a_decision_must_be_approve_or_reject(client, manager, team):
    mandate = MandateFactory(team=team)
    client.force_login(manager)
    response = client.post(reverse("teams:mandate-decide", args=[mandate.pk]), {"decision": "maybe"})
    assert response.status_code == 200
    assert "Choose to approve or to reject." in text_of(response)
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.PROPOSED


@pytest.mark.parametrize("role", [Role.CX_EDITOR, Role.PROCESS_OWNER])
def test_only_managers_and_admins_decide(client, team, role):
    mandate = MandateFactory(team=team)
    client.force_login(UserFactory(role=role))
    url = reverse("teams:mandate-decide", args=[mandate.pk])
    for response in (client.get(url), client.post(url, {"decision": "approve"})):
        assert response.status_code == 403
        assert str(NOT_A_DECIDER) in response.content.decode()
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.PROPOSED


def test_the_approve_and_reject_buttons_are_shown_only_to_managers_and_admins(client, team, cx_editor, manager):
    mandate = MandateFactory(team=team)
    decide_url = reverse("teams:mandate-decide", args=[mandate.pk])
    client.force_login(cx_editor)
    page = client.get(reverse("teams:team", args=[team.pk]))
    assert decide_url not in page.content.decode()
    assert "Awaiting a manager's decision" in text_of(page)
    client.force_login(manager)
    page = client.get(reverse("teams:team", args=[team.pk]))
    assert f'action="{decide_url}"' in page.content.decode()
    assert f'href="{decide_url}?decision=reject"' in page.content.decode()
