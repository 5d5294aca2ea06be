"""The emotion curve figure of a journey map: the designed emotion, and the measured experience beside it."""

import plotly.graph_objects as go
import pytest

from journeys.charts import emotion_curve_figure
from journeys.selectors import journey_map
from metrics.views.map_measures import map_measures
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory, build_map
from tests.journeys.test_map_measures import Demo

pytestmark = pytest.mark.django_db


def test_the_curve_follows_the_designed_emotions_in_map_order():
    journey = JourneyFactory()
    use = StageFactory(journey=journey, name="Use")
    orientation = StageFactory(journey=journey, name="Orientation", position=0)
    use.position = 1
    use.save()
    # Created out of order on purpose: the map order is stage position, then touchpoint position.
    TouchpointFactory(stage=use, name="App login", emotion=-2, position=1)
    TouchpointFactory(stage=use, name="First payment", emotion=1, position=0)
    TouchpointFactory(stage=orientation, name="Advert", emotion=0)
    TouchpointFactory(stage=orientation, name="Website", emotion=2)

    figure = emotion_curve_figure(journey_map(journey_id=journey.pk))

    (trace,) = figure.data
    assert list(trace.y) == [0, 2, 1, -2]
    assert list(figure.layout.xaxis.ticktext) == ["Advert", "Website", "First payment", "App login"]
    assert list(figure.layout.xaxis.tickvals) == list(trace.x)


def test_stage_i_spans_x_from_i_to_i_plus_one_and_boundaries_are_marked():
    journey = build_map(stages=3, touchpoints_per_stage=2)
    figure = emotion_curve_figure(journey_map(journey_id=journey.pk))
    assert list(figure.data[0].x) == [0.25, 0.75, 1.25, 1.75, 2.25, 2.75]
    assert tuple(figure.layout.xaxis.range) == (0, 3)
    boundaries = [shape.x0 for shape in figure.layout.shapes if shape.type == "line"]
    assert boundaries == [1, 2]
    assert tuple(figure.layout.yaxis.tickvals) == (-2, -1, 0, 1, 2)


def test_building_the_figure_runs_no_query(django_assert_num_queries):
    journey = journey_map(journey_id=build_map(stages=2, touchpoints_per_stage=5).pk)
    with django_assert_num_queries(0):
        emotion_curve_figure(journey)


def test_names_are_escaped_and_long_names_shortened_for_plotly():
    journey = JourneyFactory()
    TouchpointFactory(stage=StageFactory(journey=journey), name="<b>Bold</b> & loud")
    TouchpointFactory(stage=journey.stages.first(), name="A very long touchpoint name that goes on and on")
    figure = emotion_curve_figure(journey_map(journey_id=journey.pk))
    labels = list(figure.layout.xaxis.ticktext)
    # Plotly reads <b>, <br> and <a> in its text; escaped, the name shows as typed.
    assert labels[0] == "&lt;b&gt;Bold&lt;/b&gt; &amp; loud"
    assert labels[1] == "A very long touchpoint name…"
    # The hover keeps the whole name.
    assert figure.data[0].customdata[1][0] == "A very long touchpoint name that goes on and on"


def test_moments_of_truth_stand_out():
    journey = JourneyFactory()
    stage = StageFactory(journey=journey)
    TouchpointFactory(stage=stage, is_moment_of_truth=True)
    TouchpointFactory(stage=stage)
    figure = emotion_curve_figure(journey_map(journey_id=journey.pk))
    assert list(figure.data[0].marker.symbol) == ["star", "circle"]


def test_the_figure_passes_plotlys_full_validation():
    """emotion_curve_figure skips Plotly's validation for speed; a misspelt property would only show here."""
    journey = build_map(stages=2, touchpoints_per_stage=3)
    figure = emotion_curve_figure(journey_map(journey_id=journey.pk))
    validated = go.Figure(figure.to_dict())  # raises ValueError on any unknown property or bad value
    assert validated.to_plotly_json() == figure.to_plotly_json()


# The measured experience beside the design (settings.MAP_MEASURES: metrics.selectors.map_measures)


def measured_figure(journey):
    """The figure of the map with the measured emotions the map page gives it, and those measures."""
    loaded = journey_map(journey_id=journey.pk)
    measures = map_measures(loaded, None)
    return emotion_curve_figure(loaded, measures.emotions), measures, loaded


def in_map_order(journey):
    return [t for stage in journey.stages.all() for t in stage.touchpoints.all()]


def test_the_measured_curve_is_the_selectors_measured_emotion():
    demo = Demo()
    figure, measures, loaded = measured_figure(demo.journey)
    designed, measured = figure.data
    touchpoints = in_map_order(loaded)
    expected = [measures.emotions[t.pk].value if t.pk in measures.emotions else None for t in touchpoints]
    assert list(measured.y) == expected == [1.05, 0.46, 0.0, None]  # Letter has no responses: a gap
    assert list(measured.x) == list(designed.x)
    assert list(designed.y) == [t.emotion for t in touchpoints]  # the designed curve as it was
    assert [row[1] for row in measured.customdata] == [
        measures.emotions[t.pk].text if t.pk in measures.emotions else "" for t in touchpoints
    ]
    assert (measured.name, measured.line.dash, measured.connectgaps) == ("Measured experience", "dash", False)
    assert measured.line.color != designed.line.color
    assert figure.layout.showlegend is True
    assert [trace.name for trace in figure.data] == ["Designed emotion", "Measured experience"]


def test_without_measurements_the_curve_is_the_designed_one_alone():
    journey = build_map(stages=2, touchpoints_per_stage=2)
    loaded = journey_map(journey_id=journey.pk)
    for measured in (None, {}):
        figure = emotion_curve_figure(loaded, measured)
        assert len(figure.data) == 1
        assert figure.layout.showlegend is False


def test_building_the_measured_figure_runs_no_query(django_assert_num_queries):
    demo = Demo()
    _figure, measures, loaded = measured_figure(demo.journey)
    with django_assert_num_queries(0):
        emotion_curve_figure(loaded, measures.emotions)


def test_the_measured_figure_passes_plotlys_full_validation():
    figure, _measures, _loaded = measured_figure(Demo().journey)
    validated = go.Figure(figure.to_dict())
    assert validated.to_plotly_json() == figure.to_plotly_json()
