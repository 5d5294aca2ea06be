"""/api/v1/personal-data/: the same search, export and erasure for admins, the key in the POST body."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cxplatform.audit.models import AuditEvent
from metrics.models import SurveyResponse
from tests.metrics.privacy.people import JAN_EMAIL, JAN_KEY, build_people, digest

pytestmark = pytest.mark.django_db

SEARCH = reverse("api:personal-data")
EXPORT = reverse("api:personal-data-export")
ERASE = reverse("api:personal-data-erase")
JSON = "application/json"


@pytest.fixture
def people(client):
    return build_people(client)


@pytest.mark.parametrize("persona", ["cx_editor", "manager", "process_owner"])
def test_only_admins_use_the_personal_data_api(people, client_of, request, persona):
    client = client_of(request.getfixturevalue(persona))
    for url in (SEARCH, EXPORT, ERASE):
        response = client.post(url, {"key": JAN_KEY, "confirm": True}, JSON)
        assert response.status_code == 403, url
    assert SurveyResponse.objects.filter(respondent=JAN_KEY).count() == 2


def test_an_anonymous_call_gets_401(client):
    assert client.post(SEARCH, {"key": JAN_KEY}, JSON).status_code == 401


def test_search_export_and_erase_through_the_api(people, client_of, admin_user):
    client = client_of(admin_user)
    found = client.post(SEARCH, {"key": JAN_EMAIL}, JSON).json()
    assert found["respondent_keys"] == [JAN_EMAIL, "c-1042"]
    assert found["counts"]["responses"] == 4
    exported = client.post(EXPORT, {"key": JAN_EMAIL}, JSON).json()
    assert len(exported["survey_responses"]) == 4
    refused = client.post(ERASE, {"key": JAN_EMAIL, "confirm": False}, JSON)
    assert refused.status_code == 400 and "confirm" in refused.json()
    erased = client.post(ERASE, {"key": JAN_EMAIL, "confirm": True}, JSON).json()
    assert erased["responses"] == 4 and erased["followups_closed"] == 1
    assert not SurveyResponse.objects.filter(respondent__iexact=JAN_KEY).exists()
    details = list(AuditEvent.objects.filter(action__startswith="personal_data").values_list("detail", flat=True))
    assert len(details) == 3 and {d["key_sha256"] for d in details} == {digest(JAN_EMAIL)}


@pytest.mark.parametrize("body", [{}, {"key": ""}, {"key": "x" * 300}, {"key": "a\x00b"}])
def test_a_bad_key_gets_400_naming_the_field(client_of, admin_user, body):
    response = client_of(admin_user).post(SEARCH, body, JSON)
    assert response.status_code == 400
    assert "key" in response.json()


def test_a_key_in_the_url_is_refused(client_of, admin_user):
    response = client_of(admin_user).get(SEARCH + "?key=C-1042")
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action__startswith="personal_data").exists()
    assert not any("1042" in f"{e.path} {e.detail} {e.object_repr}" for e in AuditEvent.objects.all())
