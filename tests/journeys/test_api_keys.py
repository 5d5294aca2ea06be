"""Keys in the journeys API: read and written (validated, unique, a 400 naming the field), aliases on
touchpoints, journeys, stages and touchpoints addressed by key in the URL, and list filters that take keys."""

import pytest

from journeys.models import Stage, Touchpoint
from tests.journeys.factories import FindingFactory, JourneyFactory, StageFactory, TouchpointFactory

JSON = "application/json"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_the_editor_owns_every_journey_group")]


@pytest.fixture
def claims():
    journey = JourneyFactory(name="Report a claim")
    stage = StageFactory(journey=journey, name="Report")
    phone = TouchpointFactory(stage=stage, name="Claim by phone", aliases=["Q7"])
    web = TouchpointFactory(stage=stage, name="Claim online")
    return journey, stage, phone, web


def test_keys_and_aliases_are_in_the_answers(editor_client, claims):
    journey, stage, phone, _web = claims
    assert editor_client.get(f"/api/v1/journeys/{journey.pk}/").json()["key"] == "report-a-claim"
    assert editor_client.get(f"/api/v1/stages/{stage.pk}/").json()["key"] == "report"
    body = editor_client.get(f"/api/v1/touchpoints/{phone.pk}/").json()
    assert (body["key"], body["aliases"]) == ("claim-by-phone", ["Q7"])
    whole = editor_client.get(f"/api/v1/journeys/{journey.pk}/map/").json()
    assert whole["key"] == "report-a-claim"
    assert whole["stages"][0]["key"] == "report"
    assert whole["stages"][0]["touchpoints"][0]["key"] == "claim-by-phone"


def test_a_journey_is_addressed_by_its_key_as_by_its_id(editor_client, claims):
    journey, *_ = claims
    by_key = editor_client.get("/api/v1/journeys/report-a-claim/")
    assert by_key.status_code == 200
    assert by_key.json()["id"] == journey.pk
    patched = editor_client.patch(
        "/api/v1/journeys/report-a-claim/", {"description": "Damage", "version": journey.version}, content_type=JSON
    )
    assert patched.status_code == 200, patched.json()
    assert editor_client.get("/api/v1/journeys/report-a-claim/map/").json()["description"] == "Damage"
    unknown = editor_client.get("/api/v1/journeys/no-such-journey/")
    assert unknown.status_code == 404
    assert "no-such-journey" in unknown.json()["detail"]


def test_a_touchpoint_is_addressed_by_key_or_alias_within_its_journey(editor_client, claims):
    journey, _stage, phone, _web = claims
    other = TouchpointFactory(stage=StageFactory(journey=JourneyFactory(name="Other")), name="Claim by phone")
    by_key = editor_client.get("/api/v1/touchpoints/claim-by-phone/?journey=report-a-claim")
    assert by_key.json()["id"] == phone.pk
    assert editor_client.get(f"/api/v1/touchpoints/q7/?journey={journey.pk}").json()["id"] == phone.pk
    assert editor_client.get("/api/v1/touchpoints/claim-by-phone/?journey=other").json()["id"] == other.pk
    # Without the journey, a key two journeys use names no one touchpoint.
    ambiguous = editor_client.get("/api/v1/touchpoints/claim-by-phone/")
    assert ambiguous.status_code == 404
    assert "?journey=" in ambiguous.json()["detail"]
    assert editor_client.get("/api/v1/touchpoints/claim-online/").json()["name"] == "Claim online"


def test_keys_are_written_validated_and_unique(editor_client, claims):
    journey, _stage, phone, web = claims
    bad = editor_client.patch(
        f"/api/v1/touchpoints/{phone.pk}/", {"key": "Claim By Phone", "version": phone.version}, content_type=JSON
    )
    assert bad.status_code == 400
    assert "lower-case letters" in bad.json()["key"][0]
    taken = editor_client.patch(
        f"/api/v1/touchpoints/{phone.pk}/", {"key": web.key, "version": phone.version}, content_type=JSON
    )
    assert taken.status_code == 400
    assert taken.json()["key"] == [
        "The touchpoint “Claim online” of this journey has the key “claim-online” already: choose another."
    ]
    good = editor_client.patch(
        f"/api/v1/touchpoints/{phone.pk}/",
        {"key": "phone", "aliases": ["Q7", "TEL-1"], "version": phone.version},
        content_type=JSON,
    )
    assert good.status_code == 200, good.json()
    assert (good.json()["key"], good.json()["aliases"]) == ("phone", ["Q7", "TEL-1"])
    stage_taken = editor_client.post(
        "/api/v1/stages/", {"journey": "report-a-claim", "name": "Again", "key": "report"}, content_type=JSON
    )
    assert stage_taken.status_code == 400
    assert "The stage “Report” of this journey has the key “report” already" in stage_taken.json()["key"][0]
    other = JourneyFactory(name="Open an account")
    journey_taken = editor_client.patch(
        f"/api/v1/journeys/{other.pk}/", {"key": journey.key, "version": other.version}, content_type=JSON
    )
    assert journey_taken.status_code == 400
    assert "The journey “Report a claim” has the key “report-a-claim” already" in journey_taken.json()["key"][0]
    assert Stage.objects.filter(journey=journey).count() == 1


