"""The shape of an exported journey file (JSON), validated field by field with DRF serializers."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .keys import ALIAS_MAX_LENGTH, KEY_MAX_LENGTH, MAX_ALIASES, validate_key
from .models import FindingKind, FindingSource, JourneyState, Phase


def key_field():
    """A key (journeys.keys): optional, as files exported before keys and the shipped templates have none."""
    return serializers.CharField(
        allow_blank=True, required=False, default="", max_length=KEY_MAX_LENGTH, validators=[validate_key]
    )


FILE_FORMAT = "cxplatform.journey"
FILE_FORMAT_VERSION = 1


class FindingFileSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FindingKind.choices)
    text = serializers.CharField()
    source = serializers.ChoiceField(choices=FindingSource.choices, default=FindingSource.OTHER)
    severity = serializers.IntegerField(min_value=1, max_value=5, default=3)


class TouchpointFileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    key = key_field()
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=ALIAS_MAX_LENGTH),
        max_length=MAX_ALIASES,
        required=False,
        default=list,
    )
    channel = serializers.CharField(allow_null=True, required=False, default=None)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    customer_expectation = serializers.CharField(allow_blank=True, required=False, default="")
    emotion = serializers.IntegerField(min_value=-2, max_value=2, default=0)
    is_moment_of_truth = serializers.BooleanField(default=False)
    owner = serializers.CharField(allow_null=True, required=False, default=None)
    findings = FindingFileSerializer(many=True, required=False, default=list)


class StageFileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    key = key_field()
    customer_goal = serializers.CharField(allow_blank=True, required=False, default="")
    customer_expectation = serializers.CharField(allow_blank=True, required=False, default="")
    findings = FindingFileSerializer(many=True, required=False, default=list)
    touchpoints = TouchpointFileSerializer(many=True, required=False, default=list)


class PersonaFileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    segment = serializers.CharField(allow_blank=True, required=False, default="")
    quote = serializers.CharField(allow_blank=True, required=False, default="")
    goals = serializers.CharField(allow_blank=True, required=False, default="")
    frustrations = serializers.CharField(allow_blank=True, required=False, default="")
    colour = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False, default="#0f766e")


class JourneyHeaderFileSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    key = key_field()
    description = serializers.CharField(allow_blank=True, required=False, default="")
    group = serializers.CharField()
    state = serializers.ChoiceField(choices=JourneyState.choices, default=JourneyState.CURRENT)
    phase = serializers.ChoiceField(choices=Phase.choices, default=Phase.DISCOVER)
    chain_owner = serializers.CharField(allow_null=True, required=False, default=None)
    personas = PersonaFileSerializer(many=True, required=False, default=list)


class JourneyFileSerializer(serializers.Serializer):
    format = serializers.CharField()
    format_version = serializers.IntegerField()
    journey = JourneyHeaderFileSerializer()
    stages = StageFileSerializer(many=True)

    def validate_format(self, value):
        if value != FILE_FORMAT:
            raise serializers.ValidationError(
                _("This is not a CX Platform journey file (expected format “%(format)s”).") % {"format": FILE_FORMAT}
            )
        return value

    def validate_format_version(self, value):
        if value != FILE_FORMAT_VERSION:
            raise serializers.ValidationError(
                _("Unsupported version %(version)s; this CX Platform reads version %(supported)s.")
                % {"version": value, "supported": FILE_FORMAT_VERSION}
            )
        return value


def flatten_errors(errors, prefix: str = "") -> list[str]:
    """DRF's nested error structure as readable lines: `stages[1].touchpoints[0].emotion: ...`."""
    lines: list[str] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):  # DRF keys list items by index
                path = f"{prefix}[{key}]"
            elif key == "non_field_errors":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else key
            lines.extend(flatten_errors(value, path))
    elif isinstance(errors, list):
        if all(isinstance(item, str) for item in errors):
            lines.extend(f"{prefix}: {item}" if prefix else str(item) for item in errors)
        else:
            for index, item in enumerate(errors):
                if item:
                    lines.extend(flatten_errors(item, f"{prefix}[{index}]"))
    else:
        lines.append(f"{prefix}: {errors}" if prefix else str(errors))
    return lines
