"""Forms of the map editor: stage, touchpoint and finding. They validate input; the services write.

An edit form carries the object's `version` in a hidden field, so the service can refuse a stale edit.
"""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from journeys.models import Finding, Stage, Touchpoint
from journeys.selectors import channel_list
from journeys.services.map import FINDING_FIELDS, STAGE_FIELDS, TOUCHPOINT_FIELDS

EMOTION_CHOICES = [
    (2, _("+2 very positive")),
    (1, _("+1 positive")),
    (0, _("0 neutral")),
    (-1, _("−1 negative")),
    (-2, _("−2 very negative")),
]
SEVERITY_CHOICES = [
    (5, _("5 critical")),
    (4, _("4 high")),
    (3, _("3 medium")),
    (2, _("2 low")),
    (1, _("1 minor")),
]


class VersionedModelForm(forms.ModelForm):
    """Adds the hidden `version` field when editing an existing object."""

    service_fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"] = forms.IntegerField(
                widget=forms.HiddenInput, min_value=1, initial=self.instance.version
            )

    def changes(self) -> dict[str, Any]:
        """The cleaned values the service takes (everything but the version)."""
        return {name: self.cleaned_data[name] for name in self.service_fields if name in self.cleaned_data}


class StageForm(VersionedModelForm):
    service_fields = STAGE_FIELDS

    class Meta:
        model = Stage
        fields = STAGE_FIELDS
        widgets = {
            "customer_goal": forms.Textarea(attrs={"rows": 2}),
            "customer_expectation": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "customer_goal": _("What the customer wants to get done in this stage."),
            "customer_expectation": _("What the customer expects of the company here."),
        }


class TouchpointForm(VersionedModelForm):
    service_fields = TOUCHPOINT_FIELDS

    emotion = forms.TypedChoiceField(
        label=_("designed emotion"),
        choices=EMOTION_CHOICES,
        coerce=int,
        initial=0,
        help_text=_("How the customer should feel here, from −2 (very negative) to +2 (very positive)."),
    )

    class Meta:
        model = Touchpoint
        fields = [
            "name",
            "channel",
            "owner",
            "emotion",
            "is_moment_of_truth",
            "customer_expectation",
            "description",
        ]
        widgets = {
            "customer_expectation": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"is_moment_of_truth": _("A moment that makes or breaks the relationship.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channel_list()
        self.fields["channel"].empty_label = _("No channel")
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["owner"].empty_label = _("Nobody yet")


class FindingForm(VersionedModelForm):
    """On create, the finding may be put on one of the stage's touchpoints; it cannot move afterwards."""

    service_fields = [*FINDING_FIELDS, "touchpoint"]

    severity = forms.TypedChoiceField(label=_("severity"), choices=SEVERITY_CHOICES, coerce=int, initial=3)

    class Meta:
        model = Finding
        fields = ["kind", "touchpoint", "text", "source", "severity"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, stage: Stage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["touchpoint"]
        else:
            touchpoints = self.fields["touchpoint"]
            touchpoints.queryset = stage.touchpoints.order_by("position", "id")
            touchpoints.empty_label = _("The stage as a whole")
            touchpoints.label = _("on")
