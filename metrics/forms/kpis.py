"""Forms and filters of the custom-KPI pages; the API shares KpiFilter."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.forms import person_label
from journeys.api.keys import JourneyRefFilter, KeyedFilterSet
from journeys.models import Channel, Journey, Touchpoint
from metrics.models import CustomKpi, KpiKind, KpiMeasurement, KpiStatus
from metrics.services.kpi_csv import MAX_BYTES
from metrics.services.kpis import KPI_FIELDS


class KpiFilter(KeyedFilterSet):
    """Which KPIs: on a journey (by id or key), of a kind, with a status (computed in the database by the
    selector)."""

    journey = JourneyRefFilter(
        label=_("Journey"), queryset=Journey.objects.order_by("name", "id"), empty_label=_("All journeys")
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=KpiKind.choices, empty_label=_("All kinds"))
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=KpiStatus.choices, empty_label=_("Any status"), field_name="status"
    )

    class Meta:
        model = CustomKpi
        fields = ["journey", "kind", "status"]


class KpiForm(forms.ModelForm):
    """Define or edit a KPI. The touchpoint must be on the chosen journey (the service checks)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = CustomKpi
        fields = KPI_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "target": forms.NumberInput(attrs={"step": "any"}),
            "tolerance": forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.5"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        owner = self.fields["owner"]
        owner.queryset = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
        owner.label_from_instance = person_label
        owner.empty_label = _("Nobody yet")
        self.fields["journey"].queryset = Journey.objects.order_by("name", "id")
        self.fields["journey"].empty_label = _("Not tied to a journey")
        touchpoint = self.fields["touchpoint"]
        touchpoint.queryset = Touchpoint.objects.select_related("journey").order_by("journey__name", "position")
        touchpoint.label_from_instance = lambda t: f"{t.journey.name} · {t.name}"
        touchpoint.empty_label = _("No touchpoint")
        touchpoint.help_text = _("For a touchpoint objective, such as the conversion of one step.")
        self.fields["channel"].queryset = Channel.objects.order_by("position", "name")
        self.fields["channel"].empty_label = _("All channels")


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = KpiMeasurement
        fields = ["period_start", "value", "note"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "value": forms.NumberInput(attrs={"step": "any"}),
        }


class MeasurementImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns period,value and optionally note, one line per period. Comma or semicolon separated; "
            "dates as 2025-03-31 or 31-03-2025; a decimal comma (12,5) in semicolon-separated files."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
