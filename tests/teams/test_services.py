"""The teams services: action statuses and their history, consistency of new actions, mandate decisions."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cxplatform.accounts.models import Role
from cxplatform.lib.versioning import StaleVersion
from teams.models import ActionStatus, ActionTransition, ImprovementAction, MandateStatus
from teams.services import (
    ActionRefused,
    action_create,
    action_transition,
    action_update,
    mandate_create,
    mandate_decide,
)
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import FindingFactory, JourneyFactory, StageFactory, TouchpointFactory
from tests.teams.factories import ActionFactory, MandateFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


# Transitions


def test_each_allowed_move_is_recorded_with_who_and_when(cx_editor, process_owner):
    action = ActionFactory(assignee=process_owner)
    before = timezone.now()

    action_transition(action=action, to_status=ActionStatus.PLANNED, by=cx_editor)
    action_transition(action=action, to_status=ActionStatus.IN_PROGRESS, by=process_owner)
    action_transition(action=action, to_status=ActionStatus.DONE, by=process_owner)

    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert action.progress == 100  # done means done
    history = list(action.transitions.values_list("from_status", "to_status", "by__username"))
    assert history == [
        ("proposed", "planned", "cx-editor"),
        ("planned", "in_progress", "process-owner"),
        ("in_progress", "done", "process-owner"),
    ]
    assert all(before <= t.at <= timezone.now() for t in action.transitions.all())


def test_a_done_action_can_be_reopened_and_a_dropped_one_proposed_again(cx_editor):
    action = ActionFactory(status=ActionStatus.DONE)
    action_transition(action=action, to_status=ActionStatus.IN_PROGRESS, by=cx_editor)
    dropped = ActionFactory(status=ActionStatus.DROPPED)
    action_transition(action=dropped, to_status=ActionStatus.PROPOSED, by=cx_editor)
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS
    assert ImprovementAction.objects.get(pk=dropped.pk).status == ActionStatus.PROPOSED


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (ActionStatus.PROPOSED, ActionStatus.DONE),
        (ActionStatus.PROPOSED, ActionStatus.IN_PROGRESS),
        (ActionStatus.DONE, ActionStatus.PROPOSED),
        (ActionStatus.DROPPED, ActionStatus.DONE),
        (ActionStatus.PLANNED, ActionStatus.PLANNED),
    ],
)
def test_a_forbidden_move_is_refused_saying_which_moves_are_allowed_and_nothing_is_recorded(cx_editor, current, target):
    action = ActionFactory(status=current)

    with pytest.raises(ActionRefused) as refused:
        action_transition(action=action, to_status=target, by=cx_editor)

    message = refused.value.message_dict["status"][0]
    assert f"cannot become “{ActionStatus(target).label}”" in message
    assert "it can become:" in message
    assert ImprovementAction.objects.get(pk=action.pk).status == current
    assert not ActionTransition.objects.exists()


def test_an_unknown_status_is_refused():
    action = ActionFactory()
    with pytest.raises(ActionRefused) as refused:
        action_transition(action=action, to_status="finished", by=None)
    assert "“finished” is not a status." in refused.value.message_dict["status"]


# Creating and editing actions


def test_an_action_from_a_finding_takes_its_touchpoint_stage_journey_and_owning_team(cx_editor):
    finding = FindingFactory()
    team = TeamFactory(journey_groups=[finding.journey.group])

    action = action_create(created_by=cx_editor, title="Shorter form", finding=finding)

    assert (action.journey, action.stage, action.touchpoint) == (finding.journey, finding.stage, finding.touchpoint)
    assert action.team == team
    assert action.status == ActionStatus.PROPOSED and action.version == 1
    assert action.created_by == cx_editor


@pytest.mark.parametrize("part", ["finding", "touchpoint", "stage"])
def test_it_rejects_a_finding_touchpoint_or_stage_of_another_journey(cx_editor, part):
    journey = JourneyFactory()
    elsewhere = {"finding": FindingFactory, "touchpoint": TouchpointFactory, "stage": StageFactory}[part]()

    with pytest.raises(ValidationError) as refused:
        action_create(created_by=cx_editor, title="Fix it", journey=journey, **{part: elsewhere})

    assert "belongs to another journey" in refused.value.message_dict[part][0]
    assert not ImprovementAction.objects.exists()


def test_it_rejects_a_touchpoint_that_is_not_in_the_given_stage(cx_editor):
    touchpoint = TouchpointFactory()
    other_stage = StageFactory(journey=touchpoint.journey)
    with pytest.raises(ValidationError) as refused:
        action_create(created_by=cx_editor, title="Fix it", touchpoint=touchpoint, stage=other_stage)
    assert refused.value.message_dict["stage"] == ["The touchpoint is not in this stage."]


@pytest.mark.parametrize("role", [Role.CX_EDITOR, Role.MANAGER])
def test_the_assignee_must_be_a_process_owner(cx_editor, role):
    journey = JourneyFactory()
    with pytest.raises(ValidationError) as refused:
        action_create(created_by=cx_editor, title="Fix it", journey=journey, assignee=UserFactory(role=role))
    assert refused.value.message_dict["assignee"] == ["Actions are assigned to process owners."]
    assert not ImprovementAction.objects.exists()


def test_an_action_needs_a_journey_or_something_on_one(cx_editor):
    with pytest.raises(ValidationError) as refused:
        action_create(created_by=cx_editor, title="Fix it")
    assert "journey" in refused.value.message_dict


def test_an_edit_leaves_the_fields_it_is_not_given_and_none_unassigns(process_owner):
    action = ActionFactory(title="Shorter form", assignee=process_owner, progress=40)
    action_update(action=action, expected_version=1, progress=60)
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.title, stored.assignee, stored.progress) == ("Shorter form", process_owner, 60)

    action_update(action=stored, expected_version=2, assignee=None)
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.title, stored.assignee, stored.progress) == ("Shorter form", None, 60)


def test_an_edit_of_the_status_goes_through_a_transition_not_an_update():
    action = ActionFactory()
    with pytest.raises(TypeError):
        action_update(action=action, expected_version=1, status=ActionStatus.DONE)
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.PROPOSED


def test_a_stale_edit_is_refused_and_changes_nothing(process_owner):
    action = ActionFactory(title="Shorter form")
    action_update(action=action, expected_version=1, title="A shorter form")
    assert action.version == 2

    stale = ImprovementAction.objects.get(pk=action.pk)
    with pytest.raises(StaleVersion) as refused:
        action_update(action=stale, expected_version=1, title="The shortest form", assignee=process_owner)

    assert refused.value.current.title == "A shorter form"
    stored = ImprovementAction.objects.get(pk=action.pk)
    assert (stored.title, stored.assignee, stored.version) == ("A shorter form", None, 2)


# Mandates


def test_a_mandate_always_starts_as_proposed():
    team = TeamFactory()
    mandate = mandate_create(
        team=team, budget=10_000, hours=200, starts_on=timezone.localdate(), ends_on=timezone.localdate()
    )
    assert mandate.status == MandateStatus.PROPOSED
    assert mandate.decided_by is None


def test_a_mandate_without_hours_or_percentage_is_refused():
    with pytest.raises(ValidationError) as refused:
        mandate_create(team=TeamFactory(), budget=10_000, starts_on=timezone.localdate(), ends_on=timezone.localdate())
    assert "hours" in refused.value.message_dict


@pytest.mark.parametrize(("approve", "status"), [(True, MandateStatus.APPROVED), (False, MandateStatus.REJECTED)])
def test_a_mandate_is_decided_once_recording_who_when_and_why(manager, admin_user, approve, status):
    mandate = MandateFactory()

    decided = mandate_decide(mandate=mandate, approve=approve, by=manager, note="Fits the plan")

    assert (decided.status, decided.decided_by, decided.decision_note) == (status, manager, "Fits the plan")
    assert decided.decided_at is not None
    with pytest.raises(ValidationError) as refused:
        mandate_decide(mandate=mandate, approve=not approve, by=admin_user)
    assert refused.value.messages == [f"This mandate was already {status.label.lower()}."]
    mandate.refresh_from_db()
    assert (mandate.status, mandate.decided_by) == (status, manager)


def test_a_progress_report_based_on_the_action_before_it_was_done_is_stale(db):
    """Moving to done sets progress to 100% and makes a new version, so a late 60% cannot overwrite it."""
    from cxplatform.lib.versioning import StaleVersion
    from teams.models import ActionStatus
    from teams.services import action_transition, action_update
    from tests.teams.factories import ActionFactory

    action = ActionFactory(status=ActionStatus.IN_PROGRESS)
    seen = action.version
    action_transition(action=action, to_status=ActionStatus.DONE, by=None)
    with pytest.raises(StaleVersion):
        action_update(action=action, expected_version=seen, progress=60)
    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.DONE, 100)
