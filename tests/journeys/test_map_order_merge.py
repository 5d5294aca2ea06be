"""Moves and drag-and-drop reorders based on an older map merge onto the current order: the cards the user moved
are moved there, the moves of others stay; only when someone else moved (or deleted) the same card is the user
told, with the current map, and nothing moves. The journey fixture is in conftest.py: Orientation (Compare on
website, Call the advice line), Apply (Fill in the form, Welcome email)."""

import json

import pytest
from django.urls import reverse

from journeys import services
from journeys.models import Journey, Stage, Touchpoint
from journeys.services.order_merge import MoveCollision, merge_orders, order_of
from tests.journeys.factories import StageFactory, TouchpointFactory
from tests.journeys.map_page_data import HTMX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("editors_edit_every_group")]

COLLISION = "Someone else moved or deleted the same card in the meantime. Nothing was moved"


def layout(journey: Journey) -> dict[str, list[str]]:
    """The map as a reader sees it: each stage, left to right, with its touchpoints, top to bottom."""
    return {
        stage.name: list(stage.touchpoints.order_by("position", "id").values_list("name", flat=True))
        for stage in journey.stages.order_by("position", "id")
    }


def order_json(journey: Journey, order: dict[str, list[str]]) -> str:
    stages = {s.name: s.pk for s in Stage.objects.filter(journey=journey)}
    touchpoints = {t.name: t.pk for t in Touchpoint.objects.filter(journey=journey)}
    return json.dumps([{"id": stages[s], "touchpoints": [touchpoints[t] for t in tps]} for s, tps in order.items()])


def seen(journey: Journey) -> tuple[str, int]:
    """What the page the user has open shows: the order and the structure version."""
    journey.refresh_from_db()
    return json.dumps(order_of(journey)), journey.structure_version


def someone_else_moves(journey: Journey, name: str, stage: str, position: int) -> None:
    journey.refresh_from_db()
    services.touchpoint_move(
        touchpoint=Touchpoint.objects.get(journey=journey, name=name),
        stage=Stage.objects.get(journey=journey, name=stage),
        position=position,
        expected_structure_version=journey.structure_version,
    )


# Drag and drop


def test_a_drop_on_a_map_someone_else_reordered_moves_my_card_and_keeps_theirs(editor_client, journey):
    my_view, version = seen(journey)
    someone_else_moves(journey, "Welcome email", "Apply", 0)  # they: Welcome email to the top of Apply
    TouchpointFactory(stage=journey.stages.get(name="Orientation"), name="Chat")  # and add a card

    # I drag "Call the advice line" to the end of Apply, on the map as I saw it.
    mine = {
        "Orientation": ["Compare on website"],
        "Apply": ["Fill in the form", "Welcome email", "Call the advice line"],
    }
    url = reverse("journeys:map-reorder", args=[journey.pk])
    data = {"order": order_json(journey, mine), "seen_order": my_view, "structure_version": version}
    response = editor_client.post(url, data, **HTMX)

    assert response.status_code == 200
    assert "The new order is saved." in response.content.decode()
    assert layout(journey) == {
        "Orientation": ["Compare on website", "Chat"],
        "Apply": ["Welcome email", "Fill in the form", "Call the advice line"],
    }


def test_a_drop_of_a_stage_merges_with_a_card_moved_by_someone_else(editor_client, journey):
    my_view, version = seen(journey)
    someone_else_moves(journey, "Compare on website", "Apply", 2)

    mine = {
        "Apply": ["Fill in the form", "Welcome email"],
        "Orientation": ["Compare on website", "Call the advice line"],
    }
    url = reverse("journeys:map-reorder", args=[journey.pk])
    data = {"order": order_json(journey, mine), "seen_order": my_view, "structure_version": version}
    assert editor_client.post(url, data, **HTMX).status_code == 200

    assert layout(journey) == {
        "Apply": ["Fill in the form", "Welcome email", "Compare on website"],
        "Orientation": ["Call the advice line"],
    }


