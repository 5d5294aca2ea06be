from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cxplatform.accounts.models import User


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class OptionalEmailField(serializers.CharField):
    """An email address, or "" for a user who has none (the schema's "format: email" alone would refuse that)."""


class CurrentUserSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    email = OptionalEmailField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "role", "role_display", "job_title"]
        read_only_fields = fields


class ErrorSerializer(serializers.Serializer):
    """An error answer: what went wrong, and a machine-readable code (null when DRF gives none)."""

    detail = serializers.CharField()
    code = serializers.CharField(allow_null=True)


class ValidationErrorSerializer(serializers.Serializer):
    """A 400 answer (its schema is cxplatform.api.schema.ValidationErrorExtension's)."""
