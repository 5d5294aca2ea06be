"""The map editor page, editing the map's structure: stages and touchpoints added, edited, deleted and moved by
button or drag and drop, stale edits refused. The journey fixture is in conftest.py.
"""

import json

import pytest
from django.urls import reverse

from journeys.models import Journey, Stage, Touchpoint
from tests.journeys.factories import TouchpointFactory
from tests.journeys.map_page_data import HTMX, map_url, stage_names, touchpoint_names

# These tests are about the map editor; which journeys an editor owns is tested in test_map_ownership.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("editors_edit_every_group")]


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
