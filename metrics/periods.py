"""Day, week and month periods of KPI snapshots, how a date range is covered by them, and the reporting period
the pages show (ReportPeriod).

Weeks start on Monday (ISO), months on the 1st; dates are local dates (settings.TIME_ZONE), as
SurveyResponse.day is. A date range read from the snapshots is covered by whole months where it can, whole weeks
at its edges and single days for the rest, so a year's figures sum a few thousand cells, not every day's.

The reporting period of the dashboard, the measured map and the key-driver analysis is a preset (last 30 or 90
days, last 12 months, this year) or a from/to range; metrics.forms.periods.PeriodForm reads it from the query
string. The previous period is the one of equal length just before it (for the change on the tiles).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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


# The reporting period of the pages

CUSTOM = "custom"
PRESETS = {
    "30d": _("Last 30 days"),
    "90d": _("Last 90 days"),
    "12m": _("Last 12 months"),
    "ytd": _("This year"),
}
# The period in a sentence, after what it counts: "No responses for App in the last 90 days".
PRESET_PHRASES = {
    "30d": _("in the last 30 days"),
    "90d": _("in the last 90 days"),
    "12m": _("in the last 12 months"),
    "ytd": _("this year"),
}


@dataclass(frozen=True)
class ReportPeriod:
    """The days [date_from, date_to], the preset that chose them (or "custom"), and the previous period."""

    preset: str
    date_from: datetime.date
    date_to: datetime.date

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def previous(self) -> tuple[datetime.date, datetime.date]:
        """The period of equal length that ends the day before this one starts."""
        previous_to = self.date_from - datetime.timedelta(days=1)
        return previous_to - datetime.timedelta(days=self.days - 1), previous_to

    @property
    def label(self) -> str:
        if self.preset in PRESETS:
            return str(PRESETS[self.preset])
        return f"{self.date_from.isoformat()} – {self.date_to.isoformat()}"

    @property
    def phrase(self) -> str:
        """The period as the end of a sentence: "in the last 90 days", "between 1 Jan 2026 and 31 Jan 2026"."""
        if self.preset in PRESET_PHRASES:
            return str(PRESET_PHRASES[self.preset])
        return gettext("between %(from)s and %(to)s") % {
            "from": date_format(self.date_from, "j M Y"),
            "to": date_format(self.date_to, "j M Y"),
        }

    def query(self) -> dict[str, str]:
        """The query-string parameters that choose this period again."""
        if self.preset in PRESETS:
            return {"period": self.preset}
        return {"period": CUSTOM, "from": self.date_from.isoformat(), "to": self.date_to.isoformat()}


def preset_period(preset: str, today: datetime.date | None = None) -> ReportPeriod:
    today = today or timezone.localdate()
    if preset == "30d":
        first = today - datetime.timedelta(days=29)
    elif preset == "90d":
        first = today - datetime.timedelta(days=89)
    elif preset == "12m":
        # The current month and the eleven before it, whole, so that the monthly trend has no partial first month.
        first = month_start(today)
        for _month in range(11):
            first = month_start(first - datetime.timedelta(days=1))
    elif preset == "ytd":
        first = today.replace(month=1, day=1)
    else:
        raise ValueError(f"Unknown period preset {preset!r}.")
    return ReportPeriod(preset, first, today)
