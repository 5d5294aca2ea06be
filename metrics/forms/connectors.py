"""Forms of the survey source pages: a new source, its settings, its mapping, the delivery log's filter.

The mapping form turns selects and fields into the mapping's JSON (metrics.connectors.mapping) and its problems
back onto the fields; the choices come from the sample payload the user pasted (the questions, hidden fields and
metadata it carries) and from what the mapping names already.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from journeys.models import Channel, Journey, JourneyState, Touchpoint
from metrics.connectors.mapping import METRICS, ORIGINS, mapping_validate
from metrics.connectors.vendors import Vendor
from metrics.models import DeliveryStatus, SurveySource
from metrics.privacy.redaction import KIND_CHOICES

MAX_SAMPLE = 200_000  # characters of a pasted sample payload
NAME_MAX = SurveySource._meta.get_field("name").max_length

# Where a target's value may come from, per target: the respondent key has no fixed value (one person for all);
# the comment is always an answer (its own select).
SOURCED_TARGETS: tuple[str, ...] = ("journey", "touchpoint", "channel", "respondent")
FIXABLE_TARGETS: tuple[str, ...] = ("journey", "touchpoint", "channel")
TARGET_TEXT = {
    "journey": _("Journey"),
    "touchpoint": _("Touchpoint"),
    "channel": _("Channel"),
    "respondent": _("Respondent key"),
}
METRIC_TEXT = {
    "nps": _("NPS question (0 to 10)"),
    "csat": _("CSAT question (1 to 5)"),
    "ces": _("CES question (1 to 7)"),
}


def _config_field(config_field, *, stored: bool) -> forms.Field:
    """A form field for one of a vendor's settings; a secret one is write-only (never rendered back)."""
    help_text = str(config_field.help_text or "")
    if config_field.secret:
        widget: forms.Widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
        if stored:
            help_text = (help_text + " " + str(_("A value is saved; leave empty to keep it."))).strip()
    else:
        widget = forms.TextInput()
    return forms.CharField(
        label=config_field.label,
        help_text=help_text,
        required=config_field.required and not (config_field.secret and stored),
        max_length=500,
        widget=widget,
    )


class SourceCreateForm(forms.Form):
    """A new source of one survey tool: its name and the tool's settings (config_<name>)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("How you recognise it in the list, e.g. “Claims survey (Typeform)”."),
    )

    def __init__(self, *args: Any, vendor: Vendor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vendor = vendor
        if vendor.secret_from_tool:
            self.fields["secret"] = pasted_secret_field(vendor)
        for config_field in vendor.config_fields:
            self.fields[f"config_{config_field.name}"] = _config_field(config_field, stored=False)

    def config(self) -> dict[str, Any]:
        return config_of(self.cleaned_data)


def pasted_secret_field(vendor: Vendor) -> forms.CharField:
    """The signing key a tool makes itself (SurveyMonkey), pasted by the user; never shown back."""
    return forms.CharField(
        label=vendor.secret_label or _("Signing key"),
        help_text=vendor.secret_help,
        max_length=SurveySource._meta.get_field("secret").max_length,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


class PastedSecretForm(forms.Form):
    """A new signing key for a tool that makes it itself (the rotation page of such a source)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, vendor: Vendor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secret"] = pasted_secret_field(vendor)


def config_of(data: Mapping[str, Any]) -> dict[str, Any]:
    return {name.removeprefix("config_"): value for name, value in data.items() if name.startswith("config_")}


def prefixed_config_errors(error: ValidationError, vendor: Vendor) -> ValidationError:
    """A service's ValidationError with the vendor's setting names as the form names them (config_<name>)."""
    if not hasattr(error, "error_dict"):
        return error
    names = {f.name for f in vendor.config_fields}
    return ValidationError(
        {(f"config_{name}" if name in names else name): errors for name, errors in error.error_dict.items()}
    )


