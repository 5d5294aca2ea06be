"""Full-text search of the verbatims (metrics.themes.search): what a word finds in Dutch and English, each
filter, the highlighting (escaped), the count's cap, and the SQLite fallback (called directly: the tests run on
PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection

from metrics.models import Metric
from metrics.themes.search import (
    MAX_OFFSET,
    VerbatimExport,
    VerbatimFilters,
    highlight_words,
    marked_to_html,
    verbatim_search,
)
from tests.metrics.themes.search_data import START, build_place, say

pytestmark = pytest.mark.django_db


def found(filters: VerbatimFilters, **kwargs) -> list[str]:
    return [hit.comment for hit in verbatim_search(filters, **kwargs).hits]


@pytest.fixture
def place():
    return build_place()


# Words: the Dutch and English configurations


def test_a_dutch_word_finds_its_other_forms(place):
    # The dutch Snowball stemmer takes "wachten", "wacht" and "wachtte" to one stem ("wacht"); "wachttijd" is a
    # word of its own (no decompounding), so it is found by "wachttijd", not by "wachten".
    say("Ik moest lang wachten op een reactie.")
    say("Hij wachtte en wachtte.")
    say("De wachttijd was te lang.")
    say("Prima geholpen.")
    assert sorted(found(VerbatimFilters(q="wacht"))) == [
        "Hij wachtte en wachtte.",
        "Ik moest lang wachten op een reactie.",
    ]
    assert found(VerbatimFilters(q="wachttijd")) == ["De wachttijd was te lang."]


def test_plural_and_singular_find_each_other_where_the_stemmer_joins_them(place):
    say("Het formulier werkt niet.")
    say("Twee formulieren kwijt.")
    say("De medewerkers waren vriendelijk.")
    assert len(found(VerbatimFilters(q="formulieren"))) == 2
    assert found(VerbatimFilters(q="medewerker")) == ["De medewerkers waren vriendelijk."]
    # And where it does not: the dutch stemmer keeps "brieven" (briev) apart from "brief".
    say("De brief was onduidelijk.")
    assert found(VerbatimFilters(q="brieven")) == []


def test_an_english_word_finds_its_other_forms(place):
    say("Nobody called me back.", language="en")
    say("I had to call three times.", language="en")
    say("Calling was useless.", language="en")
    say("Friendly staff.", language="en")
    assert len(found(VerbatimFilters(q="called"))) == 3


def test_a_phrase_an_exclusion_and_alternatives(place):
    say("Lang wachten aan de telefoon.")
    say("Wachten op de brief, lang duurde het.")
    say("Vriendelijk en snel.")
    assert found(VerbatimFilters(q='"lang wachten"')) == ["Lang wachten aan de telefoon."]
    assert found(VerbatimFilters(q="wachten -telefoon")) == ["Wachten op de brief, lang duurde het."]
    assert len(found(VerbatimFilters(q="telefoon or snel"))) == 2


def test_words_that_are_only_stop_words_or_signs_find_nothing_and_do_not_fail(place):
    say("De wachttijd was te lang.")
    assert found(VerbatimFilters(q="de het een")) == []
    assert found(VerbatimFilters(q='"" & | ! ( :* <->')) == []
    # "-word" alone is every comment without that word (the web search's own reading)
    assert found(VerbatimFilters(q="-telefoon")) == ["De wachttijd was te lang."]
    assert found(VerbatimFilters(q="wacht\x00tijd")) == []


# Filters


def test_each_filter_narrows_the_comments(place):
    phone = say("Wachttijd aan de telefoon.", touchpoint=place.phone, score=2, themes=(place.waiting,))
    letter = say("Wachttijd op de brief.", touchpoint=place.letter, metric=Metric.CSAT, score=4)
    moving = say("Wachttijd bij de verhuizing.", journey=place.moving, score=9, day=date(2026, 5, 1))
    everything = {phone.comment, letter.comment, moving.comment}
    assert set(found(VerbatimFilters(q="wachttijd"))) == everything
    assert set(found(VerbatimFilters(q="wachttijd", journey_id=place.claims.pk))) == {phone.comment, letter.comment}
    assert found(VerbatimFilters(touchpoint_id=place.letter.pk)) == [letter.comment]
    assert found(VerbatimFilters(metric=Metric.CSAT)) == [letter.comment]
    assert set(found(VerbatimFilters(score_min=4))) == {letter.comment, moving.comment}
    assert set(found(VerbatimFilters(score_max=4))) == {phone.comment, letter.comment}
    assert found(VerbatimFilters(score_min=3, score_max=5)) == [letter.comment]
    assert found(VerbatimFilters(theme_id=place.waiting.pk)) == [phone.comment]
    assert found(VerbatimFilters(theme_id=place.friendly.pk)) == []
    assert found(VerbatimFilters(day_from=date(2026, 4, 1))) == [moving.comment]
    assert set(found(VerbatimFilters(day_to=START.date()))) == {phone.comment, letter.comment}
    assert found(VerbatimFilters(day_from=date(2026, 5, 1), day_to=date(2026, 5, 1))) == [moving.comment]


def test_without_words_the_filtered_comments_come_latest_first(place):
    first = say("Eerste.", touchpoint=place.phone)
    second = say("Tweede.", touchpoint=place.phone)
    say("Elders.", journey=place.moving)
    assert found(VerbatimFilters(journey_id=place.claims.pk)) == [second.comment, first.comment]


def test_a_hit_carries_its_score_day_place_and_themes(place):
    response = say(
        "De wachttijd was lang maar de medewerker was vriendelijk.",
        touchpoint=place.phone,
        score=6,
        day=date(2026, 4, 2),
        themes=(place.waiting, place.friendly),
    )
    hit = verbatim_search(VerbatimFilters(q="wachttijd")).hits[0]
    assert (hit.response_id, hit.metric, hit.score, hit.day) == (response.pk, "nps", 6, date(2026, 4, 2))
    assert (hit.journey, hit.touchpoint, hit.language) == ("Report a claim", "Claim by phone", "nl")
    assert [theme.key for theme in hit.themes] == ["friendly-staff", "waiting-time"]


# Highlighting


def test_the_matches_are_marked_and_the_comment_is_escaped(place):
    say('Wachttijd <script>alert("x")</script> & <b>lang</b> wachten')
    hit = verbatim_search(VerbatimFilters(q="wachten")).hits[0]
    assert hit.highlight == (
        "Wachttijd &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;lang&lt;/b&gt; <mark>wachten</mark>"
    )


def test_without_words_the_comment_is_escaped_and_unmarked(place):
    say("<img src=x onerror=alert(1)>")
    assert verbatim_search(VerbatimFilters()).hits[0].highlight == "&lt;img src=x onerror=alert(1)&gt;"


def test_stray_markers_in_a_comment_make_no_tags():
    assert marked_to_html("a \ue001 b \ue000<x>\ue001 c \ue000") == "a  b <mark>&lt;x&gt;</mark> c "


# Pages and the count


def test_the_count_stops_at_its_cap_and_the_pages_go_on(place, monkeypatch):
    responses = [say(f"Wachttijd nummer {n}.", touchpoint=place.phone) for n in range(12)]
    monkeypatch.setattr("metrics.themes.search.COUNT_CAP", 10)
    latest_first = [r.pk for r in reversed(responses)]
    second = verbatim_search(VerbatimFilters(q="wachttijd"), page=2, limit=4)
    assert (second.count, second.capped, second.pages, second.has_next, second.has_previous) == (
        10,
        True,
        None,
        True,
        True,
    )
    assert [hit.response_id for hit in second.hits] == latest_first[4:8]
    third = verbatim_search(VerbatimFilters(q="wachttijd"), page=3, limit=4)
    assert [hit.response_id for hit in third.hits] == latest_first[8:] and not third.has_next


def test_a_few_matches_page_in_the_same_order(place):
    responses = [say(f"Wachttijd nummer {n}.") for n in range(7)]
    pages = [verbatim_search(VerbatimFilters(q="wachttijd"), page=n, limit=3) for n in (1, 2, 3)]
    assert [hit.response_id for page in pages for hit in page.hits] == [r.pk for r in reversed(responses)]
    assert (pages[0].count, pages[0].capped, pages[0].pages, pages[0].has_next) == (7, False, 3, True)
    assert not pages[2].has_next


def test_a_page_past_the_furthest_is_the_furthest(place):
    say("Wachttijd.")
    page = verbatim_search(VerbatimFilters(q="wachttijd"), page=10_000, limit=25)
    assert page.page == MAX_OFFSET // 25 and page.hits == [] and not page.has_next


# The CSV's reading


def test_the_export_reads_in_chunks_and_says_when_it_is_capped(place):
    responses = [say(f"Wachttijd {n}.") for n in range(5)]
    export = VerbatimExport(VerbatimFilters(q="wachttijd"), cap=3, chunk=2)
    assert [hit.response_id for hit in export] == [r.pk for r in reversed(responses)][:3]
    assert export.capped
    whole = VerbatimExport(VerbatimFilters(q="wachttijd"), cap=5, chunk=2)
    assert len(list(whole)) == 5 and not whole.capped


# The SQLite fallback (make run without DATABASE_URL): every word, any case; highlighting in Python


def test_the_fallback_needs_every_word_in_any_case(place):
    say("De WACHTTIJD aan de telefoon.")
    say("Wachttijd bij de balie.")
    say("Telefoon kwijt.")
    assert found(VerbatimFilters(q="wachttijd telefoon"), full_text=False) == ["De WACHTTIJD aan de telefoon."]
    assert len(found(VerbatimFilters(q="wacht"), full_text=False)) == 2


def test_the_fallback_marks_every_word_and_escapes_the_rest():
    assert highlight_words("<b>Wacht</b>tijd, WACHTtijd & wachten", "wacht tijd") == (
        "&lt;b&gt;<mark>Wacht</mark>&lt;/b&gt;<mark>tijd</mark>, <mark>WACHT</mark><mark>tijd</mark> &amp; "
        "<mark>wacht</mark>en"
    )
    assert highlight_words("<i>", '"" -') == "&lt;i&gt;"


def test_the_fallback_page_is_highlighted_in_python(place):
    say("Lang <wachten>")
    hit = verbatim_search(VerbatimFilters(q="WACHTEN"), full_text=False).hits[0]
    assert hit.highlight == "Lang &lt;<mark>wachten</mark>&gt;"


def test_the_full_text_search_uses_the_gin_index(place):
    for n in range(300):
        say(f"Vriendelijk geholpen, dossier {n}.")
    say("Een taxateur kwam langs.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE metrics_verbatim")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a few hundred rows: the planner would read them all
        cursor.execute(
            "EXPLAIN SELECT response_id FROM metrics_verbatim WHERE search @@ "
            "(websearch_to_tsquery('dutch', 'taxateur') || websearch_to_tsquery('english', 'taxateur'))"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "verbatim_search" in plan


def test_days_are_local_days(place):
    response = say("Wachttijd.", day=START.date() + timedelta(days=3))
    assert found(VerbatimFilters(day_from=response.day, day_to=response.day)) == ["Wachttijd."]


# With the tagging (metrics.themes.tagging) writing the verbatims, as in the product


def test_comments_tagged_at_ingest_are_found_in_their_language(place):
    from metrics.themes.tagging import tag_responses
    from tests.metrics.factories import SurveyResponseFactory

    dutch = SurveyResponseFactory(
        comment="Ik ben nooit teruggebeld, de brieven waren onduidelijk.", journey=place.claims
    )
    english = SurveyResponseFactory(comment="Nobody called me back and the letters were unclear.", journey=place.claims)
    tag_responses([dutch.pk, english.pk])
    assert found(VerbatimFilters(q="teruggebeld")) == [dutch.comment]
    assert found(VerbatimFilters(q="call")) == [english.comment]
    assert found(VerbatimFilters(q="letter")) == [english.comment]
    hit = verbatim_search(VerbatimFilters(q="brieven")).hits[0]
    assert (hit.language, hit.highlight) == (
        "nl",
        "Ik ben nooit teruggebeld, de <mark>brieven</mark> waren onduidelijk.",
    )
