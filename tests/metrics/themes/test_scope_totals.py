"""A scope's totals (metrics.themes.selectors.scope_totals): its comments are counted in a subquery of their own
(read from the partial index response_commented_scope), so they must keep to the same scope as the rest."""

from datetime import UTC, date, datetime, timedelta

import pytest

from metrics.models import Metric
from metrics.themes.selectors import Scope, scope_totals
from tests.journeys.factories import ChannelFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


def response(*, comment: str = "", day: date = DAY, **fields):
    return SurveyResponseFactory(
        comment=comment, day=day, responded_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC), **fields
    )


def test_the_comments_keep_to_the_scope_of_the_totals():
    phone = ChannelFactory(slug="phone", name="Phone")
    touchpoint = TouchpointFactory(name="Claim by phone")
    same_stage = TouchpointFactory(stage=touchpoint.stage, name="Letter")
    other_stage = TouchpointFactory(stage=StageFactory(journey=touchpoint.journey))
    other_journey = TouchpointFactory()
    response(touchpoint=touchpoint, channel=phone, score=10, comment="Quick and friendly.")
    response(touchpoint=touchpoint, score=3)
    response(touchpoint=same_stage, score=2, comment="Nobody called me back.")
    response(touchpoint=other_stage, score=9, comment="Fine.")
    response(touchpoint=other_journey, score=0, comment="Far too slow.")
    response(touchpoint=touchpoint, score=1, comment="Too late.", day=DAY - timedelta(days=40))
    response(touchpoint=touchpoint, metric=Metric.CSAT, score=5, comment="Good.")

    def totals(**scope) -> tuple[int, ...]:
        counts = scope_totals(Scope(**{"day_from": DAY - timedelta(days=30), "day_to": DAY, **scope}))
        return tuple(counts[key] for key in ("responses", "commented", "nps_n", "promoters", "detractors"))

    assert totals() == (6, 5, 5, 2, 3)
    assert totals(journey_id=touchpoint.journey_id) == (5, 4, 4, 2, 2)
    assert totals(stage_id=touchpoint.stage_id) == (4, 3, 3, 1, 2)
    assert totals(touchpoint_id=touchpoint.pk) == (3, 2, 2, 1, 1)
    assert totals(channel_id=phone.pk) == (1, 1, 1, 1, 0)
    assert totals(journey_id=touchpoint.journey_id, day_from=DAY - timedelta(days=60)) == (6, 5, 5, 2, 3)


def test_a_scope_without_responses_counts_zeros():
    response(score=10, comment="Quick and friendly.")

    counts = scope_totals(Scope(day_from=DAY + timedelta(days=1), day_to=DAY + timedelta(days=30)))

    assert counts == {
        "responses": 0,
        "commented": 0,
        "nps_n": 0,
        "promoters": 0,
        "detractors": 0,
        "csat_n": 0,
        "csat_high": 0,
    }
