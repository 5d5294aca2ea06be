"""The filters of the management dashboard, read from the query string so that a link shows the same view."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from journeys.models import Channel, Journey, JourneyGroup
from metrics.forms.periods import PeriodForm
from metrics.models import Metric
from metrics.selectors.dashboard import Scope


class DashboardFilterForm(PeriodForm):
    """Journey group, journey, channel and period; `heatmap` picks the metric that colours the heatmap."""

    group = forms.ModelChoiceField(
        label=_("Journey group"),
        queryset=JourneyGroup.objects.order_by("position", "name"),
        required=False,
        empty_label=_("All groups"),
    )
    journey = forms.ModelChoiceField(
        label=_("Journey"),
        queryset=Journey.objects.select_related("group").order_by("group__position", "name", "id"),
        required=False,
        empty_label=_("All journeys"),
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.order_by("position", "name"),
        required=False,
        empty_label=_("All channels"),
    )
    heatmap = forms.ChoiceField(
        label=_("Heatmap colour"),
        required=False,
        choices=[(Metric.CSAT, _("CSAT")), (Metric.CES, _("CES")), (Metric.NPS, _("NPS"))],
    )

    field_order = ["group", "journey", "channel", "period", "date_from", "date_to", "heatmap"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The journeys in their groups, from the one query that lists them.
        self.fields["journey"].label_from_instance = lambda journey: f"{journey.group.name} · {journey.name}"

    def clean(self):
        data = super().clean()
        group, journey = data.get("group"), data.get("journey")
        if group is not None and journey is not None and journey.group_id != group.pk:
            self.add_error("journey", _("This journey is not in the chosen journey group."))
        return data

    def _clean_value(self, name: str):
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name)
        return None

    def scope(self) -> Scope:
        """The chosen scope; the whole organisation while the form is unbound or invalid (its errors show)."""
        group, journey, channel = (self._clean_value(name) for name in ("group", "journey", "channel"))
        return Scope(
            group_id=group.pk if group else None,
            journey_id=journey.pk if journey else None,
            channel_id=channel.pk if channel else None,
        )

    def scope_phrase(self) -> str:
        """The chosen scope as the end of "No responses for …": "App", "the journey “Report a claim” on App",
        "the journey group “Becoming a customer”", "all journeys"."""
        group, journey, channel = (self._clean_value(name) for name in ("group", "journey", "channel"))
        if journey is not None:
            scope = gettext("the journey “%(name)s”") % {"name": journey.name}
        elif group is not None:
            scope = gettext("the journey group “%(name)s”") % {"name": group.name}
        elif channel is not None:
            return channel.label
        else:
            return gettext("all journeys")
        if channel is not None:
            return gettext("%(scope)s on %(channel)s") % {"scope": scope, "channel": channel.label}
        return scope

    def is_filtered(self) -> bool:
        """Whether the view is narrowed to a group, a journey or a channel."""
        scope = self.scope()
        return any(value is not None for value in (scope.group_id, scope.journey_id, scope.channel_id))

    def heatmap_metric(self) -> str:
        return self._clean_value("heatmap") or Metric.CSAT

    def query(self) -> dict[str, str]:
        """The filters as query parameters (the valid ones), to build CSV links and the like."""
        query = dict(self.chosen().query())
        scope = self.scope()
        for key, value in (("group", scope.group_id), ("journey", scope.journey_id), ("channel", scope.channel_id)):
            if value is not None:
                query[key] = str(value)
        if self.heatmap_metric() != Metric.CSAT:
            query["heatmap"] = self.heatmap_metric()
        return query
