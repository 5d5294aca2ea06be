"""/api/v1/followups/: the inner loop's cases. Reads go through metrics.selectors.followups, writes through
metrics.services.followups, rules in metrics.permissions (the pages use the same three)."""

from __future__ import annotations

from collections.abc import Mapping

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets

from cxplatform.api.versioning import StaleVersionSerializer, VersionedSerializer
from cxplatform.api.viewsets import ServiceViewSetMixin
from journeys.api.keys import (
    JOURNEY_REF_HELP,
    TOUCHPOINT_REF_HELP,
    JourneyRefFilter,
    KeyedFilterSet,
    TouchpointRefFilter,
)
from journeys.models import Journey, Touchpoint
from metrics.models import CaseStatus, FollowUpCase, Metric
from metrics.permissions import (
    NOT_A_CASE_ASSIGNER,
    NOT_A_CASE_READER,
    NOT_YOUR_CASE,
    can_reassign_case,
    can_see_case,
    can_work_case,
)
from metrics.selectors.followups import followup_list, followup_rows
from metrics.services.followups import CASE_FIELDS, followup_update
from teams.models import ImprovementAction

User = get_user_model()
UNASSIGNED = "none"
CONFLICT = OpenApiResponse(
    StaleVersionSerializer, description=_("Someone else changed the case first; nothing was saved.")
)


def _name(user) -> str | None:
    return str(user) if user is not None else None


class FollowUpSerializer(VersionedSerializer):
    """A case and the response behind it. PATCH sends the `version` it is based on, and any of status, outcome,
    action and (admins) owner."""

    status = serializers.ChoiceField(
        choices=CaseStatus.choices,
        required=False,
        help_text=_("open -> contacted -> resolved, or contacted -> open. Resolving needs an outcome."),
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Only admins reassign a case, to a process owner (null: unassigned)."),
    )
    owner_name = serializers.SerializerMethodField()
    action = serializers.PrimaryKeyRelatedField(
        queryset=ImprovementAction.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("An improvement action of the case's journey (null: none)."),
    )
    action_title = serializers.CharField(source="action.title", read_only=True, allow_null=True)
    metric = serializers.ChoiceField(source="response.metric", choices=Metric.choices, read_only=True)
    score = serializers.IntegerField(source="response.score", read_only=True)
    comment = serializers.CharField(source="response.comment", read_only=True)
    respondent = serializers.CharField(source="response.respondent", read_only=True)
    responded_at = serializers.DateTimeField(source="response.responded_at", read_only=True)
    journey = serializers.IntegerField(source="response.journey_id", read_only=True)
    journey_name = serializers.CharField(source="response.journey.name", read_only=True)
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True)

    class Meta:
        model = FollowUpCase
        fields = [
            "id",
            "response",
            "metric",
            "score",
            "comment",
            "respondent",
            "responded_at",
            "journey",
            "journey_name",
            "touchpoint",
            "touchpoint_name",
            "owner",
            "owner_name",
            "status",
            "status_display",
            "due_date",
            "is_overdue",
            "outcome",
            "action",
            "action_title",
            "opened_at",
            "contacted_at",
            "resolved_at",
            "version",
        ]
        read_only_fields = ["response", "touchpoint", "due_date", "opened_at", "contacted_at", "resolved_at"]

    def get_owner_name(self, case: FollowUpCase) -> str | None:
        return _name(case.owner)


class FollowUpFilter(KeyedFilterSet):
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.all(),
        null_label=_("Unassigned"),
        null_value=UNASSIGNED,
        help_text=_("A user id, or `none` for the unassigned cases."),
    )
    journey = JourneyRefFilter(
        field_name="response__journey", queryset=Journey.all_objects.all(), help_text=JOURNEY_REF_HELP
    )
    touchpoint = TouchpointRefFilter(queryset=Touchpoint.all_objects.all(), help_text=TOUCHPOINT_REF_HELP)
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue",  # annotated by metrics.selectors.followups.followup_rows
        help_text=_("true: open or contacted cases past their deadline; false: all others."),
    )

    class Meta:
        model = FollowUpCase
        fields = ["status", "owner", "journey", "touchpoint", "overdue"]


def _refuse(permission: permissions.BasePermission, reason) -> bool:
    permission.message = reason
    return False


def _changes_owner(data, case: FollowUpCase) -> bool:
    # A body that is not an object (null, 1, true...) changes nothing: the serializer refuses it with a 400.
    if not isinstance(data, Mapping) or "owner" not in data:
        return False
    value = data["owner"]
    if value in (None, ""):
        return case.owner_id is not None
    return str(value) != str(case.owner_id)


class FollowUpPermission(permissions.BasePermission):
    """Reading: the case's owner, managers, CX editors and admins. Working it: its owner and admins.
    Giving it to someone else: admins."""

    def has_object_permission(self, request, view, case) -> bool:
        user = request.user
        if request.method in permissions.SAFE_METHODS:
            return can_see_case(user, case) or _refuse(self, NOT_A_CASE_READER)
        if not can_work_case(user, case):
            return _refuse(self, NOT_YOUR_CASE if can_see_case(user, case) else NOT_A_CASE_READER)
        if _changes_owner(request.data, case) and not can_reassign_case(user):
            return _refuse(self, NOT_A_CASE_ASSIGNER)
        return True


@extend_schema_view(partial_update=extend_schema(responses={200: FollowUpSerializer, 409: CONFLICT}))
class FollowUpViewSet(
    ServiceViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Follow-up cases: the list holds what you may see (your own, or everyone's for managers, CX editors and
    admins), filtered by status, owner (`none`: unassigned), journey, touchpoint and `overdue`.

    PATCH sends the `version` it is based on (409 with the case as it is now when stale)."""

    serializer_class = FollowUpSerializer
    permission_classes = [permissions.IsAuthenticated, FollowUpPermission]
    filterset_class = FollowUpFilter
    search_fields = ["response__comment", "response__respondent"]
    ordering_fields = ["due_date", "opened_at"]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        # One case by id is answered for everyone, so that someone else's case is a 403 with the reason,
        # like the page, rather than a puzzling 404.
        if self.action == "list":
            return followup_list(user=self.request.user)
        return followup_rows()

    def perform_update(self, serializer):
        data = {key: value for key, value in serializer.validated_data.items() if key in CASE_FIELDS}
        case = followup_update(case=serializer.instance, expected_version=serializer.validated_data["version"], **data)
        serializer.instance = self.fresh(case)
