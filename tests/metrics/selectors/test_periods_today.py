"""The reporting periods counted from today, whatever today is: CI runs these again on the first of a month, on
the days the clocks change in Amsterdam, on 31 December and on 29 February (pytest --today=...)."""

import datetime

import pytest
from django.utils import timezone

from metrics.forms.periods import PeriodForm, preset_period
from metrics.periods import month_end, month_start, period_start, week_end, week_start

pytestmark = pytest.mark.calendar


def test_the_last_30_and_90_days_end_today_and_have_that_many_days():
    today = timezone.localdate()
    for preset, days in (("30d", 30), ("90d", 90)):
        period = preset_period(preset)
        assert (period.date_to, period.days) == (today, days), preset
        previous_from, previous_to = period.previous
        assert previous_to == period.date_from - datetime.timedelta(days=1)
        assert (previous_to - previous_from).days + 1 == days


def test_the_last_12_months_are_this_month_and_the_eleven_whole_months_before_it():
    today = timezone.localdate()
    period = preset_period("12m")
    assert period.date_to == today and period.date_from.day == 1
    months = 0
    day = period.date_from
    while day <= today:
        months += 1
        day = month_end(day) + datetime.timedelta(days=1)
    assert months == 12
    assert month_start(today) == today.replace(day=1)


def test_this_year_starts_on_the_first_of_january_of_today():
    today = timezone.localdate()
    period = preset_period("ytd")
    assert (period.date_from, period.date_to) == (datetime.date(today.year, 1, 1), today)
    assert period.days == today.timetuple().tm_yday


def test_the_period_form_without_a_choice_shows_the_last_12_months_up_to_today():
    chosen = PeriodForm({}).chosen()
    assert (chosen.preset, chosen.date_to) == ("12m", timezone.localdate())


def test_today_is_in_its_own_week_and_month_and_the_cells_it_falls_in():
    today = timezone.localdate()
    assert week_start(today).weekday() == 0 and week_start(today) <= today <= week_end(today)
    assert (week_end(today) - week_start(today)).days == 6
    assert month_start(today) <= today <= month_end(today)
    assert (month_end(today) + datetime.timedelta(days=1)).day == 1
    assert period_start("week", today) == week_start(today)
    assert period_start("month", today) == month_start(today)
    assert period_start("day", today) == today


def test_the_local_day_follows_amsterdam_not_utc():
    """Just after local midnight the local day is already the next one, while UTC is still on the day before
    (in winter and in summer time alike)."""
    now = timezone.now()
    local = timezone.localtime(now)
    assert timezone.localdate() == local.date()
    assert local.utcoffset() in {datetime.timedelta(hours=1), datetime.timedelta(hours=2)}
