"""The prioritisation matrix of improvement actions, built in Python with Plotly, drawn by plotly.min.js."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable

import plotly.graph_objects as go
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from cxplatform.lib.charts import BRAND, GRID, MUTED, ZERO_LINE, base_layout, margins

from .models import OPEN_STATUSES, ActionStatus, ImprovementAction

STATUS_COLOURS = {
    ActionStatus.PROPOSED: "#64748b",
    ActionStatus.PLANNED: "#0284c7",
    ActionStatus.IN_PROGRESS: BRAND,
}
# The matrix splits where ImprovementAction.is_quick_win does: impact 3 and up is high, effort 2 and down is low.
SPLIT_EFFORT = 2.5
SPLIT_IMPACT = 2.5
SPREAD = 0.34  # how far from its grid point an action may be drawn, so equal points do not hide each other
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def spread(count: int) -> list[tuple[float, float]]:
    """Offsets for `count` points at one grid point: a sunflower pattern, evenly filled, nothing on top of
    anything else, and the same every time the page loads (unlike random jitter)."""
    if count == 1:
        return [(0.0, 0.0)]
    offsets = []
    for index in range(count):
        radius = SPREAD * math.sqrt((index + 0.5) / count)
        angle = index * GOLDEN_ANGLE
        offsets.append((round(radius * math.cos(angle), 4), round(radius * math.sin(angle), 4)))
    return offsets


def quadrants() -> list[dict]:
    """The four quadrants: name, where they are, and their tint."""
    return [
        {
            "name": _("Quick wins"),
            "x": (0.5, SPLIT_EFFORT),
            "y": (SPLIT_IMPACT, 5.5),
            "fill": "rgba(22, 163, 74, 0.10)",
        },
        {
            "name": _("Major projects"),
            "x": (SPLIT_EFFORT, 5.5),
            "y": (SPLIT_IMPACT, 5.5),
            "fill": "rgba(2, 132, 199, 0.07)",
        },
        {
            "name": _("Fill-ins"),
            "x": (0.5, SPLIT_EFFORT),
            "y": (0.5, SPLIT_IMPACT),
            "fill": "rgba(148, 163, 184, 0.08)",
        },
        {
            "name": _("Thankless tasks"),
            "x": (SPLIT_EFFORT, 5.5),
            "y": (0.5, SPLIT_IMPACT),
            "fill": "rgba(185, 28, 28, 0.06)",
        },
    ]


def priority_matrix_figure(
    actions: Iterable[ImprovementAction], *, detail_url: Callable[[ImprovementAction], str]
) -> go.Figure:
    """Impact (y) against effort (x) of open actions, one trace per status; hovering shows the title, a click
    opens the action (static/js/actions.js reads the URL from customdata)."""
    points = _matrix_points(actions, detail_url)
    hover = (
        "<b>%{customdata[0]}</b><br>"
        + _("Impact")
        + ": %{customdata[3]} · "
        + _("Effort")
        + ": %{customdata[4]}<br>"
        + _("Assignee")
        + ": %{customdata[1]}<br>"
        + _("Due")
        + ": %{customdata[2]}<extra>%{fullData.name}</extra>"
    )
    traces = [
        dict(
            type="scatter",
            mode="markers",
            name=str(ActionStatus(status).label),
            x=point["x"],
            y=point["y"],
            customdata=point["data"],
            hovertemplate=hover,
            marker={"size": 14, "color": STATUS_COLOURS[status], "line": {"color": "#ffffff", "width": 1.5}},
        )
        for status, point in points.items()
        if point["x"]
    ]
    return go.Figure(data=traces, layout=_matrix_layout(), _validate=False)


def _matrix_points(
    actions: Iterable[ImprovementAction], detail_url: Callable[[ImprovementAction], str]
) -> dict[str, dict[str, list]]:
    """Per open status: each action's place (its effort and impact, spread around the grid point when several
    share it) and its hover data (title, assignee, due date, impact, effort, detail URL)."""
    by_cell: dict[tuple[int, int], list[ImprovementAction]] = defaultdict(list)
    for action in actions:
        if action.status in OPEN_STATUSES:
            by_cell[(action.effort, action.impact)].append(action)
    points: dict[str, dict[str, list]] = {status: {"x": [], "y": [], "data": []} for status in STATUS_COLOURS}
    nobody = _("Nobody yet")
    for (effort, impact), cell in sorted(by_cell.items()):
        for action, (dx, dy) in zip(cell, spread(len(cell)), strict=True):
            point = points[action.status]
            point["x"].append(effort + dx)
            point["y"].append(impact + dy)
            assignee = (action.assignee.get_full_name() or action.assignee.username) if action.assignee else nobody
            due = date_format(action.due_date, "DATE_FORMAT") if action.due_date else "—"
            point["data"].append([escape(action.title), escape(assignee), due, impact, effort, detail_url(action)])
    return points


def _quadrant_shapes() -> list[dict]:
    """The four tinted quadrants, and the dotted lines where they split."""
    tints = [
        {
            "type": "rect",
            "xref": "x",
            "yref": "y",
            "x0": quadrant["x"][0],
            "x1": quadrant["x"][1],
            "y0": quadrant["y"][0],
            "y1": quadrant["y"][1],
            "fillcolor": quadrant["fill"],
            "line": {"width": 0},
            "layer": "below",
        }
        for quadrant in quadrants()
    ]
    split = {"color": ZERO_LINE, "width": 1.5, "dash": "dot"}
    return [
        *tints,
        {"type": "line", "x0": SPLIT_EFFORT, "x1": SPLIT_EFFORT, "y0": 0.5, "y1": 5.5, "line": split},
        {"type": "line", "x0": 0.5, "x1": 5.5, "y0": SPLIT_IMPACT, "y1": SPLIT_IMPACT, "line": split},
    ]


def _quadrant_annotations() -> list[dict]:
    """Each quadrant's name in its outer corner, where points are least likely to be; quick wins in green."""
    return [
        {
            "x": quadrant["x"][0] + 0.06 if quadrant["x"][0] == 0.5 else quadrant["x"][1] - 0.06,
            "y": quadrant["y"][1] - 0.06 if quadrant["y"][1] == 5.5 else quadrant["y"][0] + 0.06,
            "xanchor": "left" if quadrant["x"][0] == 0.5 else "right",
            "yanchor": "top" if quadrant["y"][1] == 5.5 else "bottom",
            "text": f"<b>{escape(quadrant['name'])}</b>",
            "showarrow": False,
            "font": {"size": 13, "color": "#15803d" if index == 0 else MUTED},
        }
        for index, quadrant in enumerate(quadrants())
    ]


def _matrix_layout() -> dict:
    """The site's base layout on a white plot, both axes the 1..5 scale from low to high."""
    axis = {
        "range": [0.5, 5.5],
        "tickmode": "array",
        "tickvals": [1, 2, 3, 4, 5],
        "gridcolor": GRID,
        "zeroline": False,
        "fixedrange": True,
    }
    ticks = ["1 · " + _("low"), "2", "3", "4", "5 · " + _("high")]
    return base_layout(
        height=520,
        margin=margins(10),
        plot_bgcolor="#ffffff",
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top"},
        shapes=_quadrant_shapes(),
        annotations=_quadrant_annotations(),
        xaxis={**axis, "title": {"text": _("Effort") + " → ", "standoff": 8}, "ticktext": ticks, "automargin": True},
        yaxis={**axis, "title": {"text": _("Impact") + " → ", "standoff": 8}, "ticktext": ticks, "automargin": True},
    )
