"""Template filters for metrics.formatting: how the metrics pages write figures, margins, changes and targets."""

from __future__ import annotations

from django import template

from metrics import formatting
from metrics.models import Metric

register = template.Library()


@register.filter
def signed(value: float | None, digits: int = 1) -> str:
    return formatting.signed(value, digits)


@register.filter
def metric_value(figure, metric: str | None = None) -> str:
    """The figure of a MetricFigure as its metric reports it: NPS +12.3, CSAT 78.5%, CES 5.21."""
    if figure is None:
        return formatting.DASH
    return formatting.figure_text(metric or figure.metric, figure.value)


@register.filter
def margin(figure) -> str:
    """± the 95% margin in the figure's unit; empty without one."""
    if figure is None or figure.margin is None:
        return ""
    return "± " + formatting.number(figure.margin, 2 if figure.metric == Metric.CES else 1)


@register.filter
def change(value: float | None, metric: str) -> str:
    """A change in the metric's unit (points for NPS and CSAT, the mean for CES), signed."""
    return formatting.signed(value, 2 if metric == Metric.CES else 1)


@register.filter
def target_value(value, metric: str) -> str:
    """A target as it was set: NPS +20, CSAT 80%, CES 5.0."""
    return "" if value is None else formatting.target_text(metric, value)
