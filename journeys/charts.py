"""Figures of a journey map, built in Python with Plotly and drawn in the browser by plotly.min.js."""

from collections.abc import Mapping
from typing import Protocol

import plotly.graph_objects as go
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import Journey

BRAND = "#0f766e"
MEASURED = "#7c3aed"  # the measured curve: a colour apart from the designed curve and the red-to-green scale
MUTED = "#5f6c7b"
LINE = "#e1e6ea"
# Red (very negative) through grey (neutral) to green (very positive): the same colours as the cards (map.css).
EMOTION_SCALE = [[0.0, "#b91c1c"], [0.25, "#ea580c"], [0.5, "#94a3b8"], [0.75, "#65a30d"], [1.0, "#15803d"]]
LABEL_LENGTH = 28


def _label(name: str) -> str:
    """A tick label: short, and escaped because Plotly reads a few HTML tags (<b>, <br>, <a>) in its text."""
    if len(name) > LABEL_LENGTH:
        name = name[: LABEL_LENGTH - 1] + "…"
    return escape(name)


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
    measured = measured or {}
    stages = list(journey_map.stages.all())
    x: list[float] = []
    y: list[int] = []
    labels: list[str] = []
    hover: list[list[str]] = []
    symbols: list[str] = []
    sizes: list[int] = []
    measured_y: list[float | None] = []
    measured_hover: list[list[str]] = []
    for index, stage in enumerate(stages):
        touchpoints = list(stage.touchpoints.all())
        for position, touchpoint in enumerate(touchpoints):
            x.append(index + (position + 0.5) / len(touchpoints))
            y.append(touchpoint.emotion)
            emotion = measured.get(touchpoint.pk)
            measured_y.append(emotion.value if emotion else None)
            measured_hover.append([escape(touchpoint.name), escape(emotion.text)] if emotion else ["", ""])
            labels.append(_label(touchpoint.name))
            hover.append(
                [
                    escape(touchpoint.name),
                    escape(stage.name),
                    _("Moment of truth") if touchpoint.is_moment_of_truth else "",
                ]
            )
            symbols.append("star" if touchpoint.is_moment_of_truth else "circle")
            sizes.append(16 if touchpoint.is_moment_of_truth else 11)

    trace = dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines+markers",
        name=_("Designed emotion"),
        line={"color": BRAND, "width": 3, "shape": "spline", "smoothing": 0.6},
        marker={
            "color": y,
            "colorscale": EMOTION_SCALE,
            "cmin": -2,
            "cmax": 2,
            "size": sizes,
            "symbol": symbols,
            "line": {"color": "#ffffff", "width": 1.5},
        },
        customdata=hover,
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
        + _("Designed emotion")
        + ": %{y:+d}<br>%{customdata[2]}<extra></extra>",
    )
    traces = [trace]
    if any(value is not None for value in measured_y):
        traces.append(
            dict(
                type="scatter",
                x=x,
                y=measured_y,
                mode="lines+markers",
                name=_("Measured experience"),
                connectgaps=False,  # no line across a touchpoint without measurements
                line={"color": MEASURED, "width": 2.5, "dash": "dash"},
                marker={"color": MEASURED, "size": 9, "symbol": "diamond", "line": {"color": "#ffffff", "width": 1}},
                customdata=measured_hover,
                hovertemplate="<b>%{customdata[0]}</b><br>"
                + _("Measured experience")
                + ": %{y:+.2f}<br>%{customdata[1]}<extra></extra>",
            )
        )
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
        for i in range(1, len(stages))
    ]
    # Pale bands below and above neutral, so a dip reads as a dip at a glance (and on paper).
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
        for y0, y1, colour in [(-2.6, 0, "rgba(185, 28, 28, 0.05)"), (0, 2.6, "rgba(21, 128, 61, 0.05)")]
    ]
    legend = len(traces) > 1
    layout = dict(
        height=260,
        margin={"l": 0, "r": 0, "t": 34 if legend else 12, "b": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "color": MUTED},
        showlegend=legend,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom", "font": {"size": 11}},
        hovermode="closest",
        shapes=[*bands, *boundaries],
        xaxis={
            "range": [0, max(len(stages), 1)],
            "tickmode": "array",
            "tickvals": x,
            "ticktext": labels,
            "tickfont": {"size": 10},
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
        },
        yaxis={
            "range": [-2.6, 2.6],
            "tickmode": "array",
            "tickvals": [-2, -1, 0, 1, 2],
            "ticktext": ["−2", "−1", "0", "+1", "+2"],
            "ticklabelposition": "inside",
            "gridcolor": "#eef2f4",
            "zeroline": True,
            "zerolinecolor": "#cbd2d9",
            "fixedrange": True,
        },
    )
    # The figure as Plotly's JSON spec, which the page hands to plotly.min.js as it is. A go.Figure would
    # validate every point (130 ms for 2,250 touchpoints) and deep-copy it again for to_dict(); the shape here
    # is fixed, and test_charts validates the same figure in full instead.
    return {"data": traces, "layout": layout}
