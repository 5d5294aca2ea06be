"""The permission matrix through the pages: each role x each kind of write, allowed or refused (403 with the
reason), and the database changed or left alone. tests/teams/test_permissions_api.py does the same for the API."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from cxplatform.accounts.models import Role
from journeys.models import Journey, Stage
from teams.models import ActionComment, ActionStatus, ImprovementAction, Mandate, MandateStatus
from teams.services import action_create, mandate_create
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

ROLES = ["owning_editor", "outsider", "manager", "assignee", "other_owner", "admin"]


@pytest.fixture
def world(outsider):
    journey = build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=1, name="Report a claim")
    team = TeamFactory(journey_groups=[journey.group])
    other_team = TeamFactory()
    people = {
        "owning_editor": UserFactory(username="owning-editor", role=Role.CX_EDITOR),
        "outsider": outsider,
        "manager": UserFactory(username="a-manager", role=Role.MANAGER),
        "assignee": UserFactory(username="assignee", role=Role.PROCESS_OWNER),
        "other_owner": UserFactory(username="other-owner", role=Role.PROCESS_OWNER),
        "admin": UserFactory(username="an-admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
    }
    MembershipFactory(team=team, user=people["owning_editor"])
    MembershipFactory(team=other_team, user=people["outsider"])
    action = action_create(
        created_by=people["owning_editor"],
        title="Explain the decision letter",
        journey=journey,
        team=team,
        assignee=people["assignee"],
    )
    today = datetime.date.today()
    mandate = mandate_create(
        team=team, budget=10000, hours=200, starts_on=today, ends_on=today + datetime.timedelta(days=90)
    )
    return {"journey": journey, "team": team, "action": action, "mandate": mandate, "people": people}


def as_(world, role) -> Client:
    client = Client()
    client.force_login(world["people"][role])
    return client


def stage_count(world) -> int:
    return Stage.objects.filter(journey=world["journey"]).count()


# write -> (request maker, change detector, roles allowed)
WRITES = {
    "add a stage to the map": (
        lambda w: ("post", reverse("journeys:stage-create", args=[w["journey"].pk]), {"name": "Aftercare"}),
        lambda w: Stage.objects.filter(journey=w["journey"], name="Aftercare").exists(),
        {"owning_editor", "admin"},
    ),
    "edit the journey's details": (
        lambda w: (
            "post",
            reverse("journeys:edit", args=[w["journey"].pk]),
            {"name": "Renamed", "group": w["journey"].group_id, "state": "current", "phase": "define", "version": 1},
        ),
        lambda w: Journey.objects.filter(name="Renamed").exists(),
        {"owning_editor", "admin"},
    ),
    "create an improvement action": (
        lambda w: (
            "post",
            reverse("teams:action-create") + f"?finding={w['journey'].findings.first().pk}",
            {
                "title": "New action",
                "team": w["team"].pk,
                "impact": 4,
                "effort": 2,
                "expected_investment": 0,
                "expected_gains": 0,
            },
        ),
        lambda w: ImprovementAction.objects.filter(title="New action").exists(),
        {"owning_editor", "admin"},
    ),
    "edit an action": (
        lambda w: (
            "post",
            reverse("teams:action-edit", args=[w["action"].pk]),
            {
                "title": "Edited action",
                "team": w["team"].pk,
                "assignee": w["people"]["assignee"].pk,
                "impact": 3,
                "effort": 3,
                "expected_investment": 0,
                "expected_gains": 0,
                "progress": 10,
                "version": w["action"].version,
            },
        ),
        lambda w: ImprovementAction.objects.filter(title="Edited action").exists(),
        {"owning_editor", "admin"},
    ),
    "move an action to planned": (
        lambda w: ("post", reverse("teams:action-transition", args=[w["action"].pk]), {"to_status": "planned"}),
        lambda w: ImprovementAction.objects.get(pk=w["action"].pk).status == ActionStatus.PLANNED,
        {"owning_editor", "assignee", "admin"},
    ),
    "record progress": (
        lambda w: (
            "post",
            reverse("teams:action-progress", args=[w["action"].pk]),
            {"progress": 40, "version": w["action"].version},
        ),
        lambda w: ImprovementAction.objects.get(pk=w["action"].pk).progress == 40,
        {"owning_editor", "assignee", "admin"},
    ),
    "comment on an action": (
        lambda w: ("post", reverse("teams:action-comment", args=[w["action"].pk]), {"text": "Called the customer"}),
        lambda w: ActionComment.objects.filter(text="Called the customer").exists(),
        {"owning_editor", "assignee", "admin"},
    ),
    "delete an action": (
        lambda w: ("post", reverse("teams:action-delete", args=[w["action"].pk]), {}),
        lambda w: not ImprovementAction.objects.filter(pk=w["action"].pk).exists(),
        {"owning_editor", "admin"},
    ),
    "propose a mandate": (
        lambda w: (
            "post",
            reverse("teams:mandate-create", args=[w["team"].pk]),
            {
                "sponsor": w["people"]["manager"].pk,
                "budget": "5000",
                "hours": "100",
                "priority": "high",
                "starts_on": "2027-01-01",
                "ends_on": "2027-06-30",
            },
        ),
        lambda w: Mandate.objects.filter(team=w["team"], budget=5000).exists(),
        {"owning_editor", "admin"},
    ),
    "approve a mandate": (
        lambda w: ("post", reverse("teams:mandate-decide", args=[w["mandate"].pk]), {"decision": "approve"}),
        lambda w: Mandate.objects.get(pk=w["mandate"].pk).status == MandateStatus.APPROVED,
        {"manager", "admin"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("write", list(WRITES))
def test_the_pages_allow_each_write_only_to_the_roles_that_may(world, write, role):
    make_request, changed, allowed = WRITES[write]
    method, url, data = make_request(world)
    assert not changed(world)
    response = getattr(as_(world, role), method)(url, data)
    if role in allowed:
        assert response.status_code in (200, 302), (write, role, response.status_code)
        assert changed(world), f"{role} may {write}, but nothing changed ({response.status_code})"
    else:
        assert response.status_code == 403, (write, role, response.status_code)
        assert "only" in response.content.decode().lower()  # the reason ("Only … can …") is shown
        assert not changed(world), f"{role} may not {write}, but it happened"


@pytest.mark.parametrize("write", list(WRITES))
def test_anonymous_visitors_are_sent_to_log_in_and_nothing_changes(world, write):
    make_request, changed, _allowed = WRITES[write]
    method, url, data = make_request(world)
    response = getattr(Client(), method)(url, data)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not changed(world)
