import pytest
from django.core.cache import cache


@pytest.fixture
def cached(settings):
    """The dashboard as served in production: its parts cached (the tests otherwise run with the cache off).
    A module opts in with `pytest.mark.usefixtures("cached")`."""
    settings.REPORT_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()
