"""The recompute engine: snapshot cells hold exactly what the responses say, for every scope and period."""

from datetime import date
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction

from metrics.models import KpiSnapshot, PendingRecompute, SurveyResponse
from metrics.selectors.kpis import kpi_summary
from metrics.services.recompute import (
    merge_ranges,
    snapshots_rebuild_all,
    snapshots_recompute,
    snapshots_recompute_pending,
)
from metrics.services.recompute_requests import recompute_request
from metrics.tasks import recompute as tasks
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.recompute_data import (
    JUST_AFTER_LOCAL_MIDNIGHT,
    add_responses,
    at,
    build_org,
    cell_values,
    expected_from_responses,
    scopes,
    snapshot_sums,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    org = build_org()
    add_responses(org)
    return org


CELL = "period, period_start, journey_id, touchpoint_id, channel_id, metric"


def row_versions() -> dict[tuple, tuple]:
    """Each cell's computed_at and, on PostgreSQL, its xmin: any UPDATE of the row makes a new row version with
    the id of the transaction that wrote it (so the tests comparing versions commit: transactional_db)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {CELL}, xmin::text, computed_at FROM {KpiSnapshot._meta.db_table}")  # noqa: S608
            return {tuple(row[:6]): tuple(row[6:]) for row in cursor.fetchall()}
    return {tuple(row[:6]): tuple(row[6:]) for row in KpiSnapshot.objects.values_list(*CELL.split(", "), "computed_at")}


@pytest.mark.parametrize("scope", ["organisation", "group", "journey", "stage", "touchpoint", "channel"])
def test_snapshots_add_up_to_the_responses_for_every_scope_and_period(org, scope):
    snapshots_rebuild_all()
    responses_filter, cells_filter = scopes(org)[scope]
    expected = expected_from_responses(responses_filter)
    assert expected  # every scope has responses in this data
    assert snapshot_sums(cells_filter) == expected


def test_a_response_just_after_local_midnight_counts_on_the_next_local_day(org):
    snapshots_rebuild_all()
    # 22:30 UTC on 31 March is 00:30 on 1 April in Amsterdam: an April figure, not a March one.
    march = kpi_summary(journey=org.open_account, date_from=date(2024, 3, 1), date_to=date(2024, 3, 31))
    april_first = kpi_summary(journey=org.open_account, date_from=date(2024, 4, 1), date_to=date(2024, 4, 1))
    # March: the five website answers of the 31st (10, 9, 7, 3, 0); 1 April: 8 and 6, and the 9 at 00:30.
    assert march["results"][0]["nps"]["n"] == 5
    assert april_first["results"][0]["nps"]["n"] == 3
    assert april_first["results"][0]["nps"]["promoters"] == 1
    cell = KpiSnapshot.objects.get(
        journey=org.open_account, period="day", period_start=date(2024, 4, 1), touchpoint_id=0
    )
    assert (cell.n, cell.high) == (1, 1)
    assert JUST_AFTER_LOCAL_MIDNIGHT.date() == date(2024, 3, 31)  # the UTC date is the day before


def test_a_week_spanning_two_months_holds_the_days_of_both(org):
    snapshots_rebuild_all()
    week = KpiSnapshot.objects.get(
        journey=org.open_account,
        period="week",
        period_start=date(2024, 4, 29),
        touchpoint_id=org.call.pk,
        metric="csat",
    )
    # The call's CSAT answers were given on Tuesday 30 April: 5, 4, 3, 2, 1.
    assert (week.n, week.low, week.high, week.total, week.total_sq) == (5, 2, 2, 15, 55)
    ces_week = KpiSnapshot.objects.get(
        journey=org.open_account, period="week", period_start=date(2024, 4, 29), touchpoint_id=org.call.pk, metric="ces"
    )
    # ...and its CES answers on Thursday 2 May (7, 5, 4, 3, 1): the same week, another month.
    assert (ces_week.n, ces_week.low, ces_week.high) == (5, 2, 2)
    months = set(
        KpiSnapshot.objects.filter(journey=org.open_account, period="month", touchpoint_id=org.call.pk).values_list(
            "period_start", "metric"
        )
    )
    assert months == {(date(2024, 4, 1), "csat"), (date(2024, 5, 1), "ces")}


@pytest.mark.django_db(transaction=True)
def test_a_second_identical_recompute_changes_no_row(org):
    snapshots_rebuild_all()
    before = row_versions()
    stats = snapshots_rebuild_all()
    assert stats["written"] == 0
    assert stats["deleted"] == 0
    assert row_versions() == before


@pytest.mark.django_db(transaction=True)
def test_a_recompute_rewrites_only_the_cells_whose_figures_changed(org):
    snapshots_rebuild_all()
    before = row_versions()
    SurveyResponseFactory(
        journey=org.complaint,
        touchpoint=org.form,
        channel=org.web,
        metric="nps",
        score=10,
        responded_at=at(date(2024, 4, 30)),
    )
    snapshots_recompute(journey_ids=[org.complaint.pk], day_from=date(2024, 4, 30), day_to=date(2024, 4, 30))
    after = row_versions()
    changed = [key for key in before if after.get(key) != before[key]]
    # The form's NPS cell of that day, week and month (web channel): nothing else.
    assert sorted((period, start, tp, ch, metric) for period, start, _journey, tp, ch, metric in changed) == [
        ("day", date(2024, 4, 30), org.form.pk, org.web.pk, "nps"),
        ("month", date(2024, 4, 1), org.form.pk, org.web.pk, "nps"),
        ("week", date(2024, 4, 29), org.form.pk, org.web.pk, "nps"),
    ]
    assert KpiSnapshot.objects.get(pk=next(key for key in changed if key[0] == "day")).n == 4
    assert set(after) == set(before)  # no cell added or removed


def test_a_recompute_of_a_few_days_agrees_with_a_full_rebuild(org):
    snapshots_rebuild_all()
    # New answers on both sides of a month's edge, and one in a week that straddles two months.
    for day in (date(2024, 4, 30), date(2024, 5, 1), date(2024, 6, 3)):
        SurveyResponseFactory(
            journey=org.open_account, touchpoint=org.contract, metric="ces", score=6, responded_at=at(day)
        )
    snapshots_recompute(journey_ids=[org.open_account.pk], day_from=date(2024, 4, 30), day_to=date(2024, 6, 3))
    partial = cell_values()
    snapshots_rebuild_all()
    assert cell_values() == partial


def test_cells_vanish_when_their_responses_are_gone(org):
    snapshots_rebuild_all()
    assert KpiSnapshot.objects.filter(journey=org.complaint, period_start=date(2024, 6, 15)).exists()
    SurveyResponse.objects.filter(journey=org.complaint, day=date(2024, 6, 15)).delete()
    with transaction.atomic():
        recompute_request(ranges={org.complaint.pk: (date(2024, 6, 15), date(2024, 6, 15))})
    snapshots_recompute_pending()
    # The day, its week and June are gone; May's cells of that journey, outside the range, remain.
    assert not KpiSnapshot.objects.filter(journey=org.complaint, period_start__gte=date(2024, 6, 1)).exists()
    assert KpiSnapshot.objects.filter(journey=org.complaint, period="month", period_start=date(2024, 5, 1)).exists()
    SurveyResponse.objects.all().delete()
    snapshots_rebuild_all()
    assert not KpiSnapshot.objects.exists()


def test_a_pending_request_makes_the_scope_stale_until_it_is_consumed(org):
    snapshots_rebuild_all()
    SurveyResponseFactory(
        journey=org.complaint, touchpoint=org.form, metric="csat", score=1, responded_at=at(date(2024, 5, 1))
    )
    with transaction.atomic():
        recompute_request(ranges={org.complaint.pk: (date(2024, 5, 1), date(2024, 5, 1))})
    assert kpi_summary(journey=org.complaint)["stale"] is True
    assert kpi_summary(journey=org.complaint, date_from=date(2024, 6, 1))["stale"] is False  # other days
    assert kpi_summary(journey=org.open_account)["stale"] is False  # another journey
    assert kpi_summary(group=org.staying)["stale"] is True
    assert kpi_summary(touchpoint=org.form)["stale"] is True
    assert kpi_summary(stage=org.orientation)["stale"] is False
    assert kpi_summary()["stale"] is True
    assert kpi_summary(journey=org.complaint)["results"][0]["csat"]["n"] == 2  # the previous figures meanwhile

    assert snapshots_recompute_pending() == 1
    summary = kpi_summary(journey=org.complaint)
    assert summary["stale"] is False
    assert summary["results"][0]["csat"]["n"] == 3
    assert not PendingRecompute.objects.exists()


def test_an_ingest_recomputes_on_commit_in_process_without_a_worker(org, django_capture_on_commit_callbacks):
    snapshots_rebuild_all()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        SurveyResponseFactory(journey=org.complaint, metric="nps", score=10, responded_at=at(date(2024, 7, 1)))
        recompute_request(ranges={org.complaint.pk: (date(2024, 7, 1), date(2024, 7, 1))})
    july = kpi_summary(journey=org.complaint, date_from=date(2024, 7, 1), date_to=date(2024, 7, 31))
    assert july["stale"] is False
    assert july["results"][0]["nps"]["score"] == 100.0


def test_the_nightly_rebuild_consumes_the_pending_requests(org):
    with transaction.atomic():
        recompute_request(ranges={org.complaint.pk: (date(2024, 5, 1), date(2024, 5, 1))})
    stats = tasks.recompute_all.delay().get()
    assert stats["pending"] == 1
    assert not PendingRecompute.objects.exists()
    assert snapshot_sums({}) == expected_from_responses({})


def test_the_management_command_recomputes_pending_or_everything(org):
    call_command("recompute_kpis", "--all", stdout=mock.MagicMock())
    assert snapshot_sums({}) == expected_from_responses({})
    SurveyResponseFactory(journey=org.complaint, metric="nps", score=10, responded_at=at(date(2024, 7, 1)))
    with transaction.atomic():
        recompute_request(ranges={org.complaint.pk: (date(2024, 7, 1), date(2024, 7, 1))})
    call_command("recompute_kpis", stdout=mock.MagicMock())
    assert not PendingRecompute.objects.exists()
    assert snapshot_sums({}) == expected_from_responses({})


def test_a_burst_of_ingests_queues_one_recompute_while_one_is_queued():
    cache.delete(tasks.queued_key())
    with mock.patch.object(tasks.recompute_pending, "delay") as delay:
        for _ in range(20):
            tasks.schedule_recompute()
    assert delay.call_count == 1
    # The task clears the mark before it reads the requests, so the next ingest queues a new run.
    with mock.patch.object(tasks, "snapshots_recompute_pending", return_value=0):
        tasks.recompute_pending()
    with mock.patch.object(tasks.recompute_pending, "delay") as delay:
        tasks.schedule_recompute()
    assert delay.call_count == 1
    cache.delete(tasks.queued_key())


def test_requests_of_a_journey_merge_where_their_weeks_and_months_meet():
    merged = merge_ranges(
        [
            (1, date(2024, 5, 2), date(2024, 5, 2)),
            (1, date(2024, 5, 20), date(2024, 5, 21)),  # the same month: one recompute
            (1, date(2024, 9, 10), date(2024, 9, 10)),  # months later: a recompute of its own
            (2, date(2024, 5, 2), date(2024, 5, 21)),  # another journey, the same days: shares the first
        ]
    )
    assert merged == [
        ([1, 2], (date(2024, 5, 2), date(2024, 5, 21))),
        ([1], (date(2024, 9, 10), date(2024, 9, 10))),
    ]


def test_a_recompute_leaves_the_planner_settings_of_the_callers_transaction_as_they_were(org):
    if connection.vendor != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '5MB'")
        snapshots_recompute(journey_ids=None, day_from=None, day_to=None)
        cursor.execute("SELECT current_setting('work_mem'), current_setting('enable_nestloop')")
        assert cursor.fetchone() == ("5MB", "on")
