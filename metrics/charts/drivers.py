"""The key-driver quadrant of a journey: performance against importance of its touchpoints."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from cxplatform.lib.charts import GRID, MUTED, ZERO_LINE, base_layout, label, margins
from metrics.selectors.drivers import (
    FIX_FIRST,
    KEEP_UP,
    LOW_PRIORITY,
    OVERKILL,
    QUADRANT_LABELS,
    DriverAnalysis,
    DriverRow,
)

SPLIT = "#94a3b8"
FIX_COLOUR = "#b91c1c"
DRIVER_COLOUR = "#0f766e"
NOT_SIGNIFICANT = "#94a3b8"
DRIVER_LABEL_LENGTH = 24
QUADRANT_TINTS = {
    FIX_FIRST: "rgba(185, 28, 28, 0.07)",
    KEEP_UP: "rgba(21, 128, 61, 0.06)",
    LOW_PRIORITY: "rgba(148, 163, 184, 0.06)",
    OVERKILL: "rgba(2, 132, 199, 0.05)",
}
GROUP_COLOURS = {"fix": FIX_COLOUR, "driver": DRIVER_COLOUR, "other": NOT_SIGNIFICANT}


def _axis_range(values: list[float], split: float, *, low: float, high: float, pad: float) -> list[float]:
    """The data and the split line, with some room around them, within the scale's own limits."""
    lowest, highest = min([*values, split]), max([*values, split])
    room = max((highest - lowest) * 0.12, pad)
    return [max(lowest - room, low), min(highest + room, high)]


def driver_quadrant_figure(analysis: DriverAnalysis) -> dict:
    """Performance (x, 0-100) against importance (y, Pearson's r) of the analysed touchpoints, split at their
    medians into the four quadrants. Three traces: the fix-first list (red), the other significant drivers
    (filled) and the touchpoints whose r is not significant at 5% (hollow, grey). Empty data without analysis."""
    rows = analysis.analysed if analysis.sufficient else []
    split_x = analysis.median_performance if analysis.median_performance is not None else 50.0
    split_y = analysis.median_importance if analysis.median_importance is not None else 0.0
    x_range = _axis_range([row.performance for row in rows], split_x, low=0.0, high=100.0, pad=5.0)
    y_range = _axis_range([row.importance for row in rows], split_y, low=-1.0, high=1.0, pad=0.05)
    layout = base_layout(
        height=480,
        margin=margins(10),
        plot_bgcolor="#ffffff",
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        shapes=_quadrant_shapes(split_x, split_y, x_range, y_range),
        annotations=_quadrant_annotations(),
        xaxis={
            "range": x_range,
            "title": {"text": _("Performance: mean touchpoint score (0-100)") + " → ", "standoff": 8},
            "gridcolor": GRID,
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
        },
        yaxis={
            "range": y_range,
            "title": {"text": _("Importance: correlation with NPS (r)") + " → ", "standoff": 8},
            "gridcolor": GRID,
            "zeroline": True,
            "zerolinecolor": ZERO_LINE,
            "fixedrange": True,
            "automargin": True,
        },
    )
    return {"data": _driver_traces(rows), "layout": layout}


def _driver_traces(rows: list[DriverRow]) -> list[dict]:
    """One scatter trace per group that has members: fix first, the other significant drivers, the rest."""
    groups = [
        ("fix", _("Fix first"), [row for row in rows if row.rank is not None]),
        ("driver", _("Significant"), [row for row in rows if row.rank is None and row.significant]),
        ("other", _("Not significant"), [row for row in rows if not row.significant]),
    ]
    hover = _driver_hover()
    # Names are drawn beside the significant points only (the rest crowd the middle: their names are in the
    # hover and the table), alternately above and below from left to right, so that neighbours overlap less.
    labelled = sorted((row for row in rows if row.significant), key=lambda row: row.performance)
    above = {row.touchpoint_id: step % 2 == 0 for step, row in enumerate(labelled)}
    return [_driver_trace(key, name, members, hover, above) for key, name, members in groups if members]


