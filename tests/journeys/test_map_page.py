"""The map editor page: reading the map, and every write it offers, through the HTML views."""

import json
import re

import pytest
from django.urls import reverse

from journeys.models import Finding, FindingKind, Journey, Stage, Touchpoint
from journeys.permissions import CANNOT_EDIT_REASON, NOT_THIS_JOURNEY_REASON
from tests.journeys.factories import (
    FindingFactory,
    JourneyFactory,
    PersonaFactory,
    StageFactory,
    TouchpointFactory,
    build_map,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def editors_edit_every_group(settings):
    """These tests are about the map editor; which journeys an editor owns is tested in TestOwnership."""
    settings.JOURNEY_EDIT_POLICY = None


def map_url(journey: Journey) -> str:
    return reverse("journeys:map", args=[journey.pk])


def names_in_order(content: str, names: list[str]) -> bool:
    positions = [content.index(name) for name in names]
    return positions == sorted(positions)


def stage_names(content: str) -> list[str]:
    return re.findall(r'<h2 class="stage-name">(.*?)</h2>', content)


def touchpoint_names(content: str) -> list[str]:
    """Touchpoint names as the board shows them: stage by stage, top to bottom."""
    return re.findall(r'<h3 class="tp-name">(.*?)</h3>', content)


@pytest.fixture
def journey() -> Journey:
    """Two stages of two touchpoints each, in a known order."""
    journey = JourneyFactory(name="Open an account")
    orientation = StageFactory(journey=journey, name="Orientation", customer_goal="Find the right account")
    apply = StageFactory(journey=journey, name="Apply")
    TouchpointFactory(stage=orientation, name="Compare on website", emotion=1, customer_expectation="Clear prices")
    TouchpointFactory(stage=orientation, name="Call the advice line", emotion=-1, is_moment_of_truth=True)
    TouchpointFactory(stage=apply, name="Fill in the form", emotion=-2)
    TouchpointFactory(stage=apply, name="Welcome email", emotion=2)
    return journey


# Reading the map


def test_the_map_shows_stages_and_touchpoints_in_order(editor_client, journey):
    response = editor_client.get(map_url(journey))
    assert response.status_code == 200
    content = response.content.decode()
    assert stage_names(content) == ["Orientation", "Apply"]
    assert touchpoint_names(content) == [
        "Compare on website",
        "Call the advice line",
        "Fill in the form",
        "Welcome email",
    ]
    assert "Find the right account" in content  # the customer goal lane
    assert "Clear prices" in content  # the expectations lane
    assert "Moment of truth" in content
    assert 'id="emotion-curve-data"' in content


def test_the_header_shows_state_personas_and_links_a_future_state_to_its_current_state(editor_client, journey):
    future = JourneyFactory(name="Open an account, redesigned", state="future", current_state=journey)
    future.personas.set([PersonaFactory(name="Starter Sam")])
    content = editor_client.get(map_url(future)).content.decode()
    assert "Future state" in content
    assert "Starter Sam" in content
    assert f'href="{map_url(journey)}"' in content


def test_findings_show_in_their_lanes(editor_client, journey):
    touchpoint = Touchpoint.objects.get(name="Fill in the form")
    FindingFactory(touchpoint=touchpoint, kind=FindingKind.PAIN_POINT, text="The form asks for things twice")
    FindingFactory(touchpoint=None, stage=touchpoint.stage, kind=FindingKind.OPPORTUNITY, text="Prefill from ID")
    FindingFactory(touchpoint=None, stage=touchpoint.stage, kind=FindingKind.INSIGHT, text="Most apply at night")
    content = editor_client.get(map_url(journey)).content.decode()
    assert names_in_order(
        content, ["Pain points", "The form asks for things twice", "Opportunities", "Prefill from ID", "Insights"]
    )
    assert "Most apply at night" in content


def test_an_empty_journey_invites_the_first_stage(editor_client):
    content = editor_client.get(map_url(JourneyFactory())).content.decode()
    assert "This map has no stages yet" in content
    assert "Add the first stage" in content


def test_an_unknown_journey_is_not_found(editor_client):
    assert editor_client.get("/journeys/999999/").status_code == 404


def test_a_touchpoint_name_with_a_script_tag_is_escaped_everywhere(editor_client, journey):
    TouchpointFactory(stage=journey.stages.first(), name="<script>alert(1)</script>")
    content = editor_client.get(map_url(journey)).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content  # the card and the aria-labels
    # The figure JSON in its script tag cannot close the tag early.
    data = content.split('id="emotion-curve-data" type="application/json">')[1].split("</script>")[0]
    assert "<" not in data
    ticks = json.loads(data)["layout"]["xaxis"]["ticktext"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ticks  # Plotly shows the entities as text


# Read only


def test_a_manager_sees_the_map_without_edit_controls(client, manager, journey):
    client.force_login(manager)
    content = client.get(map_url(journey)).content.decode()
    assert "Compare on website" in content
    assert "hx-post" not in content
    assert "Add a stage" not in content
    assert "map-editor" not in content


@pytest.mark.parametrize(
    "name, args",
    [
        ("journeys:stage-create", lambda j: [j.pk]),
        ("journeys:stage-edit", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:stage-delete", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:stage-move", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:touchpoint-create", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:touchpoint-edit", lambda j: [j.pk, j.touchpoints.first().pk]),
        ("journeys:touchpoint-delete", lambda j: [j.pk, j.touchpoints.first().pk]),
        ("journeys:touchpoint-move", lambda j: [j.pk, j.touchpoints.first().pk]),
        ("journeys:finding-create", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:map-reorder", lambda j: [j.pk]),
    ],
)
def test_a_manager_is_refused_every_write_with_the_reason(client, manager, journey, name, args):
    client.force_login(manager)
    response = client.post(reverse(name, args=args(journey)), {"name": "Hijacked", "version": 1}, **HTMX)
    assert response.status_code == 403
    assert str(CANNOT_EDIT_REASON) in response.content.decode()
    assert not Stage.objects.filter(name="Hijacked").exists()
    assert not Touchpoint.objects.filter(name="Hijacked").exists()


def test_a_manager_cannot_edit_or_delete_a_finding(client, manager, journey):
    finding = FindingFactory(touchpoint=journey.touchpoints.first())
    client.force_login(manager)
    edit = reverse("journeys:finding-edit", args=[journey.pk, finding.pk])
    delete = reverse("journeys:finding-delete", args=[journey.pk, finding.pk])
    assert client.post(edit, {"text": "x", "version": 1}).status_code == 403
    assert client.post(delete, {"version": 1}).status_code == 403
    assert Finding.objects.filter(pk=finding.pk, text=finding.text).exists()


# Stages


def test_an_editor_gets_the_stage_form(editor_client, journey):
    response = editor_client.get(reverse("journeys:stage-create", args=[journey.pk]), **HTMX)
    assert response.status_code == 200
    assert 'name="customer_goal"' in response.content.decode()


def test_an_editor_adds_a_stage_at_the_end_and_gets_the_fresh_board(editor_client, journey):
    url = reverse("journeys:stage-create", args=[journey.pk])
    response = editor_client.post(url, {"name": "Use", "customer_goal": "Get going"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#map-board"
    content = response.content.decode()
    assert 'id="map-board"' in content
    assert stage_names(content) == ["Orientation", "Apply", "Use"]
    assert "Stage “Use” added." in content
    assert list(journey.stages.order_by("position").values_list("name", flat=True)) == ["Orientation", "Apply", "Use"]


def test_without_htmx_a_write_redirects_to_the_map(editor_client, journey):
    response = editor_client.post(reverse("journeys:stage-create", args=[journey.pk]), {"name": "Use"})
    assert response.status_code == 302
    assert response["Location"] == map_url(journey)


def test_an_empty_stage_name_is_refused_next_to_the_field(editor_client, journey):
    response = editor_client.post(reverse("journeys:stage-create", args=[journey.pk]), {"name": ""}, **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#map-editor-body"
    content = response.content.decode()
    assert 'id="id_name-error"' in content
    assert "This field is required." in content
    assert journey.stages.count() == 2


def test_an_editor_renames_a_stage(editor_client, journey):
    stage = journey.stages.get(name="Apply")
    url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
    form = editor_client.get(url, **HTMX).content.decode()
    assert f'name="version" value="{stage.version}"' in form
    response = editor_client.post(url, {"name": "Application", "version": stage.version}, **HTMX)
    assert response.status_code == 200
    stage.refresh_from_db()
    assert (stage.name, stage.version) == ("Application", 2)


def test_a_stale_stage_edit_is_refused_and_shows_theirs_beside_mine(editor_client, journey):
    stage = journey.stages.get(name="Apply")
    url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
    editor_client.post(url, {"name": "Their name", "version": 1}, **HTMX)  # someone else saves first
    response = editor_client.post(url, {"name": "My name", "version": 1}, **HTMX)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else changed this in the meantime" in content
    assert "Their name" in content
    assert 'value="My name"' in content  # what I typed stays in the form (tests/journeys/test_map_stale_edit.py)
    stage.refresh_from_db()
    assert stage.name == "Their name"


def test_an_editor_deletes_a_stage_with_its_touchpoints(editor_client, journey):
    stage = journey.stages.get(name="Orientation")
    url = reverse("journeys:stage-delete", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"version": stage.version}, **HTMX)
    assert response.status_code == 200
    assert list(journey.stages.values_list("name", "position")) == [("Apply", 0)]
    assert not Touchpoint.objects.filter(name="Compare on website").exists()


def test_deleting_a_stage_someone_else_changed_is_refused(editor_client, journey):
    stage = journey.stages.get(name="Orientation")
    Stage.objects.filter(pk=stage.pk).update(version=2, name="Orientation, renamed")
    url = reverse("journeys:stage-delete", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"version": 1}, **HTMX)
    assert response.status_code == 409
    assert "Orientation, renamed" in response.content.decode()
    assert Stage.objects.filter(pk=stage.pk).exists()


def test_editing_a_stage_someone_else_deleted_says_so_and_keeps_what_was_typed(editor_client, journey):
    stage = journey.stages.get(name="Apply")
    url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
    stage.delete()
    response = editor_client.post(url, {"name": "Too late", "version": 1}, **HTMX)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else deleted or archived this in the meantime" in content
    assert 'value="Too late"' in content


def test_the_move_buttons_move_a_stage(editor_client, journey):
    stage = journey.stages.get(name="Apply")
    url = reverse("journeys:stage-move", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"direction": "left", "structure_version": journey.structure_version}, **HTMX)
    assert response.status_code == 200
    assert list(journey.stages.order_by("position").values_list("name", flat=True)) == ["Apply", "Orientation"]


def test_a_stage_move_on_a_stale_map_is_refused(editor_client, journey):
    Journey.objects.filter(pk=journey.pk).update(structure_version=5)  # a colleague reordered meanwhile
    stage = journey.stages.get(name="Apply")
    url = reverse("journeys:stage-move", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"direction": "left", "structure_version": 4}, **HTMX)
    assert response.status_code == 409
    assert "Someone else changed the order of this map" in response.content.decode()
    assert list(journey.stages.order_by("position").values_list("name", flat=True)) == ["Orientation", "Apply"]


def test_a_stage_cannot_move_past_the_edge(editor_client, journey):
    journey.refresh_from_db()
    stage = journey.stages.get(name="Orientation")
    url = reverse("journeys:stage-move", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"direction": "left", "structure_version": journey.structure_version}, **HTMX)
    assert response.status_code == 422
    assert "Position must be between" in response.content.decode()


# Touchpoints


def test_an_editor_adds_a_touchpoint_to_a_stage(editor_client, journey):
    stage = journey.stages.get(name="Apply")
    url = reverse("journeys:touchpoint-create", args=[journey.pk, stage.pk])
    data = {"name": "Video call", "emotion": "1", "is_moment_of_truth": "on", "customer_expectation": "Quick"}
    response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 200
    touchpoint = Touchpoint.objects.get(name="Video call")
    assert (touchpoint.stage, touchpoint.position, touchpoint.emotion) == (stage, 2, 1)
    assert touchpoint.is_moment_of_truth


def test_an_emotion_out_of_range_is_refused_next_to_the_field(editor_client, journey):
    stage = journey.stages.get(name="Apply")
    url = reverse("journeys:touchpoint-create", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"name": "Video call", "emotion": "5"}, **HTMX)
    assert response.status_code == 422
    content = response.content.decode()
    assert 'id="id_emotion-error"' in content
    assert "Select a valid choice" in content
    assert not Touchpoint.objects.filter(name="Video call").exists()


