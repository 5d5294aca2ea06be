"""Qualtrics: an event subscription's form notification (HMAC-SHA512 of MSG with the sharedKey), the call back to
the Response API on a real local HTTP server, and the Web Service task's JSON."""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from metrics.connectors.vendors import FetchFailed, Ignored, PayloadInvalid, SignatureInvalid, get_vendor
from tests.metrics.connectors.conftest import load_payload, payload_bytes

SHARED_KEY = "qualtrics-shared-key-from-the-source-page"
TOPIC = "acmeinsurance.surveyengine.completedResponse.SV_22VlHYNeldrrrkp"
NOW = datetime(2026, 3, 2, 9, 14, 5, tzinfo=UTC)


def notification(msg: str, key: str = SHARED_KEY, *, topic: str = TOPIC) -> bytes:
    """The x-www-form-urlencoded body Qualtrics posts to a subscription with a sharedKey."""
    signature = hmac.new(key.encode(), msg.encode(), hashlib.sha512).hexdigest()
    return urlencode({"Topic": topic, "MSG": msg, "HMAC": signature}).encode()


@pytest.fixture
def qualtrics():
    return get_vendor("qualtrics")


@pytest.fixture
def msg():
    return payload_bytes("qualtrics_completed_response_msg.json").decode().strip()


