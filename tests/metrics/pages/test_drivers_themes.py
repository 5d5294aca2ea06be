"""The key-driver page links each touchpoint to what its unhappy customers say: its three most mentioned negative
themes among its low-bucket answers in the period, each linking to the theme on the touchpoint."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from metrics.models import Sentiment, SurveyResponse
from tests.journeys.test_map_themes import mention, theme
from tests.metrics.pages.test_drivers_page import url_of
from tests.metrics.selectors.test_drivers import driver_journey

pytestmark = pytest.mark.django_db


def chips(row_html: str) -> list[tuple[str, str]]:
    """(name, mentions) of each theme chip in a row."""
    return re.findall(
        r'<a class="driver-theme" href="[^"]+"><span[^>]*></span>(.*?) <span[^>]*>(\d+)</span></a>', row_html
    )


def rows(html: str, name: str) -> list[str]:
    """The table rows (fix first, all touchpoints) of the touchpoint called `name`."""
    return [
        row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.DOTALL) if f'<th scope="row">{name}<' in row
    ]


def test_each_touchpoint_shows_its_unhappy_customers_top_three_themes_linking_to_the_theme(client_of, cx_editor):
    journey = driver_journey()
    phone = journey.touchpoints.get(name="Claim by phone")
    unhappy = SurveyResponse.objects.filter(touchpoint=phone, score__lte=2)
    assert unhappy.count() >= 40
    waiting, called = theme("waiting", "Waiting time"), theme("called", "Not called back")
    passed, rude = theme("passed", "Passed around"), theme("rude", "Rude staff")
    mention(unhappy, waiting, 30)
    mention(unhappy, called, 20)
    mention(unhappy, passed, 10)
    mention(unhappy, rude, 5)  # the fourth: not shown
    mention(unhappy, theme("friendly", "Friendly staff", sentiment=Sentiment.POSITIVE), 40)  # not a complaint
    mention(SurveyResponse.objects.filter(touchpoint=phone, score__gte=4), rude, 50)  # happy customers: not counted
    html = client_of(cx_editor).get(url_of(journey)).content.decode()
    found = rows(html, "Claim by phone")
    assert len(found) == 2  # on the fix-first list and among all touchpoints
    for row in found:
        assert chips(row) == [("Waiting time", "30"), ("Not called back", "20"), ("Passed around", "10")]
    link = re.search(r'<a class="driver-theme" href="([^"]+)"', found[0]).group(1).replace("&amp;", "&")
    assert urlsplit(link).path == reverse("metrics:theme-in-scope", args=[waiting.pk])
    assert parse_qs(urlsplit(link).query) == {
        "journey": [str(journey.pk)],
        "touchpoint": [str(phone.pk)],
        "period": ["12m"],
    }
    assert client_of(cx_editor).get(link).status_code == 200
    # A touchpoint without complaints shows no chips.
    assert all(chips(row) == [] for row in rows(html, "Claim form"))
