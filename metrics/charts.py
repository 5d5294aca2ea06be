"""Every Plotly figure of the metrics pages, built in Python by plain functions from selector output.

Each function returns Plotly's JSON spec ({"data": [...], "layout": {...}}) that the page hands to
plotly.min.js as it is (see static/js/charts.js); tests/metrics/test_charts.py validates each spec with
plotly.graph_objects and checks that the figure's data equal the selector's figures. Names from the database
are escaped (Plotly reads a few HTML tags in text); every label is translated when the function runs.

Categorical axes are keyed by id (`category`, `keyed_axis`): Plotly merges equal category names, and names
repeat (a "Decision" stage in several journeys, two journeys of one name), so the names are tick text only.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from metrics.models import Metric
from metrics.selectors.dashboard import DashboardScores, Heatmap, Row
from metrics.selectors.drivers import FIX_FIRST, KEEP_UP, LOW_PRIORITY, OVERKILL, QUADRANT_LABELS, DriverAnalysis

BRAND = "#0f766e"
MUTED = "#5f6c7b"
GRID = "#eef2f4"
COLOURS = {Metric.NPS: "#0f766e", Metric.CSAT: "#2563eb", Metric.CES: "#9333ea"}
BAND = "rgba(15, 118, 110, 0.15)"
# Red (bad) through amber to green (good), for heatmap cells.
SCORE_SCALE = [[0.0, "#b91c1c"], [0.35, "#f97316"], [0.5, "#facc15"], [0.7, "#84cc16"], [1.0, "#15803d"]]
HEATMAP_RANGE = {Metric.NPS: (-100, 100), Metric.CSAT: (0, 100), Metric.CES: (1, 7)}
LOW_SAMPLE_PATTERN = "/"
LABEL_LENGTH = 32


def label(name: str, length: int = LABEL_LENGTH) -> str:
    """A tick or point label: short, and escaped because Plotly reads a few HTML tags (<b>, <br>, <a>)."""
    if len(name) > length:
        name = name[: length - 1] + "…"
    return escape(name)


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


def _layout(**overrides) -> dict:
    layout = {
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "color": MUTED},
        "hovermode": "closest",
        "legend": {"orientation": "h", "y": -0.2},
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True},
    }
    for axis in ("xaxis", "yaxis"):
        if axis in overrides:
            overrides[axis] = {**layout[axis], **overrides[axis]}
    layout.update(overrides)
    return layout


def nps_trend_figure(trend: list[Row]) -> dict:
    """NPS by month with its 95% band (score ± margin); months without NPS responses are gaps."""
    months = [row.label for row in trend]
    figures = [row.figures[Metric.NPS] for row in trend]
    scores = [f.value for f in figures]
    upper = [None if f.value is None else round(min(f.value + (f.margin or 0), 100), 1) for f in figures]
    lower = [None if f.value is None else round(max(f.value - (f.margin or 0), -100), 1) for f in figures]
    band_name = _("95% band")
    return {
        "data": [
            {
                "type": "scatter",
                "x": months,
                "y": upper,
                "mode": "lines",
                "line": {"width": 0},
                "hoverinfo": "skip",
                "showlegend": False,
                "name": band_name,
            },
            {
                "type": "scatter",
                "x": months,
                "y": lower,
                "mode": "lines",
                "line": {"width": 0},
                "fill": "tonexty",
                "fillcolor": BAND,
                "hoverinfo": "skip",
                "name": band_name,
            },
            {
                "type": "scatter",
                "x": months,
                "y": scores,
                "mode": "lines+markers",
                "name": _("NPS"),
                "line": {"color": BRAND, "width": 3},
                "marker": {
                    "size": 8,
                    "symbol": ["circle-open" if f.low_sample else "circle" for f in figures],
                },
                "customdata": [[f.n, f.margin] for f in figures],
                "hovertemplate": "%{x}<br>"
                + _("NPS")
                + ": %{y:+.1f} ± %{customdata[1]}<br>n = %{customdata[0]}<extra></extra>",
            },
        ],
        "layout": _layout(
            height=300,
            xaxis={"type": "category", "showgrid": False},
            yaxis={"title": {"text": _("NPS")}, "gridcolor": GRID, "zeroline": True, "zerolinecolor": "#cbd2d9"},
        ),
    }


def _percent_bars(rows: list[Row], *, horizontal: bool) -> list[dict]:
    """CSAT % satisfied and CES % easy side by side (both 0-100); NPS too when any row has NPS responses.
    Each bar sits at its row's id (`category`); the axis shows the names (`bar_axis`)."""
    metrics = [Metric.CSAT, Metric.CES]
    if any(row.figures[Metric.NPS].n for row in rows):
        metrics.insert(0, Metric.NPS)
    names = metric_names()
    keys = [category(row.key) for row in rows]
    titles = [row_title(row) for row in rows]
    traces = []
    for metric in metrics:
        figures = [row.figures[metric] for row in rows]
        values = [f.secondary if metric == Metric.CES else f.value for f in figures]
        trace = {
            "type": "bar",
            "name": names[metric],
            "marker": {
                "color": COLOURS[metric],
                "pattern": {"shape": [LOW_SAMPLE_PATTERN if f.low_sample else "" for f in figures]},
            },
            "customdata": [
                [f.n, _("low sample") if f.low_sample else "", title] for f, title in zip(figures, titles, strict=True)
            ],
            "hovertemplate": "%{customdata[2]}<br>"
            + names[metric]
            + ": %{"
            + ("x" if horizontal else "y")
            + ":.1f}<br>n = %{customdata[0]} %{customdata[1]}<extra></extra>",
        }
        if horizontal:
            trace.update(x=values, y=keys, orientation="h")
        else:
            trace.update(x=keys, y=values)
        traces.append(trace)
    return traces