def test_aliases_are_checked(editor_client, claims):
    _journey, _stage, _phone, web = claims
    url = f"/api/v1/touchpoints/{web.pk}/"
    clash = editor_client.patch(url, {"aliases": ["q7"], "version": web.version}, content_type=JSON)
    assert clash.status_code == 400
    assert clash.json()["aliases"] == [
        "The alias “q7” is an alias of the touchpoint “Claim by phone” of this journey already."
    ]
    too_many = editor_client.patch(
        url, {"aliases": [f"c{n}" for n in range(21)], "version": web.version}, content_type=JSON
    )
    assert too_many.status_code == 400 and "aliases" in too_many.json()
    empty = editor_client.patch(url, {"aliases": [" "], "version": web.version}, content_type=JSON)
    assert empty.status_code == 400 and "aliases" in empty.json()
    assert Touchpoint.objects.get(pk=web.pk).aliases == []


def test_a_touchpoint_is_created_in_a_stage_named_by_key(editor_client, claims):
    journey, stage, *_ = claims
    created = editor_client.post(
        "/api/v1/touchpoints/",
        {"journey": "report-a-claim", "stage": "report", "name": "Claim by letter"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    assert (created.json()["stage"], created.json()["key"]) == (stage.pk, "claim-by-letter")
    without_journey = editor_client.post(
        "/api/v1/touchpoints/", {"stage": "report", "name": "Claim by fax"}, content_type=JSON
    )
    assert without_journey.status_code == 400
    assert "stage" in without_journey.json()
    assert journey.touchpoints.count() == 3


def test_the_lists_filter_by_journey_and_touchpoint_keys(editor_client, claims):
    journey, stage, phone, web = claims
    TouchpointFactory(stage=StageFactory(journey=JourneyFactory(name="Other")), name="Elsewhere")
    names = [t["name"] for t in editor_client.get("/api/v1/touchpoints/?journey=report-a-claim").json()["results"]]
    assert names == ["Claim by phone", "Claim online"]
    by_stage = editor_client.get("/api/v1/touchpoints/?journey=report-a-claim&stage=report").json()["results"]
    assert len(by_stage) == 2
    stages = editor_client.get(f"/api/v1/stages/?journey={journey.key}").json()["results"]
    assert [s["id"] for s in stages] == [stage.pk]
    unknown = editor_client.get("/api/v1/stages/?journey=no-such-journey")
    assert unknown.status_code == 400
    assert unknown.json()["journey"] == ["No journey has the id or key “no-such-journey”."]
    needs_journey = editor_client.get("/api/v1/findings/?touchpoint=claim-by-phone")
    assert needs_journey.status_code == 400
    assert "journey" in needs_journey.json()["touchpoint"][0]
    finding = FindingFactory(touchpoint=phone, text="On hold too long")
    FindingFactory(touchpoint=web, text="Upload fails")
    findings = editor_client.get("/api/v1/findings/?journey=report-a-claim&touchpoint=q7")
    assert findings.status_code == 200, findings.json()
    assert [f["id"] for f in findings.json()["results"]] == [finding.pk]


def test_a_journey_key_with_a_percent_sign_is_a_bad_parameter_not_a_failure(client_of, cx_editor):
    # django-filter formats the field's message again: a "%" in the value made it fail (found by the fuzzer)
    response = client_of(cx_editor).get("/api/v1/touchpoints/", {"journey": "progress (%)"})
    assert response.status_code == 400
    assert response.json()["journey"] == ["No journey has the id or key “progress (%)”."]
