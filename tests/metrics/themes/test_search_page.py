"""The verbatim search page (/verbatims/) and its CSV: what a logged-in user sees and downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.metrics.themes.search_data import build_place, many, say

pytestmark = pytest.mark.django_db
URL = reverse("metrics:verbatim-search")
CSV_URL = reverse("metrics:verbatim-csv")


@pytest.fixture
def place():
    return build_place()


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_anyone_logged_in_searches_and_sees_the_matches_highlighted(client_of, manager, place):
    say("De wachttijd was lang.", touchpoint=place.phone, score=2, themes=(place.waiting,))
    say("Vriendelijk geholpen.", touchpoint=place.phone)
    page = client_of(manager).get(URL, {"q": "wachttijd"}).content.decode()
    assert "De <mark>wachttijd</mark> was lang." in page
    assert "Vriendelijk geholpen." not in page
    assert "NPS 2" in page and "Claim by phone" in page and "Report a claim" in page
    assert 'class="theme-chip"' in page and "Waiting time" in page
    assert "1 comment" in page


def test_a_comment_with_html_shows_as_text(client_of, manager, place):
    say("Wachttijd <script>alert(1)</script>")
    page = client_of(manager).get(URL, {"q": "wachttijd"}).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_anonymous_visitor_is_sent_to_log_in(client, place):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_no_match_names_the_words(client_of, manager, place):
    say("Wachttijd.")
    page = client_of(manager).get(URL, {"q": "taxateur <b>"}).content.decode()
    assert "No comment matches “taxateur &lt;b&gt;”" in page


def test_no_match_for_filters_offers_all_comments(client_of, manager, place):
    say("Wachttijd.", journey=place.moving)
    page = client_of(manager).get(URL, {"journey": place.claims.pk}).content.decode()
    assert "No comment matches these filters" in page and "Show all comments" in page


def test_no_comments_at_all(client_of, manager, place):
    assert "No comments yet" in client_of(manager).get(URL).content.decode()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"score_min": "x"}, "score_min", "Enter a whole number."),
        ({"score_min": "8", "score_max": "3"}, "score_max", "The highest score must not be below the lowest."),
        ({"from": "2026-02-30"}, "date_from", "Enter a valid date."),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "date_to", "The last day must be on or after the first day."),
        ({"journey": "nope"}, "journey", "No journey has the id or key “nope”."),
        ({"touchpoint": "claim-by-phone"}, "touchpoint", "To name a touchpoint by its key, choose its journey too."),
        ({"theme": "999999"}, "theme", "No theme has the id or key “999999”."),
        ({"metric": "xyz"}, "metric", "Select a valid choice."),
        ({"q": "x" * 201}, "q", "Ensure this value has at most 200 characters"),
        ({"q": "a\x00b"}, "q", "Null characters are not allowed."),
        ({"page": "0"}, "page", ""),
    ],
)
def test_a_bad_filter_is_named_never_a_failure(client_of, manager, place, query, field, message):
    response = client_of(manager).get(URL, query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert client_of(manager).get(CSV_URL, query).status_code == 400


def test_a_touchpoint_of_another_journey_is_refused(client_of, manager, place):
    response = client_of(manager).get(URL, {"journey": place.moving.pk, "touchpoint": place.phone.pk})
    assert response.status_code == 400
    assert "This touchpoint is not part of the chosen journey." in response.content.decode()


def test_the_touchpoints_offered_are_the_chosen_journeys(client_of, manager, place):
    client = client_of(manager)
    without = client.get(URL).content.decode()
    assert "Claim by phone" not in without and "Choose a journey first" in without
    chosen = client.get(URL, {"journey": place.claims.pk}).content.decode()
    assert f'<option value="{place.phone.pk}">Claim by phone</option>' in chosen
    assert f'<option value="{place.letter.pk}">Decision letter</option>' in chosen


def test_a_touchpoint_by_key_with_its_journey(client_of, manager, place):
    say("Wachttijd aan de telefoon.", touchpoint=place.phone)
    say("Wachttijd op de brief.", touchpoint=place.letter)
    page = client_of(manager).get(URL, {"journey": "report-a-claim", "touchpoint": "claim-by-phone"})
    assert [hit.comment for hit in page.context["result"].hits] == ["Wachttijd aan de telefoon."]


def test_pages_keep_the_filters(client_of, manager, place):
    many(place, 30)
    page = client_of(manager).get(URL, {"q": "wachttijd", "journey": place.claims.pk}).content.decode()
    assert "Page 1 of 2" in page
    assert f'href="?q=wachttijd&amp;journey={place.claims.pk}&amp;page=2"' in page
    assert f'href="{CSV_URL}?q=wachttijd&amp;journey={place.claims.pk}"' in page
    second = client_of(manager).get(URL, {"q": "wachttijd", "journey": place.claims.pk, "page": 2})
    assert len(second.context["result"].hits) == 5


def test_a_page_past_the_last_offers_the_first(client_of, manager, place):
    say("Wachttijd.")
    page = client_of(manager).get(URL, {"q": "wachttijd", "page": 3}).content.decode()
    assert "This page is past the last one" in page and 'href="/verbatims/?q=wachttijd"' in page


@pytest.mark.parametrize("count", [2, 200])
def test_the_page_runs_a_fixed_number_of_queries(client_of, manager, place, count, django_assert_num_queries):
    many(place, count)
    client = client_of(manager)
    # session, user, the journey and theme asked for, the journey's touchpoints, the search (the ids up to the
    # cap, the page's rows +response, journey, touchpoint, headline, their themes), the journey and theme options
    with django_assert_num_queries(10):
        response = client.get(URL, {"q": "wachttijd", "journey": place.claims.pk, "theme": place.waiting.pk})
    assert len(response.context["result"].hits) == min(count, 25)


@pytest.mark.parametrize("count", [2, 200])
def test_the_page_without_words_runs_a_fixed_number_of_queries(
    client_of, manager, place, count, django_assert_num_queries
):
    many(place, count)
    client = client_of(manager)
    # session, user, the search (ids up to the cap, the page's rows, their themes), the journey and theme options
    with django_assert_num_queries(7):
        response = client.get(URL)
    assert response.context["result"].count == count


# The CSV


def test_the_csv_holds_the_matching_comments_formula_safe(client_of, manager, place):
    say('=HYPERLINK("http://evil","wachttijd")', touchpoint=place.phone, score=1, themes=(place.waiting,))
    say("Wachttijd, maar vriendelijk.", touchpoint=place.phone, score=7, themes=(place.waiting, place.friendly))
    say("Vriendelijk.", touchpoint=place.phone)
    response = client_of(manager).get(CSV_URL, {"q": "wachttijd"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header == ["Response", "Day", "Journey", "Touchpoint", "Metric", "Score", "Language", "Themes", "Comment"]
    assert [row[-1] for row in rows] == ["Wachttijd, maar vriendelijk.", '\'=HYPERLINK("http://evil","wachttijd")']
    assert rows[0][2:8] == ["Report a claim", "Claim by phone", "NPS", "7", "nl", "Friendly staff; Waiting time"]


def test_the_csv_says_when_it_is_capped(client_of, manager, place, monkeypatch):
    many(place, 5)
    monkeypatch.setattr("metrics.views.themes.search.EXPORT_CAP", 3)
    rows = csv_rows(client_of(manager).get(CSV_URL, {"q": "wachttijd"}))
    assert len(rows) == 1 + 3 + 1
    assert rows[-1][0].startswith("Only the latest 3 matching comments")


def test_the_csv_in_dutch_names_the_themes_in_dutch(client_of, manager, place):
    say("Wachttijd.", themes=(place.waiting,))
    client = client_of(manager)
    rows = csv_rows(client.get(CSV_URL, {"q": "wachttijd"}, HTTP_ACCEPT_LANGUAGE="nl"))
    assert rows[1][7] == "Wachttijd"


def test_the_search_answers_get_only(client_of, manager, place):
    assert client_of(manager).post(URL).status_code == 405
    assert client_of(manager).post(CSV_URL).status_code == 405


def test_past_the_counts_cap_the_page_says_more_than(client_of, manager, place, monkeypatch):
    many(place, 30)
    monkeypatch.setattr("metrics.themes.search.COUNT_CAP", 10)
    page = client_of(manager).get(URL, {"q": "wachttijd"}).content.decode()
    assert "More than 10 comments" in page and "Page 1<" in page and 'rel="next"' in page


@pytest.mark.parametrize("field", ["journey", "theme"])
def test_a_value_with_a_percent_sign_is_named_not_a_failure(client_of, manager, place, field):
    response = client_of(manager).get(URL, {field: "50% (x)"})
    assert response.status_code == 400 and "“50% (x)”" in response.content.decode()
