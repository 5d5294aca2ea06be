"""POST /hooks/<token>/ with Typeform's documented payload and signature: what a survey tool sees in its own
delivery log, and what the CX team then finds on the map and in the delivery log."""

import json

import pytest
from django.core.cache import cache

from metrics.connectors.services import delivery_replay, delivery_sweep, source_update
from metrics.models import Delivery, FollowUpCase, SurveyResponse, SurveySource
from metrics.periods import preset_period
from metrics.selectors.map_measures import measured_map
from tests.metrics.connectors.sources_data import (
    TYPEFORM_MAPPING,
    make_claims_map,
    make_source,
    post_typeform,
    recently,
    typeform_body,
    typeform_signature,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(db):
    return make_claims_map()


@pytest.fixture
def source(claims):
    return make_source("typeform")


def test_a_signed_delivery_is_stored_with_journey_touchpoint_channel_respondent_and_comment(client, claims, source):
    response = post_typeform(client, source, typeform_body())
    assert response.status_code == 200
    assert response.json() == {"status": "stored", "responses": 1, "delivery": Delivery.objects.get().pk}
    stored = SurveyResponse.objects.get()
    assert (stored.metric, stored.score) == ("nps", 9)
    assert stored.journey == claims.journey
    assert stored.touchpoint == claims.touchpoint
    assert stored.channel == claims.phone
    assert stored.respondent == "C-1042"
    assert stored.comment == "Quick and friendly <b>agent</b>"
    assert (stored.source, stored.external_id) == (f"typeform:{source.pk}", "a3a12ec67a1365927098a606107fac15-nps")
    assert stored.responded_at.isoformat() == "2026-03-02T09:14:02+00:00"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.responses_created) == ("stored", 1)
    assert delivery.external_ids == ["a3a12ec67a1365927098a606107fac15-nps"]
    assert "typeform-signature" in delivery.headers


@pytest.mark.parametrize("case", ["wrong secret", "no signature", "tampered body"])
def test_a_bad_signature_gets_401_and_stores_nothing(client, claims, source, case):
    body = typeform_body()
    if case == "wrong secret":
        response = post_typeform(client, source, body, secret="not-the-secret")
    elif case == "no signature":
        response = client.post(source.hook_path, body, content_type="application/json")
    else:
        response = client.post(
            source.hook_path,
            body.replace(b'"number": 9', b'"number": 0'),
            content_type="application/json",
            HTTP_TYPEFORM_SIGNATURE=typeform_signature(source.secret, body),
        )
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert "Typeform-Signature" in response.json()["detail"]
    assert not SurveyResponse.objects.exists()
    assert not Delivery.objects.exists()
    source.refresh_from_db()
    assert source.signature_failures == 1
    assert "Typeform-Signature" in source.last_signature_failure


def test_a_retry_of_the_same_delivery_does_not_double(client, claims, source):
    body = typeform_body()
    assert post_typeform(client, source, body).json()["status"] == "stored"
    again = post_typeform(client, source, body)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["responses"] == 0
    assert SurveyResponse.objects.count() == 1
    assert list(Delivery.objects.order_by("id").values_list("status", flat=True)) == ["stored", "duplicate"]


def test_an_unknown_touchpoint_key_is_rejected_with_the_reason_and_replays_once_it_is_an_alias(client, claims, source):
    response = post_typeform(client, source, typeform_body(hidden={"touchpoint": "CLAIM-TEL"}))
    assert response.status_code == 422
    assert response.json()["status"] == "rejected"
    assert "'CLAIM-TEL'" in response.json()["detail"]
    assert "touchpoint" in response.json()["detail"]
    assert not SurveyResponse.objects.exists()
    delivery = Delivery.objects.get()
    assert delivery.status == "rejected"
    assert "'CLAIM-TEL'" in delivery.reason

    claims.touchpoint.aliases = ["claim-tel"]
    claims.touchpoint.save()
    replayed = delivery_replay(delivery=delivery)
    assert (replayed.status, replayed.responses_created, replayed.reason) == ("stored", 1, "")
    assert SurveyResponse.objects.get().touchpoint == claims.touchpoint


def test_a_score_off_the_metric_scale_is_rejected_naming_the_question(client, claims):
    source = make_source("typeform", mapping={**TYPEFORM_MAPPING, "metrics": {"csat": "nps"}})
    response = post_typeform(client, source, typeform_body(score=9))
    assert response.status_code == 422
    assert "'nps'" in response.json()["detail"]
    assert "CSAT" in response.json()["detail"]
    assert not SurveyResponse.objects.exists()


def test_a_source_without_mapping_keeps_the_delivery_for_a_replay_after_mapping(client, claims):
    source = make_source("typeform", mapping={})
    response = post_typeform(client, source, typeform_body())
    assert response.status_code == 422
    assert "no mapping" in response.json()["detail"]
    delivery = Delivery.objects.get()
    source_update(source=source, expected_version=source.version, mapping=TYPEFORM_MAPPING)
    assert delivery_replay(delivery=delivery).status == "stored"
    assert SurveyResponse.objects.count() == 1


