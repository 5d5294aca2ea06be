"""How the metrics pages write figures: NPS signed (+12.3), CSAT as a percentage, CES as a mean, in the
reader's language (decimal comma in Dutch), "–" for no figure."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

from metrics.models import Metric

register = template.Library()

DASH = "–"
MINUS = "−"


def _number(value: float, digits: int) -> str:
    return number_format(round(value, digits), digits)


@register.filter
def signed(value: float | None, digits: int = 1) -> str:
    """+12.3, −4.0 (a real minus sign), 0.0; "–" for None."""
    if value is None:
        return DASH
    text = _number(abs(value), digits)
    if value > 0:
        return "+" + text
    if value < 0:
        return MINUS + text
    return text


@register.filter
def metric_value(figure, metric: str | None = None) -> str:
    """The figure of a MetricFigure as its metric reports it: NPS +12.3, CSAT 78.5%, CES 5.21."""
    if figure is None or figure.value is None:
        return DASH
    metric = metric or figure.metric
    if metric == Metric.NPS:
        return signed(figure.value, 1)
    if metric == Metric.CSAT:
        return _number(figure.value, 1) + "%"
    return _number(figure.value, 2)


@register.filter
def margin(figure) -> str:
    """± the 95% margin in the figure's unit; empty without one."""
    if figure is None or figure.margin is None:
        return ""
    digits = 2 if figure.metric == Metric.CES else 1
    return "± " + _number(figure.margin, digits)


@register.filter
def change(value: float | None, metric: str) -> str:
    """A change in the metric's unit (points for NPS and CSAT, the mean for CES), signed."""
    if value is None:
        return DASH
    return signed(value, 2 if metric == Metric.CES else 1)
