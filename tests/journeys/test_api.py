"""The journeys API: journeys, personas and channels; who may write; filters; fixed query counts."""

import pytest
from django.test import Client

from journeys.models import Channel, Finding, Journey, Persona, Stage, Touchpoint
from journeys.permissions import CANNOT_EDIT_REASON
from tests.journeys.factories import (
    ChannelFactory,
    FindingFactory,
    JourneyFactory,
    JourneyGroupFactory,
    PersonaFactory,
    StageFactory,
    TouchpointFactory,
)
from tests.teams.factories import owning_every_journey_group

JSON = "application/json"


@pytest.fixture(autouse=True)
def _the_editor_owns_every_journey_group(cx_editor):
    """These tests are about the API itself; who owns which journey is tested in tests/teams."""
    with owning_every_journey_group(cx_editor):
        yield


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


# Journeys


@pytest.mark.django_db
def test_a_cx_editor_creates_reads_edits_and_deletes_a_journey(editor_client, cx_editor):
    group = JourneyGroupFactory(name="Becoming a customer")
    persona = PersonaFactory(name="Starter Sam")

    created = editor_client.post(
        "/api/v1/journeys/",
        {"name": "Open an account", "group": group.pk, "personas": [persona.pk], "chain_owner": cx_editor.pk},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == "Open an account"
    assert body["group_name"] == "Becoming a customer"
    assert body["personas"] == [persona.pk]
    assert body["chain_owner_name"] == cx_editor.get_full_name()
    assert body["state"] == "current" and body["phase"] == "discover"
    assert body["version"] == 1 and body["structure_version"] == 1
    assert body["stage_count"] == 0

    url = f"/api/v1/journeys/{body['id']}/"
    assert editor_client.get(url).json()["name"] == "Open an account"

    edited = editor_client.patch(url, {"version": 1, "phase": "define", "personas": []}, content_type=JSON)
    assert edited.status_code == 200, edited.json()
    assert edited.json()["phase"] == "define"
    assert edited.json()["personas"] == []
    assert edited.json()["version"] == 2

    assert editor_client.delete(f"{url}?version=2").status_code == 204
    assert not Journey.objects.filter(pk=body["id"]).exists()


@pytest.mark.django_db
def test_an_edit_without_a_version_is_refused_naming_the_version(editor_client):
    journey = JourneyFactory(name="Open an account")
    url = f"/api/v1/journeys/{journey.pk}/"

    response = editor_client.patch(url, {"name": "Renamed"}, content_type=JSON)
    assert response.status_code == 400
    assert "version" in response.json()

    response = editor_client.delete(url)
    assert response.status_code == 400
    assert "version" in response.json()

    journey.refresh_from_db()
    assert journey.name == "Open an account"


@pytest.mark.django_db
def test_a_stale_journey_edit_gets_409_with_the_fresh_journey_and_changes_nothing(editor_client):
    journey = JourneyFactory(name="Open an account")
    url = f"/api/v1/journeys/{journey.pk}/"
    assert editor_client.patch(url, {"version": 1, "name": "Open a bank account"}, content_type=JSON).status_code == 200

    stale = editor_client.patch(url, {"version": 1, "name": "Open a savings account"}, content_type=JSON)
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale_version"
    assert "Someone else changed this" in body["detail"]
    assert body["current"]["name"] == "Open a bank account"
    assert body["current"]["version"] == 2
    journey.refresh_from_db()
    assert journey.name == "Open a bank account"

    stale_delete = editor_client.delete(f"{url}?version=1")
    assert stale_delete.status_code == 409
    assert stale_delete.json()["current"]["version"] == 2
    assert Journey.objects.filter(pk=journey.pk).exists()


@pytest.mark.django_db
def test_an_invalid_journey_is_refused_naming_the_field(editor_client):
    group = JourneyGroupFactory()
    response = editor_client.post(
        "/api/v1/journeys/", {"name": "", "group": group.pk, "phase": "dream"}, content_type=JSON
    )
    assert response.status_code == 400
    assert {"name", "phase"} <= set(response.json())
    assert not Journey.objects.exists()


@pytest.mark.django_db
def test_journeys_filter_by_group_persona_state_phase_and_search(editor_client):
    becoming, staying = JourneyGroupFactory(), JourneyGroupFactory()
    starter, senior = PersonaFactory(), PersonaFactory()
    JourneyFactory(name="Open an account", group=becoming, personas=[starter], description="via the app")
    JourneyFactory(name="Report a claim", group=staying, personas=[senior], phase="deliver", description="")
    JourneyFactory(name="Cancel", group=staying, personas=[starter, senior], state="future", description="")

    def listed(query: str) -> list[str]:
        response = editor_client.get(f"/api/v1/journeys/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(names(response))

    assert listed("") == ["Cancel", "Open an account", "Report a claim"]
    assert listed(f"group={becoming.pk}") == ["Open an account"]
    assert listed(f"persona={senior.pk}") == ["Cancel", "Report a claim"]
    assert listed("state=future") == ["Cancel"]
    assert listed("phase=deliver") == ["Report a claim"]
    assert listed("search=claim") == ["Report a claim"]
    assert listed("search=APP") == ["Open an account"]  # description, any case
    assert listed(f"group={staying.pk}&persona={starter.pk}") == ["Cancel"]
    assert editor_client.get("/api/v1/journeys/?state=someday").status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 200])
