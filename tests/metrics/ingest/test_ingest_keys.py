"""Responses name their journey by key and their touchpoint by key or alias (journeys.keys), through the API and a
CSV file; the metrics API's lists and the KPI summary filter by keys; an unknown key is a clear 400."""

import pytest

from metrics.models import FollowUpCase, SurveyResponse
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.ingest_data import csv_bytes, csv_row, make_map, recent, record, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def voc_map(db):
    voc = make_map()
    voc.touchpoint.aliases = ["Q7-PHONE"]
    voc.touchpoint.save()
    return voc


def test_a_response_names_its_journey_by_key_and_its_touchpoint_by_alias(editor_client, voc_map):
    body = record(voc_map, journey=voc_map.journey.key, touchpoint="q7-phone", external_id="k-1")
    response = editor_client.post("/api/v1/responses/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    stored = SurveyResponse.objects.get()
    assert (stored.journey, stored.touchpoint) == (voc_map.journey, voc_map.touchpoint)


def test_a_response_names_its_touchpoint_by_key(editor_client, voc_map):
    body = record(voc_map, journey="report-a-claim", touchpoint=voc_map.second_touchpoint.key)
    response = editor_client.post("/api/v1/responses/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert SurveyResponse.objects.get().touchpoint == voc_map.second_touchpoint


def test_an_unknown_touchpoint_key_stores_nothing_and_says_why(editor_client, voc_map):
    body = record(voc_map, journey="report-a-claim", touchpoint="no-such-touchpoint")
    response = editor_client.post("/api/v1/responses/", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "touchpoint"
    assert "no-such-touchpoint" in error["message"]
    assert not SurveyResponse.objects.exists()


def test_a_csv_file_names_journeys_and_touchpoints_by_key_and_alias(editor_client, voc_map):
    data = csv_bytes(
        [
            csv_row(voc_map, journey="report-a-claim", touchpoint="Q7-phone", respondent="r-1"),
            csv_row(voc_map, journey="report-a-claim", touchpoint=voc_map.second_touchpoint.key, respondent="r-2"),
        ]
    )
    response = editor_client.post("/api/v1/responses/import/", {"file": upload(data)})
    assert response.status_code in (200, 201), response.json()
    stored = dict(SurveyResponse.objects.values_list("respondent", "touchpoint"))
    assert stored == {"r-1": voc_map.touchpoint.pk, "r-2": voc_map.second_touchpoint.pk}


def test_the_responses_list_filters_by_journey_key_and_touchpoint_alias(editor_client, voc_map):
    mine = SurveyResponseFactory(journey=voc_map.journey, touchpoint=voc_map.touchpoint)
    SurveyResponseFactory(journey=voc_map.journey, touchpoint=voc_map.second_touchpoint)
    SurveyResponseFactory(journey=voc_map.other_journey, touchpoint=voc_map.foreign_touchpoint)
    listed = editor_client.get("/api/v1/responses/", {"journey": "report-a-claim"}).json()["results"]
    assert len(listed) == 2
    listed = editor_client.get("/api/v1/responses/", {"journey": "report-a-claim", "touchpoint": "q7-phone"})
    assert [r["id"] for r in listed.json()["results"]] == [mine.pk]
    unknown = editor_client.get("/api/v1/responses/", {"journey": "nope"})
    assert unknown.status_code == 400
    assert unknown.json()["journey"] == ["No journey has the id or key “nope”."]
    no_journey = editor_client.get("/api/v1/responses/", {"touchpoint": "q7-phone"})
    assert no_journey.status_code == 400 and "touchpoint" in no_journey.json()
    other = editor_client.get("/api/v1/responses/", {"journey": "open-an-account", "touchpoint": "q7-phone"})
    assert other.status_code == 400
    assert "“open-an-account” has no touchpoint with the key or alias “q7-phone”" in other.json()["touchpoint"][0]


def test_the_followups_list_filters_by_journey_key(admin_client, voc_map):
    body = record(voc_map, score=2, responded_at=recent())
    admin_client.post("/api/v1/responses/", body, content_type="application/json")
    assert FollowUpCase.objects.count() == 1
    listed = admin_client.get("/api/v1/followups/", {"journey": "report-a-claim", "touchpoint": "Q7-PHONE"})
    assert listed.status_code == 200, listed.json()
    assert len(listed.json()["results"]) == 1
    assert admin_client.get("/api/v1/followups/", {"journey": "open-an-account"}).json()["results"] == []


def test_the_kpi_summary_takes_keys(editor_client, voc_map):
    by_key = editor_client.get("/api/v1/kpis/summary/", {"journey": "report-a-claim", "touchpoint": "q7-phone"})
    by_id = editor_client.get(
        "/api/v1/kpis/summary/", {"journey": voc_map.journey.pk, "touchpoint": voc_map.touchpoint.pk}
    )
    assert by_key.status_code == 200, by_key.json()
    assert by_key.json()["results"] == by_id.json()["results"]
    unknown = editor_client.get("/api/v1/kpis/summary/", {"journey": "nope"})
    assert unknown.status_code == 400 and "journey" in unknown.json()
