"""Every Plotly figure of the metrics pages, built in Python by plain functions from selector output.

Each function returns Plotly's JSON spec ({"data": [...], "layout": {...}}) that the page hands to
plotly.min.js as it is (see static/js/charts.js); tests/metrics/test_charts.py validates each spec with
plotly.graph_objects and checks that the figure's data equal the selector's figures. Names from the database
are escaped (Plotly reads a few HTML tags in text); every label is translated when the function runs.

- `base`: the metrics' colours, id-keyed categorical axes, row labels, metric names, the layout (built on the
  site's base layout in cxplatform.lib.charts);
- `scores`: NPS trend, bars per stage / touchpoint / channel, heatmap;
- `work`: actions per status, ROI of the business cases;
- `dashboard`: every chart of the dashboard at once (None where there is nothing to draw);
- `drivers`: the key-driver quadrant of a journey.
"""

from .dashboard import dashboard_figures, score_figures, work_figures
from .drivers import driver_quadrant_figure
from .scores import channels_figure, heatmap_figure, nps_trend_figure, scores_by_figure, weakest_rows
from .work import actions_status_figure, roi_figure

__all__ = [
    "actions_status_figure",
    "channels_figure",
    "dashboard_figures",
    "driver_quadrant_figure",
    "heatmap_figure",
    "nps_trend_figure",
    "roi_figure",
    "score_figures",
    "scores_by_figure",
    "weakest_rows",
    "work_figures",
]
