"""The filters of the verbatim search page (and its CSV), read from the query string so that a link shows the
same search. The API reads the same filters with its own serializer (metrics.api.verbatims)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.api.keys import JourneyChoiceField, is_id, part_by_key
from journeys.models import Journey, Touchpoint
from metrics.models import Metric, Theme
from metrics.themes.search import VerbatimFilters

MAX_QUERY = 200


class ThemeChoiceField(forms.ModelChoiceField):
    """A theme by id (the page's select) or key (a link typed by hand)."""

    def label_from_instance(self, obj: Theme) -> str:
        return obj.name

    def to_python(self, value: Any) -> Theme | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        assert self.queryset is not None
        rows = self.queryset.order_by()
        theme = None
        if "\x00" not in text:
            theme = rows.filter(pk=int(text)).first() if is_id(text) else rows.filter(key=text.lower()).first()
        if theme is None:
            raise forms.ValidationError(
                _("No theme has the id or key “%(value)s”."), code="invalid_choice", params={"value": text}
            )
        return theme


class VerbatimSearchForm(forms.Form):
    """q, journey, touchpoint (of the chosen journey), metric, score range, theme, from/to; page."""

    q = forms.CharField(label=gettext_lazy("Words"), required=False, max_length=MAX_QUERY)
    journey = JourneyChoiceField(
        label=gettext_lazy("Journey"),
        queryset=Journey.objects.order_by("name", "id"),
        required=False,
        empty_label=gettext_lazy("All journeys"),
    )
    # Its options are the chosen journey's touchpoints (see __init__); an id, or a key or alias with the journey.
    touchpoint = forms.CharField(label=gettext_lazy("Touchpoint"), required=False, widget=forms.Select)
    metric = forms.ChoiceField(
        label=gettext_lazy("Metric"),
        required=False,
        choices=[("", gettext_lazy("All metrics")), *Metric.choices],
    )
    score_min = forms.IntegerField(label=gettext_lazy("Score from"), required=False, min_value=0, max_value=10)
    score_max = forms.IntegerField(label=gettext_lazy("Score to"), required=False, min_value=0, max_value=10)
    theme = ThemeChoiceField(
        label=gettext_lazy("Theme"),
        queryset=Theme.objects.order_by("name_en", "id"),
        required=False,
        empty_label=gettext_lazy("All themes"),
    )
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    FILTERS = ("q", "journey", "touchpoint", "metric", "score_min", "score_max", "theme", "date_from", "date_to")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("e.g. wachttijd, “called back”")})
        self.fields["score_min"].widget.attrs["class"] = "input-narrow"
        self.fields["score_max"].widget.attrs["class"] = "input-narrow"
        self._touchpoint_options(None)

    def add_prefix(self, field_name: str) -> str:
        # The query string says ?from= and ?to= ("from" is a Python keyword), as on the dashboard.
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound:
            self._touchpoint_options((self.cleaned_data or {}).get("journey"))

    def _touchpoint_options(self, journey: Journey | None) -> None:
        """The touchpoint select offers the chosen journey's touchpoints (a journey has a handful)."""
        if journey is None:
            options = [("", _("Choose a journey first"))]
        else:
            rows = Touchpoint.objects.filter(journey=journey).order_by("stage__position", "position", "id")
            options = [("", _("All touchpoints")), *((str(pk), name) for pk, name in rows.values_list("pk", "name"))]
        self.fields["touchpoint"].widget.choices = options

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_touchpoint(self) -> Touchpoint | None:
        text = (self.cleaned_data.get("touchpoint") or "").strip()
        if not text:
            return None
        journey = self.cleaned_data.get("journey")
        if self.data.get("journey") and journey is None:
            return None  # the journey's own error says what is wrong
        if is_id(text):
            touchpoint = Touchpoint.all_objects.filter(pk=int(text)).first()
            if touchpoint is None:
                raise forms.ValidationError(_("No touchpoint has the id “%(value)s”."), params={"value": text})
            if journey is not None and touchpoint.journey_id != journey.pk:
                raise forms.ValidationError(_("This touchpoint is not part of the chosen journey."))
            return touchpoint
        if journey is None:
            raise forms.ValidationError(_("To name a touchpoint by its key, choose its journey too."))
        found = part_by_key(Touchpoint, journey.pk, text)
        if found is None:
            raise forms.ValidationError(
                _("The journey “%(journey)s” has no touchpoint with the key “%(key)s”."),
                params={"journey": journey.name, "key": text},
            )
        return found  # type: ignore[return-value]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and low > high:
            self.add_error("score_max", _("The highest score must not be below the lowest."))
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", _("The last day must be on or after the first day."))
        return data

    # What the view reads

    def filters(self) -> VerbatimFilters:
        """The chosen filters; none while the form is unbound or invalid (its errors are shown instead)."""
        if not (self.is_bound and self.is_valid()):
            return VerbatimFilters()
        return VerbatimFilters.from_valid(self.cleaned_data, day_from="date_from", day_to="date_to")

    def page_number(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("page") or 1
        return 1

    def is_filtered(self) -> bool:
        return self.filters() != VerbatimFilters()

    def query(self) -> str:
        """The valid filters as a query string (without the page), for the pagination and the CSV link."""
        if not (self.is_bound and self.is_valid()):
            return ""
        params = QueryDict(mutable=True)
        for name in self.FILTERS:
            value = self.data.get(self.add_prefix(name))
            if value:
                params[self.add_prefix(name)] = value
        return params.urlencode()
