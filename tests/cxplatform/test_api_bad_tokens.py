"""The API throttles bad tokens per client address: past API_BAD_TOKEN_RATE the answer is 429 with Retry-After;
valid tokens are never throttled."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.cxplatform.factories import UserFactory, api_key_for

ATTACKER = "203.0.113.7"
COLLEAGUE = "203.0.113.8"


@pytest.fixture(autouse=True)
def fresh_counts():
    addresses = [ATTACKER, COLLEAGUE]
    cache.delete_many([f"throttle_bad_token_{address}" for address in addresses])
    yield
    cache.delete_many([f"throttle_bad_token_{address}" for address in addresses])


def me(key: str, address: str):
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR=address)


@pytest.mark.django_db
def test_a_flood_of_bad_tokens_gets_429_with_retry_after():
    answers = [me(f"{i:040x}", ATTACKER) for i in range(12)]
    assert [a.status_code for a in answers] == [401] * 10 + [429] * 2
    throttled = answers[-1]
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert throttled.json()["code"] == "throttled"
    assert "Request was throttled." in throttled.json()["detail"]


@pytest.mark.django_db
def test_valid_tokens_are_not_throttled_by_bad_ones():
    key = api_key_for(UserFactory())
    for i in range(12):
        me(f"{i:040x}", ATTACKER)
    # Another address with a bad token is still answered 401; a valid token works from either address.
    assert me("f" * 40, COLLEAGUE).status_code == 401
    assert me(key, COLLEAGUE).status_code == 200
    assert me(key, ATTACKER).status_code == 200


@pytest.mark.django_db
def test_a_malformed_authorization_header_counts_as_a_bad_token():
    client = Client()
    answers = [
        client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token two words", REMOTE_ADDR=ATTACKER).status_code
        for _ in range(11)
    ]
    assert answers[-1] == 429


@pytest.mark.django_db
def test_the_rate_is_configurable(settings):
    settings.API_BAD_TOKEN_RATE = "3/minute"
    assert [me(f"{i:040x}", ATTACKER).status_code for i in range(4)] == [401, 401, 401, 429]


@pytest.mark.django_db
def test_the_schema_documents_the_429_with_retry_after(admin_client):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    answer = schema["paths"]["/api/v1/me/"]["get"]["responses"]["429"]
    assert "Retry-After" in answer["headers"]
    assert "Too many bad tokens" in answer["description"]
