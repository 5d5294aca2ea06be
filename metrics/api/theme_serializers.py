"""Shapes in and out of the codebook API. Rules live in metrics.themes.services and metrics.permissions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxplatform.api.versioning import VersionedSerializer
from metrics.models import Language, RuleMode, Theme, ThemeRule
from metrics.themes.services import PHRASE_MAX


class ThemeRuleSerializer(serializers.ModelSerializer):
    language = serializers.ChoiceField(choices=Language.choices)
    mode = serializers.ChoiceField(
        choices=RuleMode.choices,
        help_text=_("mention: the phrase is mentioned; negated: mentioned as missing; exclude: keeps the theme off."),
    )
    phrase = serializers.CharField(
        max_length=PHRASE_MAX,
        help_text=_("One or more words, matched on their stems in this order; a word ending in * matches by prefix."),
    )

    class Meta:
        model = ThemeRule
        fields = ["language", "mode", "phrase"]


class ThemeSerializer(VersionedSerializer):
    name = serializers.CharField(read_only=True, help_text=_("The name in the language of the request."))
    sentiment_display = serializers.CharField(source="get_sentiment_display", read_only=True)
    rules = ThemeRuleSerializer(
        many=True,
        required=False,
        help_text=_("The theme's rules, in order. Sent, they replace the stored ones."),
    )

    class Meta:
        model = Theme
        fields = [
            "id",
            "key",
            "name",
            "name_en",
            "name_nl",
            "colour",
            "sentiment",
            "sentiment_display",
            "description",
            "active",
            "rules",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["key", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None and "rules" not in attrs:
            raise serializers.ValidationError({"rules": _("Send the theme's rules.")})
        return attrs