def test_the_journeys_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    group = JourneyGroupFactory()
    personas = PersonaFactory.create_batch(2)
    for journey in JourneyFactory.create_batch(count, group=group, personas=personas):
        StageFactory(journey=journey)
    # session, user, count, journeys (+group, chain owner, current state, map sizes), personas
    with django_assert_num_queries(5):
        response = editor_client.get("/api/v1/journeys/?page_size=500")
    rows = response.json()["results"]
    assert len(rows) == count
    assert rows[0]["stage_count"] == 1 and len(rows[0]["personas"]) == 2


# Personas and channels


@pytest.mark.django_db
def test_a_cx_editor_manages_personas(editor_client):
    created = editor_client.post(
        "/api/v1/personas/", {"name": "Starter Sam", "segment": "Students", "colour": "#112233"}, content_type=JSON
    )
    assert created.status_code == 201, created.json()
    assert created.json()["journey_count"] == 0
    url = f"/api/v1/personas/{created.json()['id']}/"

    JourneyFactory(personas=[Persona.objects.get()])
    edited = editor_client.patch(url, {"quote": "Make it quick"}, content_type=JSON)
    assert edited.status_code == 200
    assert edited.json()["quote"] == "Make it quick"
    assert edited.json()["journey_count"] == 1

    bad = editor_client.patch(url, {"colour": "teal"}, content_type=JSON)
    assert bad.status_code == 400
    assert "colour" in bad.json()

    assert editor_client.delete(url).status_code == 204
    assert not Persona.objects.exists()


@pytest.mark.django_db
def test_a_cx_editor_manages_channels(editor_client):
    created = editor_client.post("/api/v1/channels/", {"name": "Kiosk", "slug": "kiosk"}, content_type=JSON)
    assert created.status_code == 201, created.json()
    assert created.json()["position"] > Channel.objects.get(slug="letter").position  # added at the end
    url = f"/api/v1/channels/{created.json()['id']}/"

    assert editor_client.patch(url, {"name": "Self-service kiosk"}, content_type=JSON).json()["name"] == (
        "Self-service kiosk"
    )
    duplicate = editor_client.post("/api/v1/channels/", {"name": "Web 2", "slug": "web"}, content_type=JSON)
    assert duplicate.status_code == 400
    assert "slug" in duplicate.json()

    assert editor_client.delete(url).status_code == 204
    assert not Channel.objects.filter(slug="kiosk").exists()