def test_an_editor_edits_a_touchpoint(editor_client, journey):
    touchpoint = Touchpoint.objects.get(name="Welcome email")
    url = reverse("journeys:touchpoint-edit", args=[journey.pk, touchpoint.pk])
    data = {"name": "Welcome email", "emotion": "-1", "version": touchpoint.version}
    response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 200
    touchpoint.refresh_from_db()
    assert (touchpoint.emotion, touchpoint.version) == (-1, 2)


def test_a_stale_touchpoint_edit_is_refused_and_nothing_is_overwritten(editor_client, journey):
    touchpoint = Touchpoint.objects.get(name="Welcome email")
    Touchpoint.objects.filter(pk=touchpoint.pk).update(name="Welcome email v2", version=2)
    url = reverse("journeys:touchpoint-edit", args=[journey.pk, touchpoint.pk])
    response = editor_client.post(url, {"name": "Mine", "emotion": "0", "version": 1}, **HTMX)
    assert response.status_code == 409
    assert "Welcome email v2" in response.content.decode()
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.emotion) == ("Welcome email v2", 2)


def test_an_editor_deletes_a_touchpoint(editor_client, journey):
    touchpoint = Touchpoint.objects.get(name="Compare on website")
    url = reverse("journeys:touchpoint-delete", args=[journey.pk, touchpoint.pk])
    assert editor_client.post(url, {"version": touchpoint.version}, **HTMX).status_code == 200
    assert list(Touchpoint.objects.filter(stage=touchpoint.stage).values_list("name", "position")) == [
        ("Call the advice line", 0)
    ]


