"""The journeys API on the parts of a map: stages, touchpoints and findings created, edited, deleted, moved and
filtered; stale edits; the lists' query counts.
"""

import pytest

from cxplatform.accounts.models import Role
from journeys.models import Finding, FindingKind, Stage, Touchpoint
from tests.cxplatform.factories import UserFactory
from tests.journeys.api_map_data import stage_names
from tests.journeys.factories import (
    ChannelFactory,
    FindingFactory,
    JourneyFactory,
    StageFactory,
    TouchpointFactory,
    build_map,
)

JSON = "application/json"
# These tests are about the API itself; who owns which journey is tested in tests/teams.
pytestmark = pytest.mark.usefixtures("_the_editor_owns_every_journey_group")


def touchpoint_names(stage: Stage) -> list[str]:
    return list(stage.touchpoints.order_by("position").values_list("name", flat=True))


# Stages


@pytest.mark.django_db
def test_a_cx_editor_adds_edits_and_deletes_stages(editor_client):
    journey = JourneyFactory()
    first = editor_client.post("/api/v1/stages/", {"journey": journey.pk, "name": "Orientation"}, content_type=JSON)
    assert first.status_code == 201, first.json()
    assert first.json()["position"] == 0 and first.json()["version"] == 1
    editor_client.post("/api/v1/stages/", {"journey": journey.pk, "name": "Use"}, content_type=JSON)
    inserted = editor_client.post(
        "/api/v1/stages/", {"journey": journey.pk, "name": "Purchase", "position": 1}, content_type=JSON
    )
    assert inserted.json()["position"] == 1
    assert stage_names(journey) == ["Orientation", "Purchase", "Use"]

    url = f"/api/v1/stages/{first.json()['id']}/"
    edited = editor_client.patch(url, {"version": 1, "customer_goal": "Compare offers"}, content_type=JSON)
    assert edited.status_code == 200
    assert edited.json()["customer_goal"] == "Compare offers" and edited.json()["version"] == 2

    assert editor_client.delete(f"{url}?version=2").status_code == 204
    assert stage_names(journey) == ["Purchase", "Use"]
    assert list(journey.stages.order_by("position").values_list("position", flat=True)) == [0, 1]


