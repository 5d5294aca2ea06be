"""How the metrics pages write figures and targets, in the reader's language (a decimal comma in Dutch), with a
real minus sign: NPS signed (+12.3), CSAT as a percentage (78.5%), CES as a mean (5.21); "–" for no figure."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format

from metrics.models import Metric

DASH = "–"
MINUS = "−"


def number(value: float | Decimal, digits: int) -> str:
    return number_format(round(value, digits), digits)


def signed(value: float | Decimal | None, digits: int = 1) -> str:
    """+12.3, −4.0, 0.0; "–" for None."""
    if value is None:
        return DASH
    text = number(abs(value), digits)
    if value > 0:
        return "+" + text
    if value < 0:
        return MINUS + text
    return text


def figure_text(metric: str, value: float | None) -> str:
    """A figure as its metric reports it: NPS +12.3, CSAT 78.5%, CES 5.21."""
    if value is None:
        return DASH
    if metric == Metric.NPS:
        return signed(value, 1)
    if metric == Metric.CSAT:
        return number(value, 1) + "%"
    return number(value, 2)


def target_text(metric: str, value: float | Decimal) -> str:
    """A target as it was set, without trailing zeros: NPS +20 or −5, CSAT 80%, CES 5.0 (a mean keeps one decimal)."""
    value = value if isinstance(value, Decimal) else Decimal(str(value))
    places = max(-value.normalize().as_tuple().exponent, 1 if metric == Metric.CES else 0)
    if metric == Metric.NPS:
        return signed(value, places)
    text = number(abs(value), places)
    text = MINUS + text if value < 0 else text
    return text + "%" if metric == Metric.CSAT else text
