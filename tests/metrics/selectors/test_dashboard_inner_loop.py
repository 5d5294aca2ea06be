"""The dashboard's inner loop (metrics.selectors.dashboard_work.inner_loop): open, overdue and missed follow-up
cases, the median time to close, the scope filters, and a query count that does not grow with the cases. The
world fixture is in conftest.py.
"""

import datetime

import pytest
from django.db import connection

from metrics.models import CaseStatus, FollowUpCase, Metric
from metrics.selectors.dashboard_work import inner_loop
from tests.metrics.dashboard_work_data import MAY, TODAY, at, day
from tests.metrics.factories import SurveyResponseFactory

pytestmark = pytest.mark.django_db
MID_MAY = datetime.date(2025, 5, 15)


# The inner loop


def case(touchpoint, status=CaseStatus.OPEN, due=MID_MAY, opened=None, resolved=None) -> FollowUpCase:
    response = SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.NPS, score=2)
    opened = opened or at(5, 1)
    return FollowUpCase.objects.create(
        response=response, touchpoint=touchpoint, status=status, due_date=due, opened_at=opened, resolved_at=resolved
    )


def loop(**kw):
    return inner_loop(**{**MAY, "today": TODAY, **kw})


def test_the_inner_loop_counts_open_overdue_and_missed_deadlines(world):
    tp = world.account_web
    case(tp, CaseStatus.OPEN, due=day(6, 20))  # open, deadline ahead
    case(tp, CaseStatus.CONTACTED, due=day(6, 14))  # open, overdue; due after May
    case(tp, CaseStatus.OPEN, due=day(5, 10))  # open, overdue, missed in May
    # Resolved on the deadline day, at 23:30 Amsterdam (21:30 UTC): in time.
    case(tp, CaseStatus.RESOLVED, due=day(5, 10), resolved=at(5, 10, 23, 30))
    # Resolved at 00:30 Amsterdam the day after (22:30 UTC on the deadline day): missed.
    case(tp, CaseStatus.RESOLVED, due=day(5, 10), resolved=at(5, 11, 0, 30))
    case(tp, CaseStatus.RESOLVED, due=day(4, 30), resolved=at(5, 20))  # missed, but in April
    case(tp, CaseStatus.CONTACTED, due=day(4, 1), opened=at(3, 25))  # overdue, missed in April

    figures = loop()

    assert (figures["open"], figures["open_overdue"]) == (4, 3)
    assert (figures["due"], figures["missed"]) == (3, 2)
    assert figures["resolved"] == 3
    assert [(r["status"], r["label"], r["count"], r["opened_in_period"]) for r in figures["by_status"]] == [
        ("open", "Open", 2, 2),
        ("contacted", "Contacted", 2, 1),
        ("resolved", "Resolved", 3, 3),
    ]


def test_a_deadline_still_ahead_in_the_period_is_not_missed_yet(world):
    case(world.account_web, CaseStatus.OPEN, due=day(5, 20))
    assert (loop(today=day(5, 18))["due"], loop(today=day(5, 18))["missed"]) == (1, 0)
    assert loop(today=day(5, 21))["missed"] == 1
    assert loop(today=day(5, 20))["open_overdue"] == 0  # due today is not overdue yet


def test_the_median_time_to_close_of_an_odd_number_of_cases_is_the_middle_one(world):
    tp = world.account_web
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 2, 0))  # 0.5 days
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 3, 12))  # 2.0
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 11, 12))  # 10.0
    case(tp, CaseStatus.RESOLVED, opened=at(4, 1), resolved=at(4, 2))  # resolved in April: not counted
    case(tp, CaseStatus.RESOLVED, opened=at(5, 20), resolved=at(6, 1, 8))  # resolved in June: not counted
    figures = loop()
    assert (figures["resolved"], figures["median_days_to_close"]) == (3, 2.0)


def test_the_median_time_to_close_of_an_even_number_of_cases_is_the_mean_of_the_middle_two(world):
    tp = world.account_web
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 2, 0))  # 0.5 days
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 3, 12))  # 2.0
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 6, 0))  # 4.5
    case(tp, CaseStatus.RESOLVED, opened=at(5, 1), resolved=at(5, 31, 12))  # 30.0
    figures = loop()
    assert (figures["resolved"], figures["median_days_to_close"]) == (4, 3.2)  # (2.0 + 4.5) / 2 = 3.25 days


def test_without_resolved_cases_there_is_no_median(world):
    case(world.account_web, CaseStatus.OPEN)
    assert (loop()["resolved"], loop()["median_days_to_close"]) == (0, None)


def test_the_inner_loop_follows_the_group_the_journey_and_the_channel(world):
    case(world.account_web, due=day(6, 1))
    case(world.account_app, due=day(6, 1))
    case(world.move_web, due=day(6, 1))
    case(world.claim_web, due=day(6, 1))
    case(world.claim_web, CaseStatus.RESOLVED, resolved=at(5, 3))

    assert loop()["open"] == 4
    assert loop(group_id=world.becoming.pk)["open"] == 3
    assert loop(journey_id=world.account.pk)["open"] == 2
    assert loop(channel_id=world.web.pk)["open"] == 3
    assert loop(journey_id=world.account.pk, channel_id=world.app.pk)["open"] == 1
    assert (loop(group_id=world.being.pk)["resolved"], loop(group_id=world.becoming.pk)["resolved"]) == (1, 0)


def test_the_inner_loop_query_count_does_not_grow_with_the_cases(world, django_assert_num_queries):
    # PostgreSQL: the counts and the median in one aggregate; elsewhere the durations are read for the median.
    queries = 1 if connection.vendor == "postgresql" else 2
    scope = {"group_id": world.becoming.pk, "journey_id": world.account.pk, "channel_id": world.web.pk}

    def make(count: int):
        for i in range(count):
            case(world.account_web, CaseStatus.RESOLVED, due=day(5, 25), opened=at(5, 1), resolved=at(5, 2 + i % 20))
            case(world.account_web, CaseStatus.OPEN, due=day(5, 1 + i % 28))  # missed

    make(2)
    with django_assert_num_queries(queries):
        small = loop(**scope)
    make(40)
    with django_assert_num_queries(queries):
        large = loop(**scope)
    assert (small["resolved"], small["open"], small["median_days_to_close"]) == (2, 2, 1.5)
    assert (large["resolved"], large["missed"]) == (42, 42)
