"""The form of the target pages and the filter of the targets API."""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from journeys.api.keys import JourneyRefFilter, KeyedFilterSet, TouchpointRefFilter
from journeys.models import Journey, JourneyState, Touchpoint
from metrics.models import Metric, MetricTarget
from metrics.services.targets import RANGE_HELP, TARGET_FIELDS


def journey_label(journey: Journey) -> str:
    """A journey by name; a future state says so (it may share its name with the current state)."""
    if journey.state == JourneyState.FUTURE:
        return _("%(name)s (future state)") % {"name": journey.name}
    return journey.name


class TouchpointsByJourney(forms.models.ModelChoiceIterator):
    """The touchpoints as option groups, one per journey, each touchpoint named with its stage."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[int, tuple[str, list]] = {}
        for touchpoint in self.queryset.iterator():
            label = journey_label(touchpoint.journey)
            groups.setdefault(touchpoint.journey_id, (label, []))[1].append(self.choice(touchpoint))
        yield from groups.values()


class TouchpointByJourneyField(forms.ModelChoiceField):
    iterator = TouchpointsByJourney

    def label_from_instance(self, touchpoint: Touchpoint) -> str:
        return f"{touchpoint.stage.name} › {touchpoint.name}"


class TargetForm(forms.ModelForm):
    """Set or change a target. Leave the journey and the touchpoint empty for the whole organisation; a touchpoint
    without a journey brings its own (the service checks that the two belong together)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    touchpoint = TouchpointByJourneyField(
        label=_("Touchpoint"),
        queryset=Touchpoint.objects.none(),
        required=False,
        empty_label=_("No touchpoint"),
        help_text=_("For one touchpoint: its own target applies there instead of its journey's."),
    )

    class Meta:
        model = MetricTarget
        fields = TARGET_FIELDS
        widgets = {"value": forms.NumberInput(attrs={"step": "any"})}
        help_texts = {"value": RANGE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # 70, not 70.00 (the stored two decimals)
            self.initial["value"] = Decimal(format(self.instance.value.normalize(), "f"))
        self.fields["metric"].choices = [("", _("Choose NPS, CSAT or CES")), *Metric.choices]
        journey = self.fields["journey"]
        journey.queryset = Journey.objects.order_by("name", "state", "id")
        journey.label_from_instance = journey_label
        journey.empty_label = _("Whole organisation")
        journey.help_text = _("Empty, with no touchpoint: the whole organisation. A touchpoint brings its own journey.")
        self.fields["touchpoint"].queryset = Touchpoint.objects.select_related("journey", "stage").order_by(
            "journey__name", "journey__state", "journey_id", "stage__position", "position", "id"
        )

    def _get_validation_exclusions(self):
        # Every unique constraint of a target includes the metric: leaving it out here leaves a second target of
        # one scope to the service, which says at the scope's field which target exists already (the model's
        # check would say "Constraint “metric_target_unique_journey” is violated." above the form).
        exclude = super()._get_validation_exclusions()
        exclude.add("metric")
        return exclude


class Scope(django_filters.ChoiceFilter):
    """?scope=organisation|journey|touchpoint: the targets of that kind of scope."""

    CHOICES = [
        ("organisation", _("Whole organisation")),
        ("journey", _("Journey")),
        ("touchpoint", _("Touchpoint")),
    ]
    CONDITIONS = {
        "organisation": Q(journey__isnull=True, touchpoint__isnull=True),
        "journey": Q(journey__isnull=False, touchpoint__isnull=True),
        "touchpoint": Q(touchpoint__isnull=False),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=self.CHOICES, **kwargs)

    def filter(self, qs, value):
        return qs.filter(self.CONDITIONS[value]) if value else qs


class TargetFilter(KeyedFilterSet):
    """Which targets: of a metric, on a journey (its own and its touchpoints'), of a touchpoint, of a scope."""

    metric = django_filters.ChoiceFilter(label=_("Metric"), choices=Metric.choices)
    journey = JourneyRefFilter(label=_("Journey"), queryset=Journey.objects.all())
    touchpoint = TouchpointRefFilter(label=_("Touchpoint"), queryset=Touchpoint.objects.all())
    scope = Scope(label=_("Scope"))

    class Meta:
        model = MetricTarget
        fields = ["metric", "journey", "touchpoint", "scope"]
