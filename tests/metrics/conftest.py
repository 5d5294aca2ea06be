import pytest

from metrics.services.recompute import snapshots_rebuild_all
from tests.metrics.recompute_data import Org, add_responses, build_org


@pytest.fixture
def org() -> Org:
    """The small organisation of recompute_data with its hand-worked responses, and snapshots built from them."""
    org = build_org()
    add_responses(org)
    snapshots_rebuild_all()
    return org
