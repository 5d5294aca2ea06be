"""Shapes in and out of the custom-KPI API. Rules live in metrics.services.kpis and metrics.permissions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxplatform.api.versioning import VersionedSerializer
from journeys.models import Channel
from metrics.models import CustomKpi, KpiMeasurement, KpiStatus

User = get_user_model()


class StatusFields(serializers.Serializer):
    # Output only: a plain string beside its label (as in the teams API), documented here.
    status = serializers.CharField(
        read_only=True,
        help_text=_("Against the target: on_track, at_risk, off_track, or no_data (no measurement yet)."),
    )
    status_display = serializers.SerializerMethodField()

    def get_status_display(self, obj) -> str:
        return str(KpiStatus(obj.status).label)


class KpiSerializer(StatusFields, VersionedSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    direction_display = serializers.CharField(source="get_direction_display", read_only=True)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)
    owner_name = serializers.SerializerMethodField()
    journey_name = serializers.CharField(source="journey.name", read_only=True, allow_null=True)
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, allow_null=True)
    channel = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Channel.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("The channel's slug (web, app, phone...)."),
    )
    latest_value = serializers.DecimalField(max_digits=14, decimal_places=4, read_only=True, allow_null=True)
    latest_period = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = CustomKpi
        fields = [
            "id",
            "name",
            "description",
            "kind",
            "kind_display",
            "unit",
            "direction",
            "direction_display",
            "target",
            "tolerance",
            "owner",
            "owner_name",
            "journey",
            "journey_name",
            "touchpoint",
            "touchpoint_name",
            "channel",
            "latest_value",
            "latest_period",
            "status",
            "status_display",
            "version",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_owner_name(self, kpi: CustomKpi) -> str | None:
        return (kpi.owner.get_full_name() or kpi.owner.username) if kpi.owner else None


class MeasurementSerializer(StatusFields, serializers.ModelSerializer):
    class Meta:
        model = KpiMeasurement
        fields = ["id", "period_start", "value", "note", "status", "status_display", "created_at"]
        read_only_fields = fields


class MeasurementInputSerializer(serializers.Serializer):
    """One measurement to record; recording a period that has a value replaces it."""

    period_start = serializers.DateField(help_text=_("The first day of the period the value covers."))
    value = serializers.DecimalField(max_digits=14, decimal_places=4)
    note = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")


class MeasurementItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text=_("The item's position in the list sent, from 0."))
    field = serializers.CharField()
    message = serializers.CharField()


class MeasurementBatchRefusedSerializer(serializers.Serializer):
    """The body of a refused batch: nothing was stored."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = MeasurementItemErrorSerializer(many=True)


class MeasurementLineErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text=_("The line of the file (1 is the header)."))
    field = serializers.CharField()
    message = serializers.CharField()


class MeasurementImportRefusedSerializer(serializers.Serializer):
    """The body of a refused CSV file: nothing was stored."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = MeasurementLineErrorSerializer(many=True)


class MeasurementImportResultSerializer(serializers.Serializer):
    recorded = serializers.IntegerField()
    replaced = serializers.IntegerField(help_text=_("How many of the periods already had a value."))


class MeasurementImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV with the columns period,value[,note]."))
