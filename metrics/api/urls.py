"""/api/v1/ routes of the metrics app; cxplatform/api_router.py includes them."""

from django.urls import path

from metrics.api.business_cases import BusinessCaseViewSet
from metrics.api.followups import FollowUpViewSet
from metrics.api.kpis import CustomKpiViewSet
from metrics.api.privacy import PersonalDataEraseView, PersonalDataExportView, PersonalDataSearchView
from metrics.api.responses import ResponseImportView, ResponseViewSet
from metrics.api.summary import KpiSummaryView
from metrics.api.targets import MetricTargetViewSet
from metrics.api.theme_kpis import ThemeKpiView
from metrics.api.themes import ThemeViewSet
from metrics.api.verbatims import VerbatimListView
from metrics.connectors.api import DeliveryViewSet, SurveySourceViewSet

# Explicit paths go before the router's (a "responses/import/" path would otherwise be read as a pk).
urlpatterns: list = []
# Before the router's kpis/<pk>/, which would take "summary" for an id.
urlpatterns.append(path("kpis/summary/", KpiSummaryView.as_view(), name="kpi-summary"))
urlpatterns.append(path("kpis/themes/", ThemeKpiView.as_view(), name="kpi-themes"))
urlpatterns.append(path("responses/import/", ResponseImportView.as_view(), name="response-import"))
# Full-text search of the comments (issue 17)
urlpatterns.append(path("verbatims/", VerbatimListView.as_view(), name="verbatim-list"))
# A respondent's data (admins; the key in the POST body, never in the URL: metrics.api.privacy).
urlpatterns.append(path("personal-data/", PersonalDataSearchView.as_view(), name="personal-data"))
urlpatterns.append(path("personal-data/export/", PersonalDataExportView.as_view(), name="personal-data-export"))
urlpatterns.append(path("personal-data/erase/", PersonalDataEraseView.as_view(), name="personal-data-erase"))
# A source's deliveries: nested under it, the router has no nesting.
deliveries = DeliveryViewSet.as_view({"get": "list"})
delivery = DeliveryViewSet.as_view({"get": "retrieve"})
delivery_replay = DeliveryViewSet.as_view({"post": "replay"})
urlpatterns.append(path("sources/<int:source_pk>/deliveries/", deliveries, name="source-delivery-list"))
urlpatterns.append(path("sources/<int:source_pk>/deliveries/<int:pk>/", delivery, name="source-delivery-detail"))
urlpatterns.append(
    path("sources/<int:source_pk>/deliveries/<int:pk>/replay/", delivery_replay, name="source-delivery-replay")
)
router_registrations: list[tuple[str, type, str]] = []
router_registrations.append(("responses", ResponseViewSet, "response"))
router_registrations.append(("followups", FollowUpViewSet, "followup"))
router_registrations.append(("kpis", CustomKpiViewSet, "kpi"))
router_registrations.append(("business-cases", BusinessCaseViewSet, "business-case"))
router_registrations.append(("targets", MetricTargetViewSet, "target"))
router_registrations.append(("sources", SurveySourceViewSet, "source"))
router_registrations.append(("themes", ThemeViewSet, "theme"))
