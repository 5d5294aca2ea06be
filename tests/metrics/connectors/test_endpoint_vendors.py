"""Every survey tool end to end, with the payloads shaped as each documents them (tests/metrics/connectors/payloads,
README.md there names the source of each) and real signatures: stored with the right journey, touchpoint, channel,
respondent and comment; a bad signature stores nothing; a retry does not double. Tools that send ids only
(Qualtrics event subscriptions, SurveyMonkey) are answered 202 and their answers fetched from a real local HTTP
server standing in for the tool's API; LimeSurvey is polled."""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from metrics.connectors.services import MAX_FETCH_ATTEMPTS, delivery_process, delivery_replay, source_create
from metrics.connectors.vendors import FetchFailed
from metrics.models import Delivery, SurveyResponse
from metrics.tasks.connectors import poll_sources
from tests.metrics.connectors.conftest import load_payload, payload_bytes, standard_webhooks_headers
from tests.metrics.connectors.sources_data import make_claims_map

pytestmark = pytest.mark.django_db

FORMBRICKS_MAPPING = {
    "metrics": {"nps": "npsq7k2m9p4q1r5s8t"},
    "journey": {"from": "hidden", "key": "journey"},
    "touchpoint": {"from": "hidden", "key": "touchpoint"},
    "channel": {"from": "url", "key": "channel"},  # ?channel=phone on the survey link
    "respondent": {"from": "meta", "key": "userId"},
    "comment": {"from": "answer", "key": "cmt8n3b6v1c4x7z2a"},
}
GENERIC_MAPPING = {
    "metrics": {"nps": "nps", "ces": "ces"},
    "journey": {"from": "hidden", "key": "journey"},
    "touchpoint": {"from": "hidden", "key": "touchpoint"},
    "channel": {"from": "fixed", "value": "web"},
    "respondent": {"from": "hidden", "key": "customer"},
    "comment": {"from": "answer", "key": "comment"},
}
QUALTRICS_MAPPING = {
    "metrics": {"nps": "QID1"},
    "journey": {"from": "hidden", "key": "journey"},
    "touchpoint": {"from": "hidden", "key": "touchpoint"},
    "channel": {"from": "fixed", "value": "phone"},
    "respondent": {"from": "hidden", "key": "customer"},
    "comment": {"from": "answer", "key": "QID2_TEXT"},
}
SURVEYMONKEY_MAPPING = {
    "metrics": {"nps": "152883021"},
    "journey": {"from": "hidden", "key": "journey"},
    "touchpoint": {"from": "hidden", "key": "touchpoint"},
    "channel": {"from": "fixed", "value": "phone"},
    "respondent": {"from": "meta", "key": "collector_id"},
    "comment": {"from": "answer", "key": "152883022"},
}
LIMESURVEY_MAPPING = {
    "metrics": {"nps": "NPS"},
    "journey": {"from": "hidden", "key": "journey"},
    "touchpoint": {"from": "hidden", "key": "touchpoint"},
    "comment": {"from": "answer", "key": "COMMENT"},
}
QUALTRICS_TOPIC = "acmeinsurance.surveyengine.completedResponse.SV_22VlHYNeldrrrkp"
QUALTRICS_RESPONSE = "/API/v3/surveys/SV_22VlHYNeldrrrkp/responses/R_1l9mcVuXubb4aGm"
SM_KEY = "sm-client-id-123&sm-client-secret-456"
SM_RESPONSE = "/v3/surveys/405723396/responses/114071584735/details"
SM_SURVEY = "/v3/surveys/405723396/details"


@pytest.fixture
def claims(db):
    return make_claims_map()


def post(client, source, body: bytes, headers: dict[str, str], content_type: str = "application/json"):
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    return client.post(source.hook_path, body, content_type=content_type, **extra)


# Formbricks: Standard Webhooks signature, answers keyed by question id with hidden fields beside them.


