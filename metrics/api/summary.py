"""GET /api/v1/kpis/summary/: NPS, CSAT and CES of a scope and period, read from the KPI snapshots.

The parameters are checked here (each error names its parameter); the figures come from
metrics.selectors.kpi_summary, which the dashboards call too. Everyone logged in may read.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeys.api.keys import JourneyRefField, PartRefField, resolve_part_keys
from journeys.models import Channel, Journey, JourneyGroup, Stage, Touchpoint
from metrics.selectors.kpis import GROUP_BYS, kpi_summary


@extend_schema_field(OpenApiTypes.STR)
class JourneyGroupField(serializers.RelatedField):
    """A journey group by id (as the journeys API filters on) or by its key (slug)."""

    default_error_messages = {"does_not_exist": gettext_lazy("No journey group has the id or key {value}.")}

    def to_internal_value(self, data):
        value = str(data).strip()
        # ASCII digits only: "²" is a digit to str.isdigit, but no number to int().
        lookup = {"pk": int(value)} if value.isascii() and value.isdigit() else {"slug": value}
        group = self.get_queryset().filter(**lookup).first()
        if group is None:
            self.fail("does_not_exist", value=value)
        return group

    def to_representation(self, value):
        return value.slug


class KpiSummaryQuerySerializer(serializers.Serializer):
    """The query parameters of the summary; `from` and `to` are Python keywords, hence get_fields."""

    journey = JourneyRefField(
        queryset=Journey.all_objects.all(), required=False, help_text=gettext_lazy("Journey id or key.")
    )
    stage = PartRefField(
        queryset=Stage.all_objects.all(),
        required=False,
        help_text=gettext_lazy("Stage id, or its key together with the journey."),
    )
    touchpoint = PartRefField(
        queryset=Touchpoint.all_objects.all(),
        required=False,
        help_text=gettext_lazy("Touchpoint id, or its key or an alias together with the journey."),
    )
    channel = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Channel.objects.all(),
        required=False,
        help_text=gettext_lazy("Channel key (slug) of the responses, such as web or phone."),
    )
    group = JourneyGroupField(
        queryset=JourneyGroup.objects.all(), required=False, help_text=gettext_lazy("Journey group id or key.")
    )
    date_from = serializers.DateField(
        required=False, input_formats=["iso-8601"], help_text=gettext_lazy("First day (YYYY-MM-DD), local time.")
    )
    date_to = serializers.DateField(
        required=False, input_formats=["iso-8601"], help_text=gettext_lazy("Last day (YYYY-MM-DD), included.")
    )
    group_by = serializers.ChoiceField(
        choices=GROUP_BYS, required=False, help_text=gettext_lazy("One row per period or per entity.")
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("date_from")
        fields["to"] = fields.pop("date_to")
        return fields

    def to_internal_value(self, data):
        # Postgres text cannot hold a NUL character: a key with one is refused here, not by a database error.
        nul = {name: [_("Null characters are not allowed.")] for name, value in data.items() if "\x00" in str(value)}
        if nul:
            raise serializers.ValidationError(nul)
        return super().to_internal_value(data)

    def validate(self, attrs):
        errors = resolve_part_keys(attrs, attrs.get("journey"))
        if errors:
            raise serializers.ValidationError(errors)
        first, last = attrs.get("from"), attrs.get("to")
        if first and last and first > last:
            errors["from"] = [_("The first day must not come after the last day (to).")]
        journey, stage, touchpoint = attrs.get("journey"), attrs.get("stage"), attrs.get("touchpoint")
        if stage and journey and stage.journey_id != journey.pk:
            errors["stage"] = [_("This stage is not part of the journey given.")]
        if touchpoint and journey and touchpoint.journey_id != journey.pk:
            errors["touchpoint"] = [_("This touchpoint is not part of the journey given.")]
        elif touchpoint and stage and touchpoint.stage_id != stage.pk:
            errors["touchpoint"] = [_("This touchpoint is not part of the stage given.")]
        group = attrs.get("group")
        if group and journey and journey.group_id != group.pk:
            errors["group"] = [_("The journey given is not in this journey group.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class NpsSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text=gettext_lazy("-100 to 100; null when n is 0."))
    margin_of_error = serializers.FloatField(allow_null=True, help_text=gettext_lazy("95% margin, in points."))


class CsatSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    score = serializers.FloatField(allow_null=True, help_text=gettext_lazy("% scoring 4 or 5; null when n is 0."))
    mean = serializers.FloatField(allow_null=True)


class CesSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True, help_text=gettext_lazy("1-7, higher is easier."))
    pct_easy = serializers.FloatField(allow_null=True, help_text=gettext_lazy("% scoring 5 to 7."))


class KpiSummaryRowSerializer(serializers.Serializer):
    key = serializers.JSONField(
        allow_null=True,
        help_text=gettext_lazy(
            "The period's first day (YYYY-MM-DD) or the entity's id; null for the total, and for responses "
            "naming no touchpoint or channel."
        ),
    )
    label = serializers.CharField()
    nps = NpsSerializer()
    csat = CsatSerializer()
    ces = CesSerializer()
    low_sample = serializers.BooleanField(
        help_text=gettext_lazy("A metric of this row has responses, but fewer than the minimum sample.")
    )


class KpiSummarySerializer(serializers.Serializer):
    results = KpiSummaryRowSerializer(many=True)
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("When the newest figure shown was computed.")
    )
    stale = serializers.BooleanField(
        help_text=gettext_lazy("A recompute of this scope and period is pending: newer responses are not counted yet.")
    )


class KpiSummaryView(APIView):
    """NPS (with its margin of error), CSAT and CES of the responses in a scope and period, from the snapshots."""

    @extend_schema(parameters=[KpiSummaryQuerySerializer], responses=KpiSummarySerializer)
    def get(self, request: Request) -> Response:
        # An empty parameter (?journey=) means "any", as in the journeys API's filters.
        query = KpiSummaryQuerySerializer(data={k: v for k, v in request.query_params.items() if v.strip()})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        summary = kpi_summary(
            journey=params.get("journey"),
            stage=params.get("stage"),
            touchpoint=params.get("touchpoint"),
            channel=params.get("channel"),
            group=params.get("group"),
            date_from=params.get("from"),
            date_to=params.get("to"),
            group_by=params.get("group_by"),
        )
        return Response(KpiSummarySerializer(summary).data)
