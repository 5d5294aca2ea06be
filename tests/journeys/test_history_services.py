"""The history of a journey's content: recorded for every write the services make (the .update() and bulk
paths too), and going back in it: restore a deleted part at its place, restore the journey to a moment,
undo one's own last change (refused when someone else changed the part since)."""

import pytest
import time_machine
from django.utils import timezone

from journeys import services
from journeys.models import Finding, Journey, Stage, Touchpoint
from journeys.services import history
from journeys.services.recording import RENUMBER, acting
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import FindingFactory, JourneyFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def emma(db):
    return UserFactory(username="emma", first_name="Emma", last_name="de Vries")


@pytest.fixture
def noor(db):
    return UserFactory(username="noor", first_name="Noor", last_name="Bakker")


@pytest.fixture
def claim():
    journey = JourneyFactory(name="Report a claim")
    report = StageFactory(journey=journey, name="Report the claim")
    assess = StageFactory(journey=journey, name="Assessment")
    phone = TouchpointFactory(stage=report, name="Claim by phone")
    web = TouchpointFactory(stage=report, name="Claim online")
    helpdesk = TouchpointFactory(stage=report, name="Call the helpdesk", description="Waits 10 minutes")
    visit = TouchpointFactory(stage=assess, name="Expert visit")
    return journey, report, assess, phone, web, helpdesk, visit


def names(stage):
    return list(Touchpoint.objects.filter(stage=stage).order_by("position").values_list("name", flat=True))


def fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


def test_a_versioned_edit_is_recorded_with_who_and_the_fields_from_what_to_what(claim, emma):
    *_, helpdesk, _visit = claim
    with acting(emma):
        services.touchpoint_update(
            touchpoint=helpdesk, expected_version=helpdesk.version, description="Answers at once"
        )
    last = Touchpoint.history.filter(id=helpdesk.pk).latest("history_id")
    previous = last.prev_record
    assert (last.history_type, last.history_user, last.description) == ("~", emma, "Answers at once")
    assert previous.description == "Waits 10 minutes"


def test_a_move_is_recorded_for_the_moved_touchpoint_and_the_shifts_of_the_others_as_renumbering(claim, emma):
    journey, _report, assess, phone, *_ = claim
    with acting(emma):
        services.touchpoint_move(
            touchpoint=phone, stage=assess, position=0, expected_structure_version=fresh(journey).structure_version
        )
    moved = Touchpoint.history.filter(id=phone.pk).latest("history_id")
    assert (moved.stage_id, moved.position, moved.history_change_reason) == (assess.pk, 0, None)
    shifted = Touchpoint.history.filter(history_change=moved.history_change).exclude(id=phone.pk)
    # Claim online and Call the helpdesk moved up in Report the claim, Expert visit down in Assessment.
    assert {(row.name, row.position, row.history_change_reason) for row in shifted} == {
        ("Claim online", 0, RENUMBER),
        ("Call the helpdesk", 1, RENUMBER),
        ("Expert visit", 1, RENUMBER),
    }


def test_a_delete_and_the_shift_after_it_are_recorded_in_one_change(claim, emma):
    _journey, _report, _assess, phone, web, *_ = claim
    FindingFactory(touchpoint=phone, text="Long wait")
    with acting(emma):
        services.touchpoint_delete(touchpoint=phone, expected_version=phone.version)
    deleted = Touchpoint.history.filter(id=phone.pk).latest("history_id")
    assert (deleted.history_type, deleted.history_user) == ("-", emma)
    finding = Finding.history.filter(text="Long wait").latest("history_id")
    assert finding.history_type == "-" and finding.history_change == deleted.history_change
    assert Touchpoint.history.filter(id=web.pk).latest("history_id").position == 0


def test_a_reorder_by_drag_and_drop_records_the_dragged_touchpoint(claim, emma):
    journey, report, assess, phone, web, helpdesk, visit = claim
    order = [
        {"id": report.pk, "touchpoints": [web.pk, helpdesk.pk, phone.pk]},
        {"id": assess.pk, "touchpoints": [visit.pk]},
    ]
    with acting(emma):
        services.journey_reorder(journey=journey, stages=order, expected_structure_version=journey.structure_version)
    change = Touchpoint.history.filter(id=phone.pk).latest("history_id").history_change
    rows = Touchpoint.history.filter(history_change=change)
    assert {row.name for row in rows if row.history_change_reason != RENUMBER} == {"Claim by phone"}


def test_a_deleted_touchpoint_is_restored_at_its_place(claim, emma):
    _journey, report, _assess, _phone, web, _helpdesk, _visit = claim
    with acting(emma):
        services.touchpoint_delete(touchpoint=web, expected_version=web.version)
    assert names(report) == ["Claim by phone", "Call the helpdesk"]
    deletion = Touchpoint.history.filter(id=web.pk, history_type="-").get()
    restored = history.part_restore(
        journey=report.journey, kind="touchpoint", history_id=deletion.history_id, user=emma
    )
    assert restored.pk == web.pk
    assert names(report) == ["Claim by phone", "Claim online", "Call the helpdesk"]
    last = Touchpoint.history.filter(id=web.pk).latest("history_id")
    assert (last.history_type, last.history_user, last.history_change_reason) == ("+", emma, history.RESTORE)


