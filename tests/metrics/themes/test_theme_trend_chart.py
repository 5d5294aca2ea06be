"""The themes' monthly trend chart: a valid Plotly figure whose lines are the selector's shares, names escaped."""

from datetime import date

import plotly.graph_objects as go
import pytest

from metrics.charts.theme_trend import theme_trend_figure
from metrics.models import Theme

TREND = {
    1: [(date(2026, 1, 1), 2, 50.0), (date(2026, 2, 1), 0, 0.0)],
    2: [(date(2026, 1, 1), 1, 25.0), (date(2026, 2, 1), 3, 100.0)],
}


def test_one_line_per_theme_in_its_colour_with_the_shares():
    themes = [
        Theme(pk=1, name_en="waiting <b>time</b>", colour="#dc2626"),
        Theme(pk=2, name_en="app", colour="#2563eb"),
    ]
    spec = theme_trend_figure(TREND, themes)

    go.Figure(spec)  # Plotly's own validation of every property
    assert [trace["name"] for trace in spec["data"]] == ["waiting &lt;b&gt;time&lt;/b&gt;", "app"]
    assert [trace["y"] for trace in spec["data"]] == [[50.0, 0.0], [25.0, 100.0]]
    assert spec["data"][0]["x"] == ["2026-01-01", "2026-02-01"]
    assert spec["data"][1]["line"]["color"] == "#2563eb"
    assert [row[0] for row in spec["data"][1]["customdata"]] == [1, 3]


@pytest.mark.parametrize("trend", [{}, {1: [(date(2026, 1, 1), 0, 0.0)]}])
def test_nothing_to_draw_without_mentions(trend):
    assert theme_trend_figure(trend, [Theme(pk=1, name_en="x")]) is None
