"""The improvement-work charts of the dashboard: actions per status and the ROI of the business cases."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from cxplatform.lib.charts import BRAND, GRID, ZERO_LINE, label

from .base import category, chart_layout, keyed_axis


def actions_status_figure(by_status: list[dict]) -> dict:
    """Improvement actions per status, in the board's order, keyed by the status."""
    keys = [row["status"] for row in by_status]
    labels = [escape(row["label"]) for row in by_status]
    return {
        "data": [
            {
                "type": "bar",
                "x": keys,
                "y": [row["count"] for row in by_status],
                "marker": {"color": BRAND},
                "text": [row["count"] for row in by_status],
                "textposition": "auto",
                "customdata": labels,
                "hovertemplate": "%{customdata}: %{y}<extra></extra>",
                "name": _("Actions"),
            }
        ],
        "layout": chart_layout(
            height=220, xaxis=keyed_axis(keys, labels), yaxis={"gridcolor": GRID, "rangemode": "tozero"}
        ),
    }


def roi_figure(cases: list[dict]) -> dict:
    """Expected against realised ROI (%) per business case, keyed by its action (two may share a title); a
    case without realised gains has no second bar."""
    keys = [category(case["action_id"]) for case in cases]
    titles = [escape(case["title"]) for case in cases]
    expected = [None if case["expected_roi"] is None else float(case["expected_roi"]) for case in cases]
    realised = [None if case["realised_roi"] is None else float(case["realised_roi"]) for case in cases]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Expected ROI"),
                "x": expected,
                "y": keys,
                "customdata": titles,
                "marker": {"color": "#94a3b8"},
                "hovertemplate": "%{customdata}<br>" + _("Expected ROI") + ": %{x:.1f}%<extra></extra>",
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": _("Realised ROI"),
                "x": realised,
                "y": keys,
                "customdata": titles,
                "marker": {"color": BRAND},
                "hovertemplate": "%{customdata}<br>" + _("Realised ROI") + ": %{x:.1f}%<extra></extra>",
            },
        ],
        "layout": chart_layout(
            height=max(160, 60 + 44 * len(cases)),
            barmode="group",
            xaxis={"ticksuffix": "%", "gridcolor": GRID, "zeroline": True, "zerolinecolor": ZERO_LINE},
            yaxis={
                "autorange": "reversed",
                "automargin": True,
                **keyed_axis(keys, [label(case["title"]) for case in cases]),
            },
        ),
    }
