"""The targets API: `targets/`, the NPS, CSAT and CES targets of the organisation, journeys and touchpoints.

Everyone logged in reads; managers and admins set, change and remove targets (metrics.permissions, as on the
pages). Reads go through metrics.selectors.targets, writes through metrics.services.targets.
"""

from __future__ import annotations

from rest_framework import permissions, viewsets

from cxplatform.api.versioning import versioned_schema
from cxplatform.api.viewsets import ServiceViewSetMixin
from metrics.forms.targets import TargetFilter
from metrics.permissions import NOT_A_KPI_MANAGER, can_manage_kpis
from metrics.selectors.targets import target_list
from metrics.services.targets import target_create, target_delete, target_update

from .target_serializers import MetricTargetSerializer


class TargetPermission(permissions.BasePermission):
    """Everyone reads; managers and admins write."""

    message = NOT_A_KPI_MANAGER

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or can_manage_kpis(request.user)


@versioned_schema(MetricTargetSerializer)
class MetricTargetViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Targets of NPS (score, -100..100), CSAT (% satisfied, 0..100) and CES (mean, 1..7) for the whole
    organisation, a journey or a touchpoint; the most specific one applies. Filtered by `metric`, `journey` (the
    journey's own targets and its touchpoints'), `touchpoint` and `scope`. One target per metric and scope;
    edits send the `version` they are based on (409 when stale)."""

    serializer_class = MetricTargetSerializer
    permission_classes = [permissions.IsAuthenticated, TargetPermission]
    filterset_class = TargetFilter
    search_fields = ["journey__name", "touchpoint__name"]
    ordering_fields = ["metric", "value", "updated_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return target_list()

    def perform_create(self, serializer):
        data = {key: value for key, value in serializer.validated_data.items() if key != "version"}
        serializer.instance = self.fresh(target_create(user=self.request.user, **data))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        target = target_update(target=serializer.instance, expected_version=version, user=self.request.user, **data)
        serializer.instance = self.fresh(target)

    def perform_destroy(self, instance):
        target_delete(target=instance, expected_version=self.delete_version())
