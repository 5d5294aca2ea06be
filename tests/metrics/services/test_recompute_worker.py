"""A REAL Celery worker process (Redis broker and cache, the test's Postgres database) keeps the snapshots fresh
after ingests, and a burst of ingests makes few recompute runs."""

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.urls import reverse

from cxplatform.tasks import ping
from metrics.models import PendingRecompute, SurveyResponse
from metrics.services.recompute import RECOMPUTE_LOCK_KEY
from metrics.services.recompute_requests import recompute_request
from tests.metrics.recompute_data import at
from tests.services import celery_worker, wait_for
from tests.stack.test_procfile_stack import database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
URL = reverse("api:kpi-summary")


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A worker process on a queue of its own, on the test database, logging into a file; meanwhile this
    process sends tasks to that queue instead of running them in-process."""
    log = tmp_path / "worker.log"
    with celery_worker(database_url=database_url(), log=log) as queue:
        yield SimpleNamespace(queue=queue, log=log)


def recompute_runs(log: Path) -> int:
    return len(re.findall(r"Task metrics\.recompute_pending\[[^\]]+\] succeeded", log.read_text()))


def drain(worker) -> None:
    """Wait until the worker has run everything queued so far: its solo pool takes tasks in order."""
    ping.apply_async(queue=worker.queue).get(timeout=60)


def ingest(journey, day: date, scores: list[int]) -> None:
    """What the ingest service does: the rows and the recompute request in one transaction."""
    with transaction.atomic():
        SurveyResponse.objects.bulk_create(
            [
                SurveyResponse(journey=journey, metric="nps", score=score, responded_at=at(day), day=day, source="test")
                for score in scores
            ]
        )
        recompute_request(ranges={journey.pk: (day, day)})


def test_after_an_ingest_the_worker_refreshes_the_summary_and_it_is_no_longer_stale(worker, org, editor_client):
    params = {"journey": org.complaint.pk}
    before = editor_client.get(URL, params).json()
    # 9, 8, 0 so far: NPS 0 of 3.
    assert before["results"][0]["nps"]["n"] == 3
    assert before["stale"] is False

    ingest(org.complaint, date(2024, 6, 20), [10, 10, 9, 10])

    def fresh():
        body = editor_client.get(URL, params).json()
        return body if not body["stale"] and body["results"][0]["nps"]["n"] == 7 else None

    after = wait_for(fresh, timeout=30, what="fresh figures from the worker")
    # 9 8 0 10 10 9 10: five promoters, one detractor of seven; (5 - 1) / 7 = 57.1.
    assert after["results"][0]["nps"]["score"] == 57.1
    assert after["computed_at"] > before["computed_at"]
    assert not PendingRecompute.objects.exists()
    drain(worker)
    assert recompute_runs(worker.log) == 1


def test_a_burst_of_ingests_makes_at_most_two_recompute_runs(worker, org, editor_client):
    # The recompute lock is held meanwhile, so the first run (if it started) waits while the burst arrives.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [RECOMPUTE_LOCK_KEY])
    try:
        for i in range(20):
            ingest(org.complaint, date(2024, 7, 1 + i), [10])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RECOMPUTE_LOCK_KEY])

    wait_for(lambda: not PendingRecompute.objects.exists(), timeout=30, what="the pending requests consumed")
    drain(worker)
    # One run queued by the first ingest; at most one more, queued once that run had started (and found the
    # requests the first one left it: none). The other ingests found a run already queued.
    assert 1 <= recompute_runs(worker.log) <= 2
    july = editor_client.get(URL, {"journey": org.complaint.pk, "from": "2024-07-01", "to": "2024-07-31"}).json()
    assert july["results"][0]["nps"]["n"] == 20
    assert july["stale"] is False
