"""/api/v1/verbatims/: the verbatim search through the API, its checked parameters and its pages."""

from __future__ import annotations

import pytest

from tests.metrics.themes.search_data import build_place, many, say

API = "/api/v1/verbatims/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return build_place()


def test_it_finds_the_comments_with_their_highlight_and_themes(client_of, manager, place):
    response = say("Wachttijd <b>lang</b>", touchpoint=place.phone, score=2, themes=(place.waiting, place.friendly))
    say("Vriendelijk.", touchpoint=place.phone)
    body = client_of(manager).get(API, {"q": "wachttijd"}).json()
    assert (body["count"], body["count_capped"], body["next"], body["previous"]) == (1, False, None, None)
    assert body["results"] == [
        {
            "id": response.pk,
            "comment": "Wachttijd <b>lang</b>",
            "highlight": "<mark>Wachttijd</mark> &lt;b&gt;lang&lt;/b&gt;",
            "metric": "nps",
            "score": 2,
            "day": response.day.isoformat(),
            "journey": place.claims.pk,
            "touchpoint": place.phone.pk,
            "themes": ["friendly-staff", "waiting-time"],
            "language": "nl",
        }
    ]


def test_the_filters_take_ids_and_keys(client_of, manager, place):
    phone = say("Wachttijd aan de telefoon.", touchpoint=place.phone, themes=(place.waiting,))
    say("Wachttijd op de brief.", touchpoint=place.letter, score=9)
    say("Wachttijd elders.", journey=place.moving)
    client = client_of(manager)
    by_key = client.get(API, {"journey": "report-a-claim", "touchpoint": "claim-by-phone"}).json()
    assert [row["id"] for row in by_key["results"]] == [phone.pk]
    by_theme = client.get(API, {"theme": "waiting-time"}).json()
    assert [row["id"] for row in by_theme["results"]] == [phone.pk]
    by_score = client.get(API, {"q": "wachttijd", "score_max": 5, "journey": place.claims.pk}).json()
    assert [row["id"] for row in by_score["results"]] == [phone.pk]
    # An empty parameter means any
    assert client.get(API, {"journey": "", "q": ""}).json()["count"] == 3


def test_it_pages_like_the_other_lists(client_of, manager, place):
    many(place, 7)
    client = client_of(manager)
    first = client.get(API, {"q": "wachttijd", "page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3
    assert first["next"].endswith("page=2&page_size=3&q=wachttijd") and first["previous"] is None
    last = client.get(API, {"q": "wachttijd", "page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert client.get(API, {"q": "wachttijd", "page_size": 3, "page": 4}).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"score_min": "x"}, "score_min"),
        ({"score_max": "11"}, "score_max"),
        ({"score_min": "6", "score_max": "2"}, "score_max"),
        ({"metric": "nope"}, "metric"),
        ({"journey": "nope"}, "journey"),
        ({"touchpoint": "claim-by-phone"}, "touchpoint"),
        ({"theme": "nope"}, "theme"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "-1"}, "page"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client_of, manager, place, query, field):
    response = client_of(manager).get(API, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_touchpoint_of_another_journey_is_refused(client_of, manager, place):
    response = client_of(manager).get(API, {"journey": place.moving.pk, "touchpoint": place.phone.pk})
    assert response.status_code == 400 and "touchpoint" in response.json()


def test_the_anonymous_caller_is_refused(client, place):
    assert client.get(API).status_code == 401


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_runs_a_fixed_number_of_queries(client_of, manager, place, count, django_assert_num_queries):
    many(place, count)
    client = client_of(manager)
    # session, user, the journey and theme asked for, the search (ids up to the cap, the page's rows +response,
    # journey, touchpoint, headline, their themes)
    with django_assert_num_queries(7):
        body = client.get(API, {"q": "wachttijd", "journey": place.claims.pk, "theme": place.waiting.pk}).json()
    assert body["count"] == count


def test_past_the_counts_cap_the_pages_go_on(client_of, manager, place, monkeypatch):
    many(place, 7)
    monkeypatch.setattr("metrics.themes.search.COUNT_CAP", 4)
    client = client_of(manager)
    second = client.get(API, {"q": "wachttijd", "page_size": 3, "page": 2}).json()
    assert (second["count"], second["count_capped"], len(second["results"])) == (4, True, 3)
    assert second["next"] is not None
    third = client.get(API, {"q": "wachttijd", "page_size": 3, "page": 3}).json()
    assert len(third["results"]) == 1 and third["next"] is None