def bar_axis(rows: list[Row]) -> dict:
    return keyed_axis([category(row.key) for row in rows], [row_label(row) for row in rows])


def scores_by_figure(rows: list[Row]) -> dict:
    """CSAT and CES by stage or by touchpoint: horizontal bars, one row per stage / touchpoint, in map order."""
    value_axis = {"range": [0, 100], "ticksuffix": "%", "gridcolor": GRID}
    return {
        "data": _percent_bars(rows, horizontal=True),
        "layout": _layout(
            height=max(160, 60 + 34 * len(rows)),
            barmode="group",
            xaxis=value_axis,
            yaxis={"autorange": "reversed", "automargin": True, **bar_axis(rows)},
        ),
    }


WEAKEST = 15


def weakest_rows(rows: list[Row], limit: int = WEAKEST) -> list[Row]:
    """The `limit` rows with the lowest CSAT % or CES % easy (whichever is lower), weakest first."""

    def worst(row: Row) -> float:
        values = [v for v in (row.figures[Metric.CSAT].value, row.figures[Metric.CES].secondary) if v is not None]
        return min(values, default=float("inf"))

    return sorted(rows, key=worst)[:limit]


def channels_figure(rows: list[Row]) -> dict:
    """NPS, CSAT % satisfied and CES % easy per channel, grouped."""
    return {
        "data": _percent_bars(rows, horizontal=False),
        "layout": _layout(
            height=300,
            barmode="group",
            xaxis={"automargin": True, **bar_axis(rows)},
            yaxis={"gridcolor": GRID, "zeroline": True, "zerolinecolor": "#cbd2d9"},
        ),
    }


