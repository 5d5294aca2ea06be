"""Figures of a journey map, built in Python with Plotly and drawn in the browser by plotly.min.js."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import plotly.graph_objects as go
from django.utils.html import escape
from django.utils.translation import gettext as _

from cxplatform.lib.charts import BRAND, GRID, ZERO_LINE, base_layout, label, margins

from .models import Journey, Stage

MEASURED = "#7c3aed"  # the measured curve: a colour apart from the designed curve and the red-to-green scale
LINE = "#e1e6ea"
# Red (very negative) through grey (neutral) to green (very positive): the same colours as the cards (map.css).
EMOTION_SCALE = [[0.0, "#b91c1c"], [0.25, "#ea580c"], [0.5, "#94a3b8"], [0.75, "#65a30d"], [1.0, "#15803d"]]
LABEL_LENGTH = 28
BAND_EDGE = 2.6  # the y axis runs from −2.6 to +2.6: the −2..+2 scale with room for the markers


class MeasuredEmotion(Protocol):
    """A touchpoint's measured emotion as settings.MAP_MEASURES gives it (metrics.selectors.map_measures)."""

    value: float  # on the designed scale, −2..+2
    n: int
    text: str  # the figures it comes from, e.g. "CSAT 72% · n=140"


def emotion_curve_figure(journey_map: Journey, measured: Mapping[int, MeasuredEmotion] | None = None) -> go.Figure:
    """The emotion curve as a Plotly figure (for tests and anything that wants the figure object)."""
    spec = emotion_curve_spec(journey_map, measured)
    return go.Figure(data=spec["data"], layout=spec["layout"], _validate=False)


def emotion_curve_spec(journey_map: Journey, measured: Mapping[int, MeasuredEmotion] | None = None) -> dict:
    """The designed emotion of every touchpoint, in map order, as one line from −2 to +2; with `measured` (the
    measured emotion per touchpoint id), a second, dashed line "Measured experience" at the same x positions,
    with a gap at each touchpoint that has no measurement, and a legend naming the two.

    `journey_map` is a journey as `selectors.journey_map` loads it (stages with their touchpoints prefetched),
    so building the figure runs no query. Stage i spans x from i to i+1 and its touchpoints are spread evenly
    inside, so the curve lines up with the map's equally wide stage columns; stage boundaries are the integers.
    """
    stages = list(journey_map.stages.all())
    points = _curve_points(stages, measured or {})
    traces = [_designed_trace(points)]
    if any(value is not None for value in points.measured_y):
        traces.append(_measured_trace(points))
    # The figure as Plotly's JSON spec, which the page hands to plotly.min.js as it is. A go.Figure would
    # validate every point (130 ms for 2,250 touchpoints) and deep-copy it again for to_dict(); the shape here
    # is fixed, and test_charts validates the same figure in full instead.
    return {"data": traces, "layout": _curve_layout(points, len(stages), legend=len(traces) > 1)}


@dataclass
class _CurvePoints:
    """One entry per touchpoint in map order, in the columns the traces and the x axis read."""

    x: list[float] = field(default_factory=list)
    y: list[int] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    hover: list[list[str]] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    measured_y: list[float | None] = field(default_factory=list)
    measured_hover: list[list[str]] = field(default_factory=list)


def _curve_points(stages: list[Stage], measured: Mapping[int, MeasuredEmotion]) -> _CurvePoints:
    """Each touchpoint's place (stage i spans i..i+1, its touchpoints spread evenly inside), designed emotion,
    measured emotion (None where there is none) and labels."""
    points = _CurvePoints()
    for index, stage in enumerate(stages):
        touchpoints = list(stage.touchpoints.all())
        for position, touchpoint in enumerate(touchpoints):
            points.x.append(index + (position + 0.5) / len(touchpoints))
            points.y.append(touchpoint.emotion)
            emotion = measured.get(touchpoint.pk)
            points.measured_y.append(emotion.value if emotion else None)
            points.measured_hover.append([escape(touchpoint.name), escape(emotion.text)] if emotion else ["", ""])
            points.labels.append(label(touchpoint.name, LABEL_LENGTH))
            points.hover.append(
                [
                    escape(touchpoint.name),
                    escape(stage.name),
                    _("Moment of truth") if touchpoint.is_moment_of_truth else "",
                ]
            )
            points.symbols.append("star" if touchpoint.is_moment_of_truth else "circle")
            points.sizes.append(16 if touchpoint.is_moment_of_truth else 11)
    return points