def test_a_notification_signed_with_the_shared_key_verifies_and_decodes(qualtrics, msg):
    body = notification(msg)
    qualtrics.verify(secret=SHARED_KEY, headers={}, body=body, now=NOW)
    payload = qualtrics.decode(body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert payload["Topic"] == TOPIC
    assert payload["ResponseID"] == "R_1l9mcVuXubb4aGm"
    assert qualtrics.needs_fetch(payload)


@pytest.mark.parametrize("case", ["wrong key", "tampered message", "no HMAC field"])
def test_a_bad_notification_is_refused(qualtrics, msg, case):
    if case == "wrong key":
        body = notification(msg, key="another key")
    elif case == "tampered message":
        body = notification(msg).replace(b"R_1l9mcVuXubb4aGm", b"R_0000000000000aa")
    else:
        body = urlencode({"Topic": TOPIC, "MSG": msg}).encode()
    with pytest.raises(SignatureInvalid):
        qualtrics.verify(secret=SHARED_KEY, headers={}, body=body, now=NOW)


def test_parse_knows_the_ids_and_the_naive_completed_date(qualtrics, msg):
    [submission] = qualtrics.parse(qualtrics.decode(notification(msg), headers={}), config={})
    assert (submission.external_id, submission.survey_id) == ("R_1l9mcVuXubb4aGm", "SV_22VlHYNeldrrrkp")
    assert submission.responded_at == datetime(2026, 3, 2, 9, 14, 2)
    assert submission.answers == {}


def test_another_topic_is_ignored(qualtrics, msg):
    payload = qualtrics.decode(notification(msg, topic="acme.surveyengine.partialResponse.SV_1"), headers={})
    with pytest.raises(Ignored):
        qualtrics.parse(payload, config={})


def test_a_form_without_msg_is_invalid(qualtrics):
    with pytest.raises(PayloadInvalid, match="MSG"):
        qualtrics.decode(urlencode({"Topic": TOPIC}).encode(), headers={})


def test_fetch_calls_the_response_api_with_the_token_and_reads_the_answers(qualtrics, msg, fake_api):
    path = "/API/v3/surveys/SV_22VlHYNeldrrrkp/responses/R_1l9mcVuXubb4aGm"
    fake_api.routes[("GET", path)] = (200, load_payload("qualtrics_response_api.json"))
    config = {"datacenter": "fra1", "api_token": "qualtrics-token", "api_base_url": fake_api.url}
    payload = qualtrics.decode(notification(msg), headers={})
    [submission] = qualtrics.fetch(payload, config=config)
    [request] = fake_api.requests
    assert request.path == path
    assert request.headers["X-API-TOKEN"] == "qualtrics-token"
    assert submission.external_id == "R_1l9mcVuXubb4aGm"
    assert submission.responded_at == datetime(2026, 3, 2, 9, 14, 2, 617000, tzinfo=UTC)
    assert set(submission.answers) == {"QID1", "QID2_TEXT", "QID3"}
    assert submission.answers["QID1"].value == 9
    assert submission.answers["QID2_TEXT"].value == "Quick and friendly <b>agent</b>"
    assert submission.hidden == {"journey": "report-a-claim", "touchpoint": "claim-by-phone", "customer": "C-1042"}
    assert submission.meta["distributionChannel"] == "anonymous"
    assert submission.meta["labels"]["QID3"] == "By phone"


@pytest.mark.parametrize(("status", "retryable"), [(401, False), (404, False), (429, True), (500, True), (503, True)])
def test_an_api_error_is_a_fetch_failure_that_says_whether_to_retry(qualtrics, msg, fake_api, status, retryable):
    path = "/API/v3/surveys/SV_22VlHYNeldrrrkp/responses/R_1l9mcVuXubb4aGm"
    fake_api.routes[("GET", path)] = (status, {"meta": {"httpStatus": f"{status}", "error": {}}})
    config = {"api_token": "qualtrics-token", "api_base_url": fake_api.url}
    with pytest.raises(FetchFailed) as failure:
        qualtrics.fetch(qualtrics.decode(notification(msg), headers={}), config=config)
    assert failure.value.retryable is retryable
    assert failure.value.status == status


def test_an_unreachable_api_is_a_retryable_failure(qualtrics, msg):
    config = {"api_token": "t", "api_base_url": "http://127.0.0.1:9"}
    with pytest.raises(FetchFailed) as failure:
        qualtrics.fetch(qualtrics.decode(notification(msg), headers={}), config=config)
    assert failure.value.retryable


def test_fetch_without_a_token_or_data_center_fails_for_good(qualtrics, msg):
    payload = qualtrics.decode(notification(msg), headers={})
    for config in ({"datacenter": "fra1"}, {"api_token": "t", "datacenter": "evil.example.com/x"}):
        with pytest.raises(FetchFailed) as failure:
            qualtrics.fetch(payload, config=config)
        assert not failure.value.retryable


def test_an_unfinished_fetched_response_is_ignored(qualtrics, msg, fake_api):
    answer = load_payload("qualtrics_response_api.json")
    answer["result"]["values"]["finished"] = 0
    fake_api.routes[("GET", "/API/v3/surveys/SV_22VlHYNeldrrrkp/responses/R_1l9mcVuXubb4aGm")] = (200, answer)
    with pytest.raises(Ignored):
        qualtrics.fetch(
            qualtrics.decode(notification(msg), headers={}), config={"api_token": "t", "api_base_url": fake_api.url}
        )


def test_a_web_service_task_body_with_the_secret_header_is_read_without_a_call_back(qualtrics):
    body = payload_bytes("qualtrics_web_service.json")
    qualtrics.verify(secret=SHARED_KEY, headers={"x-webhook-secret": SHARED_KEY}, body=body, now=NOW)
    payload = qualtrics.decode(body, headers={"Content-Type": "application/json"})
    assert not qualtrics.needs_fetch(payload)
    [submission] = qualtrics.fetch(payload, config={})
    assert submission.external_id == "R_3pQ8xYz2LmN4oP1"
    assert submission.answers["QID1"].value == "7"
    assert "userLanguage" not in submission.answers
    assert submission.hidden == {"journey": "report-a-claim", "touchpoint": "claim-by-phone"}
    assert submission.responded_at == datetime(2026, 3, 2, 9, 14, 2)


@pytest.mark.parametrize("headers", [{}, {"X-Webhook-Secret": "guess"}])
def test_a_web_service_body_without_the_secret_is_refused(qualtrics, headers):
    body = json.dumps(load_payload("qualtrics_web_service.json")).encode()
    with pytest.raises(SignatureInvalid):
        qualtrics.verify(secret=SHARED_KEY, headers=headers, body=body, now=NOW)
