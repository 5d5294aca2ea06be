"""/api/v1/: every app registers its viewsets here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from cxplatform.api.views import CurrentUserView
from journeys.api.views import JourneyGroupViewSet
from teams.api.views import DepartmentViewSet, TeamViewSet

router = DefaultRouter()
router.register("journey-groups", JourneyGroupViewSet, basename="journey-group")
router.register("departments", DepartmentViewSet, basename="department")
router.register("teams", TeamViewSet, basename="team")

app_name = "api"
urlpatterns = [
    path("me/", CurrentUserView.as_view(), name="me"),
    *router.urls,
]
