"""The business-case API: `business-cases/`, one case per improvement action, with its ROI and (one case)
the before/after effect. Whoever manages the action (metrics.permissions.can_edit_business_case) writes."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied

from cxplatform.api.versioning import versioned_schema
from cxplatform.api.viewsets import ServiceViewSetMixin
from metrics.forms.business_cases import BusinessCaseFilter
from metrics.models import BusinessCase
from metrics.permissions import NOT_YOUR_BUSINESS_CASE, can_edit_business_case
from metrics.selectors.business_cases import business_case_list
from metrics.services.business_cases import Gains, business_case_delete, business_case_save

from .business_case_serializers import BusinessCaseDetailSerializer, BusinessCaseSerializer


class BusinessCasePermission(permissions.BasePermission):
    """Everyone reads; a case is changed by those who may edit its action's business case (create: checked by
    the view, on the action sent)."""

    message = NOT_YOUR_BUSINESS_CASE

    def has_object_permission(self, request, view, case: BusinessCase) -> bool:
        return request.method in permissions.SAFE_METHODS or can_edit_business_case(request.user, case.action)


def _gains(rows: list[dict]) -> Gains:
    return {row["type"]: (row.get("expected") or Decimal("0"), row.get("realised")) for row in rows}


@versioned_schema(BusinessCaseDetailSerializer)
class BusinessCaseViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Business cases with expected and realised ROI, filtered by `journey` and `action_status`, ordered by
    `expected_roi_value` or `realised_roi_value`. One case (GET by id) also has the before/after `effect`.
    Edits send the `version` they are based on; `gains` replaces all gains when sent."""

    permission_classes = [permissions.IsAuthenticated, BusinessCasePermission]
    filterset_class = BusinessCaseFilter
    search_fields = ["action__title", "notes"]
    ordering_fields = ["expected_roi_value", "realised_roi_value", "investment", "updated_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return business_case_list()

    def get_serializer_class(self):
        return BusinessCaseSerializer if self.action == "list" else BusinessCaseDetailSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        action = data.pop("action")
        if not can_edit_business_case(self.request.user, action):
            raise PermissionDenied(NOT_YOUR_BUSINESS_CASE)
        data.pop("version", None)
        case = business_case_save(action=action, gains=_gains(data.pop("gains", [])), **data)
        serializer.instance = self.fresh(case)

    def perform_update(self, serializer):
        case: BusinessCase = serializer.instance
        data = dict(serializer.validated_data)
        data.pop("action", None)
        gains = data.pop("gains", None)
        saved = business_case_save(
            action=case.action,
            investment=data.get("investment", case.investment),
            effect_weeks=data.get("effect_weeks", case.effect_weeks),
            notes=data.get("notes", case.notes),
            gains=_gains(gains) if gains is not None else {g.type: (g.expected, g.realised) for g in case.gains.all()},
            expected_version=data["version"],
        )
        serializer.instance = self.fresh(saved)

    def perform_destroy(self, instance):
        business_case_delete(case=instance, expected_version=self.delete_version())