def test_a_drop_of_a_card_someone_else_moved_meanwhile_is_refused_with_the_current_map(editor_client, journey):
    my_view, version = seen(journey)
    someone_else_moves(journey, "Welcome email", "Orientation", 0)

    mine = {
        "Orientation": ["Compare on website", "Call the advice line"],
        "Apply": ["Welcome email", "Fill in the form"],
    }
    url = reverse("journeys:map-reorder", args=[journey.pk])
    data = {"order": order_json(journey, mine), "seen_order": my_view, "structure_version": version}
    response = editor_client.post(url, data, **HTMX)

    assert response.status_code == 409
    content = response.content.decode()
    assert COLLISION in content
    assert content.index("Welcome email") < content.index("Compare on website")  # the board as it is now
    assert layout(journey) == {
        "Orientation": ["Welcome email", "Compare on website", "Call the advice line"],
        "Apply": ["Fill in the form"],
    }


def test_a_drop_of_a_card_someone_else_deleted_meanwhile_is_refused(editor_client, journey):
    my_view, version = seen(journey)
    mine = {
        "Orientation": ["Compare on website", "Call the advice line"],
        "Apply": ["Welcome email", "Fill in the form"],
    }
    order = order_json(journey, mine)
    services.touchpoint_delete(touchpoint=Touchpoint.objects.get(name="Welcome email"), expected_version=1)

    url = reverse("journeys:map-reorder", args=[journey.pk])
    data = {"order": order, "seen_order": my_view, "structure_version": version}
    response = editor_client.post(url, data, **HTMX)

    assert response.status_code == 409
    assert COLLISION in response.content.decode()
    assert layout(journey)["Apply"] == ["Fill in the form"]


def test_the_dragged_card_the_page_names_settles_which_of_two_swapped_cards_moved(editor_client, journey):
    my_view, version = seen(journey)
    someone_else_moves(journey, "Welcome email", "Orientation", 0)
    fill = Touchpoint.objects.get(name="Fill in the form")

    # I drag "Fill in the form" below "Welcome email" (which they moved away meanwhile): no collision.
    mine = {
        "Orientation": ["Compare on website", "Call the advice line"],
        "Apply": ["Welcome email", "Fill in the form"],
    }
    url = reverse("journeys:map-reorder", args=[journey.pk])
    data = {"order": order_json(journey, mine), "seen_order": my_view, "structure_version": version}
    response = editor_client.post(url, {**data, "moved": f"tp-{fill.pk}"}, **HTMX)

    assert response.status_code == 200
    assert layout(journey) == {
        "Orientation": ["Welcome email", "Compare on website", "Call the advice line"],
        "Apply": ["Fill in the form"],
    }


def test_a_malformed_seen_order_is_a_400(editor_client, journey):
    journey.refresh_from_db()
    url = reverse("journeys:map-reorder", args=[journey.pk])
    data = {"order": json.dumps(order_of(journey)), "seen_order": "[{}]", "structure_version": 1}
    response = editor_client.post(url, data, **HTMX)
    assert response.status_code == 400


# The arrow buttons


def test_an_arrow_move_on_a_map_someone_else_reordered_is_applied_to_the_current_order(editor_client, journey):
    my_view, version = seen(journey)
    someone_else_moves(journey, "Welcome email", "Apply", 0)  # they reorder Apply

    # I move "Call the advice line" up, on the map as I saw it.
    card = Touchpoint.objects.get(name="Call the advice line")
    url = reverse("journeys:touchpoint-move", args=[journey.pk, card.pk])
    data = {"direction": "up", "seen_order": my_view, "structure_version": version}
    response = editor_client.post(url, data, **HTMX)

    assert response.status_code == 200
    assert layout(journey) == {
        "Orientation": ["Call the advice line", "Compare on website"],
        "Apply": ["Welcome email", "Fill in the form"],
    }