class SourceSettingsForm(forms.ModelForm):
    """A source's name, whether it is active, and its tool's settings (secret ones write-only)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    redact_kinds = forms.MultipleChoiceField(
        label=_("Personal data to redact from comments"),
        choices=KIND_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Replaced by a marker ([e-mail], [phone], [IBAN], [BSN], [address]) before a comment is stored; the "
            "original is never stored. Untick all only for a survey tool that redacts comments itself."
        ),
    )

    class Meta:
        model = SurveySource
        fields = ["name", "active", "rate_limit", "max_bytes", "redact_kinds"]
        help_texts = {
            "active": _("An inactive source answers its tool with 404 and stores nothing."),
            "rate_limit": _("More deliveries than this in a minute get 429: the tool sends them again later."),
            "max_bytes": _("A larger payload gets 413."),
        }

    def clean_rate_limit(self) -> int:
        value = self.cleaned_data["rate_limit"]
        if value < 1:
            raise ValidationError(_("At least one delivery a minute, or the source receives nothing."))
        return value

    def clean_max_bytes(self) -> int:
        value = self.cleaned_data["max_bytes"]
        if value < 1024:
            raise ValidationError(_("At least 1024 bytes: no survey tool's payload is smaller."))
        return value

    def __init__(self, *args: Any, vendor: Vendor | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vendor = vendor
        self.fields["version"].initial = self.instance.version
        self.fields["active"].label = _("Active: accept deliveries")
        stored = self.instance.config or {}
        for config_field in vendor.config_fields if vendor else ():
            name = f"config_{config_field.name}"
            self.fields[name] = _config_field(config_field, stored=bool(stored.get(config_field.name)))
            if not config_field.secret:
                self.fields[name].initial = stored.get(config_field.name, "")


class DeliveryFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *DeliveryStatus.choices]
    )


# The mapping


class MappingForm(forms.Form):
    """The mapping of a source as fields, with the sample payload it was made on.

    `found` is what the sample carries: {"answers": {ref: {"label", "value"}}, "hidden": {...}, "meta": {...}};
    the selects offer those refs and names, and what the mapping names already (kept when the sample lacks it).
    """

    sample = forms.CharField(
        label=_("Sample payload"),
        required=False,
        max_length=MAX_SAMPLE,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "code-input"}),
        help_text=_(
            "A payload as the tool sends it (JSON): from the tool's own example, or a delivery's payload in the "
            "log. Nothing of it is stored."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, mapping: Mapping[str, Any], found: Mapping[str, Any], version: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = version
        answers: Mapping[str, Mapping[str, Any]] = found.get("answers") or {}
        metrics: Mapping[str, str] = mapping.get("metrics") or {}

        def answer_choices(extra: Iterable[str], empty: str) -> list[tuple[str, str]]:
            refs = list(answers)
            refs += [ref for ref in extra if ref and ref not in answers]
            return [("", empty)] + [(ref, answer_label(ref, answers.get(ref))) for ref in refs]

        for metric in METRICS:
            self.fields[metric] = forms.ChoiceField(
                label=METRIC_TEXT[metric],
                required=False,
                choices=answer_choices([metrics.get(metric, "")], str(_("Not asked"))),
                initial=metrics.get(metric, ""),
            )
        origins = [(name, str(label).capitalize()) for name, label in ORIGINS.items()]
        for target in SOURCED_TARGETS:
            spec = mapping.get(target) or {}
            choices = [("", _("Not mapped"))] + [
                (name, label) for name, label in origins if name != "fixed" or target in FIXABLE_TARGETS
            ]
            self.fields[f"{target}_from"] = forms.ChoiceField(
                label=_("%(target)s comes from") % {"target": TARGET_TEXT[target]},
                required=False,
                choices=choices,
                initial=spec.get("from", ""),
            )
            self.fields[f"{target}_key"] = forms.CharField(
                label=_("%(target)s: name of the field, parameter or question") % {"target": TARGET_TEXT[target]},
                required=False,
                max_length=200,
                initial=spec.get("key", ""),
                widget=forms.TextInput(attrs={"list": "found-names", "autocomplete": "off"}),
            )
        fixed = {target: (mapping.get(target) or {}).get("value", "") for target in FIXABLE_TARGETS}
        self.fields["journey_fixed"] = forms.ChoiceField(
            label=_("Journey (fixed)"), required=False, choices=journey_choices(), initial=fixed["journey"]
        )
        self.fields["touchpoint_fixed"] = forms.ChoiceField(
            label=_("Touchpoint (fixed)"),
            required=False,
            choices=touchpoint_choices(),
            initial=fixed["touchpoint"],
            help_text=_("A touchpoint of the journey the response is on, by its key."),
        )
        self.fields["channel_fixed"] = forms.ChoiceField(
            label=_("Channel (fixed)"), required=False, choices=channel_choices(), initial=fixed["channel"]
        )
        comment = mapping.get("comment") or {}
        self.fields["comment"] = forms.ChoiceField(
            label=_("Comment (the customer's own words)"),
            required=False,
            choices=answer_choices([comment.get("key", "")], str(_("No comment"))),
            initial=comment.get("key", "") if comment.get("from") == "answer" else "",
        )
        # A comment mapped from somewhere else than an answer (through the API) is kept as it is.
        self.other_comment = comment if comment and comment.get("from") != "answer" else None

    def mapping(self) -> dict[str, Any]:
        """The mapping the fields give (after is_valid), in the shape mapping_validate keeps."""
        data = self.cleaned_data
        mapping: dict[str, Any] = {"metrics": {m: data[m] for m in METRICS if data.get(m)}}
        for target in SOURCED_TARGETS:
            origin = data.get(f"{target}_from")
            if not origin:
                continue
            if origin == "fixed":
                mapping[target] = {"from": "fixed", "value": data.get(f"{target}_fixed", "")}
            else:
                mapping[target] = {"from": origin, "key": data.get(f"{target}_key", "")}
        if data.get("comment"):
            mapping["comment"] = {"from": "answer", "key": data["comment"]}
        elif self.other_comment:
            mapping["comment"] = self.other_comment
        return mapping

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            self.clean_mapping = mapping_validate(self.mapping())
        except ValidationError as error:
            for entry, messages in error.message_dict.items():
                self.add_error(self.field_of(entry, data), messages)
        return data

    def field_of(self, entry: str, data: Mapping[str, Any]) -> str | None:
        """The field where a mapping entry's problem is shown."""
        if entry == "metrics":
            return "nps"
        if entry == "comment":
            return "comment"
        if entry in SOURCED_TARGETS:
            return f"{entry}_fixed" if data.get(f"{entry}_from") == "fixed" else f"{entry}_key"
        return None


