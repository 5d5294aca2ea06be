import datetime

import pytest

from cxplatform.lib.dates import add_working_days, is_working_day

MONDAY = datetime.date(2026, 3, 2)


def day(offset: int) -> datetime.date:
    """MONDAY + offset calendar days: 4 is Friday, 5 Saturday, 6 Sunday, 7 the next Monday."""
    return MONDAY + datetime.timedelta(days=offset)


def test_friday_plus_two_working_days_is_tuesday():
    assert add_working_days(day(4), 2) == day(8)


def test_within_a_week_it_counts_calendar_days():
    assert add_working_days(MONDAY, 2) == day(2)
    assert add_working_days(day(1), 3) == day(4)


@pytest.mark.parametrize(("start", "expected"), [(5, 7), (6, 7)])
def test_one_working_day_after_a_weekend_day_is_monday(start, expected):
    assert add_working_days(day(start), 1) == day(expected)


def test_five_working_days_from_saturday_end_on_friday_not_saturday():
    assert add_working_days(day(5), 5) == day(11)


@pytest.mark.parametrize("n", range(0, 23))
@pytest.mark.parametrize("start", range(0, 7))
def test_it_agrees_with_counting_one_day_at_a_time(start, n):
    result, left = day(start), n
    while left:
        result += datetime.timedelta(days=1)
        if result.weekday() < 5:
            left -= 1
    assert add_working_days(day(start), n) == result


def test_zero_working_days_is_the_day_itself():
    assert add_working_days(day(5), 0) == day(5)


def test_it_refuses_to_count_backwards():
    with pytest.raises(ValueError, match="forwards"):
        add_working_days(MONDAY, -1)


def test_weekends_are_no_working_days():
    assert [is_working_day(day(i)) for i in range(7)] == [True] * 5 + [False] * 2
