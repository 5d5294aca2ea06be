"""The look every figure shares (cxplatform.lib.charts), and that each app's charts start from it."""

import pytest

from cxplatform.lib.charts import FONT_FAMILY, MUTED, TRANSPARENT, base_layout, label, margins
from journeys.charts import emotion_curve_spec
from journeys.selectors import journey_map
from metrics import charts as metrics_charts
from teams.charts import priority_matrix_figure
from tests.journeys.factories import build_map


def test_a_label_is_escaped_for_plotly_and_shortened_with_an_ellipsis():
    assert label("<b>Call</b> & write") == "&lt;b&gt;Call&lt;/b&gt; &amp; write"
    assert label("A touchpoint name", 10) == "A touchpo…"
    assert label("Exactly ten", 11) == "Exactly ten"


def test_the_base_layout_puts_the_sites_font_on_a_transparent_card_and_takes_the_charts_own_properties():
    layout = base_layout(margin=margins(10, top=30), height=200, plot_bgcolor="#ffffff", showlegend=False)
    assert layout["font"] == {"family": FONT_FAMILY, "color": MUTED}
    assert layout["paper_bgcolor"] == TRANSPARENT
    assert layout["plot_bgcolor"] == "#ffffff"
    assert layout["margin"] == {"l": 10, "r": 10, "t": 30, "b": 10}
    assert (layout["height"], layout["showlegend"], layout["hovermode"]) == (200, False, "closest")
    # Each layout is a fresh dict: a chart that changes its font does not change the next chart's.
    layout["font"]["color"] = "red"
    assert base_layout(margin=margins(0))["font"]["color"] == MUTED


@pytest.mark.django_db
def test_every_apps_charts_use_the_shared_font_and_card():
    journey = journey_map(journey_id=build_map(stages=1, touchpoints_per_stage=1).pk)
    layouts = [
        emotion_curve_spec(journey)["layout"],
        priority_matrix_figure([], detail_url=str).to_dict()["layout"],
        metrics_charts.actions_status_figure([{"status": "idea", "label": "Idea", "count": 1}])["layout"],
    ]
    for layout in layouts:
        assert layout["font"] == {"family": FONT_FAMILY, "color": MUTED}
        assert layout["paper_bgcolor"] == TRANSPARENT
