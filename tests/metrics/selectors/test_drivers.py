"""Key-driver analysis: touchpoint scores against the NPS of the same respondents, and its quadrant chart."""

from __future__ import annotations

import datetime
import math
import random
import statistics

import plotly.graph_objects as go
import pytest
from django.utils import timezone

from metrics.charts import driver_quadrant_figure
from metrics.models import Metric, SurveyResponse
from metrics.selectors.drivers import (
    ANALYSED,
    FIX_FIRST,
    KEEP_UP,
    NO_VARIANCE,
    TOO_FEW,
    correlation_p_value,
    critical_r,
    driver_analysis,
    t_two_sided_p,
)
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=10)
PERIOD = {"date_from": TODAY - datetime.timedelta(days=30), "date_to": TODAY}


def answer(journey, respondent: str, metric: str, score: int, touchpoint=None, day: datetime.date = DAY):
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())
    return SurveyResponseFactory.build(
        journey=journey, touchpoint=touchpoint, metric=metric, score=score, respondent=respondent,
        responded_at=moment, day=day,
    )  # fmt: skip


def save(responses) -> None:
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)


def driver_journey(
    *,
    respondents: int = 200,
    seed: int = 7,
    day: datetime.date = DAY,
    journey=None,
    phone_weights: tuple[int, ...] = (30, 30, 20, 12, 8),
):
    """A journey with four touchpoints, and `respondents` customers who rated up to three of them and gave an NPS:

    - "Claim by phone" (CSAT): the strong driver. Mostly poor scores (`phone_weights` of 1..5); the NPS follows
      the score closely.
    - "Claim form" (CES): a null driver. Mostly good scores, drawn independently of the NPS.
    - "Status letter" (CSAT): a weak, noisy driver with middling scores.
    - "Renewal call": met by only five respondents.
    """
    rng = random.Random(seed)
    if journey is None:
        journey = JourneyFactory(name="Report a claim")
        stage = StageFactory(journey=journey, name="Claim")
        TouchpointFactory(stage=stage, name="Claim by phone", position=0)
        TouchpointFactory(stage=stage, name="Claim form", position=1)
        TouchpointFactory(stage=stage, name="Status letter", position=2)
        TouchpointFactory(stage=stage, name="Renewal call", position=3)
    tps = {tp.name: tp for tp in journey.touchpoints.all()}
    responses = []
    for i in range(respondents):
        key = f"{journey.pk}-R{i:05d}"
        phone = rng.choices((1, 2, 3, 4, 5), phone_weights)[0]
        nps = min(max(round(2.2 * phone - 1.5 + rng.gauss(0, 1.0)), 0), 10)
        form = rng.choices((1, 2, 3, 4, 5, 6, 7), (2, 3, 5, 10, 20, 30, 30))[0]
        letter = min(max(round(1 + nps / 3 + rng.gauss(0, 1.6)), 1), 5)
        responses += [
            answer(journey, key, Metric.NPS, nps, day=day),
            answer(journey, key, Metric.CSAT, phone, tps["Claim by phone"], day=day),
            answer(journey, key, Metric.CES, form, tps["Claim form"], day=day),
            answer(journey, key, Metric.CSAT, letter, tps["Status letter"], day=day),
        ]
        if i < 5:
            responses.append(answer(journey, key, Metric.CSAT, 2, tps["Renewal call"], day=day))
    save(responses)
    return journey


def rows_by_name(analysis):
    return {row.name: row for row in analysis.rows}


# The analysis on generated data


def test_the_strong_driver_is_significant_and_fixed_first_and_the_null_driver_is_not():
    journey = driver_journey()
    analysis = driver_analysis(journey=journey, **PERIOD)
    rows = rows_by_name(analysis)
    strong, null, weak = rows["Claim by phone"], rows["Claim form"], rows["Status letter"]

    assert analysis.sufficient and analysis.reason == ""
    assert analysis.linked_respondents == 200 and analysis.nps_respondents == 200
    assert strong.n == null.n == weak.n == 200
    assert strong.status == ANALYSED and strong.importance > 0.8 and strong.significant and strong.p_value < 1e-6
    assert null.status == ANALYSED and abs(null.importance) < 0.15 and not null.significant and null.p_value > 0.05
    assert 0.15 < weak.importance < strong.importance and weak.significant
    # The strong driver performs worst: it is the one to fix first.
    assert strong.performance < weak.performance < null.performance
    assert strong.quadrant == FIX_FIRST and strong.rank == 1
    assert [row.name for row in analysis.fix_first] == ["Claim by phone"]
    assert null.rank is None and null.quadrant != FIX_FIRST
    # Five respondents: no importance, said as such.
    assert rows["Renewal call"].status == TOO_FEW and rows["Renewal call"].n == 5
    assert rows["Renewal call"].importance is None


