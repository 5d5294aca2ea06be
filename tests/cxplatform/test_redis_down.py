"""With Redis unreachable the site keeps working: pages render uncached, writes answer their normal status, and
the recompute they ask for waits in Postgres for the sweeper (tests/stack/test_faults.py does the same against
a real Redis that is stopped and started)."""

from unittest import mock

import pytest
from django.test import override_settings
from django.urls import reverse
from kombu.exceptions import OperationalError as BrokerUnavailable

from cxplatform.lib import generations
from cxplatform.lib.resilient_cache import RETRY_SECONDS, CacheUnavailable, ResilientRedisCache
from metrics.models import PendingRecompute, SurveyResponse
from metrics.tasks import recompute as tasks
from tests.journeys.factories import JourneyFactory
from tests.metrics.ingest_data import make_map, record
from tests.services import free_port

DEAD = f"redis://127.0.0.1:{free_port()}/0"


def dead_redis(configured: dict) -> dict:
    """The cache as settings configure it for a Redis (REDIS_URL), pointed at a port nobody listens on."""
    default = configured["default"]
    if "redis" not in default["BACKEND"].lower():  # no REDIS_URL here: the production backend all the same
        default = {"BACKEND": "cxplatform.lib.resilient_cache.ResilientRedisCache", "OPTIONS": {}}
    return {"default": {**default, "LOCATION": DEAD}}


JSON = "application/json"


@pytest.fixture
def redis_down(settings):
    """The cache is a Redis nobody listens on, reports are cached (as in production), and queueing a task fails
    the way Celery fails with its broker and result store down."""
    settings.REPORT_CACHE_SECONDS = 600
    with (
        override_settings(CACHES=dead_redis(settings.CACHES)),
        mock.patch.object(tasks.recompute_pending, "delay", side_effect=BrokerUnavailable("Connection refused")),
    ):
        yield


@pytest.mark.django_db
def test_writes_answer_their_normal_status_and_pages_render_with_redis_down(
    redis_down, client_of, admin_user, django_capture_on_commit_callbacks
):
    editor_client = client_of(admin_user)
    voc_map = make_map()
    journey = JourneyFactory(name="Open an account")
    # The after-commit work (the data generation's bump, queueing the recompute) runs, as on a real commit.
    with django_capture_on_commit_callbacks(execute=True):
        edited = editor_client.patch(
            f"/api/v1/journeys/{journey.pk}/", {"version": 1, "name": "Open a bank account"}, content_type=JSON
        )
    assert edited.status_code == 200, edited.content
    with django_capture_on_commit_callbacks(execute=True):
        posted = editor_client.post("/api/v1/responses/", record(voc_map), content_type=JSON)
    assert posted.status_code == 201, posted.content
    assert SurveyResponse.objects.count() == 1
    # The recompute could not be queued: its request waits in Postgres, and the summary says so.
    assert PendingRecompute.objects.count() == 1
    summary = editor_client.get(reverse("api:kpi-summary"))
    assert summary.status_code == 200
    assert summary.json()["stale"] is True

    assert editor_client.get(reverse("home")).status_code == 200
    assert editor_client.get(reverse("journeys:map", args=[journey.pk])).status_code == 200


def test_the_cache_answers_misses_and_skips_writes_while_redis_is_down():
    cache = ResilientRedisCache(DEAD, {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("page", "fallback") == "fallback"
    cache.set("page", "content")
    assert cache.add("queued", 1) is False
    assert cache.get_or_set("sums", lambda: 42) == 42
    assert cache.get_many(["a", "b"]) == {}
    cache.get_many(["a"])["a"] = 1  # a caller filling in what it got (generations.values) changes no later answer
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("page")
    with pytest.raises(CacheUnavailable):
        cache.incr("counter")
    assert isinstance(CacheUnavailable(), ValueError)  # callers that handle a missing counter keep working


def test_after_a_failure_it_leaves_redis_alone_for_a_few_seconds():
    cache = ResilientRedisCache(DEAD, {})
    with mock.patch("django.core.cache.backends.redis.RedisCacheClient.get", side_effect=ConnectionError) as get:
        for _ in range(10):
            assert cache.get("page") is None
    assert get.call_count == 1  # one failed connection per request, not one per cache call
    assert not cache.available
    with (
        mock.patch("time.monotonic", return_value=10**9),
        mock.patch("django.core.cache.backends.redis.RedisCacheClient.get", return_value="content") as get,
    ):
        assert cache.get("page") == "content"  # RETRY_SECONDS later it asks again
    assert RETRY_SECONDS <= 10


def test_a_bump_the_cache_missed_is_made_when_it_answers_again(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "gen"}}
    start = generations.current()
    with mock.patch.object(generations.cache, "incr", side_effect=CacheUnavailable):
        generations.bump()  # a write committed while the cache was down: no error
    assert generations.current() > start  # the first use afterwards makes the bump the write missed
    assert not generations._missed


@pytest.mark.parametrize(
    "error", [BrokerUnavailable("refused"), RuntimeError("Retry limit exceeded ... result store"), OSError]
)
def test_queueing_a_recompute_never_raises_into_the_request(error, settings):
    with (
        override_settings(CACHES=dead_redis(settings.CACHES)),
        mock.patch.object(tasks.cache, "add", return_value=True),
        mock.patch.object(tasks.recompute_pending, "delay", side_effect=error),
    ):
        assert tasks.schedule_recompute() is False
