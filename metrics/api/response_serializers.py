"""Shapes of the responses API. The rules of a record live in metrics.ingest.records, not here: a posted
record is checked there (one place for the API and the CSV paths); these serializers render and document."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from metrics.ingest.records import DATE_HELP
from metrics.models import Metric, SurveyResponse


class ResponseSerializer(serializers.ModelSerializer):
    channel = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "metric",
            "score",
            "journey",
            "touchpoint",
            "channel",
            "responded_at",
            "day",
            "respondent",
            "comment",
            "source",
            "external_id",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class IdOrKeyField(serializers.Field):
    """An id or a key (journeys.keys), as posted: metrics.ingest.records reads it."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class ResponseInSerializer(serializers.Serializer):
    """One posted response (for the API documentation; the checks are metrics.ingest.records')."""

    metric = serializers.ChoiceField(choices=Metric.choices, help_text=_("nps (0-10), csat (1-5) or ces (1-7)."))
    score = serializers.IntegerField(help_text=_("A whole number on the metric's scale."))
    journey = IdOrKeyField(help_text=_("The journey's id or key."))
    touchpoint = IdOrKeyField(
        required=False,
        allow_null=True,
        help_text=_("A touchpoint of that journey, by id, key or one of its aliases."),
    )
    channel = serializers.CharField(required=False, allow_null=True, help_text=_("A channel's key (slug), e.g. web."))
    responded_at = serializers.CharField(
        help_text=_("When the customer answered: %(formats)s. Without an offset, the time is local.")
        % {"formats": DATE_HELP}
    )
    respondent = serializers.CharField(required=False, allow_blank=True, help_text=_("A pseudonymous key."))
    comment = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(required=False, help_text=_("Where the response comes from; default “api”."))
    external_id = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("The response's id at the source: re-sending it stores nothing new."),
    )


class IngestProblemSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class IngestResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField(help_text=_("Already stored with the same values: not stored again."))
    id = serializers.IntegerField(required=False, help_text=_("For a single object: the id it is stored as."))


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField(help_text=_("Lines skipped (skip_invalid)."))
    error_count = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField(), help_text=_("The first 1000: line, field, message."))
    followups_opened = serializers.IntegerField()