def test_a_strong_driver_that_performs_well_is_kept_up_not_fixed_first():
    journey = driver_journey(phone_weights=(2, 3, 10, 25, 60))
    analysis = driver_analysis(journey=journey, **PERIOD)
    phone = rows_by_name(analysis)["Claim by phone"]
    assert phone.significant and phone.importance > 0.6
    assert phone.performance > analysis.median_performance
    assert phone.quadrant == KEEP_UP and phone.rank is None
    assert "Claim by phone" not in [row.name for row in analysis.fix_first]


def test_a_touchpoint_in_the_fix_first_quadrant_whose_link_may_be_chance_is_not_on_the_list():
    journey = driver_journey()
    rare = TouchpointFactory(stage=journey.stages.first(), name="Rare letter", position=9)
    nps = dict(SurveyResponse.objects.filter(journey=journey, metric=Metric.NPS).values_list("respondent", "score"))
    keys = sorted(nps)[:12]
    scores = [1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 2, 1]  # goes with their NPS a little: r ≈ 0.48 over 12
    save([answer(journey, key, Metric.CSAT, score, rare) for key, score in zip(keys, scores, strict=True)])

    analysis = driver_analysis(journey=journey, **PERIOD)

    row = rows_by_name(analysis)["Rare letter"]
    assert row.importance == pytest.approx(statistics.correlation(scores, [nps[key] for key in keys]))
    assert row.importance > analysis.median_importance and row.performance < analysis.median_performance
    assert row.quadrant == FIX_FIRST
    assert row.p_value > 0.05 and not row.significant  # 0.48 < 0.576, the critical r for 12
    assert row.rank is None
    assert [row.name for row in analysis.fix_first] == ["Claim by phone"]


def test_importance_is_pearsons_r_of_the_respondents_mean_scores_on_0_to_100(settings):
    settings.DRIVER_MIN_LINKED = 10
    journey = JourneyFactory()
    tp = TouchpointFactory(stage=StageFactory(journey=journey), name="Counter")
    other_journey_tp = TouchpointFactory(name="Elsewhere")
    nps = [0, 3, 5, 6, 7, 8, 8, 9, 10, 10, 2, 4]
    csat = [1, 2, 2, 3, 3, 4, 3, 5, 5, 4, 1, 3]
    responses = []
    for i, (y, x) in enumerate(zip(nps, csat, strict=True)):
        key = f"R{i}"
        responses += [answer(journey, key, Metric.NPS, y), answer(journey, key, Metric.CSAT, x, tp)]
    # R0 answered the NPS twice (0 and 2: mean 1) and rated the counter twice (1 and 3: mean 2, so 25 of 100).
    responses += [answer(journey, "R0", Metric.NPS, 2), answer(journey, "R0", Metric.CSAT, 3, tp)]
    # Not linked: no respondent key; a touchpoint-level NPS (not the journey's); another journey's NPS.
    responses += [answer(journey, "", Metric.NPS, 10), answer(journey, "", Metric.CSAT, 5, tp)]
    responses += [answer(journey, "R1", Metric.NPS, 10, tp)]
    responses += [answer(other_journey_tp.journey, "R2", Metric.NPS, 0), answer(journey, "R99", Metric.CSAT, 5, tp)]
    save(responses)

    analysis = driver_analysis(journey=journey, **PERIOD)

    (row,) = analysis.rows
    # R1's touchpoint NPS counts as a touchpoint score (10 of 10 = 100), averaged with its CSAT 2 (25).
    xs = [25 * (x - 1) for x in csat]
    xs[0], xs[1] = 25.0, (25 + 100) / 2
    ys = [float(y) for y in nps]
    ys[0] = 1.0
    assert row.n == 12 and analysis.linked_respondents == 12 and analysis.nps_respondents == 12
    assert row.importance == pytest.approx(statistics.correlation(xs, ys), abs=1e-12)
    assert row.p_value == pytest.approx(correlation_p_value(row.importance, 12))
    assert row.performance == pytest.approx(statistics.mean(xs))
    # The raw CSAT of the linked respondents' answers: 13 answers, of which 4 and 5 count as satisfied.
    assert row.csat_n == 13
    assert row.csat_percent == pytest.approx(100 * sum(1 for x in [*csat, 3] if x >= 4) / 13)
    assert row.ces_n == 0 and row.ces_mean is None