def heatmap_figure(heatmap: Heatmap, metric: str) -> dict:
    """Journeys x stages coloured by `metric`: each journey's own stages from left to right; a stage without
    responses is blank, a low sample is marked with an asterisk. A row is keyed by its journey's id (two
    journeys may share a name) and each cell carries its stage's id in customdata[2]."""
    names = metric_names()
    z, text, custom = [], [], []
    for journey_id, journey in heatmap.journeys:
        z_row, text_row, custom_row = [], [], []
        for cell in heatmap.cells[journey_id]:
            figure = cell.figure if cell else None
            value = None if figure is None else (figure.secondary if metric == Metric.CES else figure.value)
            z_row.append(value)
            mark = "*" if figure is not None and figure.low_sample else ""
            if cell is None:
                text_row.append("")
            elif value is None:
                text_row.append(label(cell.stage))
            else:
                text_row.append(f"{label(cell.stage)}<br>{value:.0f}{mark}")
            custom_row.append(
                [
                    "" if cell is None else escape(cell.stage),
                    0 if figure is None else figure.n,
                    "" if cell is None else cell.stage_id,
                    escape(journey),
                ]
            )
        z.append(z_row)
        text.append(text_row)
        custom.append(custom_row)
    low, high = (0, 100) if metric == Metric.CES else HEATMAP_RANGE[metric]
    keys = [category(pk) for pk, _name in heatmap.journeys]
    return {
        "data": [
            {
                "type": "heatmap",
                "z": z,
                "x": [_("Stage %(number)s") % {"number": i + 1} for i in range(heatmap.columns)],
                "y": keys,
                "text": text,
                "texttemplate": "%{text}",
                "textfont": {"size": 11},
                "customdata": custom,
                "hovertemplate": "%{customdata[3]}<br>%{customdata[0]}<br>"
                + names[metric]
                + ": %{z:.1f}<br>n = %{customdata[1]}<extra></extra>",
                "colorscale": SCORE_SCALE,
                "zmin": low,
                "zmax": high,
                "xgap": 3,
                "ygap": 3,
                "hoverongaps": False,
                "colorbar": {"title": {"text": names[metric]}, "thickness": 12},
            }
        ],
        "layout": _layout(
            height=max(180, 70 + 56 * len(heatmap.journeys)),
            xaxis={"side": "top", "showgrid": False, "type": "category"},
            yaxis={
                "autorange": "reversed",
                "automargin": True,
                "showgrid": False,
                **keyed_axis(keys, [label(name) for _pk, name in heatmap.journeys]),
            },
        ),
    }


def heatmap_has_values(heatmap: Heatmap) -> bool:
    """Whether any cell of the heatmap has a figure (else it would draw as a grid of blank cells)."""
    return any(cell is not None and cell.figure is not None for row in heatmap.cells.values() for cell in row)


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
        "layout": _layout(height=220, xaxis=keyed_axis(keys, labels), yaxis={"gridcolor": GRID, "rangemode": "tozero"}),
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
        "layout": _layout(
            height=max(160, 60 + 44 * len(cases)),
            barmode="group",
            xaxis={"ticksuffix": "%", "gridcolor": GRID, "zeroline": True, "zerolinecolor": "#cbd2d9"},
            yaxis={
                "autorange": "reversed",
                "automargin": True,
                **keyed_axis(keys, [label(case["title"]) for case in cases]),
            },
        ),
    }


def dashboard_figures(scores: DashboardScores, work: dict, heatmap_metric: str) -> dict[str, dict | None]:
    """Every chart of the dashboard; None for a chart with nothing to draw, where the page says why instead
    of showing an empty plot (a heatmap of blank cells, a trend of months without an NPS)."""
    return {**score_figures(scores, heatmap_metric), **work_figures(work)}


def score_figures(scores: DashboardScores, heatmap_metric: str) -> dict[str, dict | None]:
    """The charts of the scores (read from the snapshots); None for a chart with nothing to draw."""
    return {
        "trend": nps_trend_figure(scores.trend) if any(row.figures[Metric.NPS].n for row in scores.trend) else None,
        "channels": channels_figure(scores.channels) if scores.channels else None,
        "stages": scores_by_figure(scores.stages) if scores.stages else None,
        "touchpoints": scores_by_figure(weakest_rows(scores.touchpoints)) if scores.touchpoints else None,
        "heatmap": heatmap_figure(scores.heatmaps[heatmap_metric], heatmap_metric)
        if heatmap_has_values(scores.heatmaps[heatmap_metric])
        else None,
    }


