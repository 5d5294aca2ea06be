"""Reads of the metrics app, a module per topic (org, kpis, followups, ...)."""

from .business_cases import action_effect, business_case_list
from .custom_kpis import kpi_detail, kpi_list, measurement_list
from .kpis import kpi_summary
from .responses import response_list

__all__ = [
    "action_effect",
    "business_case_list",
    "kpi_detail",
    "kpi_list",
    "kpi_summary",
    "measurement_list",
    "response_list",
]
