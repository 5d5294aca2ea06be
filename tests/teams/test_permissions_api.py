"""Who may write what through the API: every persona against every kind of write.

The world: team Claims owns the group of journey "Report a claim"; its action "Shorter form" is assigned to a
process owner. A refused write answers 403 with the reason (401 when anonymous) and changes nothing; an
allowed one changes the database.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from cxplatform.accounts.models import Role
from journeys.models import Journey, Stage, Touchpoint
from journeys.permissions import CANNOT_EDIT_REASON, NOT_THIS_JOURNEY_REASON
from teams.api.permissions import NOT_YOUR_TEAM
from teams.models import ActionComment, ActionStatus, Department, ImprovementAction, Mandate, MandateStatus, Membership
from teams.models import Team as TeamModel
from teams.permissions import NOT_A_DECIDER, NOT_AN_ADMIN, NOT_AN_EDITOR, NOT_ASSIGNED, NOT_YOUR_ACTION
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyGroupFactory, TouchpointFactory
from tests.teams.factories import (
    ActionFactory,
    DepartmentFactory,
    MandateFactory,
    MembershipFactory,
    TeamFactory,
)

JSON = "application/json"
OK = "ok"
PERSONAS = ["team_editor", "outsider", "manager", "assignee", "other_owner", "admin", "anonymous"]


@dataclass
class World:
    users: dict
    team: TeamModel
    other_team: TeamModel
    journey: Journey
    stage: Stage
    touchpoint: Touchpoint
    department: Department
    membership: Membership
    mandate: Mandate
    action: ImprovementAction


@pytest.fixture
def world(db, outsider) -> World:
    group, other_group = JourneyGroupFactory(), JourneyGroupFactory()
    team = TeamFactory(name="Claims", journey_groups=[group])
    other_team = TeamFactory(name="Sales", journey_groups=[other_group])
    users = {
        "team_editor": UserFactory(username="team-editor", role=Role.CX_EDITOR),
        "outsider": outsider,
        "manager": UserFactory(username="manager", role=Role.MANAGER),
        "assignee": UserFactory(username="assignee", role=Role.PROCESS_OWNER),
        "other_owner": UserFactory(username="other-owner", role=Role.PROCESS_OWNER),
        "admin": UserFactory(username="admin", role=Role.ADMIN),
    }
    MembershipFactory(team=team, user=users["team_editor"])
    MembershipFactory(team=other_team, user=users["outsider"])
    touchpoint = TouchpointFactory(stage__journey__group=group, stage__journey__name="Report a claim")
    return World(
        users=users,
        team=team,
        other_team=other_team,
        journey=touchpoint.journey,
        stage=touchpoint.stage,
        touchpoint=touchpoint,
        department=DepartmentFactory(name="Service"),
        membership=MembershipFactory(team=team, user=users["other_owner"], allocation=20),
        mandate=MandateFactory(team=team),
        action=ActionFactory(
            title="Shorter form", journey=touchpoint.journey, team=team, assignee=users["assignee"], progress=0
        ),
    )


@dataclass
class Write:
    request: Callable[[World], tuple[str, str, dict]]
    done: Callable[[World], bool]  # did the write happen?
    allowed: set[str]
    refusal: object  # the reason (a lazy string), or a dict of the reason per refused persona


def _admin_only(request, done) -> Write:
    return Write(request, done, {"admin"}, NOT_AN_ADMIN)


def _journey_write(request, done) -> Write:
    return Write(
        request,
        done,
        {"team_editor", "admin"},
        {
            "outsider": NOT_THIS_JOURNEY_REASON,
            "manager": CANNOT_EDIT_REASON,
            "assignee": CANNOT_EDIT_REASON,
            "other_owner": CANNOT_EDIT_REASON,
        },
    )


def _exists(model, **lookup) -> Callable[[World], bool]:
    return lambda w: model.objects.filter(**lookup).exists()


WRITES: dict[str, Write] = {
    "create a department": _admin_only(
        lambda w: ("post", "/api/v1/departments/", {"name": "Sales", "slug": "sales"}),
        _exists(Department, slug="sales"),
    ),
    "rename a department": _admin_only(
        lambda w: ("patch", f"/api/v1/departments/{w.department.pk}/", {"name": "Customer service"}),
        _exists(Department, name="Customer service"),
    ),
    "delete a department": _admin_only(
        lambda w: ("delete", f"/api/v1/departments/{w.department.pk}/", {}),
        lambda w: not Department.objects.exists(),
    ),
    "create a team": _admin_only(
        lambda w: ("post", "/api/v1/teams/", {"name": "Retention", "slug": "retention"}),
        _exists(TeamModel, slug="retention"),
    ),
    "give a team a journey group": _admin_only(
        lambda w: (
            "patch",
            f"/api/v1/teams/{w.team.pk}/",
            {
                "journey_groups": [
                    *w.team.journey_groups.values_list("pk", flat=True),
                    *w.other_team.journey_groups.values_list("pk", flat=True),
                ]
            },
        ),
        lambda w: w.team.journey_groups.count() == 2,
    ),
    "delete a team": _admin_only(
        lambda w: ("delete", f"/api/v1/teams/{w.other_team.pk}/", {}),
        lambda w: not TeamModel.objects.filter(name="Sales").exists(),
    ),
    "add a member": _admin_only(
        lambda w: (
            "post",
            "/api/v1/memberships/",
            {"team": w.team.pk, "user": w.users["manager"].pk, "role": "coach"},
        ),
        _exists(Membership, user__username="manager"),
    ),
    "change a membership": _admin_only(
        lambda w: ("patch", f"/api/v1/memberships/{w.membership.pk}/", {"allocation": 60}),
        _exists(Membership, allocation=60),
    ),
    "remove a member": _admin_only(
        lambda w: ("delete", f"/api/v1/memberships/{w.membership.pk}/", {}),
        lambda w: not Membership.objects.filter(user__username="other-owner").exists(),
    ),
    "propose a mandate": Write(
        lambda w: (
            "post",
            "/api/v1/mandates/",
            {"team": w.team.pk, "budget": "777", "hours": 80, "starts_on": "2026-07-01", "ends_on": "2026-12-31"},
        ),
        _exists(Mandate, budget=777),
        {"team_editor", "admin"},
        {
            "outsider": NOT_YOUR_TEAM,
            "manager": NOT_AN_EDITOR,
            "assignee": NOT_AN_EDITOR,
            "other_owner": NOT_AN_EDITOR,
        },
    ),
    "decide a mandate": Write(
        lambda w: ("post", f"/api/v1/mandates/{w.mandate.pk}/decide/", {"approve": True}),
        _exists(Mandate, status=MandateStatus.APPROVED),
        {"manager", "admin"},
        NOT_A_DECIDER,
    ),
    "create an action": Write(
        lambda w: ("post", "/api/v1/actions/", {"title": "Call back", "journey": w.journey.pk}),
        _exists(ImprovementAction, title="Call back"),
        # It lands with the team that owns the journey: only that team's editors (and admins) may create it.
        {"team_editor", "admin"},
        {
            "outsider": "CX editors create improvement actions for their own team only.",
            "manager": NOT_AN_EDITOR,
            "assignee": NOT_AN_EDITOR,
            "other_owner": NOT_AN_EDITOR,
        },
    ),
    "edit an action": Write(
        lambda w: ("patch", f"/api/v1/actions/{w.action.pk}/", {"version": 1, "title": "Short form"}),
        _exists(ImprovementAction, title="Short form"),
        {"team_editor", "admin"},
        NOT_YOUR_ACTION,
    ),
    "delete an action": Write(
        lambda w: ("delete", f"/api/v1/actions/{w.action.pk}/", {}),
        lambda w: not ImprovementAction.objects.exists(),
        {"team_editor", "admin"},
        NOT_YOUR_ACTION,
    ),
    "move an action's status": Write(
        lambda w: ("post", f"/api/v1/actions/{w.action.pk}/transition/", {"status": "planned"}),
        _exists(ImprovementAction, status=ActionStatus.PLANNED),
        {"team_editor", "assignee", "admin"},
        NOT_ASSIGNED,
    ),
    "comment on an action": Write(
        lambda w: ("post", f"/api/v1/actions/{w.action.pk}/comments/", {"text": "Started"}),
        _exists(ActionComment, text="Started"),
        {"team_editor", "assignee", "admin"},
        NOT_ASSIGNED,
    ),
    "report an action's progress": Write(
        lambda w: ("patch", f"/api/v1/actions/{w.action.pk}/", {"version": 1, "progress": 50}),
        _exists(ImprovementAction, progress=50),
        {"team_editor", "assignee", "admin"},
        NOT_YOUR_ACTION,
    ),
    "create a journey in the group": _journey_write(
        lambda w: ("post", "/api/v1/journeys/", {"name": "Renew a policy", "group": w.journey.group_id}),
        _exists(Journey, name="Renew a policy"),
    ),
    "edit the journey": _journey_write(
        lambda w: ("patch", f"/api/v1/journeys/{w.journey.pk}/", {"version": 1, "name": "Claim damage"}),
        _exists(Journey, name="Claim damage"),
    ),
    "copy the journey as a future state": _journey_write(
        lambda w: ("post", f"/api/v1/journeys/{w.journey.pk}/future-state/", {"name": "To be"}),
        _exists(Journey, name="To be"),
    ),
    "add a stage": _journey_write(
        lambda w: ("post", "/api/v1/stages/", {"journey": w.journey.pk, "name": "Aftercare"}),
        _exists(Stage, name="Aftercare"),
    ),
    "edit a stage": _journey_write(
        lambda w: ("patch", f"/api/v1/stages/{w.stage.pk}/", {"version": 1, "name": "Reporting"}),
        _exists(Stage, name="Reporting"),
    ),
    "add a touchpoint": _journey_write(
        lambda w: ("post", "/api/v1/touchpoints/", {"stage": w.stage.pk, "name": "Claim app"}),
        _exists(Touchpoint, name="Claim app"),
    ),
    "edit a touchpoint": _journey_write(
        lambda w: ("patch", f"/api/v1/touchpoints/{w.touchpoint.pk}/", {"version": 1, "name": "Claim form"}),
        _exists(Touchpoint, name="Claim form"),
    ),
    "delete a touchpoint": _journey_write(
        lambda w: ("delete", f"/api/v1/touchpoints/{w.touchpoint.pk}/?version=1", {}),
        lambda w: not Touchpoint.objects.exists(),
    ),
    "add a finding": _journey_write(
        lambda w: ("post", "/api/v1/findings/", {"touchpoint": w.touchpoint.pk, "kind": "insight", "text": "Slow"}),
        lambda w: w.journey.findings.filter(text="Slow").exists(),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("write", list(WRITES))
def test_the_permission_matrix(client, world, write, persona):
    spec = WRITES[write]
    method, url, body = spec.request(world)
    assert not spec.done(world)
    if persona != "anonymous":
        client.force_login(world.users[persona])

    response = getattr(client, method)(url, body, content_type=JSON)

    if persona == "anonymous":
        assert response.status_code == 401
        assert not spec.done(world)
    elif persona in spec.allowed:
        assert response.status_code in (200, 201, 204), response.content
        assert spec.done(world)
    else:
        reason = spec.refusal[persona] if isinstance(spec.refusal, dict) else spec.refusal
        assert response.status_code == 403, response.content
        assert response.json()["detail"] == str(reason)
        assert not spec.done(world)


# Beyond the matrix


@pytest.mark.parametrize("persona", PERSONAS[:-1])
def test_every_signed_in_persona_reads_everything(client, world, persona):
    client.force_login(world.users[persona])
    for url in [
        "/api/v1/departments/",
        "/api/v1/teams/",
        "/api/v1/memberships/",
        "/api/v1/mandates/",
        "/api/v1/actions/",
        f"/api/v1/actions/{world.action.pk}/",
        f"/api/v1/actions/{world.action.pk}/transitions/",
        f"/api/v1/actions/{world.action.pk}/comments/",
        f"/api/v1/journeys/{world.journey.pk}/map/",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_assignee_may_patch_only_the_progress(client, world):
    client.force_login(world.users["assignee"])
    url = f"/api/v1/actions/{world.action.pk}/"

    for change in [{"title": "Mine now"}, {"progress": 40, "due_date": "2030-01-01"}, {"assignee": None}]:
        response = client.patch(url, {"version": 1, **change}, content_type=JSON)
        assert response.status_code == 403, change
        assert response.json()["detail"] == str(NOT_YOUR_ACTION)
    assert (
        client.put(url, {"version": 1, "title": "Shorter form", "progress": 40}, content_type=JSON).status_code == 403
    )
    status = client.patch(url, {"version": 1, "status": "done"}, content_type=JSON)
    assert status.status_code == 400 and "transition/" in status.json()["status"][0]

    action = ImprovementAction.objects.get()
    assert (action.title, action.progress, action.due_date, action.assignee) == (
        "Shorter form",
        0,
        None,
        world.users["assignee"],
    )
    assert client.patch(url, {"version": 1, "progress": 40}, content_type=JSON).json()["progress"] == 40


def test_an_editor_cannot_move_an_owned_journey_into_a_group_their_team_does_not_own(client, world):
    client.force_login(world.users["team_editor"])
    other_group = world.other_team.journey_groups.get()

    response = client.patch(
        f"/api/v1/journeys/{world.journey.pk}/", {"version": 1, "group": other_group.pk}, content_type=JSON
    )

    assert response.status_code == 403
    assert response.json()["detail"] == str(NOT_THIS_JOURNEY_REASON)
    assert Journey.objects.get(pk=world.journey.pk).group_id != other_group.pk


def test_an_editor_cannot_reorder_a_journey_their_team_does_not_own(client, world):
    client.force_login(world.users["outsider"])
    structure = {"structure_version": world.journey.structure_version, "stages": [{"id": world.stage.pk}]}

    response = client.post(f"/api/v1/journeys/{world.journey.pk}/reorder/", structure, content_type=JSON)

    assert response.status_code == 403
    assert response.json()["detail"] == str(NOT_THIS_JOURNEY_REASON)
    assert Journey.objects.get(pk=world.journey.pk).structure_version == world.journey.structure_version


def test_an_editor_in_no_team_edits_no_journey_and_creates_no_action(client, world):
    loner = UserFactory(username="loner", role=Role.CX_EDITOR)
    client.force_login(loner)
    edit = client.patch(f"/api/v1/stages/{world.stage.pk}/", {"version": 1, "name": "Mine"}, content_type=JSON)
    assert edit.status_code == 403
    assert edit.json()["detail"] == str(NOT_THIS_JOURNEY_REASON)
    before = ImprovementAction.objects.count()
    created = client.post("/api/v1/actions/", {"title": "Idea", "journey": world.journey.pk}, content_type=JSON)
    # It would land with the owning team, which is not the loner's: refused, and nothing kept.
    assert created.status_code == 403
    assert created.json()["detail"] == "CX editors create improvement actions for their own team only."
    assert ImprovementAction.objects.count() == before
