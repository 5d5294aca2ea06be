"""The world of the dashboard work tests (tests/metrics/dashboard_work_data.py)."""

import pytest

from tests.metrics.dashboard_work_data import World


@pytest.fixture
def world():
    return World()
