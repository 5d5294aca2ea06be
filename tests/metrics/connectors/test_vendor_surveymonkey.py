"""SurveyMonkey: the Sm-Signature (HMAC-SHA1 keyed with the app's "api_key&secret"), the event with ids only, and
the call back to the API on a real local HTTP server."""

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from metrics.connectors.vendors import FetchFailed, Ignored, PayloadInvalid, SignatureInvalid, get_vendor
from tests.metrics.connectors.conftest import load_payload, payload_bytes

API_KEY, API_SECRET = "sm-client-id-123", "sm-client-secret-456"
KEY = f"{API_KEY}&{API_SECRET}"
NOW = datetime(2026, 3, 2, 9, 14, 5, tzinfo=UTC)
RESPONSE_PATH = "/v3/surveys/405723396/responses/114071584735/details"
SURVEY_PATH = "/v3/surveys/405723396/details"


def sm_headers(body: bytes, key: str = KEY, api_key: str = API_KEY) -> dict[str, str]:
    """As SurveyMonkey documents it: base64 of HMAC-SHA1 of the body with key "api_key&api_secret"."""
    signature = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha1).digest()).decode()
    return {"Sm-Apikey": api_key, "Sm-Signature": signature}


@pytest.fixture
def surveymonkey():
    return get_vendor("surveymonkey")


def test_the_key_comes_from_surveymonkey(surveymonkey):
    assert surveymonkey.secret_from_tool
    assert surveymonkey.new_secret() == ""


def test_a_signed_event_verifies(surveymonkey):
    body = payload_bytes("surveymonkey_response_completed.json")
    surveymonkey.verify(secret=KEY, headers=sm_headers(body), body=body, now=NOW)


@pytest.mark.parametrize("case", ["wrong secret", "tampered body", "no signature", "other app", "no key stored"])
def test_a_bad_event_is_refused(surveymonkey, case):
    body = payload_bytes("surveymonkey_response_completed.json")
    headers, secret = sm_headers(body), KEY
    if case == "wrong secret":
        headers = sm_headers(body, key=f"{API_KEY}&other")
    elif case == "tampered body":
        body = body.replace(b"114071584735", b"114071584736")
    elif case == "no signature":
        del headers["Sm-Signature"]
    elif case == "other app":
        headers = sm_headers(body, api_key="another-app")
    else:
        secret = ""
    with pytest.raises(SignatureInvalid):
        surveymonkey.verify(secret=secret, headers=headers, body=body, now=NOW)


def test_parse_knows_the_ids(surveymonkey):
    [submission] = surveymonkey.parse(load_payload("surveymonkey_response_completed.json"), config={})
    assert (submission.external_id, submission.survey_id) == ("114071584735", "405723396")
    assert submission.responded_at == datetime(2026, 3, 2, 9, 14, 2, 313860, tzinfo=UTC)
    assert surveymonkey.needs_fetch(load_payload("surveymonkey_response_completed.json"))


def test_other_events_are_ignored_and_broken_ones_invalid(surveymonkey):
    payload = load_payload("surveymonkey_response_completed.json")
    with pytest.raises(Ignored):
        surveymonkey.parse({**payload, "event_type": "response_disqualified"}, config={})
    del payload["resources"]["survey_id"]
    with pytest.raises(PayloadInvalid, match=r"resources\.survey_id"):
        surveymonkey.parse(payload, config={})


def test_fetch_reads_the_response_details_with_the_bearer_token(surveymonkey, fake_api):
    fake_api.routes[("GET", RESPONSE_PATH)] = (200, load_payload("surveymonkey_response_details.json"))
    fake_api.routes[("GET", SURVEY_PATH)] = (200, load_payload("surveymonkey_survey_details.json"))
    config = {"access_token": "sm-token", "api_base_url": fake_api.url}
    [submission] = surveymonkey.fetch(load_payload("surveymonkey_response_completed.json"), config=config)
    assert [request.path for request in fake_api.requests] == [RESPONSE_PATH, SURVEY_PATH]
    assert {request.headers["Authorization"] for request in fake_api.requests} == {"Bearer sm-token"}
    nps = submission.answers["152883021"]
    assert (nps.value, nps.label) == (9, "How likely are you to recommend us to a friend?")
    assert submission.answers["152883022"].value == "Quick and friendly <b>agent</b>"
    assert submission.answers["152883023"].value == ["Phone", "Email"]
    assert submission.hidden == {"journey": "report-a-claim", "touchpoint": "claim-by-phone"}
    assert submission.responded_at == datetime(2026, 3, 2, 9, 14, 2, tzinfo=UTC)
    assert submission.meta["collector_id"] == "250253586"


def test_fetch_failures_say_whether_to_retry(surveymonkey, fake_api):
    config = {"access_token": "sm-token", "api_base_url": fake_api.url}
    payload = load_payload("surveymonkey_response_completed.json")
    fake_api.routes[("GET", RESPONSE_PATH)] = (401, {"error": {"name": "Authorization Error"}})
    with pytest.raises(FetchFailed) as refused:
        surveymonkey.fetch(payload, config=config)
    assert not refused.value.retryable
    fake_api.routes[("GET", RESPONSE_PATH)] = (503, {"error": {}})
    with pytest.raises(FetchFailed) as down:
        surveymonkey.fetch(payload, config=config)
    assert down.value.retryable
    with pytest.raises(FetchFailed) as no_token:
        surveymonkey.fetch(payload, config={})
    assert not no_token.value.retryable


def test_a_fetched_response_that_is_not_completed_is_ignored(surveymonkey, fake_api):
    details = load_payload("surveymonkey_response_details.json")
    details["response_status"] = "partial"
    fake_api.routes[("GET", RESPONSE_PATH)] = (200, details)
    fake_api.routes[("GET", SURVEY_PATH)] = (200, load_payload("surveymonkey_survey_details.json"))
    with pytest.raises(Ignored):
        surveymonkey.fetch(
            load_payload("surveymonkey_response_completed.json"),
            config={"access_token": "t", "api_base_url": fake_api.url},
        )
