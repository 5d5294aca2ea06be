"""What every metrics figure shares: the metrics' colours, categorical axes keyed by id, row labels, the
metric names and the layout (the site's base layout from cxplatform.lib.charts, with a legend below).

Categorical axes are keyed by id (`category`, `keyed_axis`): Plotly merges equal category names, and names
repeat (a "Decision" stage in several journeys, two journeys of one name), so the names are tick text only.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from cxplatform.lib.charts import BRAND, base_layout, label, margins
from metrics.models import Metric
from metrics.selectors.dashboard import Row

COLOURS = {Metric.NPS: BRAND, Metric.CSAT: "#2563eb", Metric.CES: "#9333ea"}
BAND = "rgba(15, 118, 110, 0.15)"
# Red (bad) through amber to green (good), for heatmap cells.
SCORE_SCALE = [[0.0, "#b91c1c"], [0.35, "#f97316"], [0.5, "#facc15"], [0.7, "#84cc16"], [1.0, "#15803d"]]
HEATMAP_RANGE = {Metric.NPS: (-100, 100), Metric.CSAT: (0, 100), Metric.CES: (1, 7)}
LOW_SAMPLE_PATTERN = "/"


def category(key) -> str:
    """A row's value on a categorical axis: its id, never its name. Plotly merges equal category names into
    one, so two stages named "Decision" (in two journeys) or two journeys of one name would share a bar or a
    heatmap row; the visible name goes in the axis's ticktext instead (see `keyed_axis`)."""
    return "-" if key is None else str(key)


def keyed_axis(keys: list[str], labels: list[str]) -> dict:
    """A categorical axis whose categories are `keys` in this order, each shown as its label."""
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": keys,
        "tickmode": "array",
        "tickvals": keys,
        "ticktext": labels,
    }


def row_label(row: Row) -> str:
    """A bar's tick: the name, and under it the journey it belongs to (a stage or touchpoint name repeats
    across journeys), muted."""
    if not row.context:
        return label(row.label)
    return f'{label(row.label)}<br><span style="font-size:10px">{label(row.context)}</span>'


def row_title(row: Row) -> str:
    """The full name of a row for its hover: "Decision · Open an account"."""
    return escape(f"{row.label} · {row.context}" if row.context else row.label)


def metric_names() -> dict[str, str]:
    return {Metric.NPS: _("NPS"), Metric.CSAT: _("CSAT (% satisfied)"), Metric.CES: _("CES (% easy)")}


def chart_layout(**overrides) -> dict:
    """The site's base layout with a small margin, the legend below the plot and axes that make room for
    their labels; an axis in `overrides` is merged into those defaults, anything else replaces them."""
    layout = {
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True},
    }
    for axis in ("xaxis", "yaxis"):
        if axis in overrides:
            overrides[axis] = {**layout[axis], **overrides[axis]}
    layout.update(overrides)
    return base_layout(margin=layout.pop("margin", margins(8)), **layout)
