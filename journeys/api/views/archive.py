"""archive, restore and archived of journeys, stages and touchpoints (journeys.services.archive)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cxplatform.api.versioning import CONFLICT, VersionSerializer
from journeys import services


class ArchiveActionsMixin:
    """archive, restore and archived of journeys, stages and touchpoints (journeys.services.archive): what
    responses, actions or cases depend on is archived instead of deleted, and restored from the archive."""

    archive_service: str
    restore_service: str

    def get_queryset(self):
        return self.archived_queryset() if self.action in ("restore", "archived") else self.live_queryset()

    def _versioned(self, request: Request, service: str, status_code: int = status.HTTP_200_OK) -> Response:
        obj = self.get_object()
        body = VersionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kind = self.archive_service.rpartition("_")[0]
        result = getattr(services, service)(**{kind: obj, "expected_version": body.validated_data["version"]})
        fresh = (self.archived_queryset() if result.archived_at else self.live_queryset()).get(pk=result.pk)
        return Response(
            self.get_serializer_class()(fresh, context=self.get_serializer_context()).data, status=status_code
        )

    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk=None) -> Response:
        """Take it off the map, the lists and the pickers, keeping its responses, actions, cases and figures."""
        return self._versioned(request, self.archive_service)

    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk=None) -> Response:
        """Bring an archived one back (a stage or touchpoint last in its journey or stage)."""
        return self._versioned(request, self.restore_service)

    @action(detail=False, methods=["get"])
    def archived(self, request: Request) -> Response:
        """The archived ones (filters as for the list)."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page if page is not None else queryset, many=True)
        return self.get_paginated_response(serializer.data) if page is not None else Response(serializer.data)


def archive_schema(serializer_class):
    return extend_schema_view(
        # A paginated, filterable list, like the list itself.
        archived=extend_schema(responses=serializer_class(many=True), filters=True),
        archive=extend_schema(
            request=VersionSerializer,
            responses={
                200: serializer_class,
                400: OpenApiResponse(description=gettext_lazy("The version is missing or not a whole number.")),
                409: CONFLICT,
            },
        ),
        restore=extend_schema(
            request=VersionSerializer,
            responses={
                200: serializer_class,
                400: OpenApiResponse(
                    description=gettext_lazy(
                        "The version is missing, or its journey or stage is archived: restore that first."
                    )
                ),
                409: CONFLICT,
            },
        ),
    )