@pytest.mark.parametrize(
    "name, direction, expected",
    [
        ("Call the advice line", "up", {"Orientation": ["Call the advice line", "Compare on website"]}),
        ("Compare on website", "down", {"Orientation": ["Call the advice line", "Compare on website"]}),
        ("Call the advice line", "right", {"Apply": ["Fill in the form", "Call the advice line", "Welcome email"]}),
        (
            "Fill in the form",
            "left",
            {"Orientation": ["Fill in the form", "Compare on website", "Call the advice line"]},
        ),
    ],
)
def test_the_move_buttons_move_a_touchpoint(editor_client, journey, name, direction, expected):
    journey.refresh_from_db()
    touchpoint = Touchpoint.objects.get(name=name)
    url = reverse("journeys:touchpoint-move", args=[journey.pk, touchpoint.pk])
    data = {"direction": direction, "structure_version": journey.structure_version}
    assert editor_client.post(url, data, **HTMX).status_code == 200
    for stage_name, names in expected.items():
        stage = journey.stages.get(name=stage_name)
        assert list(stage.touchpoints.order_by("position").values_list("name", flat=True)) == names


def test_a_touchpoint_cannot_move_left_of_the_first_stage(editor_client, journey):
    journey.refresh_from_db()
    touchpoint = Touchpoint.objects.get(name="Compare on website")
    url = reverse("journeys:touchpoint-move", args=[journey.pk, touchpoint.pk])
    response = editor_client.post(url, {"direction": "left", "structure_version": journey.structure_version}, **HTMX)
    assert response.status_code == 422
    assert "There is no stage on that side." in response.content.decode()