def test_a_submission_without_the_mapped_score_question_is_ignored_with_200(client, claims):
    source = make_source("typeform", mapping={**TYPEFORM_MAPPING, "metrics": {"ces": "not-asked"}})
    response = post_typeform(client, source, typeform_body())
    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert Delivery.objects.get().status == "ignored"
    assert not SurveyResponse.objects.exists()


def test_an_event_without_a_response_is_ignored(client, claims, source):
    body = json.dumps({"event_id": "x", "event_type": "form_created"}).encode()
    response = post_typeform(client, source, body)
    assert (response.status_code, response.json()["status"]) == (200, "ignored")


def test_a_body_that_is_not_json_is_rejected_and_kept(client, claims, source):
    response = post_typeform(client, source, b"<html>")
    assert response.status_code == 422
    assert "not JSON" in response.json()["detail"]
    assert Delivery.objects.get().body == "<html>"


def test_an_unknown_or_inactive_token_is_a_404(client, claims, source):
    assert client.post("/hooks/no-such-token/", b"{}", content_type="application/json").status_code == 404
    SurveySource.objects.filter(pk=source.pk).update(active=False)
    response = post_typeform(client, source, typeform_body())
    assert response.status_code == 404
    assert not Delivery.objects.exists()


def test_a_payload_over_the_size_limit_is_a_413(client, claims):
    source = make_source("typeform", max_bytes=1024)
    response = post_typeform(client, source, typeform_body())  # about 3 KB
    assert response.status_code == 413
    assert "1024 bytes" in response.json()["detail"]
    assert not Delivery.objects.exists()


def test_a_source_over_its_rate_limit_gets_429_with_retry_after(client, claims):
    source = make_source("typeform", rate_limit=2)
    for n in range(2):
        assert post_typeform(client, source, typeform_body(token=f"t{n}")).status_code == 200
    refused = post_typeform(client, source, typeform_body(token="t2"))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert Delivery.objects.count() == 2
    assert SurveyResponse.objects.count() == 2


def test_the_rate_limit_fails_open_when_the_cache_is_down(client, claims, monkeypatch):
    from cxplatform.lib.resilient_cache import CacheUnavailable

    def down(*args, **kwargs):
        raise CacheUnavailable("down")

    monkeypatch.setattr(cache, "incr", down)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    source = make_source("typeform", rate_limit=1)
    for n in range(3):
        assert post_typeform(client, source, typeform_body(token=f"t{n}")).status_code == 200


def test_get_is_refused_and_head_answers_for_a_known_address(client, claims, source):
    assert client.get(source.hook_path).status_code == 405
    assert client.head(source.hook_path).status_code == 200
    assert client.head("/hooks/unknown/").status_code == 404


def test_the_map_figures_include_the_response_after_the_ingest(
    client, claims, source, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_typeform(client, source, typeform_body(score=10, submitted_at=recently()))
    assert response.json()["status"] == "stored"
    measures = measured_map(journey=claims.journey, period=preset_period("90d"))
    (figure,) = measures.touchpoints[claims.touchpoint.pk]
    assert (figure.metric, figure.n, figure.text) == ("nps", 1, "+100")


def test_a_recent_detractor_opens_a_follow_up_case_for_the_touchpoint_owner(client, claims, source):
    post_typeform(client, source, typeform_body(score=2, submitted_at=recently()))
    case = FollowUpCase.objects.get()
    assert case.owner == claims.touchpoint.owner
    assert case.response.score == 2


def test_an_ingest_that_crashes_keeps_the_delivery_for_the_sweeper(
    client, claims, source, monkeypatch, django_capture_on_commit_callbacks
):
    def crash(**kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr("metrics.connectors.services.deliveries.responses_create", crash)
    response = post_typeform(client, source, typeform_body())
    assert response.status_code == 202
    assert response.json()["status"] == "received"
    delivery = Delivery.objects.get()
    assert delivery.status == "received"
    monkeypatch.undo()
    Delivery.objects.filter(pk=delivery.pk).update(received_at=recently(), processed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_sweep(older_than_seconds=60) == 1  # queued; the tasks run eagerly in the tests
    delivery.refresh_from_db()
    assert delivery.status == "stored"
    assert SurveyResponse.objects.count() == 1


def test_a_rotated_secret_refuses_the_old_one(client, claims, source):
    from metrics.connectors.services import source_rotate_secret

    old = source.secret
    rotated = source_rotate_secret(source=source, expected_version=source.version)
    assert rotated.secret != old
    assert post_typeform(client, rotated, typeform_body(), secret=old).status_code == 401
    assert post_typeform(client, rotated, typeform_body()).status_code == 200
