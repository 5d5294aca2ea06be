"""Periods of the snapshots: weeks from Monday, months from the 1st, and which cells cover a date range."""

from datetime import date, timedelta

import pytest

from metrics.periods import CellRange, cover, month_end, week_start, widen

pytestmark = pytest.mark.calendar  # depends on today's date


def days_of(ranges: list[CellRange]) -> list[date]:
    """Every day the cell ranges hold, in order (one entry per day per cell that holds it)."""
    days = []
    for r in ranges:
        start = r.first
        while start <= r.last:
            if r.period == "day":
                end = start
            elif r.period == "week":
                end = start + timedelta(days=6)
            else:
                end = month_end(start)
            days.extend(start + timedelta(days=i) for i in range((end - start).days + 1))
            start = end + timedelta(days=1)
    return sorted(days)


def test_weeks_start_on_monday_and_months_on_the_first():
    assert week_start(date(2024, 5, 5)) == date(2024, 4, 29)  # Sunday 5 May is in the week of Monday 29 April
    assert week_start(date(2024, 4, 29)) == date(2024, 4, 29)
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)  # a leap year


def test_a_recompute_widens_to_whole_weeks_and_months():
    # Thursday 2 May: its week starts on Monday 29 April, its month ends on Friday 31 May.
    assert widen(date(2024, 5, 2), date(2024, 5, 2)) == (date(2024, 4, 29), date(2024, 5, 31))
    # Friday 31 May: its week runs to Sunday 2 June.
    assert widen(date(2024, 5, 31), date(2024, 5, 31)) == (date(2024, 5, 1), date(2024, 6, 2))


def test_a_range_is_covered_by_months_then_weeks_then_days():
    # 15 April (Monday) to 10 June 2024: May whole; 15-28 April two whole weeks, then 29-30 April as days;
    # 1-2 June days, 3-9 June a whole week, 10 June a day.
    assert cover(date(2024, 4, 15), date(2024, 6, 10)) == [
        CellRange("month", date(2024, 5, 1), date(2024, 5, 1)),
        CellRange("week", date(2024, 4, 15), date(2024, 4, 22)),
        CellRange("week", date(2024, 6, 3), date(2024, 6, 3)),
        CellRange("day", date(2024, 4, 29), date(2024, 4, 30)),
        CellRange("day", date(2024, 6, 1), date(2024, 6, 2)),
        CellRange("day", date(2024, 6, 10), date(2024, 6, 10)),
    ]


@pytest.mark.parametrize("periods", [("month", "week", "day"), ("month", "day"), ("week", "day"), ("day",)])
@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2024, 1, 1), date(2024, 12, 31)),
        (date(2024, 2, 27), date(2024, 3, 5)),
        (date(2023, 12, 30), date(2024, 1, 2)),
        (date(2024, 4, 30), date(2024, 4, 30)),
        (date(2024, 4, 3), date(2024, 7, 17)),
    ],
)
def test_a_cover_holds_every_day_of_the_range_exactly_once(periods, first, last):
    expected = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    assert days_of(cover(first, last, periods)) == expected


def test_grouping_by_month_never_covers_with_weeks():
    assert {r.period for r in cover(date(2024, 4, 15), date(2024, 6, 10), ("month", "day"))} == {"month", "day"}


def test_an_open_range_is_all_months():
    assert [r.period for r in cover(None, None)] == ["month"]
