"""With LANGUAGE_CODE=nl, seed_demo writes the demo organisation in Dutch, telling the same story as in English.

Seeded once for the module (as tests/cxplatform/test_seed_demo.py) with the installation's language set to Dutch."""

from collections.abc import Iterator

import pytest
from django.db.models import Count, Q
from django.test import override_settings
from django.utils.text import slugify

from journeys.demo_content import JOURNEYS, PERSONAS
from journeys.demo_dutch import NL
from journeys.models import Finding, Journey, JourneyGroup, JourneyState, Persona, Stage, Touchpoint
from metrics.demo import BUSINESS_CASES, KPIS, TARGETS
from metrics.models import BusinessCase, CustomKpi, FollowUpCase, Metric, MetricTarget, SurveyResponse
from teams.demo import DEMO_ACTIONS
from teams.models import ActionStatus, ActionTransition, Department, ImprovementAction, Team
from tests.cxplatform.test_seed_demo import FirstRun, seeded_once

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

ENGLISH_TEXTS = set(NL) - set(NL.values())  # the English texts that have a different Dutch one


@pytest.fixture(scope="module", autouse=True)
def dutch_demo(django_db_setup, django_db_blocker) -> Iterator[FirstRun]:
    with override_settings(LANGUAGE_CODE="nl"), seeded_once(django_db_blocker) as run:
        yield run


def test_the_dutch_texts_are_one_to_one_with_the_english_ones():
    assert len(set(NL.values())) == len(NL), "two English texts share a Dutch one: english_of() could not tell"


def test_the_journeys_groups_and_personas_are_dutch():
    assert set(Journey.objects.filter(state=JourneyState.CURRENT).values_list("name", flat=True)) == {
        "Verzekering afsluiten",
        "Schade melden",
        "Verlengen of opzeggen",
    }
    assert list(JourneyGroup.objects.values_list("name", flat=True)) == ["Klant worden", "Klant zijn", "Klant blijven"]
    assert set(Persona.objects.values_list("name", flat=True)) == {
        "Starter Sanne",
        "Gezin Fatima",
        "Trouwe Truus",
        "Ondernemer Erik",
    }
    assert Persona.objects.count() == len(PERSONAS)


def test_the_keys_are_made_from_the_dutch_names():
    """Keys are what a Dutch team types into its survey tool: made from the Dutch names, not the English ones."""
    assert set(Journey.objects.filter(state=JourneyState.CURRENT).values_list("key", flat=True)) == {
        "verzekering-afsluiten",
        "schade-melden",
        "verlengen-of-opzeggen",
    }
    claim = Journey.objects.get(key="schade-melden")
    for part in [*Stage.objects.filter(journey=claim), *Touchpoint.objects.filter(journey=claim)]:
        assert part.key == slugify(part.name) or part.key.startswith(f"{slugify(part.name)}-"), part.name


def test_no_english_demo_text_is_left_on_the_maps_teams_actions_or_kpis():
    seeded = {
        "stages": set(Stage.objects.values_list("name", flat=True))
        | set(Stage.objects.values_list("customer_goal", flat=True)),
        "touchpoints": set(Touchpoint.all_objects.values_list("name", flat=True))
        | set(Touchpoint.all_objects.values_list("customer_expectation", flat=True)),
        "findings": set(Finding.objects.values_list("text", flat=True)),
        "personas": set(Persona.objects.values_list("quote", flat=True)),
        "teams": set(Team.objects.values_list("name", flat=True)),
        "departments": set(Department.objects.values_list("name", flat=True)),
        "actions": set(ImprovementAction.objects.values_list("title", flat=True)),
        "kpis": set(CustomKpi.objects.values_list("name", flat=True)),
        "follow-up outcomes": set(FollowUpCase.objects.exclude(outcome="").values_list("outcome", flat=True)),
    }
    assert {kind: texts & ENGLISH_TEXTS for kind, texts in seeded.items()} == {kind: set() for kind in seeded}
    assert "Schadeformulier in de app" in seeded["touchpoints"]
    assert "Team Klant zijn" in seeded["teams"] and "Klantbehoud" in seeded["kpis"]


def test_the_map_has_as_many_stages_touchpoints_and_findings_as_the_english_one():
    stages = [stage for journey in JOURNEYS for stage in journey["stages"]]
    touchpoints = [tp for stage in stages for tp in stage[3]]
    current = {"journey__state": JourneyState.CURRENT}
    assert Stage.objects.filter(**current).count() == len(stages)
    assert Touchpoint.objects.filter(**current).count() == len(touchpoints)
    assert Finding.objects.filter(**current).count() == sum(len(tp[6]) for tp in touchpoints)
    # The redesign of "Schade melden" (the compare page) is there too.
    assert Journey.objects.filter(current_state__name="Schade melden").exists()


def test_the_same_story_the_weak_claim_touchpoints_have_the_lowest_csat():
    rows = (
        SurveyResponse.objects.filter(metric=Metric.CSAT, touchpoint__isnull=False)
        .values("touchpoint__name")
        .annotate(n=Count("id"), satisfied=Count("id", filter=Q(score__gte=4)))
    )
    csat = {r["touchpoint__name"]: 100 * r["satisfied"] / r["n"] for r in rows}
    weak = ["Schade melden per telefoon", "Verzoek om extra documenten"]
    assert max(csat[name] for name in weak) < 55
    assert min(score for name, score in csat.items() if name not in weak) > 65
    assert 45_000 <= SurveyResponse.objects.count() <= 55_000


def test_the_same_story_actions_business_cases_kpis_and_targets():
    assert ImprovementAction.objects.count() == sum(len(rows) for rows in DEMO_ACTIONS.values())
    assert BusinessCase.objects.count() == len(BUSINESS_CASES)
    assert CustomKpi.objects.count() == len(KPIS)
    assert MetricTarget.objects.count() == len(TARGETS)
    assert CustomKpi.objects.get(name="Conversie online schademelding").touchpoint.name == "Schadeformulier in de app"
    done = ActionTransition.objects.get(
        action__title="Schadeconcepten bewaren en de foto's behouden", to_status=ActionStatus.DONE
    )
    assert BusinessCase.objects.filter(action=done.action).exists()
    assert ImprovementAction.objects.exclude(finding=None).count() >= 20
