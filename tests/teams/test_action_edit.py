"""Creating, editing and deleting an improvement action, with its permissions and stale edits."""

import pytest
from django.urls import reverse

from cxplatform.accounts.models import Role
from teams.models import ImprovementAction
from teams.permissions import NOT_AN_EDITOR, NOT_YOUR_ACTION
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import FindingFactory, TouchpointFactory
from tests.teams.action_data import days, html_of, make_action, says

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


# Create


def test_a_new_action_from_a_finding_is_prefilled_and_saved_against_it(client_of, editor, journey, team):
    owner = UserFactory(role=Role.PROCESS_OWNER, first_name="Olga")
    finding = journey.findings.first()
    finding.text = "Customers cannot find the claim form"
    finding.save()
    finding.touchpoint.owner = owner
    finding.touchpoint.save()
    url = reverse("teams:action-create") + f"?finding={finding.pk}"
    client = client_of(editor)

    form = client.get(url).context["form"]
    assert form.initial["title"] == "Customers cannot find the claim form"
    assert form.initial["team"] == team and form.initial["assignee"] == owner
    assert "journey" not in form.fields

    response = client.post(
        url,
        {"title": "Put the claim form on the home page", "description": "As a claimant…", "assignee": owner.pk}
        | {"team": team.pk, "impact": 4, "effort": 2, "due_date": days(14).isoformat(), "sprint": "S1"}
        | {"expected_investment": "500", "expected_gains": "2500"},
    )

    action = ImprovementAction.objects.get()
    assert response.status_code == 302 and response.url == reverse("teams:action", args=[action.pk])
    assert (action.journey, action.stage, action.touchpoint, action.finding) == (
        journey,
        finding.stage,
        finding.touchpoint,
        finding,
    )
    assert (action.assignee, action.team, action.created_by, action.due_date) == (owner, team, editor, days(14))
    assert action.is_quick_win


def test_a_new_action_from_a_touchpoint_is_prefilled_from_it(client_of, editor, journey, team):
    touchpoint = TouchpointFactory(stage=journey.stages.last(), name="Claim status e-mail", owner=UserFactory())
    url = reverse("teams:action-create") + f"?touchpoint={touchpoint.pk}"
    client = client_of(editor)

    form = client.get(url).context["form"]
    # The touchpoint's owner is a CX editor, not a process owner: nobody is proposed.
    assert form.initial == {"title": "Improve “Claim status e-mail”", "team": team, "assignee": None}

    client.post(
        url,
        {"title": "Send the status e-mail daily", "impact": 3, "effort": 3}
        | {"expected_investment": 0, "expected_gains": 0},
    )
    action = ImprovementAction.objects.get()
    assert (action.journey, action.stage, action.touchpoint, action.finding) == (
        journey,
        touchpoint.stage,
        touchpoint,
        None,
    )


def test_a_new_action_without_a_source_asks_for_the_journey_and_shows_errors_at_the_field(
    client_of, editor, journey, manager
):
    response = client_of(editor).post(
        reverse("teams:action-create"),
        {"title": "", "impact": 9, "effort": 3, "assignee": manager.pk, "expected_investment": -1}
        | {"expected_gains": 0},
    )

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"title", "journey", "impact", "assignee", "expected_investment"}
    html = html_of(response)
    assert 'id="id_title-error"' in html and 'id="id_assignee-error"' in html
    assert not ImprovementAction.objects.exists()


def test_an_unknown_finding_is_not_found(client_of, editor):
    assert client_of(editor).get(reverse("teams:action-create") + "?finding=999").status_code == 404
    assert client_of(editor).get(reverse("teams:action-create") + "?touchpoint=x").status_code == 404


@pytest.mark.parametrize("persona", ["manager", "process_owner"])
def test_only_cx_editors_and_admins_create_actions(client_of, persona, request, journey):
    user = request.getfixturevalue(persona)
    finding = FindingFactory(touchpoint=journey.touchpoints.first())
    client = client_of(user)
    for response in (
        client.get(reverse("teams:action-create") + f"?finding={finding.pk}"),
        client.post(reverse("teams:action-create"), {"title": "X", "journey": journey.pk}),
    ):
        assert response.status_code == 403 and says(response, NOT_AN_EDITOR)
    assert not ImprovementAction.objects.exists()


# Edit and delete


def edit_data(action: ImprovementAction, **changes) -> dict:
    data = {
        "title": action.title,
        "description": action.description,
        "assignee": action.assignee_id or "",
        "team": action.team_id or "",
        "impact": action.impact,
        "effort": action.effort,
        "progress": action.progress,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "sprint": action.sprint,
        "expected_investment": action.expected_investment,
        "expected_gains": action.expected_gains,
        "version": action.version,
    }
    return data | changes


def test_the_team_edits_an_action(client_of, editor, journey, process_owner):
    action = make_action(journey)
    client = client_of(editor)
    assert client.get(reverse("teams:action-edit", args=[action.pk])).context["form"]["version"].value() == 1

    response = client.post(
        reverse("teams:action-edit", args=[action.pk]), edit_data(action, title="Renamed", assignee=process_owner.pk)
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.assignee, action.version) == ("Renamed", process_owner, 2)


def test_a_stale_edit_is_refused_keeps_mine_beside_theirs_and_overwrites_nothing(client_of, editor, journey):
    action = make_action(journey, title="Original")
    stale = edit_data(action, title="Mine")
    client = client_of(editor)
    client.post(reverse("teams:action-edit", args=[action.pk]), edit_data(action, title="Theirs"))

    response = client.post(reverse("teams:action-edit", args=[action.pk]), stale)

    assert response.status_code == 409
    html = html_of(response)
    assert "Someone else changed this in the meantime" in html
    assert 'value="Mine"' in html and "Theirs" in html  # mine in the form, theirs beside it
    assert response.context["form"]["version"].value() == "2"
    action.refresh_from_db()
    assert (action.title, action.version) == ("Theirs", 2)


@pytest.mark.parametrize("persona", ["manager", "process_owner", "cx_editor"])
def test_only_the_actions_team_and_admins_edit_or_delete_it(client_of, persona, request, journey, team):
    """The cx_editor here is in no team: CX editors manage the actions of their own team only."""
    user = request.getfixturevalue(persona)
    action = make_action(journey, assignee=user if persona == "process_owner" else None)
    client = client_of(user)
    for response in (
        client.get(reverse("teams:action-edit", args=[action.pk])),
        client.post(reverse("teams:action-edit", args=[action.pk]), edit_data(action, title="Hijacked")),
        client.post(reverse("teams:action-delete", args=[action.pk])),
    ):
        assert response.status_code == 403 and says(response, NOT_YOUR_ACTION)
    action.refresh_from_db()
    assert action.title == "Shorter claim form"


def test_an_admin_edits_any_action(client_of, admin_user, journey):
    action = make_action(journey)
    response = client_of(admin_user).post(reverse("teams:action-edit", args=[action.pk]), edit_data(action, effort=1))
    assert response.status_code == 302


def test_deleting_an_action_asks_first(client_of, editor, journey):
    action = make_action(journey)
    client = client_of(editor)

    confirm = client.get(reverse("teams:action-delete", args=[action.pk]))
    assert "Delete “Shorter claim form”?" in html_of(confirm)
    assert ImprovementAction.objects.exists()

    response = client.post(reverse("teams:action-delete", args=[action.pk]), follow=True)
    assert "Improvement action “Shorter claim form” deleted." in html_of(response)
    assert not ImprovementAction.objects.exists()
