"""The reporting period of the dashboard, the measured map and the key-driver analysis: a preset (last 30 or
90 days, last 12 months, this year) or a from/to range, read from the query string so that a link shows the
same view. The previous period is the one of equal length just before it (for the change on the tiles)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from metrics.periods import month_start

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


class PeriodForm(forms.Form):
    """?period=<preset> or ?period=custom&from=YYYY-MM-DD&to=YYYY-MM-DD (from/to alone also mean custom)."""

    period = forms.ChoiceField(label=_("Period"), required=False, choices=[*PRESETS.items(), (CUSTOM, _("From – to"))])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    MAX_DAYS = 366 * 10

    def __init__(self, query=None, *, default: str = "12m", today: datetime.date | None = None, **kwargs):
        self.default = default
        self.today = today
        super().__init__(query, **kwargs)
        self.fields["period"].initial = default

    def add_prefix(self, field_name: str) -> str:
        # The query string says ?from= and ?to= (the fields cannot: "from" is a Python keyword).
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        preset = data.get("period") or ""
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if preset in PRESETS:
            return data
        if preset == CUSTOM or date_from or date_to:
            if not date_from and "date_from" not in self.errors:
                self.add_error("date_from", _("Choose the first day of the period."))
            if not date_to and "date_to" not in self.errors:
                self.add_error("date_to", _("Choose the last day of the period."))
            if date_from and date_to:
                if date_from > date_to:
                    self.add_error("date_to", _("The last day must be on or after the first day."))
                elif (date_to - date_from).days >= self.MAX_DAYS:
                    self.add_error("date_from", _("Choose a period of at most ten years."))
        return data

    def chosen(self) -> ReportPeriod:
        """The chosen period; the default preset while the form is unbound or invalid (its errors are shown)."""
        if self.is_bound and self.is_valid():
            preset = self.cleaned_data.get("period") or ""
            if preset in PRESETS:
                return preset_period(preset, self.today)
            if self.cleaned_data.get("date_from") and self.cleaned_data.get("date_to"):
                return ReportPeriod(CUSTOM, self.cleaned_data["date_from"], self.cleaned_data["date_to"])
        return preset_period(self.default, self.today)
