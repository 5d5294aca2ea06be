"""Forms of the map editor: stage, touchpoint and finding. They validate input; the services write.

An edit form carries the object's `version` in a hidden field, so the service can refuse a stale edit.
"""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from journeys.keys import MAX_ALIASES, validate_key
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


KEY_CHANGE_WARNING = _("Survey tools, files and API clients that use the old key must be updated when you change it.")


class KeyedFormMixin:
    """A form with a `key`: the key is checked for its shape here, and for being unique by the service
    (journeys.services.keys), whose message names the part that holds it; the model's unique constraint is
    left out of the form's own checks, which would only say "constraint violated"."""

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "key"}  # type: ignore[misc]

    def clean_key(self) -> str:
        """Lower case, and of the shape journeys.keys wants. Left empty, a new part's key is made from its name;
        an existing part keeps its key (a key changes only when someone types another)."""
        key = (self.cleaned_data.get("key") or "").strip().lower()  # type: ignore[attr-defined]
        if not key:
            return self.instance.key  # type: ignore[attr-defined]
        validate_key(key)
        return key


def key_field_help(form: forms.ModelForm, unique_within: str) -> None:
    """The key's help: what it is unique in, what it is made from when left empty, and (on edit) what changing
    it breaks."""
    field = form.fields["key"]
    field.widget.attrs.update({"spellcheck": "false", "autocomplete": "off", "class": "mono"})
    if form.instance.pk:
        field.help_text = f"{unique_within} {KEY_CHANGE_WARNING}"
    else:
        field.help_text = f"{unique_within} {_('Leave empty to make one from the name.')}"


class AliasesField(forms.CharField):
    """Aliases typed one per line, or separated by commas; cleaned into a list (the service checks them against
    the other touchpoints of the journey)."""

    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(alias) for alias in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        aliases = [" ".join(part.split()) for line in text.splitlines() for part in line.split(",")]
        return [alias for alias in aliases if alias]

    def validate(self, value):
        if len(value) > MAX_ALIASES:
            raise forms.ValidationError(
                _("At most %(max)d aliases; this has %(count)d.") % {"max": MAX_ALIASES, "count": len(value)},
                code="too_many_aliases",
            )

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)


class StageForm(KeyedFormMixin, VersionedModelForm):
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        key_field_help(self, _("A short name for the stage that stays the same, unique within the journey."))


class TouchpointForm(KeyedFormMixin, VersionedModelForm):
    service_fields = TOUCHPOINT_FIELDS

    aliases = AliasesField(
        label=_("aliases"),
        required=False,
        # Formatted when shown, in the user's language (a lazy string formatted here would be fixed in English).
        help_text=lazy(
            lambda: (
                gettext(
                    "The names or codes other systems use for this touchpoint (a survey tool's question code, a "
                    "form's field): one per line or separated by commas, at most %(max)d. Imports and survey tools "
                    "may name the touchpoint by any of them."
                )
                % {"max": MAX_ALIASES}
            ),
            str,
        )(),
    )

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
            "key",
            "aliases",
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
        key_field_help(
            self,
            _(
                "A short name for the touchpoint that stays the same, unique within the journey: survey tools, "
                "imports and the API may name the touchpoint by it."
            ),
        )
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
