"""Shapes in and out of the business-case API. Rules live in metrics.services.business_cases."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxplatform.api.versioning import VersionedSerializer
from metrics.models import BusinessCase, GainType
from metrics.selectors.business_cases import action_effect, case_roi
from teams.models import ImprovementAction

ROI_FIELD = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)


class GainSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=GainType.choices)
    expected = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0"), default=Decimal("0"))
    realised = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        allow_null=True,
        required=False,
        default=None,
        help_text=_("Null until the gain has been measured."),
    )


class BusinessCaseSerializer(VersionedSerializer):
    action = serializers.PrimaryKeyRelatedField(
        queryset=ImprovementAction.objects.all(), help_text=_("The improvement action; a case stays with it.")
    )
    action_title = serializers.CharField(source="action.title", read_only=True)
    action_status = serializers.CharField(source="action.status", read_only=True)
    journey = serializers.IntegerField(source="action.journey_id", read_only=True)
    journey_name = serializers.CharField(source="action.journey.name", read_only=True)
    touchpoint = serializers.IntegerField(source="action.touchpoint_id", read_only=True, allow_null=True)
    touchpoint_name = serializers.CharField(source="action.touchpoint.name", read_only=True, allow_null=True)
    gains = GainSerializer(many=True, required=False, help_text=_("Replaces all gains of the case when sent."))
    expected_gains = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    realised_gains = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)
    expected_roi = serializers.SerializerMethodField(help_text=_("(expected gains - investment) / investment x 100"))
    realised_roi = serializers.SerializerMethodField(
        help_text=_("(realised gains - investment) / investment x 100; null until a realised gain is entered")
    )

    class Meta:
        model = BusinessCase
        fields = [
            "id",
            "action",
            "action_title",
            "action_status",
            "journey",
            "journey_name",
            "touchpoint",
            "touchpoint_name",
            "investment",
            "effect_weeks",
            "notes",
            "gains",
            "expected_gains",
            "realised_gains",
            "expected_roi",
            "realised_roi",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_gains(self, gains: list[dict]) -> list[dict]:
        types = [gain["type"] for gain in gains]
        doubles = sorted({t for t in types if types.count(t) > 1})
        if doubles:
            raise serializers.ValidationError(
                _("Each gain type once: %(types)s twice.") % {"types": ", ".join(doubles)}
            )
        return gains

    def validate_action(self, action: ImprovementAction) -> ImprovementAction:
        if self.instance is not None and action.pk != self.instance.action_id:
            raise serializers.ValidationError(_("A business case stays with its action."))
        return action

    def _roi(self, case: BusinessCase, which: str) -> str | None:
        value = getattr(case_roi(case), which)
        return None if value is None else str(value)

    @extend_schema_field(ROI_FIELD)
    def get_expected_roi(self, case: BusinessCase) -> str | None:
        return self._roi(case, "expected")

    @extend_schema_field(ROI_FIELD)
    def get_realised_roi(self, case: BusinessCase) -> str | None:
        return self._roi(case, "realised")


class FigureSerializer(serializers.Serializer):
    n = serializers.IntegerField()
    value = serializers.FloatField(allow_null=True, help_text=_("NPS score, CSAT % or CES mean; null when n is 0."))
    margin = serializers.FloatField(allow_null=True, help_text=_("95% margin of error."))
    low_sample = serializers.BooleanField()


class EffectRowSerializer(serializers.Serializer):
    metric = serializers.CharField()
    label = serializers.CharField()
    before = FigureSerializer()
    after = FigureSerializer()
    change = serializers.FloatField(allow_null=True)


class EffectSerializer(serializers.Serializer):
    weeks = serializers.IntegerField()
    reason = serializers.CharField(help_text=_("Why there is no effect yet; empty when there is one."))
    done_at = serializers.DateTimeField(allow_null=True)
    before_from = serializers.DateField(allow_null=True)
    before_to = serializers.DateField(allow_null=True)
    after_from = serializers.DateField(allow_null=True)
    after_to = serializers.DateField(allow_null=True)
    after_complete = serializers.BooleanField(help_text=_("False while the after window has not ended yet."))
    metrics = EffectRowSerializer(source="rows", many=True)


class BusinessCaseDetailSerializer(BusinessCaseSerializer):
    """One case, with the before/after effect of its action on the touchpoint's NPS, CSAT and CES."""

    effect = serializers.SerializerMethodField()

    class Meta(BusinessCaseSerializer.Meta):
        fields = [*BusinessCaseSerializer.Meta.fields, "effect"]

    @extend_schema_field(EffectSerializer)
    def get_effect(self, case: BusinessCase) -> dict:
        return EffectSerializer(action_effect(action=case.action, weeks=case.effect_weeks)).data
