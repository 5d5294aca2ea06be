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


# --- Theme analysis (issue 17, analysis part) ---
# The tagging (metrics.themes.tagging) writes Verbatim and ResponseTheme rows; the analysis tests write them
# directly, so that they depend on no matching rule.
class AnalysisThemeFactory(factory.django.DjangoModelFactory):
    """A negative theme of the codebook (no rules: its mentions are written with `tag_comment`)."""

    class Meta:
        model = "metrics.Theme"

    key = factory.Sequence(lambda n: f"analysis-theme-{n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    name_nl = factory.Sequence(lambda n: f"Thema {n}")
    colour = "#c0392b"


def tag_comment(response: SurveyResponse, *themes, language: str = "en", version: int = 1) -> SurveyResponse:
    """What the tagging stores for a response with a comment: its Verbatim row and one ResponseTheme per theme."""
    from metrics.models import Verbatim

    Verbatim.objects.update_or_create(response=response, defaults={"language": language, "version": version})
    for theme in themes:
        add_mention(response, theme)
    return response


def commented_response(*themes, comment: str = "", **fields) -> SurveyResponse:
    """A response with a comment, tagged with `themes` (a comment of its own unless given)."""
    response = SurveyResponseFactory(comment=comment or "The service was slow and nobody helped me at all.", **fields)
    return tag_comment(response, *themes)


# --- Verbatim search (issue 17): a response's Verbatim row as the tagging writes it, and a theme found in it.


def add_verbatim(response: SurveyResponse, *, language: str = "nl") -> None:
    """The Verbatim of a response with a comment; on PostgreSQL its search vector as the tagging fills it."""
    from django.db import connection

    from metrics.models import Verbatim

    Verbatim.objects.create(response=response, language=language, version=1)
    if connection.vendor == "postgresql":
        config = "dutch" if language == "nl" else "english"
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE metrics_verbatim SET search = to_tsvector(%s::regconfig, %s) WHERE response_id = %s",
                [config, response.comment, response.pk],
            )


def add_mention(response: SurveyResponse, theme) -> None:
    """The theme found in the response's comment (a ResponseTheme row with the response's copies)."""
    from metrics.models import ResponseTheme

    ResponseTheme.objects.create(
        response=response,
        theme=theme,
        journey_id=response.journey_id,
        touchpoint_id=response.touchpoint_id,
        channel_id=response.channel_id,
        day=response.day,
        metric=response.metric,
        score=response.score,
    )


# --- Codebook of themes (issue 17, codebook part) ---
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
