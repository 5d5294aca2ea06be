"""/health/: the database, the cache and the task queue, up or down, and 503 when one is down."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from metrics.models import PendingRecompute
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
def test_health_reports_every_component_up(client):
    response = client.get(reverse("health"))
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
def test_health_answers_503_and_names_the_component_that_is_down(client):
    with override_settings(CACHES=DEAD_REDIS):  # Django resets the cache connections on this change
        response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["components"]["cache"]["status"] == "down"
    assert "ConnectionError" in body["components"]["cache"]["error"]
    assert body["components"]["database"]["status"] == "up"


@pytest.mark.django_db
def test_health_says_recompute_work_is_pending_and_answers_503_once_it_is_overdue(client, settings):
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