@pytest.mark.django_db
def test_deleting_a_channel_in_use_is_refused_with_a_clear_message(editor_client):
    channel = ChannelFactory(slug="kiosk", name="Kiosk")
    TouchpointFactory.create_batch(2, channel=channel)

    response = editor_client.delete(f"/api/v1/channels/{channel.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "channel_in_use"
    assert "Kiosk is used by 2 touchpoints" in response.json()["detail"]
    assert Channel.objects.filter(pk=channel.pk).exists()


# Who may do what


def _writes(journey: Journey, stage: Stage, touchpoint: Touchpoint) -> list[tuple[str, str, dict]]:
    """One request for every kind of write the journeys API offers."""
    finding = FindingFactory(touchpoint=touchpoint)
    persona, channel = PersonaFactory(), ChannelFactory()
    structure = {"structure_version": journey.structure_version, "stages": [{"id": stage.pk}]}
    return [
        ("post", "/api/v1/journeys/", {"name": "New", "group": journey.group_id}),
        ("patch", f"/api/v1/journeys/{journey.pk}/", {"version": 1, "name": "Renamed"}),
        ("put", f"/api/v1/journeys/{journey.pk}/", {"version": 1, "name": "Renamed", "group": journey.group_id}),
        ("delete", f"/api/v1/journeys/{journey.pk}/?version=1", {}),
        ("post", f"/api/v1/journeys/{journey.pk}/reorder/", structure),
        ("post", f"/api/v1/journeys/{journey.pk}/future-state/", {}),
        ("post", "/api/v1/personas/", {"name": "New"}),
        ("patch", f"/api/v1/personas/{persona.pk}/", {"name": "Renamed"}),
        ("delete", f"/api/v1/personas/{persona.pk}/", {}),
        ("post", "/api/v1/channels/", {"name": "New", "slug": "new"}),
        ("patch", f"/api/v1/channels/{channel.pk}/", {"name": "Renamed"}),
        ("delete", f"/api/v1/channels/{channel.pk}/", {}),
        ("post", "/api/v1/stages/", {"journey": journey.pk, "name": "New"}),
        ("patch", f"/api/v1/stages/{stage.pk}/", {"version": 1, "name": "Renamed"}),
        ("delete", f"/api/v1/stages/{stage.pk}/?version=1", {}),
        ("post", "/api/v1/touchpoints/", {"stage": stage.pk, "name": "New"}),
        ("patch", f"/api/v1/touchpoints/{touchpoint.pk}/", {"version": 1, "name": "Renamed"}),
        ("delete", f"/api/v1/touchpoints/{touchpoint.pk}/?version=1", {}),
        ("post", "/api/v1/findings/", {"touchpoint": touchpoint.pk, "kind": "insight", "text": "New"}),
        ("patch", f"/api/v1/findings/{finding.pk}/", {"version": 1, "text": "Renamed"}),
        ("delete", f"/api/v1/findings/{finding.pk}/?version=1", {}),
    ]


def _snapshot() -> list:
    return [
        list(Journey.objects.order_by("pk").values_list("pk", "name", "version", "structure_version")),
        list(Persona.objects.order_by("pk").values_list("pk", "name")),
        list(Channel.objects.order_by("pk").values_list("pk", "name")),
        list(Stage.objects.order_by("pk").values_list("pk", "name", "position", "version")),
        list(Touchpoint.objects.order_by("pk").values_list("pk", "name", "stage", "position", "version")),
        list(Finding.objects.order_by("pk").values_list("pk", "text", "version")),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["manager", "process_owner"])
def test_managers_and_process_owners_read_but_every_write_is_refused_with_the_reason(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    touchpoint = TouchpointFactory()
    journey, stage = touchpoint.journey, touchpoint.stage
    writes = _writes(journey, stage, touchpoint)
    before = _snapshot()

    for method, url, body in writes:
        response = getattr(client, method)(url, body, content_type=JSON)
        assert response.status_code == 403, (method, url)
        assert response.json()["detail"] == str(CANNOT_EDIT_REASON), (method, url)

    assert _snapshot() == before
    for url in [
        "/api/v1/journeys/",
        f"/api/v1/journeys/{journey.pk}/map/",
        "/api/v1/touchpoints/",
        "/api/v1/findings/",
    ]:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_an_admin_may_write(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/api/v1/personas/", {"name": "Senior Sue"}, content_type=JSON)
    assert response.status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["journey-groups", "journeys", "personas", "channels", "stages", "touchpoints", "findings"]
)
def test_anonymous_requests_get_401(url):
    client = Client()
    assert client.get(f"/api/v1/{url}/").status_code == 401
    assert client.post(f"/api/v1/{url}/", {}, content_type=JSON).status_code == 401


@pytest.mark.django_db
def test_journey_groups_stay_read_only(editor_client):
    group = JourneyGroupFactory()
    assert editor_client.post("/api/v1/journey-groups/", {"name": "x"}, content_type=JSON).status_code == 405
    assert editor_client.delete(f"/api/v1/journey-groups/{group.pk}/").status_code == 405


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_journeys_endpoints(editor_client):
    paths = editor_client.get("/api/schema/?format=json").json()["paths"]
    assert {
        "/api/v1/journeys/",
        "/api/v1/journeys/{id}/map/",
        "/api/v1/journeys/{id}/reorder/",
        "/api/v1/journeys/{id}/future-state/",
        "/api/v1/personas/",
        "/api/v1/channels/",
        "/api/v1/stages/",
        "/api/v1/touchpoints/",
        "/api/v1/findings/",
    } <= set(paths)
    delete = paths["/api/v1/touchpoints/{id}/"]["delete"]
    assert any(p["name"] == "version" and p["required"] for p in delete["parameters"])
    assert "409" in delete["responses"]