# Reorder by drag and drop


def reorder_payload(journey: Journey, order: dict[str, list[str]], structure_version: int) -> dict:
    stages = {s.name: s.pk for s in journey.stages.all()}
    touchpoints = {t.name: t.pk for t in journey.touchpoints.all()}
    entries = [{"id": stages[s], "touchpoints": [touchpoints[t] for t in tps]} for s, tps in order.items()]
    return {"order": json.dumps(entries), "structure_version": structure_version}


def test_a_drop_saves_the_whole_order(editor_client, journey):
    journey.refresh_from_db()
    order = {
        "Apply": ["Welcome email", "Fill in the form", "Call the advice line"],
        "Orientation": ["Compare on website"],
    }
    url = reverse("journeys:map-reorder", args=[journey.pk])
    response = editor_client.post(url, reorder_payload(journey, order, journey.structure_version), **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert stage_names(content) == ["Apply", "Orientation"]
    assert touchpoint_names(content) == [*order["Apply"], *order["Orientation"]]
    for position, (stage_name, names) in enumerate(order.items()):
        stage = journey.stages.get(name=stage_name)
        assert stage.position == position
        assert list(stage.touchpoints.order_by("position").values_list("name", flat=True)) == names


def test_a_drop_on_a_stale_map_is_refused_and_shows_the_fresh_order(editor_client, journey):
    journey.refresh_from_db()
    stale = journey.structure_version
    TouchpointFactory(stage=journey.stages.get(name="Apply"), name="Added by a colleague")
    Journey.objects.filter(pk=journey.pk).update(structure_version=stale + 1)
    order = {
        "Apply": ["Fill in the form", "Welcome email"],
        "Orientation": ["Call the advice line", "Compare on website"],
    }
    url = reverse("journeys:map-reorder", args=[journey.pk])
    response = editor_client.post(url, reorder_payload(journey, order, stale), **HTMX)
    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else changed the order of this map" in content
    assert "Added by a colleague" in content
    assert list(journey.stages.order_by("position").values_list("name", flat=True)) == ["Orientation", "Apply"]


def test_a_drop_that_leaves_out_a_touchpoint_is_refused(editor_client, journey):
    journey.refresh_from_db()
    order = {"Orientation": ["Compare on website"], "Apply": ["Fill in the form", "Welcome email"]}
    url = reverse("journeys:map-reorder", args=[journey.pk])
    response = editor_client.post(url, reorder_payload(journey, order, journey.structure_version), **HTMX)
    assert response.status_code == 422
    assert "List every touchpoint of this journey exactly once." in response.content.decode()


def test_an_unreadable_order_is_a_bad_request(editor_client, journey):
    url = reverse("journeys:map-reorder", args=[journey.pk])
    assert editor_client.post(url, {"order": "not json", "structure_version": 1}, **HTMX).status_code == 400


# Findings


def test_an_editor_adds_a_pain_point_on_a_touchpoint(editor_client, journey):
    stage = journey.stages.get(name="Apply")
    touchpoint = stage.touchpoints.get(name="Fill in the form")
    url = reverse("journeys:finding-create", args=[journey.pk, stage.pk])
    form = editor_client.get(url + "?kind=opportunity", **HTMX).content.decode()
    assert '<option value="opportunity" selected>' in form
    data = {"kind": "pain_point", "touchpoint": touchpoint.pk, "text": "Too many fields", "source": "survey"}
    response = editor_client.post(url, {**data, "severity": "4"}, **HTMX)
    assert response.status_code == 200
    assert "Too many fields" in response.content.decode()
    finding = Finding.objects.get(text="Too many fields")
    assert (finding.stage, finding.touchpoint, finding.severity) == (stage, touchpoint, 4)


def test_a_finding_needs_text(editor_client, journey):
    stage = journey.stages.first()
    url = reverse("journeys:finding-create", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"kind": "insight", "text": "", "source": "other", "severity": 3}, **HTMX)
    assert response.status_code == 422
    assert 'id="id_text-error"' in response.content.decode()