def work_figures(work: dict) -> dict[str, dict | None]:
    """The charts of the improvement work; None for a chart with nothing to draw."""
    return {
        "actions": actions_status_figure(work["actions"]["by_status"]) if work["actions"]["total"] else None,
        "roi": roi_figure(work["business_cases"]["rows"]) if work["business_cases"]["rows"] else None,
    }


# The key-driver quadrant of a journey

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
    yes, no = _("yes"), _("no")
    groups = [
        ("fix", _("Fix first"), [row for row in rows if row.rank is not None]),
        ("driver", _("Significant"), [row for row in rows if row.rank is None and row.significant]),
        ("other", _("Not significant"), [row for row in rows if not row.significant]),
    ]
    hover = (
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
    # Names are drawn beside the significant points only (the rest crowd the middle: their names are in the
    # hover and the table), alternately above and below from left to right, so that neighbours overlap less.
    labelled = sorted((row for row in rows if row.significant), key=lambda row: row.performance)
    above = {row.touchpoint_id: step % 2 == 0 for step, row in enumerate(labelled)}
    traces = []
    for key, name, members in groups:
        if not members:
            continue
        colour = {"fix": FIX_COLOUR, "driver": DRIVER_COLOUR, "other": NOT_SIGNIFICANT}[key]
        hollow = key == "other"
        traces.append(
            {
                "type": "scatter",
                "mode": "markers" if hollow else "markers+text",
                "name": name,
                "x": [row.performance for row in members],
                "y": [row.importance for row in members],
                "text": [label(row.name, DRIVER_LABEL_LENGTH) for row in members],
                "textposition": [
                    "top center" if above.get(row.touchpoint_id, True) else "bottom center" for row in members
                ],
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
        )
    split_x = analysis.median_performance if analysis.median_performance is not None else 50.0
    split_y = analysis.median_importance if analysis.median_importance is not None else 0.0
    x_range = _axis_range([row.performance for row in rows], split_x, low=0.0, high=100.0, pad=5.0)
    y_range = _axis_range([row.importance for row in rows], split_y, low=-1.0, high=1.0, pad=0.05)
    corners = {  # quadrant: (x0, x1, y0, y1) in data coordinates
        FIX_FIRST: (x_range[0], split_x, split_y, y_range[1]),
        KEEP_UP: (split_x, x_range[1], split_y, y_range[1]),
        LOW_PRIORITY: (x_range[0], split_x, y_range[0], split_y),
        OVERKILL: (split_x, x_range[1], y_range[0], split_y),
    }
    shapes = [
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
    shapes += [
        {"type": "line", "xref": "x", "yref": "paper", "x0": split_x, "x1": split_x, "y0": 0, "y1": 1,
         "line": {"color": SPLIT, "width": 1.5, "dash": "dot"}},
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": split_y, "y1": split_y,
         "line": {"color": SPLIT, "width": 1.5, "dash": "dot"}},
    ]  # fmt: skip
    # Each quadrant's name in its outer corner, where points are least likely to be.
    annotations = [
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
    layout = {
        "height": 480,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "#ffffff",
        "font": {"family": "Inter, system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", "color": MUTED},
        "hovermode": "closest",
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
        "shapes": shapes,
        "annotations": annotations,
        "xaxis": {
            "range": x_range,
            "title": {"text": _("Performance: mean touchpoint score (0-100)") + " → ", "standoff": 8},
            "gridcolor": GRID,
            "zeroline": False,
            "fixedrange": True,
            "automargin": True,
        },
        "yaxis": {
            "range": y_range,
            "title": {"text": _("Importance: correlation with NPS (r)") + " → ", "standoff": 8},
            "gridcolor": GRID,
            "zeroline": True,
            "zerolinecolor": "#cbd2d9",
            "fixedrange": True,
            "automargin": True,
        },
    }
    return {"data": traces, "layout": layout}
