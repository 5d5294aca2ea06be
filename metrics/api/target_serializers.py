"""Shapes in and out of the targets API. Rules (range, scope, one target per scope) live in
metrics.services.targets."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxplatform.api.versioning import VersionedSerializer
from journeys.models import Journey, Touchpoint
from metrics.models import Metric, MetricTarget
from metrics.services.targets import RANGE_HELP

SCOPE_HELP = _("organisation (no journey, no touchpoint), journey or touchpoint: the most specific target applies.")


class MetricTargetSerializer(VersionedSerializer):
    """A target of NPS, CSAT or CES for the whole organisation, a journey or a touchpoint. An edit sends the
    `version` it is based on."""

    metric = serializers.ChoiceField(choices=Metric.choices)
    metric_display = serializers.CharField(source="get_metric_display", read_only=True)
    journey = serializers.PrimaryKeyRelatedField(
        queryset=Journey.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Empty (null) with no touchpoint: the target of the whole organisation."),
    )
    journey_name = serializers.CharField(source="journey.name", read_only=True, allow_null=True)
    touchpoint = serializers.PrimaryKeyRelatedField(
        queryset=Touchpoint.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("A touchpoint's own target; its journey is taken from it when none is sent."),
    )
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, allow_null=True)
    scope = serializers.SerializerMethodField(help_text=SCOPE_HELP)
    value = serializers.DecimalField(max_digits=6, decimal_places=2, help_text=RANGE_HELP)
    updated_by_name = serializers.SerializerMethodField()

    class Meta:
        model = MetricTarget
        fields = [
            "id",
            "metric",
            "metric_display",
            "scope",
            "journey",
            "journey_name",
            "touchpoint",
            "touchpoint_name",
            "value",
            "updated_by",
            "updated_by_name",
            "updated_at",
            "version",
        ]
        read_only_fields = ["updated_by", "updated_at"]
        # One target per metric and scope is the service's rule, refused at the scope's field with a message
        # that says which target exists; DRF's validators of the conditional unique constraints would not.
        validators: list = []

    def get_scope(self, target: MetricTarget) -> str:
        if target.touchpoint_id is not None:
            return "touchpoint"
        return "journey" if target.journey_id is not None else "organisation"

    def get_updated_by_name(self, target: MetricTarget) -> str | None:
        user = target.updated_by
        return (user.get_full_name() or user.username) if user else None
