"""The journeys API: reads go through journeys.selectors, writes through journeys.services."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cxplatform.lib.versioning import StaleVersion
from journeys import services
from journeys.filters import JourneyFilter, StageFilter, TouchpointFilter
from journeys.models import Journey
from journeys.selectors import (
    channel_list,
    finding_list,
    journey_group_list,
    journey_list,
    journey_map,
    journey_map_queryset,
    persona_list,
    stage_list,
    touchpoint_list,
)

from .permissions import CanEditJourneysOrReadOnly, check_can_edit_journey
from .serializers import (
    ChannelSerializer,
    FindingSerializer,
    FutureStateExistsSerializer,
    FutureStateSerializer,
    HasDependentsSerializer,
    JourneyGroupSerializer,
    JourneyMapSerializer,
    JourneySerializer,
    PersonaSerializer,
    ReorderSerializer,
    StageSerializer,
    StaleVersionSerializer,
    TouchpointSerializer,
    VersionSerializer,
)

VERSION_PARAMETER = OpenApiParameter(
    "version",
    OpenApiTypes.INT,
    OpenApiParameter.QUERY,
    required=True,
    description=gettext_lazy("The version the deletion is based on; a stale version is refused with 409."),
)
CONFLICT = OpenApiResponse(
    StaleVersionSerializer, description=gettext_lazy("Someone else changed it first; nothing was saved.")
)
DELETE_CONFLICT = OpenApiResponse(
    PolymorphicProxySerializer(
        component_name="DeleteConflict",
        serializers=[StaleVersionSerializer, HasDependentsSerializer],
        resource_type_field_name=None,
    ),
    description=gettext_lazy(
        "Someone else changed it first, or survey responses, improvement actions or follow-up cases depend on it "
        "(archive it instead); nothing was deleted."
    ),
)


class ChannelInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "channel_in_use"


def _django_errors(exc: DjangoValidationError) -> dict:
    """A service's ValidationError as DRF's field-keyed error body."""
    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail


def _expected_version(request: Request) -> int:
    """The version a DELETE is based on: `?version=N`, or `version` in the body."""
    raw = request.query_params.get("version")
    if raw is None and isinstance(request.data, dict):
        raw = request.data.get("version")
    if raw in (None, ""):
        raise ValidationError({"version": [_("Send the version your change is based on.")]})
    try:
        return serializers.IntegerField(min_value=1).run_validation(raw)
    except ValidationError as exc:
        raise ValidationError({"version": exc.detail}) from exc


def _without(data: dict, *names: str) -> dict:
    return {key: value for key, value in data.items() if key not in names}


class JourneysAPIMixin:
    """Permissions and service errors, shared by every journeys endpoint.

    A service's ValidationError becomes a 400 keyed by field; StaleVersion becomes a 409 carrying the object as
    it is now, so the client can show it and let the user redo their change.
    """

    permission_classes = [IsAuthenticated, CanEditJourneysOrReadOnly]

    def handle_exception(self, exc):
        if isinstance(exc, StaleVersion):
            body = {"detail": str(exc.message), "code": "stale_version", "current": self.render_current(exc.current)}
            return Response(body, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, services.HasDependents):
            body = {"detail": str(exc.message), "code": "has_dependents", "dependents": exc.dependents}
            return Response(body, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, DjangoValidationError):
            exc = ValidationError(_django_errors(exc))
        return super().handle_exception(exc)

    def render_current(self, current: models.Model | None):
        if current is None:
            return None
        if isinstance(current, Journey) and self.conflict_shows_map():
            # The order of the map was stale: what the client needs to redo the move is the whole map.
            return JourneyMapSerializer(journey_map(journey_id=current.pk)).data
        fresh = self.get_queryset().filter(pk=current.pk).first()
        return self.serializer_class(fresh, context=self.get_serializer_context()).data if fresh else None

    def conflict_shows_map(self) -> bool:
        return True

    def fresh(self, obj: models.Model) -> models.Model:
        """Read a written object back through the selector, so the answer has the same shape as a GET."""
        return self.get_queryset().get(pk=obj.pk)


def versioned_schema(serializer_class):
    """Document the version contract of an endpoint whose edits and deletions are guarded by version numbers."""
    return extend_schema_view(
        update=extend_schema(responses={200: serializer_class, 409: CONFLICT}),
        partial_update=extend_schema(responses={200: serializer_class, 409: CONFLICT}),
        destroy=extend_schema(parameters=[VERSION_PARAMETER], responses={204: None, 409: DELETE_CONFLICT}),
    )


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


class JourneyGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """The lifecycle groups of journeys: becoming, being and staying a customer."""

    serializer_class = JourneyGroupSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["position", "name"]

    def get_queryset(self):
        return journey_group_list()


class PersonaViewSet(JourneysAPIMixin, viewsets.ModelViewSet):
    """Archetypal customers, with the number of journeys they appear in."""

    serializer_class = PersonaSerializer
    search_fields = ["name", "segment"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return persona_list()

    def perform_create(self, serializer):
        serializer.instance = self.fresh(services.persona_create(**serializer.validated_data))

    def perform_update(self, serializer):
        persona = services.persona_update(persona=serializer.instance, **serializer.validated_data)
        serializer.instance = self.fresh(persona)

    def perform_destroy(self, instance):
        services.persona_delete(persona=instance)


class ChannelViewSet(JourneysAPIMixin, viewsets.ModelViewSet):
    """Where touchpoints happen: web, app, phone, store... A channel in use cannot be deleted."""

    serializer_class = ChannelSerializer
    search_fields = ["name", "slug"]
    ordering_fields = ["position", "name"]

    def get_queryset(self):
        return channel_list()

    def perform_create(self, serializer):
        serializer.instance = services.channel_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.channel_update(channel=serializer.instance, **serializer.validated_data)

    @extend_schema(
        responses={204: None, 409: OpenApiResponse(description=gettext_lazy("The channel is used by touchpoints."))}
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            services.channel_delete(channel=instance)
        except ProtectedError as exc:
            count = len(exc.protected_objects)
            raise ChannelInUse(
                ngettext(
                    "The channel %(channel)s is used by %(count)d touchpoint. "
                    "Move it to another channel before deleting this one.",
                    "The channel %(channel)s is used by %(count)d touchpoints. "
                    "Move them to another channel before deleting this one.",
                    count,
                )
                % {"channel": instance.name, "count": count}
            ) from exc


@archive_schema(JourneySerializer)
@versioned_schema(JourneySerializer)
class JourneyViewSet(ArchiveActionsMixin, JourneysAPIMixin, viewsets.ModelViewSet):
    """Journeys, filtered by group, persona, state, phase and `search` (name or description)."""

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
        journey = services.journey_create(**_without(serializer.validated_data, "version"))
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
        services.journey_delete(journey=instance, expected_version=_expected_version(self.request))

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


def _structure_version(data: dict, message: str) -> int:
    if "structure_version" not in data:
        raise ValidationError({"structure_version": [message]})
    return data["structure_version"]


@archive_schema(StageSerializer)
@versioned_schema(StageSerializer)
class StageViewSet(ArchiveActionsMixin, JourneysAPIMixin, viewsets.ModelViewSet):
    """The ordered steps of journeys. Changing `position` moves the stage (send `structure_version`)."""

    serializer_class = StageSerializer
    filterset_class = StageFilter
    ordering_fields = ["position", "name"]

    archive_service, restore_service = "stage_archive", "stage_restore"

    def live_queryset(self):
        return stage_list()

    def archived_queryset(self):
        return stage_list(archived=True)

    def perform_create(self, serializer):
        check_can_edit_journey(self.request.user, serializer.validated_data["journey"])
        stage = services.stage_create(**_without(serializer.validated_data, "version", "structure_version"))
        serializer.instance = self.fresh(stage)

    @transaction.atomic
    def perform_update(self, serializer):
        stage = serializer.instance
        data = _without(serializer.validated_data, "journey", "structure_version")
        version = data.pop("version")
        position = data.pop("position", stage.position)
        moving = position != stage.position
        structure_version = (
            _structure_version(serializer.validated_data, _("Send the journey's structure_version to move this stage."))
            if moving
            else None
        )
        # A move alone leaves the stage's own fields, and so its version, alone: structure_version guards it.
        if data or not moving:
            services.stage_update(stage=stage, expected_version=version, **data)
        if moving:
            services.stage_move(stage=stage, position=position, expected_structure_version=structure_version)
        serializer.instance = self.fresh(stage)

    def perform_destroy(self, instance):
        services.stage_delete(stage=instance, expected_version=_expected_version(self.request))


@archive_schema(TouchpointSerializer)
@versioned_schema(TouchpointSerializer)
class TouchpointViewSet(ArchiveActionsMixin, JourneysAPIMixin, viewsets.ModelViewSet):
    """Touchpoints, filtered by journey, stage, channel and owner. Changing `stage` or `position` moves the
    touchpoint (send `structure_version`); its findings follow it."""

    serializer_class = TouchpointSerializer
    filterset_class = TouchpointFilter
    search_fields = ["name", "description"]
    ordering_fields = ["position", "name", "emotion"]

    archive_service, restore_service = "touchpoint_archive", "touchpoint_restore"

    def live_queryset(self):
        return touchpoint_list()

    def archived_queryset(self):
        return touchpoint_list(archived=True)

    def perform_create(self, serializer):
        check_can_edit_journey(self.request.user, serializer.validated_data["stage"].journey)
        touchpoint = services.touchpoint_create(**_without(serializer.validated_data, "version", "structure_version"))
        serializer.instance = self.fresh(touchpoint)

    @transaction.atomic
    def perform_update(self, serializer):
        touchpoint = serializer.instance
        data = _without(serializer.validated_data, "structure_version")
        version = data.pop("version")
        stage = data.pop("stage", touchpoint.stage)
        other_stage = stage.pk != touchpoint.stage_id
        default_position = stage.touchpoints.count() if other_stage else touchpoint.position
        position = data.pop("position", default_position)
        moving = other_stage or position != touchpoint.position
        structure_version = (
            _structure_version(
                serializer.validated_data, _("Send the journey's structure_version to move this touchpoint.")
            )
            if moving
            else None
        )
        if data or not moving:
            services.touchpoint_update(touchpoint=touchpoint, expected_version=version, **data)
        if moving:
            services.touchpoint_move(
                touchpoint=touchpoint, stage=stage, position=position, expected_structure_version=structure_version
            )
        serializer.instance = self.fresh(touchpoint)

    def perform_destroy(self, instance):
        services.touchpoint_delete(touchpoint=instance, expected_version=_expected_version(self.request))


@versioned_schema(FindingSerializer)
class FindingViewSet(JourneysAPIMixin, viewsets.ModelViewSet):
    """Pain points, opportunities and insights on a stage or on a touchpoint."""

    serializer_class = FindingSerializer
    filterset_fields = ["journey", "stage", "touchpoint", "kind"]
    search_fields = ["text"]
    ordering_fields = ["severity", "created_at"]

    def get_queryset(self):
        return finding_list()

    def perform_create(self, serializer):
        data = _without(serializer.validated_data, "version")
        place = data.get("touchpoint") or data.get("stage")
        if place is not None:  # without a place, finding_create refuses the finding itself
            check_can_edit_journey(self.request.user, place.journey)
        finding = services.finding_create(
            stage=data.pop("stage", None), touchpoint=data.pop("touchpoint", None), **data
        )
        serializer.instance = self.fresh(finding)

    def perform_update(self, serializer):
        data = _without(serializer.validated_data, "stage", "touchpoint")
        version = data.pop("version")
        finding = services.finding_update(finding=serializer.instance, expected_version=version, **data)
        serializer.instance = self.fresh(finding)

    def perform_destroy(self, instance):
        services.finding_delete(finding=instance, expected_version=_expected_version(self.request))
