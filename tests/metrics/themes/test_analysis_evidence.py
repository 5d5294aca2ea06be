"""A pain point or an improvement action made from a theme on a touchpoint carries the theme's evidence."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from journeys.models import FindingKind, FindingSource
from metrics.models import Metric
from metrics.themes.evidence import action_initial, finding_from_theme, severity_for_cost
from metrics.themes.selectors import Scope
from tests.journeys.factories import TouchpointFactory
from tests.metrics.factories import AnalysisThemeFactory, commented_response
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)
PERIOD = Scope(day_from=date(2026, 3, 1), day_to=date(2026, 3, 31))


def at(day: date) -> dict:
    return {"responded_at": datetime(day.year, day.month, day.day, 12, tzinfo=UTC), "day": day}


@pytest.fixture
def touchpoint():
    return TouchpointFactory(name="Claim by phone")


@pytest.fixture
def waiting():
    return AnalysisThemeFactory(name_en="waiting time", name_nl="wachttijd")


@pytest.fixture
def editor(cx_editor, touchpoint):
    MembershipFactory(team=TeamFactory(journey_groups=[touchpoint.journey.group]), user=cx_editor)
    return cx_editor


@pytest.fixture
def tagged(touchpoint, waiting):
    """The hand-worked example of test_analysis_selectors: 4 of 10 NPS responses mention waiting time."""
    comments = {
        2: "Waited forty minutes on the phone before anyone answered",
        3: "The waiting time was terrible, call me on 06 12345678",
        6: "Long wait but the answer was correct in the end",
        9: "Short wait this time and a friendly person helped",
    }
    for score, comment in comments.items():
        commented_response(waiting, touchpoint=touchpoint, score=score, comment=comment, **at(DAY))
    for score in (9, 10, 8, 7, 10, 4):
        commented_response(touchpoint=touchpoint, score=score, **at(DAY))
    # Mentions elsewhere do not count at this touchpoint.
    commented_response(waiting, touchpoint=TouchpointFactory(), score=0, **at(DAY))


def test_the_finding_carries_the_evidence_of_the_theme(editor, touchpoint, waiting, tagged):
    finding = finding_from_theme(user=editor, touchpoint=touchpoint, theme=waiting, scope=PERIOD)

    assert (finding.kind, finding.source) == (FindingKind.PAIN_POINT, FindingSource.SURVEY)
    assert (finding.touchpoint, finding.stage, finding.journey) == (touchpoint, touchpoint.stage, touchpoint.journey)
    # It costs 33.3 points of NPS: the highest severity.
    assert finding.severity == 5
    text = finding.text
    assert "“waiting time” at “Claim by phone” between 1 Mar 2026 and 31 Mar 2026" in text
    assert "4 comments (40.0% of the comments)" in text
    assert "NPS -50.0 among those who mention it (n = 4) against 33.3 among the others (n = 6)" in text
    assert "-83.3 ± 103.7 points (low sample)" in text
    assert "it costs 33.3 points of NPS" in text
    # Three quotes, newest and varied, redacted.
    assert text.count("“", text.index("What they say")) == 3
    assert "[phone]" in text and "12345678" not in text


def test_the_finding_is_written_in_the_editors_language(editor, touchpoint, waiting, tagged, settings):
    from django.utils import translation

    with translation.override("nl"):
        finding = finding_from_theme(user=editor, touchpoint=touchpoint, theme=waiting, scope=PERIOD)
    assert "“wachttijd”" in finding.text


def test_a_theme_not_mentioned_at_the_touchpoint_makes_no_finding(editor, touchpoint, waiting):
    commented_response(waiting, touchpoint=TouchpointFactory(), **at(DAY))
    with pytest.raises(ValidationError, match="not mentioned"):
        finding_from_theme(user=editor, touchpoint=touchpoint, theme=waiting, scope=PERIOD)
    assert not touchpoint.findings.exists()


def test_only_editors_of_the_journey_create_the_finding(outsider, manager, touchpoint, waiting, tagged):
    for user in (outsider, manager):
        with pytest.raises(PermissionDenied):
            finding_from_theme(user=user, touchpoint=touchpoint, theme=waiting, scope=PERIOD)
    assert not touchpoint.findings.exists()


@pytest.mark.parametrize(
    ("cost", "severity"),
    [(None, 1), (-4.0, 1), (0.4, 1), (0.5, 2), (1.5, 3), (2.9, 3), (3.0, 4), (5.0, 5), (33.3, 5)],
)
def test_the_severity_follows_the_points_of_nps_it_costs(cost, severity):
    assert severity_for_cost(cost) == severity


def test_the_action_is_prefilled_with_the_evidence(editor, touchpoint, waiting, tagged):
    initial = action_initial(user=editor, touchpoint=touchpoint, theme=waiting, scope=PERIOD)

    assert initial["touchpoint"] == touchpoint.pk
    assert initial["title"] == "Reduce “waiting time” at “Claim by phone”"
    assert "it costs 33.3 points of NPS" in initial["description"]
    assert len(initial["description"]) <= 4000


def test_a_manager_gets_no_prefilled_action(manager, touchpoint, waiting, tagged):
    with pytest.raises(PermissionDenied):
        action_initial(user=manager, touchpoint=touchpoint, theme=waiting, scope=PERIOD)


@pytest.fixture
def csat_only(touchpoint, waiting):
    """A touchpoint asked CSAT, not NPS (the demo's Claim by phone, smaller): 6 CSAT responses mention waiting
    time, all scoring 1-2; 10 others, 6 of them 4-5."""
    for score in (1, 1, 2, 2, 1, 2):
        commented_response(
            waiting,
            touchpoint=touchpoint,
            metric=Metric.CSAT,
            score=score,
            comment="On hold for forty minutes",
            **at(DAY),
        )
    for score in (5, 4, 5, 4, 5, 4, 3, 2, 1, 3):
        commented_response(touchpoint=touchpoint, metric=Metric.CSAT, score=score, **at(DAY))


def test_a_finding_at_a_csat_touchpoint_carries_the_csat_evidence_and_a_high_severity(
    editor, touchpoint, waiting, csat_only
):
    finding = finding_from_theme(user=editor, touchpoint=touchpoint, theme=waiting, scope=PERIOD)

    text = finding.text
    # csat_with 0 of 6 = 0%; csat_without 6 of 10 = 60%: -60 points, margin 1.96 x 100 x sqrt(0 + 0.6 x 0.4 / 10)
    # = 196 x 0.154919 = 30.4; csat_all 6 of 16 = 37.5%, so it costs 60 - 37.5 = 22.5 points of CSAT.
    assert "CSAT 0.0% among those who mention it (n = 6) against 60.0% among the others (n = 10)" in text
    assert "-60.0 ± 30.4 points (low sample)" in text
    assert "it costs 22.5 points of CSAT" in text
    assert "NPS" not in text
    # 22.5 points of CSAT: the highest severity (SEVERITY_BY_CSAT_COST), not 1 for "no NPS".
    assert finding.severity == 5


def test_the_action_at_a_csat_touchpoint_is_prefilled_with_the_csat_evidence(editor, touchpoint, waiting, csat_only):
    initial = action_initial(user=editor, touchpoint=touchpoint, theme=waiting, scope=PERIOD)
    assert "it costs 22.5 points of CSAT" in str(initial["description"])


@pytest.mark.parametrize(
    ("cost", "severity"),
    [(None, 1), (-4.0, 1), (0.2, 1), (0.25, 2), (0.75, 3), (1.4, 3), (1.5, 4), (2.4, 4), (2.5, 5), (22.5, 5)],
)
def test_the_severity_follows_the_points_of_csat_it_costs_at_half_the_nps_thresholds(cost, severity):
    assert severity_for_cost(cost, "csat") == severity


def test_without_nps_or_csat_the_severity_is_1():
    assert severity_for_cost(40.0, None) == 1