def answer_label(ref: str, answer: Mapping[str, Any] | None) -> str:
    """'nps · How likely are you to recommend us? (sample: 9)' for a select's option."""
    if answer is None:
        return str(_("%(ref)s (not in the sample)") % {"ref": ref})
    label = str(answer.get("label") or "")
    value = sample_text(answer.get("value"))
    text = f"{ref} · {label}" if label and label != ref else ref
    if len(text) > 90:
        text = text[:89] + "…"
    return f"{text} ({_('sample')}: {value})" if value else text


def sample_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:59] + "…"


def journey_choices() -> list[tuple[str, str]]:
    rows = Journey.objects.filter(state=JourneyState.CURRENT).order_by("name", "id").values_list("key", "name")
    return [("", _("Choose a journey"))] + [(key, f"{name} ({key})") for key, name in rows]


def touchpoint_choices() -> list[tuple[str, Any]]:
    """Touchpoint keys grouped by journey (a key is unique within its journey)."""
    rows = (
        Touchpoint.objects.filter(journey__state=JourneyState.CURRENT)
        .order_by("journey__name", "journey_id", "stage__position", "position")
        .values_list("journey__name", "key", "name")
    )
    groups: dict[str, list[tuple[str, str]]] = {}
    for journey, key, name in rows:
        groups.setdefault(journey, []).append((key, f"{name} ({key})"))
    return [("", _("Choose a touchpoint")), *groups.items()]


def channel_choices() -> list[tuple[str, str]]:
    rows = Channel.objects.order_by("position", "name")
    return [("", _("Choose a channel"))] + [(channel.slug, str(channel)) for channel in rows]