def test_ces_is_normalised_on_its_own_scale_and_its_mean_kept():
    journey = JourneyFactory()
    tp = TouchpointFactory(stage=StageFactory(journey=journey))
    save(
        [
            response
            for i in range(40)
            for response in (
                answer(journey, f"R{i}", Metric.NPS, i % 11),
                answer(journey, f"R{i}", Metric.CES, 1 + i % 7, tp),
            )
        ]
    )
    (row,) = driver_analysis(journey=journey, **PERIOD).rows
    scores = [1 + i % 7 for i in range(40)]
    assert row.performance == pytest.approx(statistics.mean((s - 1) * 100 / 6 for s in scores))
    assert row.ces_mean == pytest.approx(statistics.mean(scores)) and row.ces_n == 40


# Too little data, said plainly


def test_too_few_linked_respondents_in_all_gives_a_reason_and_no_importance():
    journey = driver_journey(respondents=29)
    analysis = driver_analysis(journey=journey, **PERIOD)
    assert not analysis.sufficient
    assert analysis.linked_respondents == 29
    assert "Only 29 respondents gave both an NPS for this journey and a touchpoint score" in analysis.reason
    assert "at least 30" in analysis.reason
    assert all(row.importance is None and row.quadrant is None for row in analysis.rows)
    assert analysis.fix_first == []
    # One more respondent and the analysis is there.
    assert driver_analysis(journey=driver_journey(respondents=30), **PERIOD).sufficient


def test_without_any_linked_respondent_it_says_the_respondent_key_links_them():
    journey = JourneyFactory()
    tp = TouchpointFactory(stage=StageFactory(journey=journey))
    save([answer(journey, "", Metric.NPS, 9) for _ in range(50)] + [answer(journey, "", Metric.CSAT, 4, tp)])
    analysis = driver_analysis(journey=journey, **PERIOD)
    assert analysis.linked_respondents == 0 and analysis.nps_respondents == 0
    assert not analysis.sufficient
    assert "respondent key" in analysis.reason


def test_the_minimum_per_touchpoint_is_a_setting(settings):
    settings.DRIVER_MIN_PER_TOUCHPOINT = 6
    rows = rows_by_name(driver_analysis(journey=driver_journey(), **PERIOD))
    assert rows["Renewal call"].status == TOO_FEW  # 5 < 6
    settings.DRIVER_MIN_PER_TOUCHPOINT = 5
    rows = rows_by_name(driver_analysis(journey=driver_journey(), **PERIOD))
    assert rows["Renewal call"].status == NO_VARIANCE  # 5 respondents, all scoring 2


def test_a_touchpoint_where_everyone_gave_the_same_score_has_no_correlation():
    journey = driver_journey()
    phone = journey.touchpoints.get(name="Claim by phone")
    SurveyResponse.objects.filter(touchpoint=phone).update(score=3)
    analysis = driver_analysis(journey=journey, **PERIOD)
    row = rows_by_name(analysis)["Claim by phone"]
    assert row.status == NO_VARIANCE and row.importance is None and row.p_value is None
    assert row.performance == pytest.approx(50.0)
    assert row.status_label == "No variation: everyone gave the same score"
    assert analysis.sufficient  # the other touchpoints are still analysed


def test_when_every_nps_is_the_same_nothing_can_be_analysed():
    journey = driver_journey()
    SurveyResponse.objects.filter(journey=journey, metric=Metric.NPS).update(score=8)
    analysis = driver_analysis(journey=journey, **PERIOD)
    assert {row.status for row in analysis.rows} == {NO_VARIANCE, TOO_FEW}
    assert not analysis.sufficient
    assert "with varying scores" in analysis.reason
    assert driver_quadrant_figure(analysis)["data"] == []


def test_only_the_responses_of_the_period_count():
    journey = driver_journey(respondents=40)
    old = TODAY - datetime.timedelta(days=200)
    # Another 200 respondents long ago, whose phone scores do not go with their NPS at all.
    rng = random.Random(3)
    phone = journey.touchpoints.get(name="Claim by phone")
    save(
        [
            response
            for i in range(200)
            for response in (
                answer(journey, f"old-{i}", Metric.NPS, rng.randint(0, 10), day=old),
                answer(journey, f"old-{i}", Metric.CSAT, rng.randint(1, 5), phone, day=old),
            )
        ]
    )
    # An NPS inside the period of a respondent whose touchpoint answers are all outside it: not linked.
    save([answer(journey, "old-0", Metric.NPS, 10)])

    recent = driver_analysis(journey=journey, **PERIOD)
    assert recent.linked_respondents == 40 and recent.nps_respondents == 41
    assert rows_by_name(recent)["Claim by phone"].importance > 0.8

    both = driver_analysis(journey=journey, date_from=old, date_to=TODAY)
    assert both.linked_respondents == 240
    assert rows_by_name(both)["Claim by phone"].n == 240
    assert rows_by_name(both)["Claim by phone"].importance < 0.5

    before = driver_analysis(journey=journey, date_from=old, date_to=old)
    assert before.linked_respondents == 200