def _driver_hover() -> str:
    return (
        "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
        + _("Performance")
        + ": %{x:.1f} / 100<br>"
        + _("Importance")
        + " (r): %{y:.2f}<br>"
        + _("Linked respondents")
        + ": %{customdata[2]}<br>"
        + _("Significant (p < 0.05)")
        + ": %{customdata[3]}<extra>%{customdata[4]}</extra>"
    )


def _driver_trace(key: str, name: str, members: list[DriverRow], hover: str, above: dict[int, bool]) -> dict:
    """The points of one group; the not-significant ones hollow and grey, without a name beside them."""
    colour = GROUP_COLOURS[key]
    hollow = key == "other"
    yes, no = _("yes"), _("no")
    return {
        "type": "scatter",
        "mode": "markers" if hollow else "markers+text",
        "name": name,
        "x": [row.performance for row in members],
        "y": [row.importance for row in members],
        "text": [label(row.name, DRIVER_LABEL_LENGTH) for row in members],
        "textposition": ["top center" if above.get(row.touchpoint_id, True) else "bottom center" for row in members],
        "textfont": {"size": 11, "color": MUTED if hollow else "#1f2937"},
        "customdata": [
            [escape(row.name), escape(row.stage), row.n, yes if row.significant else no, row.quadrant_label]
            for row in members
        ],
        "hovertemplate": hover,
        "marker": {
            "size": 13,
            "symbol": "circle-open" if hollow else "circle",
            "color": colour,
            "line": {"color": colour if hollow else "#ffffff", "width": 2 if hollow else 1.5},
        },
    }


def _quadrant_shapes(split_x: float, split_y: float, x_range: list[float], y_range: list[float]) -> list[dict]:
    """The four tinted quadrants, and a dotted line at each median."""
    corners = {  # quadrant: (x0, x1, y0, y1) in data coordinates
        FIX_FIRST: (x_range[0], split_x, split_y, y_range[1]),
        KEEP_UP: (split_x, x_range[1], split_y, y_range[1]),
        LOW_PRIORITY: (x_range[0], split_x, y_range[0], split_y),
        OVERKILL: (split_x, x_range[1], y_range[0], split_y),
    }
    tints = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "x0": x0,
            "x1": x1,
            "y0": y0,
            "y1": y1,
            "fillcolor": QUADRANT_TINTS[quadrant],
            "line": {"width": 0},
            "layer": "below",
        }
        for quadrant, (x0, x1, y0, y1) in corners.items()
    ]
    line = {"color": SPLIT, "width": 1.5, "dash": "dot"}
    return [
        *tints,
        {"type": "line", "xref": "x", "yref": "paper", "x0": split_x, "x1": split_x, "y0": 0, "y1": 1, "line": line},
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": split_y, "y1": split_y, "line": line},
    ]


def _quadrant_annotations() -> list[dict]:
    """Each quadrant's name in its outer corner, where points are least likely to be."""
    return [
        {
            "xref": "paper",
            "yref": "paper",
            "x": 0.01 if quadrant in (FIX_FIRST, LOW_PRIORITY) else 0.99,
            "y": 0.99 if quadrant in (FIX_FIRST, KEEP_UP) else 0.01,
            "xanchor": "left" if quadrant in (FIX_FIRST, LOW_PRIORITY) else "right",
            "yanchor": "top" if quadrant in (FIX_FIRST, KEEP_UP) else "bottom",
            "text": f"<b>{escape(str(QUADRANT_LABELS[quadrant]))}</b>",
            "showarrow": False,
            "font": {"size": 13, "color": FIX_COLOUR if quadrant == FIX_FIRST else MUTED},
        }
        for quadrant in (FIX_FIRST, KEEP_UP, LOW_PRIORITY, OVERKILL)
    ]
