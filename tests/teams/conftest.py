"""Fixtures of the improvement-action page tests: a mapped journey, the team that owns its group, an editor in it."""

import pytest

from tests.journeys.factories import build_map
from tests.teams.factories import MembershipFactory, TeamFactory


@pytest.fixture
def journey(db):
    return build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=1, name="Report a claim")


@pytest.fixture
def team(journey):
    return TeamFactory(name="Claims team", journey_groups=[journey.group])


@pytest.fixture
def editor(cx_editor, team):
    """A CX editor in the team that owns the journey's group."""
    MembershipFactory(team=team, user=cx_editor)
    return cx_editor
