"""The journeys API on the whole map: reading it, reordering it, copying it to a future state; its query count."""

import pytest

from cxplatform.accounts.models import Role
from journeys.models import Finding, Journey, JourneyState
from tests.cxplatform.factories import UserFactory
from tests.journeys.api_map_data import stage_names
from tests.journeys.factories import (
    ChannelFactory,
    FindingFactory,
    JourneyFactory,
    PersonaFactory,
    StageFactory,
    TouchpointFactory,
    build_map,
)

JSON = "application/json"
# These tests are about the API itself; who owns which journey is tested in tests/teams.
pytestmark = pytest.mark.usefixtures("_the_editor_owns_every_journey_group")


def map_layout(response) -> list[tuple[str, list[str]]]:
    return [(s["name"], [t["name"] for t in s["touchpoints"]]) for s in response.json()["stages"]]


# The map


@pytest.mark.django_db
def test_the_map_shows_stages_and_touchpoints_in_order_with_channel_owner_and_findings(editor_client, process_owner):
    journey = JourneyFactory(name="Report a claim", personas=[PersonaFactory(name="Senior Sue")])
    use = StageFactory(journey=journey, name="Use", position=1)
    orientation = StageFactory(journey=journey, name="Orientation", position=0)
    chat = ChannelFactory(slug="chat")
    second = TouchpointFactory(stage=orientation, name="Compare", position=1)
    first = TouchpointFactory(stage=orientation, name="Search", position=0, channel=chat, owner=process_owner)
    TouchpointFactory(stage=use, name="Log in", position=0)
    FindingFactory(touchpoint=first, text="Slow search")
    FindingFactory(touchpoint=None, stage=use, text="Drop-off")

    response = editor_client.get(f"/api/v1/journeys/{journey.pk}/map/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Report a claim"
    assert [p["name"] for p in body["personas"]] == ["Senior Sue"]
    assert body["structure_version"] == 1
    assert map_layout(response) == [("Orientation", ["Search", "Compare"]), ("Use", ["Log in"])]
    search = body["stages"][0]["touchpoints"][0]
    assert (search["channel_slug"], search["channel_name"]) == ("chat", "Chat")
    assert (search["owner"], search["owner_name"]) == (process_owner.pk, process_owner.get_full_name())
    assert body["stages"][0]["touchpoints"][1]["id"] == second.pk
    assert [(f["text"], f["touchpoint"]) for f in body["stages"][0]["findings"]] == [("Slow search", first.pk)]
    assert [(f["text"], f["touchpoint"]) for f in body["stages"][1]["findings"]] == [("Drop-off", None)]


@pytest.mark.django_db
def test_reorder_moves_a_touchpoint_to_another_stage_and_its_findings_follow(editor_client):
    journey = build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=1)
    first, second = journey.stages.order_by("position")
    t1, t2 = first.touchpoints.order_by("position")
    t3, t4 = second.touchpoints.order_by("position")

    response = editor_client.post(
        f"/api/v1/journeys/{journey.pk}/reorder/",
        {
            "structure_version": journey.structure_version,
            "stages": [
                {"id": second.pk, "touchpoints": [t3.pk, t1.pk, t4.pk]},
                {"id": first.pk, "touchpoints": [t2.pk]},
            ],
        },
        content_type=JSON,
    )

    assert response.status_code == 200, response.json()
    assert map_layout(response) == [
        ("Stage 2", ["Stage 2 touchpoint 1", "Stage 1 touchpoint 1", "Stage 2 touchpoint 2"]),
        ("Stage 1", ["Stage 1 touchpoint 2"]),
    ]
    assert response.json()["structure_version"] == journey.structure_version + 1
    assert Finding.objects.get(touchpoint=t1).stage_id == second.pk
    assert Finding.objects.get(touchpoint=t2).stage_id == first.pk


def _layout_in_db(journey: Journey) -> list:
    return [(s.pk, s.position, list(s.touchpoints.values_list("pk", "position"))) for s in journey.stages.all()]


