"""The version contract in the API, for every app: an editable object's output carries `version`, an edit sends
back the version it was based on, and a stale one is refused with 409 (cxplatform.api.errors) carrying the object
as it is now. The serializers and the OpenAPI pieces that document it."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers

VERSION_HELP = _("The version your change is based on; a stale version is refused with 409.")


class VersionedSerializer(serializers.ModelSerializer):
    """Output carries `version`; an edit must send back the version it was based on."""

    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError({"version": _("Send the version your change is based on.")})
        return attrs


class VersionSerializer(serializers.Serializer):
    """The body of an archive or restore: the version it is based on."""

    version = serializers.IntegerField(min_value=1)


class StaleVersionSerializer(serializers.Serializer):
    """The body of a 409: the change was based on an outdated version."""

    detail = serializers.CharField()
    code = serializers.CharField()
    current = serializers.JSONField(allow_null=True, help_text=_("The object as it is now, or null if deleted."))


CONFLICT = OpenApiResponse(StaleVersionSerializer, description=_("Someone else changed it first; nothing was saved."))

# A DELETE names its version in the query (or the body): required (journeys), or optional (the others, which
# then delete whatever the version). ServiceViewSetMixin.delete_version reads it either way.
VERSION_PARAMETER = OpenApiParameter(
    "version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=True,
    description=_("The version the deletion is based on; a stale version is refused with 409."),
)
DELETE_VERSION = OpenApiParameter(
    "version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=False,
    description=_(
        "The version the deletion is based on (or `version` in the body): when someone else changed or deleted the "
        "object since, nothing is deleted and the answer is 409 with the object as it is now. Without it, the "
        "object is deleted whatever its version."
    ),
)
VERSIONED_DELETE = extend_schema(
    parameters=[DELETE_VERSION],
    responses={
        204: None,
        400: OpenApiResponse(description=_("`version` is not a whole number of at least 1.")),
        409: CONFLICT,
    },
)


def versioned_schema(serializer_class, *, destroy=VERSIONED_DELETE):
    """Document the version contract of a viewset whose edits and deletions are guarded by version numbers:
    update and partial_update answer 409 when stale; `destroy` documents the deletion (by default with an
    optional version)."""
    return extend_schema_view(
        update=extend_schema(responses={200: serializer_class, 409: CONFLICT}),
        partial_update=extend_schema(responses={200: serializer_class, 409: CONFLICT}),
        destroy=destroy,
    )
