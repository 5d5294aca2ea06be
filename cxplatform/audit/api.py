"""audit-events/ in the API: the audit trail for admins, read-only, with the page's filters (person, object_type,
object, action, date_from, date_to); a bad filter is a 400 naming the field."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError

from . import actions
from .forms import AuditSearchForm
from .models import AuditEvent
from .permissions import can_read_audit
from .selectors import audit_event_search


class IsAuditReader(permissions.BasePermission):
    message = _("Only admins read the audit trail.")

    def has_permission(self, request, view) -> bool:
        return can_read_audit(request.user)


class AuditEventSerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_label",
            "credential",
            "via",
            "action",
            "action_label",
            "object_type",
            "object_id",
            "object_repr",
            "fields",
            "detail",
            "ip",
            "path",
        ]
        read_only_fields = fields

    def get_action_label(self, event: AuditEvent) -> str:
        return actions.label(event.action)


_FILTERS = [
    OpenApiParameter("person", OpenApiTypes.STR, description="Part of a username, token or survey source."),
    OpenApiParameter("object_type", OpenApiTypes.STR, description='"app_label.model", e.g. "teams.improvementaction".'),
    OpenApiParameter("object", OpenApiTypes.STR, description="An object id, or part of its name."),
    OpenApiParameter("action", OpenApiTypes.STR, description="An action name, e.g. update, login_failed, export."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description="From this day (inclusive)."),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description="Up to this day (inclusive)."),
]


@extend_schema_view(list=extend_schema(parameters=_FILTERS))
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AuditEventSerializer
    permission_classes = [permissions.IsAuthenticated, IsAuditReader]
    # The filters are the page's form, not the default backends (no ?search= or ?ordering=: newest first).
    filter_backends: list = []

    def get_queryset(self):
        if self.action != "list":
            return AuditEvent.objects.all()
        form = AuditSearchForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError({name: [str(error) for error in errors] for name, errors in form.errors.items()})
        return audit_event_search(form.cleaned_data)
