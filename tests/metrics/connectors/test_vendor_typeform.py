"""Typeform: the Typeform-Signature over the raw body, and its form_response payload read into a Submission."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from metrics.connectors.vendors import Ignored, PayloadInvalid, SignatureInvalid, get_vendor
from tests.metrics.connectors.conftest import load_payload, payload_bytes

NOW = datetime(2026, 3, 2, 9, 14, 5, tzinfo=UTC)
SECRET = "s3cr3t-from-the-source-page"


def typeform_signature(secret: str, body: bytes) -> str:
    """As Typeform's docs compute it: sha256= + base64 of HMAC-SHA256 of the raw payload with the secret."""
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


@pytest.fixture
def typeform():
    return get_vendor("typeform")


def test_a_correctly_signed_body_verifies(typeform):
    body = payload_bytes("typeform_form_response.json")
    typeform.verify(secret=SECRET, headers={"typeform-signature": typeform_signature(SECRET, body)}, body=body, now=NOW)


@pytest.mark.parametrize(
    "case",
    ["wrong secret", "tampered body", "missing header", "no sha256= prefix", "hex instead of base64"],
)
def test_a_bad_signature_is_refused(typeform, case):
    body = payload_bytes("typeform_form_response.json")
    signature = typeform_signature(SECRET, body)
    headers = {"Typeform-Signature": signature}
    if case == "wrong secret":
        headers = {"Typeform-Signature": typeform_signature("another", body)}
    elif case == "tampered body":
        body = body.replace(b'"number": 9', b'"number": 10')
    elif case == "missing header":
        headers = {}
    elif case == "no sha256= prefix":
        headers = {"Typeform-Signature": signature.removeprefix("sha256=")}
    else:
        headers = {"Typeform-Signature": "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()}
    with pytest.raises(SignatureInvalid):
        typeform.verify(secret=SECRET, headers=headers, body=body, now=NOW)


def test_new_secrets_are_long_and_different(typeform):
    first, second = typeform.new_secret(), typeform.new_secret()
    assert first != second
    assert len(first) >= 32


def test_parse_keys_answers_on_the_field_ref_with_the_question_title(typeform):
    [submission] = typeform.parse(load_payload("typeform_form_response.json"), config={})
    assert submission.external_id == "a3a12ec67a1365927098a606107fac15"
    assert submission.survey_id == "lT4Z3j"
    assert submission.responded_at == datetime(2026, 3, 2, 9, 14, 2, tzinfo=UTC)
    assert set(submission.answers) == {"nps", "comment", "handled_by", "easy", "channels_used"}
    nps = submission.answers["nps"]
    assert (nps.value, nps.label, nps.kind) == (9, "How likely are you to recommend us to a friend?", "number")
    assert submission.answers["comment"].value == "Quick and friendly <b>agent</b>"
    assert submission.answers["handled_by"].value == "An agent"
    assert submission.answers["easy"].value is True
    assert submission.answers["channels_used"].value == ["Phone", "Email"]
    assert submission.hidden == {
        "journey": "report-a-claim",
        "touchpoint": "claim-by-phone",
        "channel": "phone",
        "customer": "C-1042",
    }
    assert submission.meta["event_id"] == "01HQZ8K2V6J9XW3T5N7B4C1D0E"
    assert submission.meta["landed_at"] == "2026-03-02T09:12:40Z"


def test_two_questions_of_the_same_type_stay_apart(typeform):
    payload = load_payload("typeform_form_response.json")
    payload["form_response"]["answers"].append(
        {"type": "number", "number": 4, "field": {"id": "X1", "type": "opinion_scale", "ref": "ces"}}
    )
    [submission] = typeform.parse(payload, config={})
    assert submission.answers["nps"].value == 9
    assert submission.answers["ces"].value == 4
    assert "opinion_scale" not in submission.answers and "number" not in submission.answers


def test_an_answer_without_ref_is_keyed_on_its_field_id(typeform):
    payload = load_payload("typeform_form_response.json")
    del payload["form_response"]["answers"][0]["field"]["ref"]
    [submission] = typeform.parse(payload, config={})
    assert submission.answers["SMEUb7VJz92Q"].value == 9


def test_a_time_without_zone_is_utc_as_typeform_writes_it(typeform):
    payload = load_payload("typeform_form_response.json")
    payload["form_response"]["submitted_at"] = "2026-03-02T09:14:02"
    [submission] = typeform.parse(payload, config={})
    assert submission.responded_at == datetime(2026, 3, 2, 9, 14, 2, tzinfo=UTC)


def test_a_bad_time_names_the_key(typeform):
    payload = load_payload("typeform_form_response.json")
    payload["form_response"]["submitted_at"] = "yesterday"
    with pytest.raises(PayloadInvalid, match=r"form_response\.submitted_at"):
        typeform.parse(payload, config={})


def test_a_missing_token_is_invalid(typeform):
    payload = load_payload("typeform_form_response.json")
    del payload["form_response"]["token"]
    with pytest.raises(PayloadInvalid, match="token"):
        typeform.parse(payload, config={})


@pytest.mark.parametrize("payload", [[], "text", {"event_type": "form_response"}])
def test_a_payload_that_is_not_a_form_response_is_invalid(typeform, payload):
    with pytest.raises(PayloadInvalid):
        typeform.parse(json.loads(json.dumps(payload)), config={})


def test_another_event_type_is_ignored(typeform):
    payload = load_payload("typeform_form_response.json")
    payload["event_type"] = "form_response_partial"
    with pytest.raises(Ignored):
        typeform.parse(payload, config={})
