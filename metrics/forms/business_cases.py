"""The business-case form: investment, effect window, notes, and per gain type the expected and realised amount."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import F
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from journeys.api.keys import JourneyRefFilter, KeyedFilterSet
from journeys.models import Journey
from metrics.models import BusinessCase, GainType
from teams.models import ActionStatus


def _amount(label, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
    )


class BusinessCaseForm(forms.ModelForm):
    """The gain fields are `<type>_expected` and `<type>_realised`, the names the service's errors use.

    `gain_rows` pairs them per type for the gains table of the page."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = BusinessCase
        fields = ["investment", "effect_weeks", "notes"]
        widgets = {
            "investment": forms.NumberInput(attrs={"min": "0.01", "step": "0.01"}),
            "effect_weeks": forms.NumberInput(attrs={"min": 1, "max": 52}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {gain.type: gain for gain in self.instance.gains.all()} if self.instance.pk else {}
        for gain_type, label in GainType.choices:
            gain = stored.get(gain_type)
            self.fields[f"{gain_type}_expected"] = _amount(_("%(gain)s, expected (€)") % {"gain": label})
            self.fields[f"{gain_type}_realised"] = _amount(_("%(gain)s, realised (€)") % {"gain": label})
            if gain is not None:
                self.initial.setdefault(f"{gain_type}_expected", gain.expected)
                self.initial.setdefault(f"{gain_type}_realised", gain.realised)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @property
    def case_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self._meta.fields]

    @property
    def gain_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[f"{gain_type}_expected"], self[f"{gain_type}_realised"])
            for gain_type, label in GainType.choices
        ]

    def gains(self) -> dict[str, tuple[Decimal, Decimal | None]]:
        data = self.cleaned_data
        return {
            gain_type: (data.get(f"{gain_type}_expected") or Decimal("0"), data.get(f"{gain_type}_realised"))
            for gain_type in GainType.values
        }


class BusinessCaseFilter(KeyedFilterSet):
    """Business cases by the journey and the status of their action; the list page also sorts by ROI."""

    journey = JourneyRefFilter(
        label=_("Journey"),
        field_name="action__journey",
        queryset=Journey.objects.order_by("name", "id"),
        empty_label=_("All journeys"),
    )
    action_status = django_filters.ChoiceFilter(
        label=_("Action status"), field_name="action__status", choices=ActionStatus.choices, empty_label=_("Any status")
    )

    class Meta:
        model = BusinessCase
        fields = ["journey", "action_status"]


# The list's orders: the field to sort by (None: the action's title) and whether highest first.
SORTS = {
    "-expected_roi": ("expected_roi_value", True),
    "expected_roi": ("expected_roi_value", False),
    "-realised_roi": ("realised_roi_value", True),
    "realised_roi": ("realised_roi_value", False),
    "title": (None, False),
}
# The best expected return first: every case has an expected ROI, while a realised one comes only once gains
# are measured; ranking one case's measurement against another's estimate would mix the two.
DEFAULT_SORT = "-expected_roi"


class BusinessCasePageFilter(BusinessCaseFilter):
    """The list page's filters, and its order: by expected ROI, highest first, unless another is chosen (cases
    without the chosen ROI last). The order is a parameter of the URL like the filters."""

    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[
            ("-expected_roi", _("Expected ROI, highest first")),
            ("expected_roi", _("Expected ROI, lowest first")),
            ("-realised_roi", _("Realised ROI, highest first")),
            ("realised_roi", _("Realised ROI, lowest first")),
            ("title", _("Action title")),
        ],
        empty_label=None,
        method="filter_sort",
    )

    class Meta:
        model = BusinessCase
        fields = ["journey", "action_status", "sort"]

    def __init__(self, data=None, *args, **kwargs):
        # No sort asked for: the default one, applied and shown as chosen in the form.
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("sort"):
            data["sort"] = DEFAULT_SORT
        super().__init__(data, *args, **kwargs)

    def chosen_sort(self) -> str:
        value = self.data.get("sort")
        return value if value in SORTS else DEFAULT_SORT

    def filter_sort(self, queryset, name, value):
        field, descending = SORTS[value]
        if field is None:
            return queryset.order_by("action__title", "id")
        order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        return queryset.order_by(order, "action__title", "id")