def test_a_touchpoint_whose_stage_is_gone_cannot_be_restored_until_the_stage_is(claim, emma):
    journey, _report, assess, *_rest, visit = claim
    with acting(emma):
        services.stage_delete(stage=assess, expected_version=assess.version)
    deletion = Touchpoint.history.filter(id=visit.pk, history_type="-").get()
    with pytest.raises(history.RestoreRefused, match="its stage “Assessment” is no longer on the map"):
        history.part_restore(journey=journey, kind="touchpoint", history_id=deletion.history_id, user=emma)
    stage_deletion = Stage.history.filter(id=assess.pk, history_type="-").get()
    history.part_restore(journey=journey, kind="stage", history_id=stage_deletion.history_id, user=emma)
    history.part_restore(journey=journey, kind="touchpoint", history_id=deletion.history_id, user=emma)
    assert names(assess) == ["Expert visit"]


def test_a_journey_is_restored_to_a_moment_as_a_new_change(claim, emma):
    journey, report, assess, _phone, web, helpdesk, _visit = claim
    moment = timezone.now()
    with time_machine.travel(moment + timezone.timedelta(minutes=5)), acting(emma):
        services.touchpoint_update(touchpoint=helpdesk, expected_version=helpdesk.version, name="Helpdesk")
        services.touchpoint_delete(touchpoint=web, expected_version=web.version)
        services.touchpoint_create(stage=assess, name="Second opinion")
        services.stage_move(stage=assess, position=0, expected_structure_version=fresh(journey).structure_version)
    recorded = sum(model.history.count() for model in (Journey, Stage, Touchpoint, Finding))
    with time_machine.travel(moment + timezone.timedelta(minutes=10)):
        history.journey_restore_to(journey=journey, moment=moment, user=emma)
    assert list(Stage.objects.filter(journey=journey).order_by("position").values_list("name", flat=True)) == [
        "Report the claim",
        "Assessment",
    ]
    assert names(report) == ["Claim by phone", "Claim online", "Call the helpdesk"]
    assert names(assess) == ["Expert visit"]
    # Never rewritten: the restore added rows to the history.
    assert sum(model.history.count() for model in (Journey, Stage, Touchpoint, Finding)) > recorded


def test_a_restore_to_a_moment_archives_rather_than_deletes_a_later_touchpoint_with_responses(claim, emma):
    journey, _report, assess, *_ = claim
    moment = timezone.now()
    with time_machine.travel(moment + timezone.timedelta(minutes=1)), acting(emma):
        later = services.touchpoint_create(stage=assess, name="Satisfaction survey")
    SurveyResponseFactory(touchpoint=later, score=8)
    history.journey_restore_to(journey=journey, moment=moment, user=emma)
    assert fresh(later).archived_at is not None
    assert later.responses.count() == 1


def test_undo_reverts_ones_own_last_change(claim, emma):
    journey, report, assess, phone, *_ = claim
    with acting(emma):
        services.touchpoint_move(
            touchpoint=phone, stage=assess, position=1, expected_structure_version=fresh(journey).structure_version
        )
    history.undo_last_change(journey=journey, user=emma)
    assert names(report) == ["Claim by phone", "Claim online", "Call the helpdesk"]
    assert names(assess) == ["Expert visit"]


def test_undo_twice_goes_back_two_changes_and_then_says_there_is_nothing_left(claim, emma):
    journey, _report, _assess, phone, *_ = claim
    with acting(emma):
        services.touchpoint_update(touchpoint=phone, expected_version=phone.version, name="By phone")
    with acting(emma):
        services.touchpoint_update(touchpoint=phone, expected_version=phone.version, name="Phone")
    history.undo_last_change(journey=journey, user=emma)
    assert fresh(phone).name == "By phone"
    history.undo_last_change(journey=journey, user=emma)
    assert fresh(phone).name == "Claim by phone"
    with pytest.raises(history.RestoreRefused, match="no change of yours"):
        history.undo_last_change(journey=journey, user=emma)


def test_undo_of_a_delete_brings_the_stage_back_with_its_touchpoints(claim, emma):
    journey, _report, assess, *_ = claim
    with acting(emma):
        services.stage_delete(stage=assess, expected_version=assess.version)
    history.undo_last_change(journey=journey, user=emma)
    assert names(Stage.objects.get(pk=assess.pk)) == ["Expert visit"]


def test_undo_is_refused_when_someone_else_changed_the_part_since(claim, emma, noor):
    journey, *_rest, helpdesk, _visit = claim
    with acting(emma):
        services.touchpoint_update(touchpoint=helpdesk, expected_version=helpdesk.version, description="Emma's")
    with acting(noor):
        services.touchpoint_update(touchpoint=helpdesk, expected_version=helpdesk.version, description="Noor's")
    with pytest.raises(history.RestoreRefused, match="Noor Bakker changed “Call the helpdesk” after you"):
        history.undo_last_change(journey=journey, user=emma)
    assert fresh(helpdesk).description == "Noor's"


def test_seeding_in_bulk_records_no_history_and_a_later_edit_gets_a_hidden_baseline(emma):
    journey = JourneyFactory()
    stage = Stage.objects.bulk_create([Stage(journey=journey, name="Seeded", position=0)])[0]
    assert not Stage.history.filter(id=stage.pk).exists()
    with acting(emma):
        services.stage_create(journey=journey, name="New first", position=0)
    seeded = Stage.history.filter(id=stage.pk).get()
    assert (seeded.history_change_reason, seeded.position) == ("baseline", 1)