def test_an_editor_edits_and_deletes_a_finding(editor_client, journey):
    finding = FindingFactory(touchpoint=journey.touchpoints.first(), text="Slow")
    edit = reverse("journeys:finding-edit", args=[journey.pk, finding.pk])
    data = {"kind": "pain_point", "text": "Very slow", "source": "complaint", "severity": 5, "version": 1}
    assert editor_client.post(edit, data, **HTMX).status_code == 200
    finding.refresh_from_db()
    assert (finding.text, finding.severity, finding.version) == ("Very slow", 5, 2)

    stale = editor_client.post(edit, {**data, "text": "Stale"}, **HTMX)
    assert stale.status_code == 409
    assert "Very slow" in stale.content.decode()

    delete = reverse("journeys:finding-delete", args=[journey.pk, finding.pk])
    assert editor_client.post(delete, {"version": 1}, **HTMX).status_code == 409
    assert editor_client.post(delete, {"version": 2}, **HTMX).status_code == 200
    assert not Finding.objects.filter(pk=finding.pk).exists()


def test_a_stage_of_another_journey_cannot_be_reached_through_this_one(editor_client, journey):
    other = StageFactory(name="Not yours")
    url = reverse("journeys:stage-edit", args=[journey.pk, other.pk])
    response = editor_client.post(url, {"name": "Mine now", "version": 1}, **HTMX)
    assert response.status_code == 409
    other.refresh_from_db()
    assert other.name == "Not yours"


