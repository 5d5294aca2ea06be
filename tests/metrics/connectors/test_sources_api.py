"""/api/v1/sources/: CX editors and admins create, read, edit and delete survey sources (the secret is shown once,
on creation and on rotation), preview a mapping, list a source's deliveries and replay a rejected one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from metrics.models import Delivery, SurveyResponse, SurveySource
from tests.metrics.connectors.sources_data import (
    TYPEFORM_MAPPING,
    make_claims_map,
    make_source,
    post_typeform,
    typeform_body,
)

URL = "/api/v1/sources/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def claims(db):
    return make_claims_map()


def test_an_editor_creates_a_source_and_sees_its_secret_once(editor_client, cx_editor):
    response = editor_client.post(
        URL, {"name": "Claims NPS", "vendor": "typeform", "mapping": TYPEFORM_MAPPING}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    source = SurveySource.objects.get()
    assert body["secret"] == source.secret
    assert body["url"] == f"http://testserver/hooks/{source.token}/"
    assert (body["vendor_label"], body["created_by"], body["version"]) == ("Typeform", cx_editor.pk, 1)
    assert body["mapping"] == TYPEFORM_MAPPING
    assert "secret" not in editor_client.get(f"{URL}{source.pk}/").json()
    assert "secret" not in editor_client.get(URL).json()["results"][0]


def test_a_bad_source_is_a_400_naming_the_field(editor_client):
    response = editor_client.post(
        URL,
        {"name": "X", "vendor": "typeform", "mapping": {"journey": {"from": "cookie"}}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "journey" in response.json()
    assert editor_client.post(URL, {"name": "X", "vendor": "paper"}, content_type="application/json").status_code == 400
    assert not SurveySource.objects.exists()


def test_an_edit_needs_the_version_and_a_stale_one_is_a_409(editor_client):
    source = make_source("typeform")
    url = f"{URL}{source.pk}/"
    assert editor_client.patch(url, {"active": False}, content_type="application/json").status_code == 400
    ok = editor_client.patch(url, {"active": False, "version": 1}, content_type="application/json")
    assert (ok.status_code, ok.json()["active"], ok.json()["version"]) == (200, False, 2)
    stale = editor_client.patch(url, {"name": "Other", "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert (
        editor_client.patch(url, {"vendor": "generic", "version": 2}, content_type="application/json").json()["vendor"]
        == "typeform"
    )


def test_rotating_the_secret_shows_the_new_one(editor_client):
    source = make_source("typeform")
    response = editor_client.post(f"{URL}{source.pk}/rotate-secret/", {"version": 1}, content_type="application/json")
    assert response.status_code == 200
    source.refresh_from_db()
    assert response.json()["secret"] == source.secret
    assert response.json()["version"] == 2


def test_deleting_a_source_keeps_its_responses(editor_client, claims, client):
    source = make_source("typeform")
    post_typeform(client, source, typeform_body())
    assert editor_client.delete(f"{URL}{source.pk}/").status_code == 204
    assert SurveyResponse.objects.count() == 1
    assert not SurveySource.objects.exists()


def test_the_preview_answers_what_would_be_stored(editor_client, claims):
    source = make_source("typeform", mapping={})
    response = editor_client.post(
        f"{URL}{source.pk}/preview/",
        {"sample": typeform_body().decode(), "mapping": TYPEFORM_MAPPING},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"]
    record = body["submissions"][0]["records"][0]
    assert (record["touchpoint"], record["score"], record["channel"]) == ("Claim by phone", 9, "phone")
    assert not SurveyResponse.objects.exists()


def test_deliveries_are_listed_filtered_and_a_rejected_one_replayed(editor_client, claims, client):
    source = make_source("typeform")
    post_typeform(client, source, typeform_body())
    post_typeform(client, source, typeform_body(token="t2", hidden={"touchpoint": "Claim-Tel"}))
    url = f"{URL}{source.pk}/deliveries/"
    listed = editor_client.get(url).json()["results"]
    assert [d["status"] for d in listed] == ["rejected", "stored"]
    assert "body" not in listed[0]
    rejected = editor_client.get(f"{url}?status=rejected").json()["results"]
    assert len(rejected) == 1 and "'Claim-Tel'" in rejected[0]["reason"] and rejected[0]["replayable"]
    assert editor_client.get(f"{url}?status=lost").status_code == 400
    detail = editor_client.get(f"{url}{rejected[0]['id']}/").json()
    assert "Claim-Tel" in detail["body"]

    claims.touchpoint.aliases = ["claim-tel"]
    claims.touchpoint.save()
    replayed = editor_client.post(f"{url}{rejected[0]['id']}/replay/")
    assert (replayed.status_code, replayed.json()["status"], replayed.json()["responses_created"]) == (200, "stored", 1)
    again = editor_client.post(f"{url}{rejected[0]['id']}/replay/")
    assert again.status_code == 400
    assert SurveyResponse.objects.count() == 2


def test_a_delivery_of_another_source_is_not_found(editor_client, claims, client):
    first, second = make_source("typeform"), make_source("typeform")
    post_typeform(client, first, typeform_body())
    delivery = Delivery.objects.get()
    assert editor_client.get(f"{URL}{second.pk}/deliveries/{delivery.pk}/").status_code == 404
    assert editor_client.post(f"{URL}{second.pk}/deliveries/{delivery.pk}/replay/").status_code == 404
    assert editor_client.get(f"{URL}9999/deliveries/").status_code == 404


@pytest.mark.parametrize("role", ["manager", "process_owner"])
def test_only_cx_editors_and_admins_see_or_change_sources(client_of, role):
    from tests.cxplatform.factories import UserFactory

    source = make_source("typeform")
    client = client_of(UserFactory(role=role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{source.pk}/deliveries/").status_code == 403
    assert client.post(URL, {"name": "X", "vendor": "typeform"}, content_type="application/json").status_code == 403
    assert client.delete(f"{URL}{source.pk}/").status_code == 403


def test_an_admin_manages_sources(client_of, admin_user):
    assert (
        client_of(admin_user).post(URL, {"name": "X", "vendor": "generic"}, content_type="application/json").status_code
        == 201
    )


def test_anonymous_requests_get_401(client):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("count", [2, 200])
def test_the_source_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    sources = [make_source("typeform", name=f"Source {n}") for n in range(count)]
    Delivery.objects.bulk_create([Delivery(source=source, body="{}", status="stored") for source in sources])
    # session, user, count, sources (with creator and delivery counts)
    with django_assert_num_queries(4):
        response = editor_client.get(f"{URL}?page_size=500")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [2, 200])
def test_the_delivery_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    source = make_source("typeform")
    received = timezone.now()
    Delivery.objects.bulk_create(
        [
            Delivery(source=source, body="{}", status="stored", received_at=received - timedelta(seconds=n))
            for n in range(count)
        ]
    )
    # session, user, source, count, deliveries
    with django_assert_num_queries(5):
        response = editor_client.get(f"{URL}{source.pk}/deliveries/?page_size=500")
    assert len(response.json()["results"]) == count