@pytest.mark.django_db
@pytest.mark.parametrize("problem", ["missing touchpoint", "duplicate touchpoint", "missing stage", "duplicate stage"])
def test_reorder_refuses_a_missing_or_duplicate_id_and_changes_nothing(editor_client, problem):
    journey = build_map(stages=2, touchpoints_per_stage=2)
    first, second = journey.stages.order_by("position")
    t1, t2 = first.touchpoints.order_by("position").values_list("pk", flat=True)
    t3, t4 = second.touchpoints.order_by("position").values_list("pk", flat=True)
    stages = {
        "missing touchpoint": [{"id": second.pk, "touchpoints": [t3, t4]}, {"id": first.pk, "touchpoints": [t1]}],
        "duplicate touchpoint": [
            {"id": second.pk, "touchpoints": [t3, t4, t1]},
            {"id": first.pk, "touchpoints": [t1, t2]},
        ],
        "missing stage": [{"id": second.pk, "touchpoints": [t1, t2, t3, t4]}],
        "duplicate stage": [
            {"id": second.pk, "touchpoints": [t3, t4]},
            {"id": first.pk, "touchpoints": [t1, t2]},
            {"id": first.pk, "touchpoints": []},
        ],
    }[problem]
    before = _layout_in_db(journey)

    response = editor_client.post(
        f"/api/v1/journeys/{journey.pk}/reorder/",
        {"structure_version": journey.structure_version, "stages": stages},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert set(response.json()) & {"stages", "touchpoints"}
    assert _layout_in_db(journey) == before
    assert Journey.objects.get(pk=journey.pk).structure_version == journey.structure_version


@pytest.mark.django_db
def test_a_stale_reorder_gets_409_with_the_latest_map(editor_client):
    journey = build_map(stages=2, touchpoints_per_stage=1)
    first, second = journey.stages.order_by("position")
    response = editor_client.post(
        f"/api/v1/journeys/{journey.pk}/reorder/",
        {"structure_version": journey.structure_version + 1, "stages": [{"id": second.pk}, {"id": first.pk}]},
        content_type=JSON,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    current = response.json()["current"]
    assert [s["name"] for s in current["stages"]] == ["Stage 1", "Stage 2"]
    assert current["structure_version"] == journey.structure_version
    assert stage_names(journey) == ["Stage 1", "Stage 2"]


@pytest.mark.django_db
def test_future_state_creates_a_linked_copy_with_the_whole_map(editor_client):
    journey = build_map(stages=3, touchpoints_per_stage=2, findings_per_touchpoint=2, name="Open an account")
    FindingFactory(touchpoint=None, stage=journey.stages.first())

    response = editor_client.post(f"/api/v1/journeys/{journey.pk}/future-state/", {}, content_type=JSON)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == JourneyState.FUTURE
    assert body["current_state"] == journey.pk
    assert body["name"] == "Open an account (future state)"
    future = Journey.objects.get(pk=body["id"])
    assert future.stages.count() == journey.stages.count() == 3
    assert future.touchpoints.count() == journey.touchpoints.count() == 6
    assert future.findings.count() == journey.findings.count() == 13
    assert (body["stage_count"], body["touchpoint_count"]) == (3, 6)

    named = editor_client.post(f"/api/v1/journeys/{journey.pk}/future-state/", {"name": "To be"}, content_type=JSON)
    assert named.json()["name"] == "To be"
    of_a_future = editor_client.post(f"/api/v1/journeys/{future.pk}/future-state/", {}, content_type=JSON)
    assert of_a_future.status_code == 400
    assert "current-state" in str(of_a_future.json())


# Fixed query counts


@pytest.mark.django_db
@pytest.mark.parametrize("touchpoints_per_stage", [1, 100])
def test_the_map_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, touchpoints_per_stage):
    journey = build_map(
        stages=2, touchpoints_per_stage=touchpoints_per_stage, findings_per_touchpoint=1, personas=[PersonaFactory()]
    )
    owner = UserFactory(role=Role.PROCESS_OWNER)
    journey.touchpoints.update(owner=owner)
    # session, user, journey (+group, chain owner, current state), personas, stages, touchpoints (+channel, owner),
    # findings (+touchpoint)
    with django_assert_num_queries(7):
        response = editor_client.get(f"/api/v1/journeys/{journey.pk}/map/")
    touchpoints = [t for s in response.json()["stages"] for t in s["touchpoints"]]
    assert len(touchpoints) == 2 * touchpoints_per_stage
    assert len(response.json()["personas"]) == 1
