"""/api/v1/: every app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from cxplatform.api.views import CurrentUserView
from cxplatform.audit.api import AuditEventViewSet
from cxplatform.notifications.api import NotificationViewSet
from cxplatform.webhooks.api import WebhookSubscriptionViewSet
from journeys.api.comments import CommentViewSet
from journeys.api.transfer import JourneyExportView, JourneyImportView
from journeys.api.views import (
    ChannelViewSet,
    FindingViewSet,
    JourneyGroupViewSet,
    JourneyViewSet,
    PersonaViewSet,
    StageViewSet,
    TouchpointViewSet,
)
from metrics.api.urls import router_registrations as metrics_registrations
from metrics.api.urls import urlpatterns as metrics_urlpatterns
from teams.api.views import ActionViewSet, DepartmentViewSet, MandateViewSet, MembershipViewSet, TeamViewSet

router = DefaultRouter()
router.register("journey-groups", JourneyGroupViewSet, basename="journey-group")
router.register("journeys", JourneyViewSet, basename="journey")
router.register("personas", PersonaViewSet, basename="persona")
router.register("channels", ChannelViewSet, basename="channel")
router.register("stages", StageViewSet, basename="stage")
router.register("touchpoints", TouchpointViewSet, basename="touchpoint")
router.register("findings", FindingViewSet, basename="finding")
router.register("comments", CommentViewSet, basename="comment")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("departments", DepartmentViewSet, basename="department")
router.register("teams", TeamViewSet, basename="team")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("mandates", MandateViewSet, basename="mandate")
router.register("actions", ActionViewSet, basename="action")
for prefix, viewset, basename in metrics_registrations:
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="me"),
    # Before the router, whose journeys/<pk>/ pattern would take "import" for an id.
    path("journeys/import/", JourneyImportView.as_view(), name="journey-import"),
    path("journeys/<int:pk>/export/", JourneyExportView.as_view(), name="journey-export"),
    *metrics_urlpatterns,
    *router.urls,
]
