"""The dashboard's content is served from the cache until the organisation's data changes."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from metrics.models import MetricTarget

pytestmark = pytest.mark.django_db
URL = reverse("home")
SPRING = {"period": "custom", "from": "2024-04-01", "to": "2024-05-31"}


@pytest.fixture(autouse=True)
def cached(settings):
    settings.REPORT_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def main(response) -> str:
    """The page's content (the header around it holds a CSRF token masked anew on every page)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_a_second_visit_is_served_from_the_cache(client, manager, org, django_assert_num_queries):
    client.force_login(manager)
    first = client.get(URL, SPRING)
    with django_assert_num_queries(2):  # session, user
        second = client.get(URL, SPRING)
    assert main(second) == main(first)
    assert "n = " in main(second)
    other = client.get(URL, {**SPRING, "channel": org.phone.pk})
    assert main(other) != main(first)


def test_a_committed_change_shows_at_once(client, manager, org, django_capture_on_commit_callbacks):
    client.force_login(manager)
    assert "No target set" in client.get(URL, SPRING).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        MetricTarget.objects.create(metric="csat", value=Decimal("30"))
    assert "Target 30%" in client.get(URL, SPRING).content.decode()


def test_what_one_user_may_do_does_not_leak_to_another(client, manager, process_owner, org):
    client.force_login(manager)
    assert "Set targets" in client.get(URL, SPRING).content.decode()
    client.force_login(process_owner)
    assert "Set targets" not in client.get(URL, SPRING).content.decode()


def test_each_language_has_its_own_copy(client, manager, org):
    client.force_login(manager)
    english = client.get(URL, SPRING, headers={"Accept-Language": "en"}).content.decode()
    dutch = client.get(URL, SPRING, headers={"Accept-Language": "nl"}).content.decode()
    assert "NPS by month" in english
    assert "NPS per maand" in dutch
