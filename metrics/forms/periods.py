"""The form that reads the reporting period (metrics.periods.ReportPeriod) of the dashboard, the measured map
and the key-driver analysis from the query string: a preset (last 30 or 90 days, last 12 months, this year) or
a from/to range, so that a link shows the same view."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

# ReportPeriod and its presets live in metrics.periods (selectors read them); re-exported for the forms' users.
from metrics.periods import CUSTOM, PRESET_PHRASES, PRESETS, ReportPeriod, preset_period

__all__ = ["CUSTOM", "PRESETS", "PRESET_PHRASES", "PeriodForm", "ReportPeriod", "preset_period"]


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
