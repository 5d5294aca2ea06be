"""journeys/{id}/export/ and journeys/import/ through the API."""

import io

import pytest

from journeys.models import Journey
from tests.journeys.factories import build_map
from tests.teams.factories import owning_every_journey_group

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _the_editor_owns_every_journey_group(cx_editor):
    """These tests are about export and import; who owns which journey is tested at the end and in tests/teams."""
    with owning_every_journey_group(cx_editor):
        yield


def test_export_then_import_through_the_api_gives_a_copy(editor_client):
    journey = build_map(stages=2, touchpoints_per_stage=3, findings_per_touchpoint=1, name="Report a claim")
    exported = editor_client.get(f"/api/v1/journeys/{journey.pk}/export/").json()
    assert exported["format"] == "cxplatform.journey"
    assert [len(s["touchpoints"]) for s in exported["stages"]] == [3, 3]
    response = editor_client.post("/api/v1/journeys/import/?name=Claim+copy", exported, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["journey"]["name"] == "Claim copy"
    assert response.json()["journey"]["touchpoint_count"] == 6
    copy = Journey.objects.get(name="Claim copy")
    assert copy.findings.count() == 6


def test_a_file_upload_is_imported_too(editor_client):
    journey = build_map(stages=1, touchpoints_per_stage=1)
    body = editor_client.get(f"/api/v1/journeys/{journey.pk}/export/").content
    upload = io.BytesIO(body)
    upload.name = "journey.json"
    response = editor_client.post("/api/v1/journeys/import/", {"file": upload})
    assert response.status_code == 201


def test_a_malformed_file_is_refused_with_every_problem_and_nothing_is_imported(editor_client):
    journey = build_map(stages=1, touchpoints_per_stage=2)
    data = editor_client.get(f"/api/v1/journeys/{journey.pk}/export/").json()
    data["stages"][0]["touchpoints"][1]["emotion"] = -5
    data["stages"][0]["touchpoints"][0]["name"] = ""
    before = Journey.objects.count()
    response = editor_client.post("/api/v1/journeys/import/", data, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_import"
    assert "stages[0].touchpoints[1].emotion: Ensure this value is greater than or equal to -2." in body["errors"]
    assert "stages[0].touchpoints[0].name: This field may not be blank." in body["errors"]
    assert Journey.objects.count() == before


def test_invalid_json_gets_a_json_error(editor_client):
    response = editor_client.post("/api/v1/journeys/import/", "{oops", content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_only_editors_import(client, manager):
    client.force_login(manager)
    response = client.post("/api/v1/journeys/import/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only CX editors and admins can change journey maps."


def test_an_editor_cannot_import_into_a_group_their_team_does_not_own(client, outsider, exported_map):
    client.force_login(outsider)
    before = Journey.objects.count()
    response = client.post("/api/v1/journeys/import/", exported_map, content_type="application/json")
    assert response.status_code == 403
    assert "Only CX editors of a team that owns this journey's group" in response.json()["detail"]
    assert Journey.objects.count() == before


@pytest.fixture
def exported_map(editor_client) -> dict:
    """A map as its editor exported it."""
    journey = build_map(stages=1, touchpoints_per_stage=1)
    return editor_client.get(f"/api/v1/journeys/{journey.pk}/export/").json()
