"""The journeys list's filters, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .api.keys import (
    JOURNEY_REF_HELP,
    STAGE_REF_HELP,
    TOUCHPOINT_REF_HELP,
    JourneyRefFilter,
    KeyedFilterSet,
    StageRefFilter,
    TouchpointRefFilter,
)
from .models import Channel, Finding, Journey, JourneyGroup, JourneyState, Persona, Phase, Stage, Touchpoint
from .selectors import journey_search


class JourneyFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Search"), method="filter_search")
    group = django_filters.ModelChoiceFilter(
        label=_("Journey group"), queryset=JourneyGroup.objects.order_by("position"), empty_label=_("All groups")
    )
    persona = django_filters.ModelChoiceFilter(
        label=_("Persona"),
        field_name="personas",
        queryset=Persona.objects.order_by("name"),
        empty_label=_("All personas"),
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=JourneyState.choices, empty_label=_("All states"))
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Phase.choices, empty_label=_("All phases"))

    class Meta:
        model = Journey
        fields = ["search", "group", "persona", "state", "phase"]

    def filter_search(self, queryset, name, value):
        return journey_search(queryset, value)


class StageFilter(KeyedFilterSet):
    journey = JourneyRefFilter(help_text=JOURNEY_REF_HELP)

    class Meta:
        model = Stage
        fields = ["journey"]


class TouchpointFilter(KeyedFilterSet):
    journey = JourneyRefFilter(help_text=JOURNEY_REF_HELP)
    stage = StageRefFilter(help_text=STAGE_REF_HELP)
    channel = django_filters.ModelChoiceFilter(queryset=Channel.objects.all())

    class Meta:
        model = Touchpoint
        fields = ["journey", "stage", "channel", "owner"]


class FindingFilter(KeyedFilterSet):
    journey = JourneyRefFilter(help_text=JOURNEY_REF_HELP)
    stage = StageRefFilter(help_text=STAGE_REF_HELP)
    touchpoint = TouchpointRefFilter(help_text=TOUCHPOINT_REF_HELP)

    class Meta:
        model = Finding
        fields = ["journey", "stage", "touchpoint", "kind"]
