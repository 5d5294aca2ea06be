import pytest

from metrics.services.recompute import snapshots_rebuild_all
from tests.metrics.recompute_data import Org, add_responses, build_org
from tests.teams.factories import MembershipFactory, TeamFactory


@pytest.fixture
def org() -> Org:
    """The small organisation of recompute_data with its hand-worked responses, and snapshots built from them."""
    org = build_org()
    add_responses(org)
    snapshots_rebuild_all()
    return org


@pytest.fixture
def team():
    """The team whose improvement actions (and their business cases) the tests look at."""
    return TeamFactory(name="Claims team")


@pytest.fixture
def editor(cx_editor, team):
    """A CX editor of that team: may write its actions' business cases."""
    MembershipFactory(team=team, user=cx_editor)
    return cx_editor
