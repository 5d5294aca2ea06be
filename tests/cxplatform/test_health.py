"""/health/: the database, the cache and the task queue, up or down, and 503 when one is down; the details
(errors, hosts, backlog) for staff only."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cxplatform.accounts.models import TokenAccess
from metrics.models import PendingRecompute
from tests.cxplatform.factories import api_key_for
from tests.journeys.factories import JourneyFactory
from tests.services import free_port

DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 1},
    }
}


@pytest.mark.django_db
def test_health_reports_every_component_up(admin_client):
    response = admin_client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: c["status"] for name, c in body["components"].items()} == {
        "database": "up",
        "cache": "up",
        "queue": "up",
        "recompute": "up",
    }
    assert body["components"]["recompute"]["pending"] == 0
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_health_answers_503_and_names_the_component_that_is_down(admin_client):
    with override_settings(CACHES=DEAD_REDIS):  # Django resets the cache connections on this change
        response = admin_client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["components"]["cache"]["status"] == "down"
    assert "ConnectionError" in body["components"]["cache"]["error"]
    assert body["components"]["database"]["status"] == "up"


@pytest.mark.django_db
def test_health_says_recompute_work_is_pending_and_answers_503_once_it_is_overdue(admin_client, settings):
    client = admin_client
    journey = JourneyFactory()
    # Made just now: pending, not yet overdue.
    PendingRecompute.objects.create(journey=journey, day_from=date(2024, 5, 1), day_to=date(2024, 5, 1))
    body = client.get(reverse("health")).json()
    assert body["status"] == "ok"
    assert body["components"]["recompute"]["pending"] == 1
    # Waiting longer than RECOMPUTE_OVERDUE_SECONDS: the figures are stale and nothing is catching up.
    PendingRecompute.objects.update(requested_at=timezone.now() - timedelta(seconds=301))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["components"]["recompute"]["status"] == "overdue"
    assert body["components"]["recompute"]["oldest_pending_seconds"] >= 301
    assert body["components"]["queue"]["status"] == "up"


@pytest.mark.django_db
def test_anonymous_callers_get_the_status_words_only(client):
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "components": {
            "database": {"status": "up"},
            "cache": {"status": "down"},
            "queue": {"status": "up"},
            "recompute": {"status": "up"},
        },
    }
    assert b"ConnectionError" not in response.content
    assert b"127.0.0.1" not in response.content


@pytest.mark.django_db
def test_a_logged_in_user_who_is_not_staff_gets_the_status_words_only(client_of, cx_editor):
    body = client_of(cx_editor).get(reverse("health")).json()
    assert body["components"]["queue"] == {"status": "up"}


@pytest.mark.django_db
def test_monitoring_with_a_staff_token_gets_the_details(client, admin_user):
    key = api_key_for(admin_user, access=TokenAccess.READ_ONLY)
    with override_settings(CACHES=DEAD_REDIS):
        response = client.get(reverse("health"), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 503
    assert "ConnectionError" in response.json()["components"]["cache"]["error"]
    assert response.json()["components"]["database"]["engine"]
    # A bad token is not an error here: the caller simply gets the status words.
    bad = client.get(reverse("health"), HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert bad.status_code == 200
    assert bad.json()["components"]["database"] == {"status": "up"}