@pytest.mark.django_db
def test_moving_a_stage_needs_the_current_structure_version(editor_client):
    journey = build_map(stages=3, touchpoints_per_stage=0)
    last = journey.stages.get(position=2)
    url = f"/api/v1/stages/{last.pk}/"

    missing = editor_client.patch(url, {"version": 1, "position": 0}, content_type=JSON)
    assert missing.status_code == 400
    assert "structure_version" in missing.json()

    stale = editor_client.patch(url, {"version": 1, "position": 0, "structure_version": 99}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert [s["name"] for s in stale.json()["current"]["stages"]] == ["Stage 1", "Stage 2", "Stage 3"]
    assert stage_names(journey) == ["Stage 1", "Stage 2", "Stage 3"]

    moved = editor_client.patch(
        url, {"version": 1, "position": 0, "structure_version": journey.structure_version}, content_type=JSON
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["position"] == 0
    assert stage_names(journey) == ["Stage 3", "Stage 1", "Stage 2"]


@pytest.mark.django_db
def test_a_stage_cannot_be_moved_to_another_journey(editor_client):
    stage = StageFactory()
    other = JourneyFactory()
    response = editor_client.patch(
        f"/api/v1/stages/{stage.pk}/", {"version": 1, "journey": other.pk}, content_type=JSON
    )
    assert response.status_code == 400
    assert "journey" in response.json()
    stage.refresh_from_db()
    assert stage.journey_id != other.pk


# Touchpoints


@pytest.mark.django_db
def test_a_touchpoint_takes_its_journey_from_its_stage(editor_client, process_owner):
    stage = StageFactory()
    StageFactory(journey=stage.journey)
    channel = ChannelFactory(slug="phone")
    response = editor_client.post(
        "/api/v1/touchpoints/",
        {"stage": stage.pk, "name": "Call the helpdesk", "channel": channel.pk, "owner": process_owner.pk},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["journey"] == stage.journey_id
    assert body["position"] == 0
    assert body["channel_slug"] == "phone" and body["channel_name"] == "Phone"
    assert body["owner"] == process_owner.pk and body["owner_name"] == process_owner.get_full_name()
    assert body["version"] == 1
    stage.journey.refresh_from_db()
    assert stage.journey.structure_version == 2


@pytest.mark.django_db
def test_it_rejects_a_touchpoint_whose_stage_belongs_to_another_journey(editor_client):
    stage = StageFactory()
    other = JourneyFactory()
    response = editor_client.post(
        "/api/v1/touchpoints/", {"journey": other.pk, "stage": stage.pk, "name": "Lost"}, content_type=JSON
    )
    assert response.status_code == 400
    assert "stage" in response.json()
    assert not Touchpoint.objects.exists()


@pytest.mark.django_db
def test_a_touchpoint_cannot_move_to_a_stage_of_another_journey(editor_client):
    touchpoint = TouchpointFactory()
    foreign = StageFactory()
    response = editor_client.patch(
        f"/api/v1/touchpoints/{touchpoint.pk}/",
        {"version": 1, "stage": foreign.pk, "structure_version": touchpoint.journey.structure_version},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "stage" in response.json()
    touchpoint.refresh_from_db()
    assert touchpoint.stage_id != foreign.pk


@pytest.mark.django_db
@pytest.mark.parametrize("emotion", [-3, 3])
def test_an_emotion_outside_minus_two_to_two_is_refused(editor_client, emotion):
    touchpoint = TouchpointFactory(emotion=1)
    created = editor_client.post(
        "/api/v1/touchpoints/", {"stage": touchpoint.stage_id, "name": "x", "emotion": emotion}, content_type=JSON
    )
    assert created.status_code == 400
    assert "emotion" in created.json()
    edited = editor_client.patch(
        f"/api/v1/touchpoints/{touchpoint.pk}/", {"version": 1, "emotion": emotion}, content_type=JSON
    )
    assert edited.status_code == 400
    assert "emotion" in edited.json()
    assert Touchpoint.objects.get().emotion == 1


@pytest.mark.django_db
def test_a_stale_touchpoint_edit_gets_409_with_the_fresh_touchpoint_and_changes_nothing(editor_client):
    touchpoint = TouchpointFactory(name="Call the helpdesk")
    url = f"/api/v1/touchpoints/{touchpoint.pk}/"
    assert editor_client.patch(url, {"version": 1, "name": "Call us"}, content_type=JSON).status_code == 200

    stale = editor_client.patch(url, {"version": 1, "name": "Chat with us", "emotion": 2}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["current"]["name"] == "Call us"
    assert stale.json()["current"]["version"] == 2
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.emotion, touchpoint.version) == ("Call us", 0, 2)

    stale_delete = editor_client.delete(f"{url}?version=1")
    assert stale_delete.status_code == 409
    assert Touchpoint.objects.filter(pk=touchpoint.pk).exists()
    assert editor_client.delete(url, {"version": 2}, content_type=JSON).status_code == 204
    assert not Touchpoint.objects.filter(pk=touchpoint.pk).exists()


@pytest.mark.django_db
def test_patching_a_touchpoints_stage_moves_it_there_with_its_findings(editor_client):
    journey = build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=1)
    first, second = journey.stages.order_by("position")
    moving = first.touchpoints.get(position=0)
    url = f"/api/v1/touchpoints/{moving.pk}/"

    missing = editor_client.patch(url, {"version": 1, "stage": second.pk}, content_type=JSON)
    assert missing.status_code == 400
    assert "structure_version" in missing.json()

    body = {"version": 1, "stage": second.pk, "position": 1, "name": "Moved"}
    stale = editor_client.patch(url, {**body, "structure_version": journey.structure_version + 1}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    current_layout = [(s["name"], [t["name"] for t in s["touchpoints"]]) for s in stale.json()["current"]["stages"]]
    assert current_layout[0] == ("Stage 1", ["Stage 1 touchpoint 1", "Stage 1 touchpoint 2"])
    moving.refresh_from_db()
    assert (moving.stage_id, moving.name, moving.version) == (first.pk, "Stage 1 touchpoint 1", 1)

    moved = editor_client.patch(url, {**body, "structure_version": journey.structure_version}, content_type=JSON)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["stage"] == second.pk and moved.json()["position"] == 1
    assert touchpoint_names(first) == ["Stage 1 touchpoint 2"]
    assert touchpoint_names(second) == ["Stage 2 touchpoint 1", "Moved", "Stage 2 touchpoint 2"]
    assert Finding.objects.get(touchpoint=moving).stage_id == second.pk


@pytest.mark.django_db
def test_touchpoints_filter_by_journey_stage_channel_and_owner(editor_client, process_owner):
    phone = ChannelFactory(slug="phone")
    owner = process_owner
    a = TouchpointFactory(name="A", channel=phone, owner=owner)
    b = TouchpointFactory(name="B", stage=a.stage)
    c = TouchpointFactory(name="C", channel=phone)

    def listed(query: str) -> list[str]:
        response = editor_client.get(f"/api/v1/touchpoints/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(row["name"] for row in response.json()["results"])

    assert listed("") == ["A", "B", "C"]
    assert listed(f"journey={a.journey_id}") == ["A", "B"]
    assert listed(f"stage={c.stage_id}") == ["C"]
    assert listed(f"channel={phone.pk}") == ["A", "C"]
    assert listed(f"owner={owner.pk}") == ["A"]
    assert listed(f"journey={b.journey_id}&channel={phone.pk}") == ["A"]


@pytest.mark.django_db
def test_stages_and_findings_filter_by_their_place_and_kind(editor_client):
    touchpoint = TouchpointFactory()
    on_stage = FindingFactory(touchpoint=None, stage=touchpoint.stage, kind=FindingKind.OPPORTUNITY, text="Idea")
    on_touchpoint = FindingFactory(touchpoint=touchpoint, text="Queue")
    elsewhere = FindingFactory(text="Elsewhere")
    StageFactory(journey=touchpoint.journey, name="Later")

    def texts(query: str) -> list[str]:
        return sorted(row["text"] for row in editor_client.get(f"/api/v1/findings/?{query}").json()["results"])

    assert texts(f"journey={touchpoint.journey_id}") == ["Idea", "Queue"]
    assert texts(f"stage={on_stage.stage_id}") == ["Idea", "Queue"]
    assert texts(f"touchpoint={on_touchpoint.touchpoint_id}") == ["Queue"]
    assert texts("kind=opportunity") == ["Idea"]
    assert texts(f"journey={elsewhere.journey_id}") == ["Elsewhere"]
    stages = editor_client.get(f"/api/v1/stages/?journey={touchpoint.journey_id}").json()["results"]
    assert [s["name"] for s in stages] == [touchpoint.stage.name, "Later"]


# Findings


@pytest.mark.django_db
def test_a_cx_editor_adds_edits_and_deletes_findings(editor_client):
    touchpoint = TouchpointFactory()
    created = editor_client.post(
        "/api/v1/findings/",
        {"touchpoint": touchpoint.pk, "kind": "pain_point", "text": "Long queue", "source": "complaint", "severity": 5},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    assert created.json()["stage"] == touchpoint.stage_id  # follows the touchpoint
    assert created.json()["journey"] == touchpoint.journey_id

    on_stage = editor_client.post(
        "/api/v1/findings/", {"stage": touchpoint.stage_id, "kind": "insight", "text": "Peak"}, content_type=JSON
    )
    assert on_stage.status_code == 201 and on_stage.json()["touchpoint"] is None
    nowhere = editor_client.post("/api/v1/findings/", {"kind": "insight", "text": "?"}, content_type=JSON)
    assert nowhere.status_code == 400 and "stage" in nowhere.json()

    url = f"/api/v1/findings/{created.json()['id']}/"
    edited = editor_client.patch(url, {"version": 1, "severity": 2}, content_type=JSON)
    assert edited.status_code == 200 and edited.json()["severity"] == 2
    assert editor_client.delete(f"{url}?version=2").status_code == 204
    assert Finding.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("severity", [0, 6])
def test_a_severity_outside_one_to_five_is_refused(editor_client, severity):
    finding = FindingFactory(severity=3)
    created = editor_client.post(
        "/api/v1/findings/",
        {"touchpoint": finding.touchpoint_id, "kind": "insight", "text": "x", "severity": severity},
        content_type=JSON,
    )
    assert created.status_code == 400
    assert "severity" in created.json()
    edited = editor_client.patch(
        f"/api/v1/findings/{finding.pk}/", {"version": 1, "severity": severity}, content_type=JSON
    )
    assert edited.status_code == 400
    assert "severity" in edited.json()
    assert list(Finding.objects.values_list("severity", flat=True)) == [3]


@pytest.mark.django_db
def test_a_stale_finding_edit_gets_409_and_changes_nothing(editor_client):
    finding = FindingFactory(text="Long queue", version=3)
    stale = editor_client.patch(f"/api/v1/findings/{finding.pk}/", {"version": 2, "text": "Short"}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["current"]["text"] == "Long queue"
    finding.refresh_from_db()
    assert finding.text == "Long queue"


# Fixed query counts


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 200])
def test_the_touchpoints_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    owners = UserFactory.create_batch(2, role=Role.PROCESS_OWNER)
    journey = build_map(stages=2, touchpoints_per_stage=count // 2)
    for index, touchpoint in enumerate(journey.touchpoints.all()):
        touchpoint.owner = owners[index % 2]
        touchpoint.save()
    # session, user, count, touchpoints (+stage, channel, owner)
    with django_assert_num_queries(4):
        response = editor_client.get("/api/v1/touchpoints/?page_size=500")
    rows = response.json()["results"]
    assert len(rows) == count
    assert rows[0]["owner_name"] and rows[0]["channel_slug"] == "web"


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 200])
def test_the_stages_and_findings_lists_run_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    build_map(stages=count, touchpoints_per_stage=1, findings_per_touchpoint=1)
    # session, user, count, stages
    with django_assert_num_queries(4):
        assert len(editor_client.get("/api/v1/stages/?page_size=500").json()["results"]) == count
    # session, user, count, findings (+stage, touchpoint)
    with django_assert_num_queries(4):
        assert len(editor_client.get("/api/v1/findings/?page_size=500").json()["results"]) == count