def test_the_analysis_runs_two_queries_whatever_the_data_size(django_assert_num_queries):
    small = driver_journey(respondents=30)
    large = driver_journey(respondents=600, seed=11)
    for journey in (small, large):
        # the sums per touchpoint (one aggregate), the touchpoints' names
        with django_assert_num_queries(2):
            analysis = driver_analysis(journey=journey, **PERIOD)
        assert analysis.sufficient


# The p-value of r


@pytest.mark.parametrize(
    ("n", "critical"),
    # Two-sided 5% critical values of Pearson's r from the usual tables.
    [(5, 0.878), (10, 0.632), (20, 0.444), (30, 0.361), (50, 0.279), (100, 0.197), (1000, 0.062)],
)
def test_the_critical_r_at_5_percent_matches_the_tables(n, critical):
    assert critical_r(n) == pytest.approx(critical, abs=0.0006)
    assert correlation_p_value(critical + 0.002, n) < 0.05 < correlation_p_value(critical - 0.002, n)


@pytest.mark.parametrize(
    ("t", "df", "p"),
    [
        (2.0, 10, 0.073388),
        (2.228139, 10, 0.05),
        (12.706205, 1, 0.05),
        (2.570582, 5, 0.05),
        (3.169273, 10, 0.01),
        (1.0, 3, 0.391002),  # closed form for 3 df: 1 - 2/pi (atan(1/sqrt 3) + sqrt(3)/4)
        (-2.0, 10, 0.073388),
        (1.959964, 10**7, 0.05),
        (0.0, 8, 1.0),
    ],
)
def test_student_t_two_sided_p_matches_known_values(t, df, p):
    assert t_two_sided_p(t, df) == pytest.approx(p, abs=2e-6)


def test_perfect_and_absent_correlations():
    assert correlation_p_value(1.0, 10) == 0.0
    assert correlation_p_value(-1.0, 10) == 0.0
    assert correlation_p_value(0.0, 10) == pytest.approx(1.0)
    assert correlation_p_value(0.02, 200_000) < 1e-15
    with pytest.raises(ValueError):
        correlation_p_value(0.5, 2)
    assert not math.isnan(correlation_p_value(0.999999, 5))


# The quadrant chart


def test_the_chart_shows_each_analysed_touchpoint_at_its_performance_and_importance():
    analysis = driver_analysis(journey=driver_journey(), **PERIOD)
    figure = driver_quadrant_figure(analysis)

    points = {}
    for trace in figure["data"]:
        for x, y, label, data in zip(trace["x"], trace["y"], trace["text"], trace["customdata"], strict=True):
            points[label] = (x, y, trace["name"], data)
    expected = {row.name: row for row in analysis.analysed}
    assert set(points) == set(expected) == {"Claim by phone", "Claim form", "Status letter"}
    for name, row in expected.items():
        x, y, _trace, data = points[name]
        assert (x, y) == (row.performance, row.importance)
        assert data[2] == row.n
    assert points["Claim by phone"][2] == "Fix first"
    assert points["Status letter"][2] == "Significant"
    assert points["Claim form"][2] == "Not significant"
    hollow = next(trace for trace in figure["data"] if trace["name"] == "Not significant")
    assert hollow["marker"]["symbol"] == "circle-open"
    # The dotted lines sit at the medians; the quadrants are named.
    lines = [shape for shape in figure["layout"]["shapes"] if shape["type"] == "line"]
    assert {lines[0]["x0"], lines[1]["y0"]} == {analysis.median_performance, analysis.median_importance}
    names = [annotation["text"] for annotation in figure["layout"]["annotations"]]
    assert names == ["<b>Fix first</b>", "<b>Keep up</b>", "<b>Low priority</b>", "<b>Possible overkill</b>"]


def test_the_chart_escapes_names_and_passes_plotlys_validation():
    journey = driver_journey()
    journey.touchpoints.filter(name="Claim form").update(name="<b>Claim</b> & form")
    figure = driver_quadrant_figure(driver_analysis(journey=journey, **PERIOD))
    labels = [label for trace in figure["data"] for label in trace["text"]]
    assert "&lt;b&gt;Claim&lt;/b&gt; &amp; form" in labels
    go.Figure(figure)  # raises ValueError on any unknown property or bad value