FORMBRICKS_SECRET = "whsec_" + base64.b64encode(b"formbricks-made-this-secret-32b!").decode()


def formbricks_source():
    return source_create(
        name="Claims survey",
        vendor="formbricks",
        created_by=None,
        secret=FORMBRICKS_SECRET,  # Formbricks makes the secret; the user pastes it
        config={"hidden_fields": "journey, touchpoint"},
        mapping=FORMBRICKS_MAPPING,
    )


def test_formbricks_is_stored_with_everything_the_mapping_names(client, claims):
    source = formbricks_source()
    body = payload_bytes("formbricks_response_finished.json")
    response = post(client, source, body, standard_webhooks_headers(source.secret, body))
    assert (response.status_code, response.json()["status"]) == (200, "stored")
    stored = SurveyResponse.objects.get()
    assert (stored.metric, stored.score, stored.journey, stored.touchpoint, stored.channel) == (
        "nps",
        9,
        claims.journey,
        claims.touchpoint,
        claims.phone,
    )
    assert (stored.respondent, stored.comment) == ("C-1042", "Quick and friendly <b>agent</b>")
    assert stored.external_id == "clx9k4p7q0002abcdresponse-nps"
    assert stored.responded_at == datetime(2026, 3, 2, 9, 14, 2, 118000, tzinfo=UTC)


def test_formbricks_with_a_bad_signature_or_a_replayed_old_one_stores_nothing(client, claims):
    source = formbricks_source()
    body = payload_bytes("formbricks_response_finished.json")
    wrong = post(client, source, body, standard_webhooks_headers("whsec_" + "A" * 44, body))
    old = post(
        client, source, body, standard_webhooks_headers(source.secret, body, at=datetime(2026, 1, 1, tzinfo=UTC))
    )
    assert (wrong.status_code, old.status_code) == (401, 401)
    assert not Delivery.objects.exists()
    assert not SurveyResponse.objects.exists()


def test_formbricks_retries_with_a_new_message_id_do_not_double(client, claims):
    source = formbricks_source()
    body = payload_bytes("formbricks_response_finished.json")
    post(client, source, body, standard_webhooks_headers(source.secret, body, msg_id="msg_1"))
    again = post(client, source, body, standard_webhooks_headers(source.secret, body, msg_id="msg_2"))
    assert again.json()["status"] == "duplicate"
    assert SurveyResponse.objects.count() == 1


# The generic source: any JSON in its documented shape, Standard Webhooks signatures.


def test_a_generic_list_of_responses_stores_one_response_per_metric_with_naive_times_as_local(client, claims):
    source = source_create(name="Kiosk", vendor="generic", created_by=None, mapping=GENERIC_MAPPING)
    body = payload_bytes("generic_responses.json")
    response = post(client, source, body, standard_webhooks_headers(source.secret, body))
    assert response.json() == {"status": "stored", "responses": 3, "delivery": Delivery.objects.get().pk}
    by_id = {r.external_id: r for r in SurveyResponse.objects.all()}
    assert set(by_id) == {"resp-0001-nps", "resp-0002-nps", "resp-0002-ces"}
    first, second_ces = by_id["resp-0001-nps"], by_id["resp-0002-ces"]
    assert (first.touchpoint, first.channel.slug, first.respondent) == (claims.touchpoint, "web", "C-1042")
    assert first.comment == "Quick and friendly <b>agent</b>"
    assert (second_ces.score, second_ces.touchpoint) == (5, claims.other_touchpoint)
    # "2026-03-02 11:00:00" has no zone: local time (Europe/Amsterdam, UTC+1 in March)
    assert second_ces.responded_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert first.responded_at == datetime(2026, 3, 2, 9, 14, 2, tzinfo=UTC)  # +01:00 kept


