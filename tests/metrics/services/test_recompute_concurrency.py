"""Recomputes at the same time, on PostgreSQL: each thread has its own connection and commits for real."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from metrics.models import PendingRecompute
from metrics.selectors.kpis import kpi_summary
from metrics.services.recompute import (
    snapshots_rebuild_all,
    snapshots_recompute,
    snapshots_recompute_pending,
)
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.recompute_data import (
    add_responses,
    at,
    build_org,
    cell_values,
    expected_from_responses,
    snapshot_sums,
)
from tests.services import postgres_or_skip

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def org():
    postgres_or_skip()
    org = build_org()
    add_responses(org)
    return org


def run_in_threads(*calls) -> list:
    """Start every call at the same moment, each in a thread of its own (so on a connection of its own); returns
    their results and re-raises the first error."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except BaseException as error:  # handed to the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_two_full_rebuilds_at_once_give_the_result_of_one(org):
    run_in_threads(snapshots_rebuild_all, snapshots_rebuild_all)
    together = cell_values()
    assert snapshot_sums({}) == expected_from_responses({})
    snapshots_rebuild_all()
    assert cell_values() == together


def test_two_recomputes_of_overlapping_days_at_once_give_the_result_of_one(org):
    snapshots_rebuild_all()
    for day in (date(2024, 4, 30), date(2024, 5, 2)):
        SurveyResponseFactory(
            journey=org.open_account, touchpoint=org.call, metric="nps", score=2, responded_at=at(day)
        )

    def recompute(first, last):
        return lambda: snapshots_recompute(journey_ids=[org.open_account.pk], day_from=first, day_to=last)

    run_in_threads(recompute(date(2024, 4, 30), date(2024, 5, 2)), recompute(date(2024, 5, 1), date(2024, 5, 3)))
    assert snapshot_sums({}) == expected_from_responses({})


def test_two_workers_consume_each_pending_request_once(org):
    snapshots_rebuild_all()
    for day in (date(2024, 6, 1), date(2024, 8, 20)):
        # What recompute_request writes, without its on-commit run (in-process here: no worker in this test).
        SurveyResponseFactory(journey=org.complaint, metric="ces", score=7, responded_at=at(day))
        PendingRecompute.objects.create(journey=org.complaint, day_from=day, day_to=day)
    consumed = run_in_threads(snapshots_recompute_pending, snapshots_recompute_pending)
    # One got both requests; the other, serialised behind it, found none left.
    assert sorted(consumed) == [0, 2]
    assert not PendingRecompute.objects.exists()
    assert snapshot_sums({}) == expected_from_responses({})


def test_readers_see_the_previous_snapshot_until_the_recompute_commits(org):
    snapshots_rebuild_all()
    SurveyResponseFactory(journey=org.complaint, metric="nps", score=10, responded_at=at(date(2024, 6, 15)))
    written, release = threading.Event(), threading.Event()

    def recompute_and_hold():
        with transaction.atomic():
            snapshots_recompute(journey_ids=[org.complaint.pk], day_from=date(2024, 6, 15), day_to=date(2024, 6, 15))
            written.set()
            release.wait(timeout=30)  # the new cells are written, not committed

    thread = threading.Thread(target=lambda: run_in_threads(recompute_and_hold))
    thread.start()
    try:
        assert written.wait(timeout=30)
        assert kpi_summary(journey=org.complaint)["results"][0]["nps"]["n"] == 3  # the committed figures
    finally:
        release.set()
        thread.join(timeout=30)
    assert kpi_summary(journey=org.complaint)["results"][0]["nps"]["n"] == 4
