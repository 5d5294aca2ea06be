"""The sweeper queues a recompute for requests left behind (a worker killed, Redis down when the ingest
committed), and leaves alone the ones a queued or running recompute will take."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from metrics.models import PendingRecompute
from metrics.services.recompute import pending_requests_left_behind
from metrics.services.recompute_requests import recompute_request
from metrics.tasks import recompute as tasks
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.recompute_data import at, expected_from_responses, snapshot_sums

pytestmark = pytest.mark.django_db


def request_left_behind(org, seconds_ago: int) -> None:
    SurveyResponseFactory(journey=org.complaint, metric="nps", score=10, responded_at=at(date(2024, 7, 1)))
    with transaction.atomic():  # in a test the task is not queued: the commit never happens
        recompute_request(ranges={org.complaint.pk: (date(2024, 7, 1), date(2024, 7, 1))})
    PendingRecompute.objects.update(requested_at=timezone.now() - timedelta(seconds=seconds_ago))


def test_it_recomputes_requests_older_than_a_minute_even_with_a_queued_mark_left_behind(org):
    request_left_behind(org, seconds_ago=61)
    # A worker died after an ingest marked a recompute as queued: the mark must not hold the sweeper back.
    cache.set(tasks.queued_key(), 1, timeout=60)
    try:
        assert tasks.sweep_pending_recomputes() is True  # tests run tasks in-process: this recomputes
    finally:
        cache.delete(tasks.queued_key())
    assert not PendingRecompute.objects.exists()
    assert snapshot_sums({}) == expected_from_responses({})


def test_it_leaves_a_fresh_request_to_the_recompute_its_ingest_queued(org):
    request_left_behind(org, seconds_ago=5)
    assert tasks.sweep_pending_recomputes() is False
    assert PendingRecompute.objects.count() == 1


def test_only_requests_older_than_asked_are_left_behind(org):
    request_left_behind(org, seconds_ago=120)
    assert pending_requests_left_behind(older_than=timedelta(seconds=60)) is True
    assert pending_requests_left_behind(older_than=timedelta(seconds=600)) is False