def test_a_generic_delivery_with_one_bad_submission_stores_none_of_them(client, claims):
    source = source_create(name="Kiosk", vendor="generic", created_by=None, mapping=GENERIC_MAPPING)
    payload = load_payload("generic_responses.json")
    payload[1]["answers"]["ces"] = 9  # CES runs 1 to 7
    body = json.dumps(payload).encode()
    response = post(client, source, body, standard_webhooks_headers(source.secret, body))
    assert response.status_code == 422
    assert "resp-0002" in response.json()["detail"]
    assert "'ces'" in response.json()["detail"]
    assert not SurveyResponse.objects.exists()


# Qualtrics: an event subscription's form, HMAC-SHA512 of MSG, answers fetched from the Response API.


def qualtrics_notification(key: str) -> bytes:
    msg = payload_bytes("qualtrics_completed_response_msg.json").decode().strip()
    signature = hmac.new(key.encode(), msg.encode(), hashlib.sha512).hexdigest()
    return urlencode({"Topic": QUALTRICS_TOPIC, "MSG": msg, "HMAC": signature}).encode()


@pytest.fixture
def qualtrics_source(fake_api):
    return source_create(
        name="Claims NPS",
        vendor="qualtrics",
        created_by=None,
        config={"api_token": "qualtrics-token", "api_base_url": fake_api.url},
        mapping=QUALTRICS_MAPPING,
    )


def test_qualtrics_is_answered_202_then_fetched_and_stored(
    client, claims, qualtrics_source, fake_api, django_capture_on_commit_callbacks
):
    fake_api.routes[("GET", QUALTRICS_RESPONSE)] = (200, load_payload("qualtrics_response_api.json"))
    body = qualtrics_notification(qualtrics_source.secret)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, qualtrics_source, body, {}, content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()["status"]) == (202, "received")
    assert fake_api.requests[0].headers["X-API-TOKEN"] == "qualtrics-token"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.responses_created) == ("stored", 1)
    stored = SurveyResponse.objects.get()
    assert (stored.score, stored.touchpoint, stored.channel.slug) == (9, claims.touchpoint, "phone")
    assert (stored.respondent, stored.comment) == ("C-1042", "Quick and friendly <b>agent</b>")
    assert stored.external_id == "R_1l9mcVuXubb4aGm-nps"


def test_qualtrics_with_a_wrong_shared_key_stores_nothing(client, claims, qualtrics_source):
    body = qualtrics_notification("another key")
    response = post(client, qualtrics_source, body, {}, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 401
    assert not Delivery.objects.exists()


def test_a_qualtrics_fetch_that_keeps_failing_ends_failed_and_is_replayable(
    client, claims, qualtrics_source, fake_api, django_capture_on_commit_callbacks
):
    fake_api.routes[("GET", QUALTRICS_RESPONSE)] = (503, {"meta": {"error": {}}})
    body = qualtrics_notification(qualtrics_source.secret)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, qualtrics_source, body, {}, content_type="application/x-www-form-urlencoded")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("received", 1)  # a worker tries again in 30 s, 60 s, ...
    assert "attempt 1" in delivery.reason
    for _attempt in range(MAX_FETCH_ATTEMPTS - 2):  # the worker's retries, without the waiting
        with pytest.raises(FetchFailed):
            delivery_process(delivery=delivery)
    assert delivery_process(delivery=delivery).status == "failed"  # the last attempt gives up
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_FETCH_ATTEMPTS)
    assert "503" in delivery.reason
    fake_api.routes[("GET", QUALTRICS_RESPONSE)] = (200, load_payload("qualtrics_response_api.json"))
    assert delivery_replay(delivery=delivery).status == "stored"
    assert SurveyResponse.objects.count() == 1


def test_a_qualtrics_web_service_task_is_stored_at_once(client, claims, qualtrics_source):
    body = payload_bytes("qualtrics_web_service.json")
    response = post(client, qualtrics_source, body, {"X-Webhook-Secret": qualtrics_source.secret})
    assert (response.status_code, response.json()["status"]) == (200, "stored")
    stored = SurveyResponse.objects.get()
    assert (stored.score, stored.comment, stored.external_id) == (7, "Took a while", "R_3pQ8xYz2LmN4oP1-nps")


