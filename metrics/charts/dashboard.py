"""Every chart of the dashboard page at once; None for a chart with nothing to draw."""

from __future__ import annotations

from metrics.models import Metric
from metrics.selectors.dashboard import DashboardScores

from .scores import (
    channels_figure,
    heatmap_figure,
    heatmap_has_values,
    nps_trend_figure,
    scores_by_figure,
    weakest_rows,
)
from .work import actions_status_figure, roi_figure


def dashboard_figures(scores: DashboardScores, work: dict, heatmap_metric: str) -> dict[str, dict | None]:
    """Every chart of the dashboard; None for a chart with nothing to draw, where the page says why instead
    of showing an empty plot (a heatmap of blank cells, a trend of months without an NPS)."""
    return {**score_figures(scores, heatmap_metric), **work_figures(work)}


def score_figures(scores: DashboardScores, heatmap_metric: str) -> dict[str, dict | None]:
    """The charts of the scores (read from the snapshots); None for a chart with nothing to draw."""
    return {
        "trend": nps_trend_figure(scores.trend) if any(row.figures[Metric.NPS].n for row in scores.trend) else None,
        "channels": channels_figure(scores.channels) if scores.channels else None,
        "stages": scores_by_figure(scores.stages) if scores.stages else None,
        "touchpoints": scores_by_figure(weakest_rows(scores.touchpoints)) if scores.touchpoints else None,
        "heatmap": heatmap_figure(scores.heatmaps[heatmap_metric], heatmap_metric)
        if heatmap_has_values(scores.heatmaps[heatmap_metric])
        else None,
    }


def work_figures(work: dict) -> dict[str, dict | None]:
    """The charts of the improvement work; None for a chart with nothing to draw."""
    return {
        "actions": actions_status_figure(work["actions"]["by_status"]) if work["actions"]["total"] else None,
        "roi": roi_figure(work["business_cases"]["rows"]) if work["business_cases"]["rows"] else None,
    }
