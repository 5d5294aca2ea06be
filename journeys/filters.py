"""The journeys list's filters, shared by the page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Channel, Journey, JourneyGroup, JourneyState, Persona, Phase, Stage, Touchpoint
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


class StageFilter(django_filters.FilterSet):
    class Meta:
        model = Stage
        fields = ["journey"]


class TouchpointFilter(django_filters.FilterSet):
    channel = django_filters.ModelChoiceFilter(queryset=Channel.objects.all())

    class Meta:
        model = Touchpoint
        fields = ["journey", "stage", "channel", "owner"]