# SurveyMonkey: Sm-Signature (HMAC-SHA1 keyed "api_key&secret", a key SurveyMonkey makes), ids only.


def sm_headers(body: bytes, key: str = SM_KEY) -> dict[str, str]:
    signature = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha1).digest()).decode()
    return {"Sm-Apikey": key.split("&")[0], "Sm-Signature": signature}


def test_surveymonkey_takes_the_pasted_key_then_fetches_and_stores(
    client, claims, fake_api, django_capture_on_commit_callbacks
):
    fake_api.routes[("GET", SM_RESPONSE)] = (200, load_payload("surveymonkey_response_details.json"))
    fake_api.routes[("GET", SM_SURVEY)] = (200, load_payload("surveymonkey_survey_details.json"))
    source = source_create(
        name="Claims (SurveyMonkey)",
        vendor="surveymonkey",
        created_by=None,
        secret=SM_KEY,
        config={"access_token": "sm-token", "api_base_url": fake_api.url},
        mapping=SURVEYMONKEY_MAPPING,
    )
    body = payload_bytes("surveymonkey_response_completed.json")
    assert post(client, source, body, sm_headers(body, key="other&key")).status_code == 401
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, source, body, sm_headers(body))
    assert response.status_code == 202
    stored = SurveyResponse.objects.get()
    assert (stored.score, stored.touchpoint, stored.respondent) == (9, claims.touchpoint, "250253586")
    assert stored.comment == "Quick and friendly <b>agent</b>"
    with django_capture_on_commit_callbacks(execute=True):
        post(client, source, body, sm_headers(body))  # SurveyMonkey retries
    assert SurveyResponse.objects.count() == 1
    assert list(Delivery.objects.order_by("id").values_list("status", flat=True)) == ["stored", "duplicate"]


def test_a_surveymonkey_source_needs_the_pasted_key(claims):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        source_create(name="SM", vendor="surveymonkey", created_by=None, config={"access_token": "t"})
    assert "secret" in refused.value.message_dict


# LimeSurvey: no webhook; beat polls it.


@pytest.fixture
def limesurvey_rpc(fake_api):
    export = load_payload("limesurvey_export_responses.json")

    def answer(request):
        call = json.loads(request.body)
        if call["method"] == "get_session_key":
            return 200, {"id": call["id"], "result": "sess-1", "error": None}
        if call["method"] == "export_responses":
            encoded = base64.b64encode(json.dumps(export).encode()).decode()
            return 200, {"id": call["id"], "result": encoded, "error": None}
        return 200, {"id": call["id"], "result": "OK", "error": None}

    fake_api.routes[("POST", "/index.php/admin/remotecontrol")] = answer
    return fake_api


def test_limesurvey_is_polled_into_a_delivery_and_a_second_poll_adds_nothing(claims, limesurvey_rpc):
    source = source_create(
        name="Claims (LimeSurvey)",
        vendor="limesurvey",
        created_by=None,
        config={
            "url": limesurvey_rpc.url,
            "username": "api-user",
            "password": "api-pass",
            "survey_id": "123456",
            "hidden_fields": "journey, touchpoint",
        },
        mapping=LIMESURVEY_MAPPING,
    )
    assert poll_sources() == 1
    delivery = Delivery.objects.get()
    assert (delivery.origin, delivery.status, delivery.responses_created) == ("poll", "stored", 2)
    touchpoints = set(SurveyResponse.objects.values_list("touchpoint", flat=True))
    assert touchpoints == {claims.touchpoint.pk, claims.other_touchpoint.pk}
    source.refresh_from_db()
    assert source.polled_until is not None
    poll_sources()  # the fake server answers the same export: every response is known
    assert SurveyResponse.objects.count() == 2
