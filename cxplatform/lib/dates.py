"""Calendar arithmetic the product needs, in one place with its own tests."""

from __future__ import annotations

import datetime

# Monday is 0 and Friday 4 in date.weekday(); Saturday and Sunday are no working days.
LAST_WORKING_WEEKDAY = 4


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() <= LAST_WORKING_WEEKDAY


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The date n working days (Monday to Friday) after `day`: Friday + 2 is Tuesday. A deadline counted from a
    weekend day starts on the Monday, so Saturday + 1 is Monday. n = 0 gives `day` itself; public holidays are
    not known here."""
    if n < 0:
        raise ValueError("add_working_days counts forwards only: n must be 0 or more.")
    if n == 0:
        return day
    # Counting from a weekend day is counting from the Friday before it (both reach Monday first); from a
    # working day, every 5 working days is one calendar week, so whole weeks cost no loop.
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    weeks, rest = divmod(n, 5)
    result = day + datetime.timedelta(weeks=weeks)
    while rest:
        result += datetime.timedelta(days=1)
        if is_working_day(result):
            rest -= 1
    return result