# Queries


@pytest.mark.parametrize("touchpoints_per_stage", [1, 100])
def test_the_map_page_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, touchpoints_per_stage):
    journey = build_map(stages=2, touchpoints_per_stage=touchpoints_per_stage, findings_per_touchpoint=1)
    journey.personas.set([PersonaFactory(), PersonaFactory()])
    assert journey.touchpoints.count() == 2 * touchpoints_per_stage  # 2 and 200
    # session, user, journey (+group, chain owner, current state), personas, stages, touchpoints
    # (+channel, owner), findings (+touchpoint); the measured scores (settings.MAP_MEASURES): snapshot cells
    # per touchpoint, targets. With responses of two sizes: tests/journeys/test_map_measures.py.
    with django_assert_num_queries(9):
        response = editor_client.get(map_url(journey))
    assert response.status_code == 200


def test_a_write_answers_with_the_board_in_a_fixed_number_of_queries(editor_client, django_assert_num_queries):
    journey = build_map(stages=3, touchpoints_per_stage=50)
    stage = journey.stages.first()
    url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
    # session, user, journey (permission), stage; the service: savepoint, journey exists (full_clean), update,
    # release; then the board: journey, personas, stages, touchpoints, findings, measured cells, targets
    with django_assert_num_queries(15):
        response = editor_client.post(url, {"name": "Renamed", "version": 1}, **HTMX)
    assert response.status_code == 200


class TestOwnership:
    """With the teams app's policy: a CX editor changes only the maps of the groups their team owns."""

    @pytest.fixture(autouse=True)
    def team_policy(self, settings):
        settings.JOURNEY_EDIT_POLICY = "teams.permissions.can_edit_journey"

    def test_an_editor_outside_the_owning_team_reads_the_map_and_cannot_change_it(self, editor_client, journey):
        content = editor_client.get(map_url(journey)).content.decode()
        assert "Compare on website" in content
        assert "hx-post" not in content
        stage = journey.stages.get(name="Apply")
        url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
        response = editor_client.post(url, {"name": "Not mine", "version": 1}, **HTMX)
        assert response.status_code == 403
        assert str(NOT_THIS_JOURNEY_REASON) in response.content.decode().replace("&#x27;", "'")
        assert Stage.objects.get(pk=stage.pk).name == "Apply"

    def test_an_editor_in_the_owning_team_edits_it(self, editor_client, cx_editor, journey, django_assert_num_queries):
        from tests.teams.factories import MembershipFactory, TeamFactory

        MembershipFactory(user=cx_editor, team=TeamFactory(journey_groups=[journey.group]))
        # session, user, journey, personas, stages, touchpoints, findings, measured cells, targets; the policy:
        # memberships, owned groups
        with django_assert_num_queries(11):
            content = editor_client.get(map_url(journey)).content.decode()
        assert "Add a stage" in content
        stage = journey.stages.get(name="Apply")
        url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
        assert editor_client.post(url, {"name": "Mine", "version": 1}, **HTMX).status_code == 200
        assert Stage.objects.get(pk=stage.pk).name == "Mine"
