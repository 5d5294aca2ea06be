"""What is on a map: stages, touchpoints and findings. A change of place moves the object, guarded by the
journey's structure_version; its own fields are guarded by its version."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError

from cxplatform.api.versioning import versioned_schema
from journeys import services
from journeys.api.keys import KeyLookupMixin
from journeys.api.permissions import check_can_edit_journey
from journeys.api.serializers import FindingSerializer, StageSerializer, TouchpointSerializer
from journeys.filters import FindingFilter, StageFilter, TouchpointFilter
from journeys.models import Stage, Touchpoint
from journeys.selectors import finding_list, stage_list, touchpoint_list

from .archive import ArchiveActionsMixin, archive_schema
from .base import REFUSABLE_DELETE, JourneysAPIMixin, without


def _structure_version(data: dict, message: str) -> int:
    if "structure_version" not in data:
        raise ValidationError({"structure_version": [message]})
    return data["structure_version"]


@archive_schema(StageSerializer)
@versioned_schema(StageSerializer, destroy=REFUSABLE_DELETE)
class StageViewSet(KeyLookupMixin, ArchiveActionsMixin, JourneysAPIMixin, viewsets.ModelViewSet):
    """The ordered steps of journeys. Changing `position` moves the stage (send `structure_version`). A stage is
    found by its id, or by its key (`stages/<key>/?journey=<id or key>`); `?journey=` filters by id or key."""

    key_model = Stage

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
        stage = services.stage_create(**without(serializer.validated_data, "version", "structure_version"))
        serializer.instance = self.fresh(stage)

    @transaction.atomic
    def perform_update(self, serializer):
        stage = serializer.instance
        data = without(serializer.validated_data, "journey", "structure_version")
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
        services.stage_delete(stage=instance, expected_version=self.delete_version(required=True))


@archive_schema(TouchpointSerializer)
@versioned_schema(TouchpointSerializer, destroy=REFUSABLE_DELETE)
class TouchpointViewSet(KeyLookupMixin, ArchiveActionsMixin, JourneysAPIMixin, viewsets.ModelViewSet):
    """Touchpoints, filtered by journey, stage, channel and owner. Changing `stage` or `position` moves the
    touchpoint (send `structure_version`); its findings follow it. A touchpoint is found by its id, or by its key
    or an alias (`touchpoints/<key>/?journey=<id or key>`); the journey and stage filters take keys too."""

    key_model = Touchpoint

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
        touchpoint = services.touchpoint_create(**without(serializer.validated_data, "version", "structure_version"))
        serializer.instance = self.fresh(touchpoint)

    @transaction.atomic
    def perform_update(self, serializer):
        touchpoint = serializer.instance
        data = without(serializer.validated_data, "structure_version")
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
        services.touchpoint_delete(touchpoint=instance, expected_version=self.delete_version(required=True))


@versioned_schema(FindingSerializer, destroy=REFUSABLE_DELETE)
class FindingViewSet(JourneysAPIMixin, viewsets.ModelViewSet):
    """Pain points, opportunities and insights on a stage or on a touchpoint."""

    serializer_class = FindingSerializer
    filterset_class = FindingFilter
    search_fields = ["text"]
    ordering_fields = ["severity", "created_at"]

    def get_queryset(self):
        return finding_list()

    def perform_create(self, serializer):
        data = without(serializer.validated_data, "version")
        place = data.get("touchpoint") or data.get("stage")
        if place is not None:  # without a place, finding_create refuses the finding itself
            check_can_edit_journey(self.request.user, place.journey)
        finding = services.finding_create(
            stage=data.pop("stage", None), touchpoint=data.pop("touchpoint", None), **data
        )
        serializer.instance = self.fresh(finding)

    def perform_update(self, serializer):
        data = without(serializer.validated_data, "stage", "touchpoint")
        version = data.pop("version")
        finding = services.finding_update(finding=serializer.instance, expected_version=version, **data)
        serializer.instance = self.fresh(finding)

    def perform_destroy(self, instance):
        services.finding_delete(finding=instance, expected_version=self.delete_version(required=True))
