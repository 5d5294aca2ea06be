from datetime import UTC, datetime, timedelta

import factory
from django.utils import timezone

from metrics.models import Metric, SurveyResponse
from tests.journeys.factories import JourneyFactory


def local_day(moment: datetime):
    return timezone.localtime(moment).date()


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    """A response; pass `touchpoint` and its journey is taken from it. `day` follows responded_at."""

    class Meta:
        model = SurveyResponse

    metric = Metric.NPS
    score = 9
    journey = factory.LazyAttribute(lambda o: o.touchpoint.journey if o.touchpoint else JourneyFactory())
    touchpoint = None
    channel = None
    responded_at = factory.LazyFunction(lambda: datetime.now(UTC) - timedelta(days=1))
    day = factory.LazyAttribute(lambda o: local_day(o.responded_at))
    source = "test"
