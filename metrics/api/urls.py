"""/api/v1/ routes of the metrics app; cxplatform/api_router.py includes them."""

from django.urls import path

from metrics.api.business_cases import BusinessCaseViewSet
from metrics.api.followups import FollowUpViewSet
from metrics.api.kpis import CustomKpiViewSet
from metrics.api.responses import ResponseImportView, ResponseViewSet
from metrics.api.summary import KpiSummaryView
from metrics.api.targets import MetricTargetViewSet

# Explicit paths go before the router's (a "responses/import/" path would otherwise be read as a pk).
urlpatterns: list = []
# Before the router's kpis/<pk>/, which would take "summary" for an id.
urlpatterns.append(path("kpis/summary/", KpiSummaryView.as_view(), name="kpi-summary"))
urlpatterns.append(path("responses/import/", ResponseImportView.as_view(), name="response-import"))
router_registrations: list[tuple[str, type, str]] = []
router_registrations.append(("responses", ResponseViewSet, "response"))
router_registrations.append(("followups", FollowUpViewSet, "followup"))
router_registrations.append(("kpis", CustomKpiViewSet, "kpi"))
router_registrations.append(("business-cases", BusinessCaseViewSet, "business-case"))
router_registrations.append(("targets", MetricTargetViewSet, "target"))
