"""The scope of the theme analysis, read from the query string (so that a link shows the same view) or from the
POST of a "create a pain point / an improvement action" button: journey, stage, touchpoint, channel and period
(metrics.forms.periods; the last 12 months unless chosen)."""

from __future__ import annotations

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from journeys.models import Channel, Journey, Stage, Touchpoint
from metrics.forms.periods import PeriodForm
from metrics.themes.selectors import Scope


def _chosen_id(data, name: str) -> int | None:
    """The id the raw data names (before validation), to narrow the other fields' choices; None when unusable."""
    value = (data or {}).get(name) or ""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12 else None


class ThemeScopeForm(PeriodForm):
    journey = forms.ModelChoiceField(
        label=_("Journey"),
        queryset=Journey.objects.order_by("name", "id"),
        required=False,
        empty_label=_("All journeys"),
    )
    stage = forms.ModelChoiceField(
        label=_("Stage"), queryset=Stage.objects.none(), required=False, empty_label=_("All stages")
    )
    touchpoint = forms.ModelChoiceField(
        label=_("Touchpoint"), queryset=Touchpoint.objects.none(), required=False, empty_label=_("All touchpoints")
    )
    channel = forms.ModelChoiceField(
        label=_("Channel"),
        queryset=Channel.objects.order_by("position", "name"),
        required=False,
        empty_label=_("All channels"),
    )

    field_order = ["journey", "stage", "touchpoint", "channel", "period", "date_from", "date_to"]

    def __init__(self, query=None, *, default: str = "12m", **kwargs):
        # Filters without a period (?touchpoint=5): the default period, shown as chosen in its list.
        if query is not None and not any(query.get(name) for name in ("period", "from", "to")):
            query = query.copy()
            query["period"] = default
        super().__init__(query, default=default, **kwargs)
        # Stages and touchpoints: those of the chosen journey when one is named, else all, labelled with their
        # journey (names repeat across journeys). Archived ones are no choice (their figures remain in totals).
        journey_id = _chosen_id(self.data, "journey")
        stages = Stage.objects.select_related("journey").order_by("journey__name", "journey_id", "position")
        touchpoints = Touchpoint.objects.select_related("journey", "stage").order_by(
            "journey__name", "journey_id", "stage__position", "position"
        )
        if journey_id is not None:
            stages, touchpoints = stages.filter(journey_id=journey_id), touchpoints.filter(journey_id=journey_id)
            self.fields["stage"].label_from_instance = lambda stage: stage.name
            self.fields["touchpoint"].label_from_instance = lambda tp: f"{tp.stage.name} · {tp.name}"
        else:
            self.fields["stage"].label_from_instance = lambda stage: f"{stage.journey.name} · {stage.name}"
            self.fields["touchpoint"].label_from_instance = lambda tp: f"{tp.journey.name} · {tp.name}"
        self.fields["stage"].queryset = stages
        self.fields["touchpoint"].queryset = touchpoints

    def clean(self):
        data = super().clean()
        journey, stage, touchpoint = data.get("journey"), data.get("stage"), data.get("touchpoint")
        if stage is not None and journey is not None and stage.journey_id != journey.pk:
            self.add_error("stage", _("This stage is not part of the chosen journey."))
        if touchpoint is not None and stage is not None and touchpoint.stage_id != stage.pk:
            self.add_error("touchpoint", _("This touchpoint is not part of the chosen stage."))
        return data

    def _value(self, name: str):
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name)
        return None

    def scope(self) -> Scope:
        """The chosen scope; all journeys over the default period while the form is unbound or invalid."""
        period = self.chosen()
        journey, stage, touchpoint, channel = (
            self._value(name) for name in ("journey", "stage", "touchpoint", "channel")
        )
        if touchpoint is not None:  # its journey and stage follow
            journey, stage = touchpoint.journey, None
        elif stage is not None:
            journey = stage.journey
        return Scope(
            day_from=period.date_from,
            day_to=period.date_to,
            journey_id=journey.pk if journey else None,
            stage_id=stage.pk if stage else None,
            touchpoint_id=touchpoint.pk if touchpoint else None,
            channel_id=channel.pk if channel else None,
        )

    def chosen_touchpoint(self) -> Touchpoint | None:
        return self._value("touchpoint")

    def query(self, **changes) -> dict[str, str]:
        """The valid choices as query parameters (with `changes`: a value None drops the parameter)."""
        query = dict(self.chosen().query())
        for name in ("journey", "stage", "touchpoint", "channel"):
            value = self._value(name)
            if value is not None:
                query[name] = str(value.pk)
        for name, value in changes.items():
            if value is None:
                query.pop(name, None)
            else:
                query[name] = str(value)
        return query

    def querystring(self, **changes) -> str:
        return urlencode(self.query(**changes))
