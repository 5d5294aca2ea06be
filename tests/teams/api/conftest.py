"""Fixtures of the teams API tests: the editor's team and a journey in the group it owns."""

import pytest

from teams.models import MemberRole
from tests.journeys.factories import JourneyFactory, JourneyGroupFactory
from tests.teams.factories import MembershipFactory, TeamFactory


@pytest.fixture
def team(cx_editor):
    """The editor's team, owning the group of the journeys the actions are on."""
    team = TeamFactory(name="Claims", journey_groups=[JourneyGroupFactory()])
    MembershipFactory(team=team, user=cx_editor, role=MemberRole.CHANGE_MANAGER)
    return team


@pytest.fixture
def journey(team):
    return JourneyFactory(name="Report a claim", group=team.journey_groups.get())
