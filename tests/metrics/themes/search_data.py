"""Comments to search, as the tagging leaves them (a Verbatim with its search vector), for the search tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from journeys.models import Journey, Touchpoint
from metrics.models import Metric, SurveyResponse, Theme
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory, add_mention, add_verbatim

START = datetime(2026, 3, 1, 10, tzinfo=UTC)


@dataclass
class Place:
    claims: Journey
    phone: Touchpoint
    letter: Touchpoint
    moving: Journey
    waiting: Theme
    friendly: Theme


def build_place() -> Place:
    claims = JourneyFactory(name="Report a claim", key="report-a-claim")
    stage = StageFactory(journey=claims, name="Report")
    phone = TouchpointFactory(stage=stage, name="Claim by phone", key="claim-by-phone")
    letter = TouchpointFactory(stage=stage, name="Decision letter", key="decision-letter")
    moving = JourneyFactory(name="Moving house", key="moving-house")
    waiting = Theme.objects.create(key="waiting-time", name_en="Waiting time", name_nl="Wachttijd", colour="#b91c1c")
    friendly = Theme.objects.create(key="friendly-staff", name_en="Friendly staff", name_nl="Vriendelijk personeel")
    return Place(claims, phone, letter, moving, waiting, friendly)


def say(
    comment: str,
    *,
    journey: Journey | None = None,
    touchpoint: Touchpoint | None = None,
    language: str = "nl",
    metric: str = Metric.NPS,
    score: int = 3,
    day: date | None = None,
    themes: tuple[Theme, ...] = (),
) -> SurveyResponse:
    """A response with this comment, its Verbatim (and search vector) and the themes found in it."""
    moment = START if day is None else datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    response = SurveyResponseFactory(
        comment=comment,
        journey=journey or (touchpoint.journey if touchpoint else JourneyFactory()),
        touchpoint=touchpoint,
        metric=metric,
        score=score,
        responded_at=moment,
    )
    add_verbatim(response, language=language)
    for theme in themes:
        add_mention(response, theme)
    return response


def many(place: Place, count: int) -> list[SurveyResponse]:
    """`count` Dutch comments about waiting at the phone, one a day."""
    return [
        say(
            f"Wachttijd van {n} minuten aan de telefoon.",
            touchpoint=place.phone,
            day=START.date() + timedelta(days=n % 300),
            themes=(place.waiting,),
        )
        for n in range(count)
    ]
