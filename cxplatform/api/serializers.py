from rest_framework import serializers

from cxplatform.accounts.models import User


class CurrentUserSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)

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