def _designed_trace(points: _CurvePoints) -> dict:
    """The designed emotion: a smooth line whose markers take the emotion's colour; moments of truth as stars."""
    return dict(
        type="scatter",
        x=points.x,
        y=points.y,
        mode="lines+markers",
        name=_("Designed emotion"),
        line={"color": BRAND, "width": 3, "shape": "spline", "smoothing": 0.6},
        marker={
            "color": points.y,
            "colorscale": EMOTION_SCALE,
            "cmin": -2,
            "cmax": 2,
            "size": points.sizes,
            "symbol": points.symbols,
            "line": {"color": "#ffffff", "width": 1.5},
        },
        customdata=points.hover,
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
        + _("Designed emotion")
        + ": %{y:+d}<br>%{customdata[2]}<extra></extra>",
    )


def _measured_trace(points: _CurvePoints) -> dict:
    """The measured experience: a dashed line at the same x positions, broken where nothing was measured."""
    return dict(
        type="scatter",
        x=points.x,
        y=points.measured_y,
        mode="lines+markers",
        name=_("Measured experience"),
        connectgaps=False,  # no line across a touchpoint without measurements
        line={"color": MEASURED, "width": 2.5, "dash": "dash"},
        marker={"color": MEASURED, "size": 9, "symbol": "diamond", "line": {"color": "#ffffff", "width": 1}},
        customdata=points.measured_hover,
        hovertemplate="<b>%{customdata[0]}</b><br>"
        + _("Measured experience")
        + ": %{y:+.2f}<br>%{customdata[1]}<extra></extra>",
    )


def _stage_shapes(stage_count: int) -> list[dict]:
    """Pale bands below and above neutral, so a dip reads as a dip at a glance (and on paper), and a dotted
    line at each boundary between two stages."""
    bands = [
        {
            "type": "rect",
            "xref": "paper",
            "yref": "y",
            "x0": 0,
            "x1": 1,
            "y0": y0,
            "y1": y1,
            "fillcolor": colour,
            "line": {"width": 0},
            "layer": "below",
        }
        for y0, y1, colour in [(-BAND_EDGE, 0, "rgba(185, 28, 28, 0.05)"), (0, BAND_EDGE, "rgba(21, 128, 61, 0.05)")]
    ]
    boundaries = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": i,
            "x1": i,
            "y0": 0,
            "y1": 1,
            "line": {"color": LINE, "width": 1, "dash": "dot"},
            "layer": "below",
        }
        for i in range(1, stage_count)
    ]
    return [*bands, *boundaries]


def _curve_layout(points: _CurvePoints, stage_count: int, *, legend: bool) -> dict:
    """The site's base layout with a touchpoint label at each point and the emotion scale −2..+2."""
    return base_layout(
        height=260,
        margin=margins(0, top=34 if legend else 12),
        showlegend=legend,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "font": {"size": 11}},
        shapes=_stage_shapes(stage_count),
        xaxis={
            "range": [0, max(stage_count, 1)],
            "tickmode": "array",
            "tickvals": points.x,
            "ticktext": points.labels,
            "tickfont": {"size": 10},
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
        },
        yaxis={
            "range": [-BAND_EDGE, BAND_EDGE],
            "tickmode": "array",
            "tickvals": [-2, -1, 0, 1, 2],
            "ticktext": ["−2", "−1", "0", "+1", "+2"],
            "ticklabelposition": "inside",
            "gridcolor": GRID,
            "zeroline": True,
            "zerolinecolor": ZERO_LINE,
            "fixedrange": True,
        },
    )
