"""The look every Plotly figure of the site shares: fonts, colours, margins, and escaped short labels.

Each app builds its figures as Plotly's JSON spec ({"data": [...], "layout": {...}}) in its own charts module
(journeys/charts.py, teams/charts.py, the metrics/charts package) and starts its layout from `base_layout`, so a
change of font or palette is made here once. The browser side (plotly.min.js with `displayModeBar: false,
responsive: true`) is in static/js. This module imports no app: journeys may use it.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

BRAND = "#0f766e"  # the site's teal: the main series of a chart
MUTED = "#5f6c7b"  # text, ticks and secondary labels
GRID = "#eef2f4"
ZERO_LINE = "#cbd2d9"  # the zero line and the dotted split lines of the quadrant charts
TRANSPARENT = "rgba(0,0,0,0)"  # a chart sits on its card's background
FONT_FAMILY = "Inter, system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
LABEL_LENGTH = 32


def label(name: str, length: int = LABEL_LENGTH) -> str:
    """A tick or point label: short, and escaped because Plotly reads a few HTML tags (<b>, <br>, <a>)."""
    if len(name) > length:
        name = name[: length - 1] + "…"
    return escape(name)


def margins(size: int, *, top: int | None = None) -> dict[str, int]:
    """The same margin on every side (in pixels), `top` apart when given."""
    return {"l": size, "r": size, "t": size if top is None else top, "b": size}


def base_layout(*, margin: dict[str, int], plot_bgcolor: str = TRANSPARENT, **layout: Any) -> dict:
    """A figure's layout: the site's font and colours on a transparent card, hover on the nearest point, and
    then the chart's own `layout` properties (height, legend, axes, shapes...)."""
    return {
        "margin": margin,
        "paper_bgcolor": TRANSPARENT,
        "plot_bgcolor": plot_bgcolor,
        "font": {"family": FONT_FAMILY, "color": MUTED},
        "hovermode": "closest",
        **layout,
    }
