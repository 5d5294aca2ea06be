"""The score charts of the dashboard, read from the snapshots: the NPS trend, the bars per stage, touchpoint
and channel, and the journeys x stages heatmap."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from cxplatform.lib.charts import BRAND, GRID, ZERO_LINE, label
from metrics.models import Metric
from metrics.selectors.dashboard import Heatmap, HeatmapCell, Row

from .base import (
    BAND,
    COLOURS,
    HEATMAP_RANGE,
    LOW_SAMPLE_PATTERN,
    SCORE_SCALE,
    category,
    chart_layout,
    keyed_axis,
    metric_names,
    row_label,
    row_title,
)


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
        "layout": chart_layout(
            height=300,
            xaxis={"type": "category", "showgrid": False},
            yaxis={"title": {"text": _("NPS")}, "gridcolor": GRID, "zeroline": True, "zerolinecolor": ZERO_LINE},
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
        "layout": chart_layout(
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
        "layout": chart_layout(
            height=300,
            barmode="group",
            xaxis={"automargin": True, **bar_axis(rows)},
            yaxis={"gridcolor": GRID, "zeroline": True, "zerolinecolor": ZERO_LINE},
        ),
    }


def heatmap_figure(heatmap: Heatmap, metric: str) -> dict:
    """Journeys x stages coloured by `metric`: each journey's own stages from left to right; a stage without
    responses is blank, a low sample is marked with an asterisk. A row is keyed by its journey's id (two
    journeys may share a name) and each cell carries its stage's id in customdata[2]."""
    names = metric_names()
    z, text, custom = _heatmap_cells(heatmap, metric)
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
        "layout": chart_layout(
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


def _heatmap_cells(heatmap: Heatmap, metric: str) -> tuple[list[list], list[list[str]], list[list]]:
    """Per journey, per stage column: the cell's value (z), its text (the stage, the figure and an asterisk on a
    low sample) and its hover data (stage, n, stage id, journey); blank where the journey has no such stage."""
    z, text, custom = [], [], []
    for journey_id, journey in heatmap.journeys:
        cells = heatmap.cells[journey_id]
        values = [_cell_value(cell, metric) for cell in cells]
        z.append(values)
        text.append([_cell_text(cell, value) for cell, value in zip(cells, values, strict=True)])
        custom.append(
            [
                [
                    "" if cell is None else escape(cell.stage),
                    0 if cell is None or cell.figure is None else cell.figure.n,
                    "" if cell is None else cell.stage_id,
                    escape(journey),
                ]
                for cell in cells
            ]
        )
    return z, text, custom


def _cell_value(cell: HeatmapCell | None, metric: str) -> float | None:
    figure = cell.figure if cell else None
    return None if figure is None else (figure.secondary if metric == Metric.CES else figure.value)


def _cell_text(cell: HeatmapCell | None, value: float | None) -> str:
    if cell is None:
        return ""
    if value is None:
        return label(cell.stage)
    mark = "*" if cell.figure is not None and cell.figure.low_sample else ""
    return f"{label(cell.stage)}<br>{value:.0f}{mark}"


def heatmap_has_values(heatmap: Heatmap) -> bool:
    """Whether any cell of the heatmap has a figure (else it would draw as a grid of blank cells)."""
    return any(cell is not None and cell.figure is not None for row in heatmap.cells.values() for cell in row)
