"""The generic JSON source: Standard Webhooks signatures and its documented JSON shape."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from metrics.connectors.vendors import PayloadInvalid, SignatureInvalid, get_vendor
from tests.metrics.connectors.conftest import load_payload, payload_bytes, standard_webhooks_headers


@pytest.fixture
def generic():
    return get_vendor("generic")


@pytest.fixture
def secret(generic):
    return generic.new_secret()


def test_a_signed_delivery_verifies(generic, secret):
    body = payload_bytes("generic_responses.json")
    generic.verify(secret=secret, headers=standard_webhooks_headers(secret, body), body=body, now=datetime.now(tz=UTC))


def test_one_of_several_signatures_may_match_during_a_secret_rotation(generic, secret):
    body = payload_bytes("generic_responses.json")
    headers = standard_webhooks_headers(secret, body)
    old = standard_webhooks_headers(generic.new_secret(), body)
    headers["webhook-signature"] = f"{old['webhook-signature']} {headers['webhook-signature']}"
    generic.verify(secret=secret, headers=headers, body=body, now=datetime.now(tz=UTC))


@pytest.mark.parametrize("case", ["wrong secret", "tampered body", "no headers", "old timestamp", "bad timestamp"])
def test_a_bad_delivery_is_refused(generic, secret, case):
    body = payload_bytes("generic_responses.json")
    now = datetime.now(tz=UTC)
    headers = standard_webhooks_headers(secret, body)
    if case == "wrong secret":
        headers = standard_webhooks_headers(generic.new_secret(), body)
    elif case == "tampered body":
        body = body.replace(b'"nps": 4', b'"nps": 10')
    elif case == "no headers":
        headers = {}
    elif case == "old timestamp":
        headers = standard_webhooks_headers(secret, body, at=now - timedelta(minutes=5, seconds=30))
    else:
        headers["webhook-timestamp"] = "yesterday"
    with pytest.raises(SignatureInvalid):
        generic.verify(secret=secret, headers=headers, body=body, now=now)


def test_parse_reads_a_list_with_top_level_and_nested_answers(generic):
    first, second = generic.parse(load_payload("generic_responses.json"), config={})
    assert first.external_id == "resp-0001"
    assert first.responded_at == datetime(2026, 3, 2, 10, 14, 2, tzinfo=timezone(timedelta(hours=1)))
    assert {ref: answer.value for ref, answer in first.answers.items()} == {
        "nps": 9,
        "comment": "Quick and friendly <b>agent</b>",
    }
    assert first.hidden == {"journey": "report-a-claim", "touchpoint": "claim-by-phone", "customer": "C-1042"}
    assert first.meta == {"source": "kiosk", "survey_id": "claims-2026"}
    assert first.survey_id == "claims-2026"
    assert second.external_id == "resp-0002"
    assert second.responded_at == datetime(2026, 3, 2, 11, 0)  # naive: local time
    assert {ref: answer.value for ref, answer in second.answers.items()} == {"nps": 4, "ces": 5}
    assert second.meta == {"source": "email"}


def test_a_single_object_and_a_unix_time(generic):
    [submission] = generic.parse({"external_id": 17, "created_at": 1772442842, "csat": 4}, config={})
    assert submission.external_id == "17"
    assert submission.responded_at == datetime.fromtimestamp(1772442842, tz=UTC)
    assert submission.answers["csat"].value == 4


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"nps": 9}, "id"),
        ([{"id": "a"}, {"nps": 3}], r"\[1\]\.id"),
        ({"id": "a", "submitted_at": "tomorrow"}, "submitted_at"),
        ([{"id": "a"}, {"id": "b", "hidden": ["x"]}], r"\[1\]\.hidden"),
        ([], "no responses"),
        ("text", "payload"),
    ],
)
def test_a_bad_payload_names_what_is_wrong(generic, payload, named):
    with pytest.raises(PayloadInvalid, match=named):
        generic.parse(payload, config={})
