"""Day, week and month periods of KPI snapshots, and how a date range is covered by them.

Weeks start on Monday (ISO), months on the 1st; dates are local dates (settings.TIME_ZONE), as
SurveyResponse.day is. A date range read from the snapshots is covered by whole months where it can, whole weeks
at its edges and single days for the rest, so a year's figures sum a few thousand cells, not every day's.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from metrics.models import Period

DAY = datetime.timedelta(days=1)
# Stand-ins for an open end of a range: a Monday that is a 1st, and a last day of a month far enough from
# date.max that the period arithmetic around it cannot overflow.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(9998, 12, 31)


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_end(day: datetime.date) -> datetime.date:
    return week_start(day) + datetime.timedelta(days=6)


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month_start(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return next_month_start(day) - DAY


def period_start(period: str, day: datetime.date) -> datetime.date:
    if period == Period.WEEK:
        return week_start(day)
    if period == Period.MONTH:
        return month_start(day)
    return day


def widen(first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The days whose responses a recompute of [first, last] reads: whole weeks and whole months around it, so
    the week and month cells that contain a changed day are rebuilt from complete data."""
    return min(week_start(first), month_start(first)), max(week_end(last), month_end(last))


@dataclass(frozen=True)
class CellRange:
    """The cells of one period type whose period_start lies in [first, last]."""

    period: str
    first: datetime.date
    last: datetime.date


def cover(
    first: datetime.date | None,
    last: datetime.date | None,
    periods: Iterable[str] = (Period.MONTH, Period.WEEK, Period.DAY),
) -> list[CellRange]:
    """Cell ranges that together hold exactly the days [first, last] (None: open), each day once: the whole
    months inside it, then the whole weeks inside what is left at either edge, then the remaining days. Pass
    `periods` without WEEK when the cells are grouped by month (a week can straddle two months), and so on."""
    allowed = set(periods)
    segments = [(first or EARLIEST, last or LATEST)]
    ranges: list[CellRange] = []
    for period in (Period.MONTH, Period.WEEK):
        if period not in allowed:
            continue
        rest = []
        for lo, hi in segments:
            start = lo if period_start(period, lo) == lo else _next_start(period, lo)
            end = hi if _period_end(period, hi) == hi else period_start(period, hi) - DAY
            if start > end:
                rest.append((lo, hi))
                continue
            ranges.append(CellRange(period, start, period_start(period, end)))
            rest.extend([(lo, start - DAY), (end + DAY, hi)])
        segments = [(lo, hi) for lo, hi in rest if lo <= hi]
    ranges.extend(CellRange(Period.DAY, lo, hi) for lo, hi in segments)
    return ranges


def _next_start(period: str, day: datetime.date) -> datetime.date:
    return week_start(day) + datetime.timedelta(days=7) if period == Period.WEEK else next_month_start(day)


def _period_end(period: str, day: datetime.date) -> datetime.date:
    return week_end(day) if period == Period.WEEK else month_end(day)
