"""Formbricks: Standard Webhooks signatures (standardwebhooks library) and its response payload, answers and hidden
fields side by side."""

from datetime import UTC, datetime, timedelta

import pytest

from metrics.connectors.vendors import Ignored, PayloadInvalid, SignatureInvalid, get_vendor
from tests.metrics.connectors.conftest import load_payload, payload_bytes, standard_webhooks_headers

NPS = "npsq7k2m9p4q1r5s8t"


@pytest.fixture
def formbricks():
    return get_vendor("formbricks")


@pytest.fixture
def secret(formbricks):
    return formbricks.new_secret()


def test_new_secrets_are_standard_webhooks_secrets(formbricks, secret):
    assert secret.startswith("whsec_")
    assert secret != formbricks.new_secret()


def test_a_delivery_signed_by_the_standardwebhooks_library_verifies(formbricks, secret):
    body = payload_bytes("formbricks_response_finished.json")
    headers = standard_webhooks_headers(secret, body)
    formbricks.verify(secret=secret, headers=headers, body=body, now=datetime.now(tz=UTC))


@pytest.mark.parametrize(
    "case", ["wrong secret", "tampered body", "missing signature", "missing id", "old timestamp", "future timestamp"]
)
def test_a_bad_delivery_is_refused(formbricks, secret, case):
    body = payload_bytes("formbricks_response_finished.json")
    now = datetime.now(tz=UTC)
    headers = standard_webhooks_headers(secret, body)
    if case == "wrong secret":
        headers = standard_webhooks_headers(formbricks.new_secret(), body)
    elif case == "tampered body":
        body = body.replace(b'"npsq7k2m9p4q1r5s8t": 9', b'"npsq7k2m9p4q1r5s8t": 10')
    elif case == "missing signature":
        del headers["webhook-signature"]
    elif case == "missing id":
        del headers["webhook-id"]
    elif case == "old timestamp":
        headers = standard_webhooks_headers(secret, body, at=now - timedelta(minutes=6))
    else:
        headers = standard_webhooks_headers(secret, body, at=now + timedelta(minutes=6))
    with pytest.raises(SignatureInvalid):
        formbricks.verify(secret=secret, headers=headers, body=body, now=now)


def test_a_secret_that_is_not_whsec_is_refused_not_crashed(formbricks):
    body = payload_bytes("formbricks_response_finished.json")
    headers = standard_webhooks_headers("whsec_" + "A" * 43, body)
    with pytest.raises(SignatureInvalid):
        formbricks.verify(secret="not base64 !!", headers=headers, body=body, now=datetime.now(tz=UTC))


def test_parse_reads_every_data_key_as_an_answer_and_the_listed_ones_as_hidden(formbricks):
    [submission] = formbricks.parse(
        load_payload("formbricks_response_finished.json"), config={"hidden_fields": "journey, touchpoint"}
    )
    assert submission.external_id == "clx9k4p7q0002abcdresponse"
    assert submission.survey_id == "clx9k1a2b0000abcdsurvey01"
    assert submission.responded_at == datetime(2026, 3, 2, 9, 14, 2, 118000, tzinfo=UTC)
    assert submission.answers[NPS].value == 9
    assert submission.answers["cmt8n3b6v1c4x7z2a"].value == "Quick and friendly <b>agent</b>"
    assert submission.answers["chn4f7g1h5j8k2l6"].value == ["Phone", "Email"]
    assert submission.answers["journey"].value == "report-a-claim"
    # Hidden: the configured hidden fields and the query parameters of the page the survey ran on.
    assert submission.hidden == {
        "journey": "report-a-claim",
        "touchpoint": "claim-by-phone",
        "channel": "phone",
        "lang": "nl",
    }
    assert submission.meta["userId"] == "C-1042"
    assert submission.meta["country"] == "NL"
    assert submission.meta["tags"] == ["claims"]
    assert submission.meta["contactAttributes"] == {"email": "anna@example.com", "segment": "private"}


def test_without_configured_hidden_fields_only_url_parameters_are_hidden(formbricks):
    [submission] = formbricks.parse(load_payload("formbricks_response_finished.json"), config={})
    assert submission.hidden == {"channel": "phone", "lang": "nl"}
    assert "touchpoint" in submission.answers


@pytest.mark.parametrize("event", ["responseCreated", "responseUpdated"])
def test_an_unfinished_response_is_ignored(formbricks, event):
    payload = load_payload("formbricks_response_finished.json")
    payload["event"] = event
    payload["data"]["finished"] = False
    with pytest.raises(Ignored):
        formbricks.parse(payload, config={})


def test_a_test_ping_is_ignored(formbricks):
    with pytest.raises(Ignored):
        formbricks.parse({"event": "testEndpoint"}, config={})


def test_a_time_without_zone_stays_naive(formbricks):
    payload = load_payload("formbricks_response_finished.json")
    payload["data"]["updatedAt"] = "2026-03-02T10:14:02"
    [submission] = formbricks.parse(payload, config={})
    assert submission.responded_at == datetime(2026, 3, 2, 10, 14, 2)
    assert submission.responded_at.tzinfo is None


def test_a_bad_time_names_the_key(formbricks):
    payload = load_payload("formbricks_response_finished.json")
    payload["data"]["updatedAt"] = "2 March"
    with pytest.raises(PayloadInvalid, match=r"data\.updatedAt"):
        formbricks.parse(payload, config={})


@pytest.mark.parametrize("broken", ["no id", "data not an object"])
def test_a_broken_response_is_invalid(formbricks, broken):
    payload = load_payload("formbricks_response_finished.json")
    if broken == "no id":
        del payload["data"]["id"]
    else:
        payload["data"]["data"] = ["9"]
    with pytest.raises(PayloadInvalid):
        formbricks.parse(payload, config={})


def test_decode_reads_the_raw_body_and_refuses_what_is_not_json(formbricks):
    assert formbricks.decode(payload_bytes("formbricks_response_finished.json"), headers={})["event"] == (
        "responseFinished"
    )
    with pytest.raises(PayloadInvalid, match="line 1"):
        formbricks.decode(b"event=responseFinished", headers={})


def test_the_secret_comes_from_formbricks(formbricks):
    assert formbricks.secret_from_tool


def test_the_unsigned_test_endpoint_request_is_let_through_and_ignored(formbricks, secret):
    body = b'{"event":"testEndpoint"}'
    formbricks.verify(secret=secret, headers={"content-type": "application/json"}, body=body, now=datetime.now(tz=UTC))
    with pytest.raises(Ignored):
        formbricks.parse(formbricks.decode(body, headers={}), config={})


def test_an_unsigned_body_that_is_more_than_the_test_ping_is_refused(formbricks, secret):
    body = b'{"event":"testEndpoint","data":{"id":"x","finished":true,"data":{}}}'
    with pytest.raises(SignatureInvalid):
        formbricks.verify(secret=secret, headers={}, body=body, now=datetime.now(tz=UTC))


def test_the_documentations_list_of_deliveries_is_read(formbricks):
    finished = load_payload("formbricks_response_finished.json")
    created = load_payload("formbricks_response_finished.json")
    created["event"], created["data"]["finished"] = "responseCreated", False
    [submission] = formbricks.parse([created, finished], config={})
    assert submission.external_id == "clx9k4p7q0002abcdresponse"
    assert submission.meta["survey"] == "How did reporting your claim go?"
    with pytest.raises(Ignored):
        formbricks.parse([created], config={})
