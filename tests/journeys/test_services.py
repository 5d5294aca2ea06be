"""The journeys services: create, move, reorder, copy to a future state, import/export, and every refusal."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError

from cxplatform.lib import csv_files
from cxplatform.lib.versioning import StaleVersion
from journeys import services
from journeys.models import Finding, FindingKind, Journey, JourneyState, Stage, Touchpoint
from journeys.selectors import journey_compare, journey_map
from journeys.services.transfer import (
    ImportRefused,
    journey_export,
    journey_export_csv,
    journey_import,
    parse_import_file,
)
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import (
    ChannelFactory,
    FindingFactory,
    JourneyFactory,
    JourneyGroupFactory,
    PersonaFactory,
    StageFactory,
    TouchpointFactory,
    build_map,
)

pytestmark = pytest.mark.django_db


def order(journey: Journey) -> list[tuple[str, list[str]]]:
    fresh = journey_map(journey_id=journey.pk)
    return [(s.name, [t.name for t in s.touchpoints.all()]) for s in fresh.stages.all()]


def positions_are_contiguous(journey: Journey) -> bool:
    stages = list(journey.stages.order_by("position").values_list("position", flat=True))
    if stages != list(range(len(stages))):
        return False
    for stage in journey.stages.all():
        tps = list(stage.touchpoints.order_by("position").values_list("position", flat=True))
        if tps != list(range(len(tps))):
            return False
    return True


def test_it_creates_a_journey_with_personas():
    group = JourneyGroupFactory()
    persona = PersonaFactory(name="Starter Sam")
    journey = services.journey_create(name="Open an account", group=group, personas=[persona])
    assert list(journey.personas.all()) == [persona]
    assert journey.state == JourneyState.CURRENT and journey.version == 1


def test_stages_and_touchpoints_are_appended_or_inserted_in_order():
    journey = JourneyFactory()
    orient = services.stage_create(journey=journey, name="Orientation")
    services.stage_create(journey=journey, name="Application")
    services.stage_create(journey=journey, name="Comparison", position=1)
    services.touchpoint_create(stage=orient, name="Website")
    services.touchpoint_create(stage=orient, name="Ad", position=0)
    assert order(journey) == [("Orientation", ["Ad", "Website"]), ("Comparison", []), ("Application", [])]
    assert positions_are_contiguous(journey)


def test_every_structural_change_bumps_the_structure_version():
    journey = JourneyFactory()
    before = journey.structure_version
    stage = services.stage_create(journey=journey, name="A")
    services.touchpoint_create(stage=stage, name="T")
    journey.refresh_from_db()
    assert journey.structure_version == before + 2


def test_it_moves_a_touchpoint_to_another_stage_and_its_findings_follow():
    journey = build_map(stages=2, touchpoints_per_stage=3)
    first, second = journey.stages.order_by("position")
    moving = first.touchpoints.get(position=1)
    FindingFactory(touchpoint=moving, text="Slow")
    services.touchpoint_move(
        touchpoint=moving, stage=second, position=0, expected_structure_version=journey.structure_version
    )
    assert order(journey)[1][1][0] == moving.name
    assert len(order(journey)[0][1]) == 2
    assert Finding.objects.get(text="Slow").stage == second
    assert positions_are_contiguous(journey)


def test_it_moves_a_stage():
    journey = build_map(stages=3, touchpoints_per_stage=1)
    last = journey.stages.get(position=2)
    services.stage_move(stage=last, position=0, expected_structure_version=journey.structure_version)
    assert [name for name, _ in order(journey)] == ["Stage 3", "Stage 1", "Stage 2"]


def test_it_reorders_the_whole_map_at_once():
    journey = build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=1)
    s1, s2 = journey.stages.order_by("position")
    a, b = s1.touchpoints.order_by("position")
    c, d = s2.touchpoints.order_by("position")
    services.journey_reorder(
        journey=journey,
        stages=[{"id": s2.pk, "touchpoints": [d.pk, a.pk, c.pk]}, {"id": s1.pk, "touchpoints": [b.pk]}],
        expected_structure_version=journey.structure_version,
    )
    assert order(journey) == [("Stage 2", [d.name, a.name, c.name]), ("Stage 1", [b.name])]
    assert Finding.objects.get(touchpoint=a).stage_id == s2.pk
    assert positions_are_contiguous(journey)


@pytest.mark.parametrize(
    "problem", ["missing touchpoint", "duplicate touchpoint", "foreign touchpoint", "missing stage"]
)
def test_a_reorder_that_does_not_list_everything_exactly_once_is_refused(problem):
    journey = build_map(stages=2, touchpoints_per_stage=2)
    other = TouchpointFactory()
    s1, s2 = journey.stages.order_by("position")
    a, b = s1.touchpoints.order_by("position")
    c, d = s2.touchpoints.order_by("position")
    layouts = {
        "missing touchpoint": [{"id": s1.pk, "touchpoints": [a.pk]}, {"id": s2.pk, "touchpoints": [c.pk, d.pk]}],
        "duplicate touchpoint": [
            {"id": s1.pk, "touchpoints": [a.pk, b.pk, c.pk]},
            {"id": s2.pk, "touchpoints": [c.pk, d.pk]},
        ],
        "foreign touchpoint": [
            {"id": s1.pk, "touchpoints": [a.pk, b.pk, other.pk]},
            {"id": s2.pk, "touchpoints": [c.pk, d.pk]},
        ],
        "missing stage": [{"id": s1.pk, "touchpoints": [a.pk, b.pk, c.pk, d.pk]}],
    }
    before = order(journey)
    with pytest.raises(ValidationError):
        services.journey_reorder(
            journey=journey, stages=layouts[problem], expected_structure_version=journey.structure_version
        )
    assert order(journey) == before


def test_a_move_based_on_a_stale_map_is_refused_and_nothing_moves():
    journey = build_map(stages=2, touchpoints_per_stage=2)
    seen_version = journey.structure_version
    s1, s2 = journey.stages.order_by("position")
    services.touchpoint_create(stage=s2, name="Someone else's new touchpoint")
    before = order(journey)
    with pytest.raises(StaleVersion) as refused:
        services.touchpoint_move(
            touchpoint=s1.touchpoints.first(), stage=s2, position=0, expected_structure_version=seen_version
        )
    assert "changed the order of this map" in str(refused.value.message)
    assert order(journey) == before


def test_an_edit_based_on_a_stale_version_is_refused_and_the_fresh_one_is_returned():
    touchpoint = TouchpointFactory(name="Call centre")
    mine = Touchpoint.objects.get(pk=touchpoint.pk)
    theirs = Touchpoint.objects.get(pk=touchpoint.pk)
    services.touchpoint_update(touchpoint=theirs, expected_version=1, name="Contact centre")
    with pytest.raises(StaleVersion) as refused:
        services.touchpoint_update(touchpoint=mine, expected_version=1, name="Phone line")
    assert refused.value.current.name == "Contact centre"
    assert refused.value.current.version == 2
    assert Touchpoint.objects.get(pk=touchpoint.pk).name == "Contact centre"


def test_a_partial_update_changes_only_the_fields_it_is_given_and_none_clears_one():
    owner = UserFactory()
    channel = ChannelFactory()
    touchpoint = TouchpointFactory(name="Call centre", owner=owner, channel=channel, emotion=-1)

    services.touchpoint_update(touchpoint=touchpoint, expected_version=1, name="Contact centre")
    stored = Touchpoint.objects.get(pk=touchpoint.pk)
    assert (stored.name, stored.owner, stored.channel, stored.emotion) == ("Contact centre", owner, channel, -1)

    services.touchpoint_update(touchpoint=stored, expected_version=2, owner=None, emotion=0)
    stored = Touchpoint.objects.get(pk=touchpoint.pk)
    assert (stored.name, stored.owner, stored.channel, stored.emotion) == ("Contact centre", None, channel, 0)


def test_an_update_of_a_field_the_service_does_not_take_is_a_programming_error():
    stage = StageFactory(name="Report")
    with pytest.raises(TypeError):
        services.stage_update(stage=stage, expected_version=1, position=3)
    with pytest.raises(TypeError):
        services.persona_update(persona=PersonaFactory(), journeys=[])
    assert Stage.objects.get(pk=stage.pk).version == 1


def test_deleting_something_changed_in_the_meantime_is_refused():
    stage = StageFactory()
    services.stage_update(stage=Stage.objects.get(pk=stage.pk), expected_version=1, name="Renamed")
    with pytest.raises(StaleVersion):
        services.stage_delete(stage=stage, expected_version=1)
    assert Stage.objects.filter(pk=stage.pk).exists()


def test_deleting_a_stage_closes_the_gap():
    journey = build_map(stages=3, touchpoints_per_stage=2)
    services.stage_delete(stage=journey.stages.get(position=1), expected_version=1)
    assert [name for name, _ in order(journey)] == ["Stage 1", "Stage 3"]
    assert positions_are_contiguous(journey)
    assert journey.touchpoints.count() == 4


def test_it_rejects_a_touchpoint_in_a_stage_of_another_journey():
    journey = JourneyFactory()
    foreign_stage = StageFactory()
    with pytest.raises(ValidationError) as refused:
        services.touchpoint_move(
            touchpoint=TouchpointFactory(stage=StageFactory(journey=journey)),
            stage=foreign_stage,
            position=0,
            expected_structure_version=Journey.objects.get(pk=journey.pk).structure_version,
        )
    assert "stage" in refused.value.message_dict


@pytest.mark.parametrize("emotion", [-3, 3])
def test_it_rejects_an_emotion_outside_minus_two_to_plus_two(emotion):
    stage = StageFactory()
    with pytest.raises(ValidationError) as refused:
        services.touchpoint_create(stage=stage, name="X", emotion=emotion)
    assert "emotion" in refused.value.message_dict
    assert not stage.touchpoints.exists()


@pytest.mark.parametrize("severity", [0, 6])
def test_it_rejects_a_severity_outside_one_to_five(severity):
    with pytest.raises(ValidationError) as refused:
        services.finding_create(stage=StageFactory(), kind=FindingKind.PAIN_POINT, text="x", severity=severity)
    assert "severity" in refused.value.message_dict


def test_a_future_state_copies_the_whole_journey_and_links_to_it():
    current = build_map(stages=3, touchpoints_per_stage=4, findings_per_touchpoint=2)
    current.personas.add(PersonaFactory())
    FindingFactory(touchpoint=None, stage=current.stages.first(), journey=current, text="Stage-level")
    future = services.journey_create_future_state(journey=current)
    assert future.state == JourneyState.FUTURE and future.current_state == current
    assert order(future) == order(current)
    assert future.findings.count() == current.findings.count() == 25
    assert future.findings.filter(touchpoint__isnull=True).count() == 1
    assert set(future.personas.all()) == set(current.personas.all())
    # The copy is independent: editing it leaves the current state alone.
    copy = future.touchpoints.first()
    services.touchpoint_update(touchpoint=copy, expected_version=copy.version, name="Redesigned")
    assert not current.touchpoints.filter(name="Redesigned").exists()


def test_only_a_current_state_gets_a_future_state():
    future = services.journey_create_future_state(journey=build_map(stages=1, touchpoints_per_stage=1))
    with pytest.raises(ValidationError):
        services.journey_create_future_state(journey=future)


def test_the_comparison_marks_added_removed_changed_and_moved_touchpoints():
    current = build_map(stages=2, touchpoints_per_stage=2)
    future = services.journey_create_future_state(journey=current)
    f1, f2 = future.stages.order_by("position")
    kept, dropped = f1.touchpoints.order_by("position")
    services.touchpoint_update(touchpoint=kept, expected_version=kept.version, emotion=2, name="Better")
    services.touchpoint_delete(touchpoint=dropped, expected_version=dropped.version)
    added = services.touchpoint_create(stage=f2, name="Chatbot")
    moved = f2.touchpoints.get(position=0)
    services.touchpoint_move(
        touchpoint=moved,
        stage=f1,
        position=0,
        expected_structure_version=Journey.objects.get(pk=future.pk).structure_version,
    )
    comparison = journey_compare(future=future)
    assert comparison.added == {added.pk}
    assert comparison.removed == {dropped.copied_from_id}
    assert comparison.changed == {kept.pk: ["name", "emotion"]}
    assert comparison.moved == {moved.pk}


def test_export_then_import_gives_an_equal_map(cx_editor):
    journey = build_map(stages=3, touchpoints_per_stage=3, findings_per_touchpoint=1, chain_owner=cx_editor)
    journey.personas.add(PersonaFactory(name="Loyal Lisa"))
    FindingFactory(touchpoint=None, stage=journey.stages.first(), journey=journey, kind=FindingKind.OPPORTUNITY)
    tp = journey.touchpoints.first()
    tp.owner, tp.is_moment_of_truth, tp.description = cx_editor, True, "Ünïcode & <b>text</b>"
    tp.save()
    exported = journey_export(journey=journey)
    data = json.loads(json.dumps(exported))  # through real JSON
    result = journey_import(data=data)
    assert result.warnings == []
    assert result.journey.pk != journey.pk and result.journey.name == f"{journey.name} (imported)"
    # Journey keys are unique: the copy beside its original has the next free one; its parts keep theirs.
    assert result.journey.key == f"{journey.key}-2"
    again = journey_export(journey=result.journey)
    for export in (exported, again):
        export.pop("exported_at")
        export["journey"].pop("name")
        export["journey"].pop("key")
    assert again == exported


def test_a_malformed_import_file_is_refused_with_the_place_of_each_problem():
    journey = build_map(stages=2, touchpoints_per_stage=2)
    data = journey_export(journey=journey)
    data["stages"][1]["touchpoints"][0]["emotion"] = 7
    data["stages"][0]["touchpoints"][1]["channel"] = "pigeon"
    del data["stages"][0]["name"]
    before = Journey.objects.count(), Touchpoint.objects.count()
    with pytest.raises(ImportRefused) as refused:
        journey_import(data=data)
    assert "stages[1].touchpoints[0].emotion: Ensure this value is less than or equal to 2." in refused.value.messages
    assert "stages[0].name: This field is required." in refused.value.messages
    assert (Journey.objects.count(), Touchpoint.objects.count()) == before


def test_unknown_references_are_refused_all_or_nothing():
    data = journey_export(journey=build_map(stages=1, touchpoints_per_stage=2))
    data["stages"][0]["touchpoints"][1]["channel"] = "pigeon"
    data["journey"]["group"] = "nope"
    before = Touchpoint.objects.count()
    with pytest.raises(ImportRefused) as refused:
        journey_import(data=data)
    assert "stages[0].touchpoints[1].channel: there is no channel “pigeon”." in refused.value.messages
    assert "journey.group: there is no journey group “nope”." in refused.value.messages
    assert Touchpoint.objects.count() == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "The file is not valid JSON"),
        (b"\xff\xfe", "The file is not UTF-8 text."),
        (b'{"format": "something else", "format_version": 1, "journey": {}, "stages": []}', "not a CX Platform"),
        (b"[1, 2]", "one JSON object"),
    ],
)
def test_files_that_are_not_journey_exports_are_refused_clearly(raw, message):
    with pytest.raises(ImportRefused) as refused:
        journey_import(data=parse_import_file(raw))
    assert any(message in line for line in refused.value.messages)


def test_unknown_owners_are_imported_without_an_owner_and_reported():
    journey = build_map(stages=1, touchpoints_per_stage=1)
    data = journey_export(journey=journey)
    data["stages"][0]["touchpoints"][0]["owner"] = "ghost"
    result = journey_import(data=data, name="Copy")
    assert result.journey.name == "Copy"
    assert result.journey.touchpoints.get().owner is None
    assert any("ghost" in warning for warning in result.warnings)


def test_the_csv_export_has_one_row_per_touchpoint_in_map_order():
    journey = build_map(stages=2, touchpoints_per_stage=3, findings_per_touchpoint=1)
    ChannelFactory(slug="web")
    lines = journey_export_csv(journey=journey).strip().splitlines()
    assert lines[0].startswith("journey,stage_position,stage,touchpoint_position,touchpoint,channel")
    assert len(lines) == 1 + 6
    assert lines[1].split(",")[:5] == [journey.name, "1", "Stage 1", "1", "Stage 1 touchpoint 1"]
    assert lines[-1].split(",")[4] == "Stage 2 touchpoint 3"
    assert lines[0].endswith("insights,stage_key,touchpoint_key,touchpoint_aliases")
    row = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert (row["pain_points"], row["opportunities"], row["insights"]) == ("Pain 0", "", "")


FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tTab first",
    "\rCarriage return first",
]


def test_the_csv_export_neutralises_formula_cells_and_reads_back_as_they_were():
    journey = JourneyFactory(name="=1+1")
    stage = StageFactory(journey=journey, name="@stage")
    for name in FORMULAS:
        TouchpointFactory(stage=stage, name=name, emotion=-2, description="-5 minutes, then =x")
    FindingFactory(touchpoint=stage.touchpoints.first(), stage=stage, kind=FindingKind.PAIN_POINT, text="+1 call")
    exported = journey_export_csv(journey=journey)

    # What a spreadsheet gets: text cells a formula would start, behind an apostrophe; numbers as numbers.
    opened = list(csv.reader(io.StringIO(exported, newline="")))[1:]
    assert [row[4] for row in opened] == ["'" + name for name in FORMULAS]
    assert {(row[0], row[2]) for row in opened} == {("'=1+1", "'@stage")}
    assert opened[0][11] == "'+1 call"
    assert [row[8] for row in opened] == ["-2"] * len(FORMULAS)  # the emotion: a number, untouched
    assert opened[0][6] == "'-5 minutes, then =x"

    # Read back through the importers' reader: every cell as it was in the journey.
    read = list(csv_files.reader(io.StringIO(exported, newline="")))[1:]
    assert [row[4] for row in read] == FORMULAS
    assert (read[0][0], read[0][2], read[0][6], read[0][8], read[0][11]) == (
        "=1+1",
        "@stage",
        "-5 minutes, then =x",
        "-2",
        "+1 call",
    )
