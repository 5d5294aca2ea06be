"""Journeys: the list and the edits, the whole map, reordering it at once, and copying one as a future state."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cxplatform.api.versioning import CONFLICT, versioned_schema
from journeys import services
from journeys.api.keys import KeyLookupMixin
from journeys.api.permissions import check_can_edit_journey
from journeys.api.serializers import (
    FutureStateExistsSerializer,
    FutureStateSerializer,
    JourneyMapSerializer,
    JourneySerializer,
    ReorderSerializer,
)
from journeys.filters import JourneyFilter
from journeys.models import Journey
from journeys.selectors import journey_list, journey_map, journey_map_queryset

from .archive import ArchiveActionsMixin, archive_schema
from .base import REFUSABLE_DELETE, JourneysAPIMixin, without


@archive_schema(JourneySerializer)
@versioned_schema(JourneySerializer, destroy=REFUSABLE_DELETE)
class JourneyViewSet(KeyLookupMixin, ArchiveActionsMixin, JourneysAPIMixin, viewsets.ModelViewSet):
    """Journeys, filtered by group, persona, state, phase and `search` (name or description). A journey is found
    by its id or by its key: `journeys/12/` and `journeys/report-a-claim/` are the same journey."""

    key_model = Journey

    serializer_class = JourneySerializer
    filterset_class = JourneyFilter
    ordering_fields = ["name", "created_at", "updated_at"]

    archive_service, restore_service = "journey_archive", "journey_restore"

    def get_queryset(self):
        if self.action == "map":
            return journey_map_queryset()
        return super().get_queryset()

    def live_queryset(self):
        return journey_list()

    def archived_queryset(self):
        return journey_list(archived=True)

    def get_serializer_class(self):
        return {
            "map": JourneyMapSerializer,
            "reorder": ReorderSerializer,
            "future_state": FutureStateSerializer,
        }.get(self.action, JourneySerializer)

    def conflict_shows_map(self) -> bool:
        return self.action == "reorder"

    def perform_create(self, serializer):
        check_can_edit_journey(self.request.user, Journey(group=serializer.validated_data["group"]))
        journey = services.journey_create(**without(serializer.validated_data, "version"))
        serializer.instance = self.fresh(journey)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "group" in data and data["group"].pk != serializer.instance.group_id:
            # Moving a journey to another group: the user must be allowed to edit it there too.
            check_can_edit_journey(self.request.user, Journey(pk=serializer.instance.pk, group=data["group"]))
        version = data.pop("version")
        journey = services.journey_update(journey=serializer.instance, expected_version=version, **data)
        serializer.instance = self.fresh(journey)

    def perform_destroy(self, instance):
        services.journey_delete(journey=instance, expected_version=self.delete_version(required=True))

    @extend_schema(responses=JourneyMapSerializer)
    @action(detail=True, methods=["get"])
    def map(self, request: Request, pk=None) -> Response:
        """The whole map: the journey, its personas, and its stages in order with their touchpoints and findings."""
        return Response(JourneyMapSerializer(self.get_object(), context=self.get_serializer_context()).data)

    @extend_schema(
        request=ReorderSerializer,
        responses={
            200: JourneyMapSerializer,
            400: OpenApiResponse(
                description=gettext_lazy("A stage or touchpoint is missing, unknown or listed twice.")
            ),
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"])
    def reorder(self, request: Request, pk=None) -> Response:
        """Set the order of every stage and touchpoint at once; a touchpoint listed under another stage moves
        there, with its findings. Answers with the fresh map."""
        journey = self.get_object()
        serializer = ReorderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.journey_reorder(
            journey=journey,
            stages=serializer.validated_data["stages"],
            expected_structure_version=serializer.validated_data["structure_version"],
        )
        return Response(JourneyMapSerializer(journey_map(journey_id=journey.pk)).data)

    @extend_schema(
        request=FutureStateSerializer,
        responses={
            201: JourneySerializer,
            400: OpenApiResponse(
                description=gettext_lazy("Not a current-state journey, or a future state of it has this name.")
            ),
            409: OpenApiResponse(
                FutureStateExistsSerializer,
                description=gettext_lazy("It has a future state already; send another: true to make one more."),
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="future-state")
    def future_state(self, request: Request, pk=None) -> Response:
        """Copy a current-state journey, with its stages, touchpoints and findings, as a future state linked to it.
        While it has one, answered with 409 and the existing one, unless `another` asks for a second."""
        journey = self.get_object()
        serializer = FutureStateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            future = services.journey_create_future_state(
                journey=journey,
                name=serializer.validated_data.get("name"),
                another=serializer.validated_data["another"],
            )
        except services.FutureStateExists as exists:
            existing = JourneySerializer(self.fresh(exists.existing), context=self.get_serializer_context()).data
            body = {"detail": str(exists.message), "code": "future_state_exists", "existing": existing}
            return Response(body, status=status.HTTP_409_CONFLICT)
        data = JourneySerializer(self.fresh(future), context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
