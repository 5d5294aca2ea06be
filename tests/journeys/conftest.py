"""Fixtures shared by the journeys tests split across modules.

Not autouse: a module opts in with `pytestmark = pytest.mark.usefixtures(...)`, so the other journeys tests keep
their own edit policy and ownership.
"""

import pytest

from journeys.models import Journey
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory
from tests.teams.factories import owning_every_journey_group

# The map editor page (test_map_read, test_map_structure, test_map_findings, test_map_ownership)


@pytest.fixture
def editors_edit_every_group(settings):
    """These tests are about the map editor; which journeys an editor owns is tested in TestOwnership."""
    settings.JOURNEY_EDIT_POLICY = None


@pytest.fixture
def journey() -> Journey:
    """Two stages of two touchpoints each, in a known order."""
    journey = JourneyFactory(name="Open an account")
    orientation = StageFactory(journey=journey, name="Orientation", customer_goal="Find the right account")
    apply = StageFactory(journey=journey, name="Apply")
    TouchpointFactory(stage=orientation, name="Compare on website", emotion=1, customer_expectation="Clear prices")
    TouchpointFactory(stage=orientation, name="Call the advice line", emotion=-1, is_moment_of_truth=True)
    TouchpointFactory(stage=apply, name="Fill in the form", emotion=-2)
    TouchpointFactory(stage=apply, name="Welcome email", emotion=2)
    return journey


# The journeys API on the map (test_api_map_edits, test_api_whole_map)


@pytest.fixture
def _the_editor_owns_every_journey_group(cx_editor):
    """These tests are about the API itself; who owns which journey is tested in tests/teams."""
    with owning_every_journey_group(cx_editor):
        yield
