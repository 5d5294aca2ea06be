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


# --- Tagging (issue 17, tagging part) ---
# A theme with its rules, as the codebook's editors make them: `rules` is a list of (language, mode, phrase).
class TaggingThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "metrics.Theme"
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"tagging-theme-{n}")
    name_en = factory.Sequence(lambda n: f"Tagging theme {n}")
    name_nl = factory.Sequence(lambda n: f"Tagthema {n}")

    @factory.post_generation
    def rules(self, create, extracted, **kwargs):
        from metrics.models import ThemeRule

        for position, (language, mode, phrase) in enumerate(extracted or []):
            ThemeRule.objects.create(theme=self, language=language, mode=mode, phrase=phrase, position=position)