def test_a_card_moved_right_goes_to_the_stage_i_saw_on_its_right_even_after_a_stage_move(editor_client, journey):
    third = StageFactory(journey=journey, name="Use")
    my_view, version = seen(journey)
    journey.refresh_from_db()
    services.stage_move(stage=third, position=0, expected_structure_version=version)  # they: Use first

    card = Touchpoint.objects.get(name="Fill in the form")
    url = reverse("journeys:touchpoint-move", args=[journey.pk, card.pk])
    data = {"direction": "right", "seen_order": my_view, "structure_version": version}
    assert editor_client.post(url, data, **HTMX).status_code == 200

    assert layout(journey) == {
        "Use": ["Fill in the form"],
        "Orientation": ["Compare on website", "Call the advice line"],
        "Apply": ["Welcome email"],
    }


def test_a_stage_move_merges_with_a_card_moved_by_someone_else(editor_client, journey):
    my_view, version = seen(journey)
    someone_else_moves(journey, "Welcome email", "Orientation", 2)

    stage = Stage.objects.get(name="Apply")
    url = reverse("journeys:stage-move", args=[journey.pk, stage.pk])
    data = {"direction": "left", "seen_order": my_view, "structure_version": version}
    assert editor_client.post(url, data, **HTMX).status_code == 200

    assert layout(journey) == {
        "Apply": ["Fill in the form"],
        "Orientation": ["Compare on website", "Call the advice line", "Welcome email"],
    }


def test_an_arrow_move_of_a_card_someone_else_moved_meanwhile_is_refused(editor_client, journey):
    my_view, version = seen(journey)
    someone_else_moves(journey, "Call the advice line", "Apply", 0)

    card = Touchpoint.objects.get(name="Call the advice line")
    url = reverse("journeys:touchpoint-move", args=[journey.pk, card.pk])
    response = editor_client.post(url, {"direction": "up", "seen_order": my_view, "structure_version": version}, **HTMX)

    assert response.status_code == 409
    assert COLLISION in response.content.decode()
    assert layout(journey)["Apply"] == ["Call the advice line", "Fill in the form", "Welcome email"]


def test_a_stage_move_of_a_stage_someone_else_moved_is_refused(editor_client, journey):
    my_view, version = seen(journey)
    journey.refresh_from_db()
    apply = Stage.objects.get(name="Apply")
    services.stage_move(stage=apply, position=0, expected_structure_version=version)

    url = reverse("journeys:stage-move", args=[journey.pk, apply.pk])
    response = editor_client.post(
        url, {"direction": "left", "seen_order": my_view, "structure_version": version}, **HTMX
    )

    assert response.status_code == 409
    assert COLLISION in response.content.decode()
    assert list(layout(journey)) == ["Apply", "Orientation"]


# The merge itself


def test_merging_orders_moves_only_what_i_moved():
    seen = [{"id": 1, "touchpoints": [10, 11, 12]}, {"id": 2, "touchpoints": [20]}]
    mine = [{"id": 1, "touchpoints": [11, 12]}, {"id": 2, "touchpoints": [20, 10]}]  # I: 10 to the end of 2
    current = [
        {"id": 2, "touchpoints": [21, 20]},
        {"id": 1, "touchpoints": [12, 10, 11]},
    ]  # they: 12 up, 2 first, 21 added
    merged = merge_orders(seen=seen, mine=mine, current=current, journey=Journey())
    assert merged == [{"id": 2, "touchpoints": [21, 20, 10]}, {"id": 1, "touchpoints": [12, 11]}]


def test_merging_orders_refuses_a_card_both_moved():
    seen = [{"id": 1, "touchpoints": [10, 11, 12, 13]}]
    mine = [{"id": 1, "touchpoints": [11, 12, 10, 13]}]  # I: 10 below 12
    current = [{"id": 1, "touchpoints": [11, 12, 13, 10]}]  # they: 10 to the bottom
    with pytest.raises(MoveCollision):
        merge_orders(seen=seen, mine=mine, current=current, journey=Journey())
