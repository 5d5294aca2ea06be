"""Voice of the customer, a module per topic; every model is importable from metrics.models.

- `responses`: the metrics (NPS, CSAT, CES) with their scales and buckets, and SurveyResponse;
- `snapshots`: KpiSnapshot (responses summed per cell and day / week / month) and PendingRecompute;
- `targets`: MetricTarget (the organisation's, a journey's, a touchpoint's);
- `kpis`: CustomKpi and its KpiMeasurement;
- `followups`: FollowUpCase (the inner loop: a detractor called back);
- `business_cases`: BusinessCase and its gains;
- `import_presets`: ImportPreset (a saved column mapping of a response import);
- `connectors`: SurveySource (a survey tool sending answers) and its Delivery log;
- `themes`: the codebook (Theme, ThemeRule, CodebookState) and what it found (Verbatim, ResponseTheme).
"""

from .business_cases import BusinessCase, BusinessCaseGain, GainType
from .connectors import Delivery, DeliveryOrigin, DeliveryStatus, SurveySource
from .followups import CaseStatus, FollowUpCase
from .import_presets import ImportPreset
from .kpis import CustomKpi, Direction, KpiKind, KpiMeasurement, KpiStatus
from .responses import METRIC_BUCKETS, METRIC_SCALES, Metric, SurveyResponse, score_in_range_q
from .snapshots import KpiSnapshot, PendingRecompute, Period
from .targets import MetricTarget
from .themes import CodebookState, Language, ResponseTheme, RuleMode, Sentiment, Theme, ThemeRule, Verbatim

__all__ = [
    "METRIC_BUCKETS",
    "METRIC_SCALES",
    "BusinessCase",
    "BusinessCaseGain",
    "CaseStatus",
    "CodebookState",
    "CustomKpi",
    "Delivery",
    "DeliveryOrigin",
    "DeliveryStatus",
    "Direction",
    "FollowUpCase",
    "GainType",
    "ImportPreset",
    "KpiKind",
    "KpiMeasurement",
    "KpiSnapshot",
    "KpiStatus",
    "Language",
    "Metric",
    "MetricTarget",
    "PendingRecompute",
    "Period",
    "ResponseTheme",
    "RuleMode",
    "Sentiment",
    "SurveyResponse",
    "SurveySource",
    "Theme",
    "ThemeRule",
    "Verbatim",
    "score_in_range_q",
]
