"""The theme figures (metrics.themes.selectors): a theme's NPS impact against a hand-worked example, its scope,
trend, quotes and a touchpoint's top negative theme, counted in a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.test import override_settings

from metrics.models import Metric, Sentiment
from metrics.themes.selectors import Scope, theme_quotes, theme_summary, theme_trend, top_negative_themes
from tests.journeys.factories import ChannelFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import AnalysisThemeFactory, SurveyResponseFactory, commented_response

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)
YEAR = Scope(day_from=date(2025, 4, 1), day_to=date(2026, 3, 31))


def at(day: date) -> dict:
    from datetime import UTC, datetime

    return {"responded_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC), "day": day}


@pytest.fixture
def waiting():
    return AnalysisThemeFactory(name_en="waiting time", name_nl="wachttijd")


@pytest.fixture
def friendly():
    return AnalysisThemeFactory(name_en="friendly staff", name_nl="vriendelijk personeel", sentiment=Sentiment.POSITIVE)


@pytest.fixture
def touchpoint():
    return TouchpointFactory(name="Claim by phone")


def test_the_impact_of_a_theme_matches_the_hand_worked_example(touchpoint, waiting, friendly):
    # 10 NPS responses, all with a comment. 4 mention "waiting time": scores 2, 3, 6, 9 -> 3 detractors,
    # 0 passives, 1 promoter. The 6 others score 9, 10, 8, 7, 10, 4 -> 3 promoters, 2 passives, 1 detractor.
    for score in (2, 3, 6, 9):
        commented_response(waiting, touchpoint=touchpoint, score=score, **at(DAY))
    for score in (9, 10, 8, 7, 10, 4):
        commented_response(friendly, touchpoint=touchpoint, score=score, **at(DAY))
    # Two CSAT responses: one mentions waiting (score 1), one has no comment (score 5, no Verbatim).
    commented_response(waiting, touchpoint=touchpoint, metric=Metric.CSAT, score=1, **at(DAY))
    SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.CSAT, score=5, **at(DAY))

    summary = theme_summary(Scope(day_from=DAY, day_to=DAY, touchpoint_id=touchpoint.pk))

    assert (summary.responses, summary.commented, summary.nps_n) == (12, 11, 10)
    # The scope: 4 promoters (9, 9, 10, 10), 4 detractors (2, 3, 6, 4) of 10 -> NPS 0.
    assert summary.nps == 0.0
    figure = summary.figures[0]
    assert figure.theme == waiting
    # 5 mentions (4 NPS + 1 CSAT) among the 11 responses with a comment: 45.5%.
    assert (figure.mentions, figure.share, figure.nps_n, figure.without_n) == (5, 45.5, 4, 6)
    assert figure.buckets == {
        "detractors": 3,
        "passives": 0,
        "promoters": 1,
        "csat_low": 1,
        "csat_high": 0,
        "ces_low": 0,
        "ces_high": 0,
    }
    # nps_with = 100 x (1 - 3) / 4 = -50; nps_without = 100 x (3 - 1) / 6 = 33.33; impact = -83.33.
    assert (figure.nps_with, figure.nps_without, figure.impact) == (-50.0, 33.3, -83.3)
    # v_with = 1/4 + 3/4 - (1/4 - 3/4)^2 = 0.75; v_without = 3/6 + 1/6 - (3/6 - 1/6)^2 = 5/9;
    # margin = 1.96 x 100 x sqrt(0.75 / 4 + (5/9) / 6) = 196 x sqrt(0.280093) = 196 x 0.529238 = 103.73.
    assert figure.margin == 103.7
    assert not figure.significant  # 4 mentions: the impact may be chance
    # cost = nps_without - nps_all = 33.33 - 0 = 33.33 (= 4/10 x (33.33 - -50) = 33.33).
    assert figure.cost == 33.3
    assert figure.low_sample  # 4 NPS mentions < 30

    # "friendly staff": 6 mentions by the others; it gains NPS (negative cost) and ranks after waiting time:
    # nps_with = 33.33, nps_without = -50, cost = -50 - 0 = -50.
    friendly_figure = summary.figures[1]
    assert friendly_figure.theme == friendly
    assert (friendly_figure.nps_with, friendly_figure.nps_without, friendly_figure.cost) == (33.3, -50.0, -50.0)

    # The scope has NPS responses: the impact is shown on NPS, though its CSAT is compared too. CSAT: the waiting
    # mention scores 1 (0% 4-5, n = 1), the other CSAT response 5 (100%, n = 1): impact -100, margin 0 (each group
    # all of a kind), cost = 100 - 50 = 50.
    assert (summary.impact_metric, figure.impact_metric) == ("nps", "nps")
    assert (summary.csat_n, summary.csat) == (2, 50.0)
    assert (figure.impact, figure.cost, figure.impact_n, figure.impact_without_n) == (-83.3, 33.3, 4, 6)
    assert (figure.csat_n, figure.csat_without_n, figure.csat_with, figure.csat_without) == (1, 1, 0.0, 100.0)
    assert (figure.csat_impact, figure.csat_margin, figure.csat_cost) == (-100.0, 0.0, 50.0)


def test_without_nps_the_impact_is_on_csat_as_in_the_hand_worked_example(touchpoint, waiting, friendly):
    # A touchpoint asked CSAT only (the journey asks NPS). 5 CSAT responses mention "waiting time": scores
    # 1, 2, 2, 4, 5 -> 2 of 5 score 4-5. 4 mention "friendly staff": 5, 4, 4, 3 -> 3 of 4. One CSAT 5 has no
    # comment; one CES 2 (no comment) is no CSAT response.
    for score in (1, 2, 2, 4, 5):
        commented_response(waiting, touchpoint=touchpoint, metric=Metric.CSAT, score=score, **at(DAY))
    for score in (5, 4, 4, 3):
        commented_response(friendly, touchpoint=touchpoint, metric=Metric.CSAT, score=score, **at(DAY))
    SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.CSAT, score=5, **at(DAY))
    SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.CES, score=2, **at(DAY))

    summary = theme_summary(Scope(day_from=DAY, day_to=DAY, touchpoint_id=touchpoint.pk))

    assert (summary.responses, summary.commented, summary.nps_n, summary.nps) == (11, 9, 0, None)
    # The scope's CSAT: 2 + 3 + 1 = 6 of the 10 CSAT responses score 4-5 -> 60%.
    assert (summary.csat_n, summary.csat, summary.impact_metric) == (10, 60.0, "csat")
    figure = summary.figures[0]
    assert figure.theme == waiting
    assert (figure.mentions, figure.share) == (5, 55.6)  # 5 of the 9 comments
    # csat_with = 100 x 2 / 5 = 40; csat_without = 100 x (3 + 1) / 5 = 80; impact = 40 - 80 = -40.
    assert (figure.csat_n, figure.csat_without_n, figure.csat_with, figure.csat_without) == (5, 5, 40.0, 80.0)
    assert figure.csat_impact == -40.0
    # margin = 1.96 x 100 x sqrt(0.4 x 0.6 / 5 + 0.8 x 0.2 / 5) = 196 x sqrt(0.048 + 0.032) = 196 x sqrt(0.08)
    #        = 196 x 0.282843 = 55.44.
    assert figure.csat_margin == 55.4
    # cost = csat_without - csat_all = 80 - 60 = 20 (= 5/10 x (80 - 40) = 20).
    assert figure.csat_cost == 20.0
    # No NPS at all: no NPS figures, and no "low sample" on NPS (there is no sample).
    assert (figure.nps_n, figure.nps_with, figure.nps_without, figure.nps_cost) == (0, None, None, None)
    assert not figure.nps_low_sample
    # The generic figures are CSAT's; 5 CSAT mentions < 30: a low sample.
    assert figure.impact_metric == "csat"
    assert (figure.impact_with, figure.impact_without, figure.impact, figure.margin, figure.cost) == (
        40.0,
        80.0,
        -40.0,
        55.4,
        20.0,
    )
    assert (figure.impact_n, figure.impact_without_n) == (5, 5)
    assert figure.low_sample and figure.csat_low_sample
    assert not figure.significant  # |-40| < 55.4
    # "friendly staff": 75% (3 of 4) against 50% (3 of 6): +25 points, cost 50 - 60 = -10: ranked after.
    friendly_figure = summary.figures[1]
    assert friendly_figure.theme == friendly
    assert (friendly_figure.impact_with, friendly_figure.impact_without, friendly_figure.cost) == (75.0, 50.0, -10.0)


def test_without_nps_or_csat_there_is_no_impact_and_no_low_sample(touchpoint, waiting):
    for score in (1, 6):
        commented_response(waiting, touchpoint=touchpoint, metric=Metric.CES, score=score, **at(DAY))

    summary = theme_summary(Scope(day_from=DAY, day_to=DAY))

    (figure,) = summary.figures
    assert (summary.impact_metric, figure.impact_metric) == (None, None)
    assert (figure.impact_with, figure.impact, figure.cost, figure.impact_n) == (None, None, None, 0)
    assert not figure.low_sample


def test_a_theme_mentioned_by_every_nps_response_has_no_impact_to_compare(touchpoint, waiting):
    for score in (3, 9):
        commented_response(waiting, touchpoint=touchpoint, score=score, **at(DAY))

    figure = theme_summary(Scope(day_from=DAY, day_to=DAY)).figures[0]

    assert (figure.nps_with, figure.nps_without, figure.impact, figure.margin, figure.cost) == (
        0.0,
        None,
        None,
        None,
        None,
    )


def test_with_enough_mentions_the_sample_is_not_low(touchpoint, waiting):
    with override_settings(KPI_MIN_SAMPLE=3):
        for score in (1, 2, 3):
            commented_response(waiting, touchpoint=touchpoint, score=score, **at(DAY))
        commented_response(touchpoint=touchpoint, score=10, **at(DAY))
        figure = theme_summary(Scope(day_from=DAY, day_to=DAY)).figures[0]
    # nps_with -100 vs nps_without +100: impact -200, margin 0 (every group all of a kind): significant.
    assert not figure.low_sample
    assert (figure.impact, figure.margin, figure.cost) == (-200.0, 0.0, 150.0)
    assert figure.significant


def test_the_scope_keeps_to_its_journey_stage_touchpoint_channel_and_period(touchpoint, waiting):
    phone = ChannelFactory(slug="phone", name="Phone")
    same_stage = TouchpointFactory(stage=touchpoint.stage, name="Letter")
    other_stage = TouchpointFactory(stage=StageFactory(journey=touchpoint.journey))
    other_journey = TouchpointFactory()
    commented_response(waiting, touchpoint=touchpoint, channel=phone, score=2, **at(DAY))
    commented_response(waiting, touchpoint=same_stage, score=2, **at(DAY))
    commented_response(waiting, touchpoint=other_stage, score=2, **at(DAY))
    commented_response(waiting, touchpoint=other_journey, score=2, **at(DAY))
    commented_response(waiting, touchpoint=touchpoint, score=2, **at(DAY - timedelta(days=40)))

    def mentions(**scope) -> int:
        summary = theme_summary(Scope(**{"day_from": DAY - timedelta(days=30), "day_to": DAY, **scope}))
        return summary.figures[0].mentions if summary.figures else 0

    assert mentions() == 4
    assert mentions(journey_id=touchpoint.journey_id) == 3
    assert mentions(stage_id=touchpoint.stage_id) == 2
    assert mentions(touchpoint_id=touchpoint.pk) == 1
    assert mentions(channel_id=phone.pk) == 1
    assert mentions(journey_id=touchpoint.journey_id, day_from=DAY - timedelta(days=60)) == 4
    assert mentions(touchpoint_id=other_journey.pk, day_to=DAY - timedelta(days=1)) == 0


def test_an_inactive_theme_is_not_summarised(touchpoint, waiting):
    commented_response(waiting, touchpoint=touchpoint, **at(DAY))
    waiting.active = False
    waiting.save()
    assert theme_summary(YEAR).figures == []


@pytest.mark.parametrize("themes", [1, 20])
def test_the_summary_takes_two_queries_whatever_the_number_of_themes(django_assert_num_queries, touchpoint, themes):
    codebook = AnalysisThemeFactory.create_batch(themes)
    for i in range(3):
        commented_response(*codebook, touchpoint=touchpoint, score=i * 4, **at(DAY))

    # the scope's totals; the themes with their counts (one GROUP BY)
    with django_assert_num_queries(2):
        summary = theme_summary(YEAR)
        assert len(summary.figures) == themes
        assert {f.theme.name for f in summary.figures}


def test_the_trend_lists_every_month_with_mentions_and_share(touchpoint, waiting):
    commented_response(waiting, touchpoint=touchpoint, **at(date(2026, 1, 5)))
    commented_response(touchpoint=touchpoint, **at(date(2026, 1, 20)))
    commented_response(waiting, touchpoint=touchpoint, **at(date(2026, 3, 2)))
    scope = Scope(day_from=date(2026, 1, 1), day_to=date(2026, 3, 31))

    trend = theme_trend(scope, [waiting.pk])

    assert trend[waiting.pk] == [
        (date(2026, 1, 1), 1, 50.0),
        (date(2026, 2, 1), 0, 0.0),
        (date(2026, 3, 1), 1, 100.0),
    ]


def test_the_trend_takes_two_queries_whatever_the_number_of_themes(django_assert_num_queries, touchpoint):
    codebook = AnalysisThemeFactory.create_batch(5)
    commented_response(*codebook, touchpoint=touchpoint, **at(DAY))
    # the mentions per theme and month; the comments per month
    with django_assert_num_queries(2):
        assert len(theme_trend(YEAR, [t.pk for t in codebook])) == 5


def test_quotes_are_recent_varied_long_enough_and_redacted(waiting):
    letter, phone = TouchpointFactory(name="Letter"), TouchpointFactory(name="Phone")
    commented_response(waiting, touchpoint=letter, score=2, comment="Too long.", **at(DAY))  # too short
    commented_response(
        waiting, touchpoint=letter, score=3, comment="Waited an hour, mail me at jan@example.com please", **at(DAY)
    )
    commented_response(waiting, touchpoint=letter, score=3, comment="Again the same long waiting time here", **at(DAY))
    commented_response(
        waiting, touchpoint=phone, score=5, comment="On hold for forty minutes before anyone answered", **at(DAY)
    )
    commented_response(
        waiting, touchpoint=letter, score=1, comment="An older comment about the waiting time", **at(DAY - timedelta(1))
    )
    commented_response(
        waiting,
        touchpoint=letter,
        score=1,
        comment="The oldest comment about the waiting time",
        **at(DAY - timedelta(9)),
    )

    quotes = theme_quotes(YEAR, waiting.pk, limit=3)

    # The newest (score 5, Phone); then the newest with a new score and touchpoint (score 3, Letter); none
    # left with both new, so the newest with a new score (1) rather than the second score-3 Letter comment.
    assert [(q.text, q.score, q.touchpoint) for q in quotes] == [
        ("On hold for forty minutes before anyone answered", 5, "Phone"),
        ("Again the same long waiting time here", 3, "Letter"),
        ("An older comment about the waiting time", 1, "Letter"),
    ]


def test_quotes_fill_up_with_the_newest_when_there_is_no_variety(waiting, touchpoint):
    for n in range(4):
        commented_response(
            waiting, touchpoint=touchpoint, score=2, comment=f"Waiting comment number {n} of four", **at(DAY)
        )
    quotes = theme_quotes(YEAR, waiting.pk, limit=3)
    assert [q.text for q in quotes] == [f"Waiting comment number {n} of four" for n in (3, 2, 1)]


def test_a_quote_is_redacted_of_every_kind_of_personal_data(waiting, touchpoint):
    commented_response(
        waiting,
        touchpoint=touchpoint,
        comment="Call me on 06 12345678 or write to piet@example.org about it",
        **at(DAY),
    )
    (quote,) = theme_quotes(YEAR, waiting.pk)
    assert quote.text == "Call me on [phone] or write to [e-mail] about it"
    assert (quote.touchpoint, quote.day) == ("Claim by phone", DAY)


def test_the_top_negative_theme_of_each_touchpoint(touchpoint, waiting, friendly):
    letters = AnalysisThemeFactory(name_en="unclear letter")
    other = TouchpointFactory(stage=touchpoint.stage)
    for _ in range(3):
        commented_response(waiting, friendly, touchpoint=touchpoint, score=2, **at(DAY))
    commented_response(letters, touchpoint=touchpoint, score=1, **at(DAY))
    # Promoters' mentions do not count, however many.
    for _ in range(5):
        commented_response(letters, touchpoint=touchpoint, score=10, **at(DAY))
    commented_response(touchpoint=touchpoint, metric=Metric.CSAT, score=1, **at(DAY))
    commented_response(letters, touchpoint=other, metric=Metric.CES, score=2, **at(DAY))

    top = top_negative_themes(journey_id=touchpoint.journey_id, day_from=YEAR.day_from, day_to=YEAR.day_to)

    assert set(top) == {touchpoint.pk, other.pk}
    # 3 of the touchpoint's 5 low-bucket comments (3 waiting, 1 letter, 1 CSAT 1) mention waiting time; the
    # positive "friendly staff" is never the top negative theme.
    assert (top[touchpoint.pk].theme, top[touchpoint.pk].mentions, top[touchpoint.pk].share) == (waiting, 3, 60.0)
    assert (top[other.pk].theme, top[other.pk].mentions, top[other.pk].share) == (letters, 1, 100.0)


@pytest.mark.parametrize("touchpoints", [2, 30])
def test_the_top_negative_themes_take_three_queries(django_assert_num_queries, waiting, touchpoints):
    stage = StageFactory()
    for _ in range(touchpoints):
        commented_response(
            waiting, AnalysisThemeFactory(), touchpoint=TouchpointFactory(stage=stage), score=0, **at(DAY)
        )
    # the mentions per (touchpoint, theme); the low-bucket comments per touchpoint; the themes
    with django_assert_num_queries(3):
        top = top_negative_themes(journey_id=stage.journey_id, day_from=YEAR.day_from, day_to=YEAR.day_to)
    assert len(top) == touchpoints
