from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

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


class CustomKpiFactory(factory.django.DjangoModelFactory):
    """A customer objective, higher is better, target 100 with a 5% at-risk band."""

    class Meta:
        model = "metrics.CustomKpi"

    name = factory.Sequence(lambda n: f"KPI {n}")
    unit = "%"
    target = Decimal("100")
    tolerance = Decimal("5")


class KpiMeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "metrics.KpiMeasurement"

    kpi = factory.SubFactory(CustomKpiFactory)
    period_start = factory.Sequence(lambda n: date(2025, 1, 1) + timedelta(days=n))
    value = Decimal("100")


class BusinessCaseFactory(factory.django.DjangoModelFactory):
    """A business case of a new action (no gains: add BusinessCaseGain rows as the test needs)."""

    class Meta:
        model = "metrics.BusinessCase"

    action = factory.SubFactory("tests.teams.factories.ActionFactory")
    investment = Decimal("10000")


# Codebook of themes (issue 17, codebook)


class ThemeFactory(factory.django.DjangoModelFactory):
    """An active negative theme, without rules (add ThemeRuleFactory rows, or use the services)."""

    class Meta:
        model = "metrics.Theme"

    key = factory.Sequence(lambda n: f"theme-{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    name_nl = factory.Sequence(lambda n: f"Thema {n}")
    colour = "#b91c1c"


class ThemeRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "metrics.ThemeRule"

    theme = factory.SubFactory(ThemeFactory)
    language = "nl"
    mode = "mention"
    phrase = "wachttijd"
