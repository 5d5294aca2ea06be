"""Suggested themes: comments no theme matches, clustered (TF-IDF, NMF) deterministically, and a theme made from a
suggestion in two clicks."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from metrics.models import ResponseTheme, Theme, Verbatim
from metrics.themes.suggestions import cluster_comments, suggest_themes, theme_prefill, unmatched_comments
from tests.metrics.factories import SurveyResponseFactory, ThemeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("retags")]

PARKING = [
    "Geen parkeerplaats bij het kantoor, twintig minuten rondgereden.",
    "Parkeren bij het kantoor is een drama, parkeerplaats vol.",
    "De parkeerplaats was vol en parkeren kost veel geld.",
    "Parkeerplaats te klein, parkeren in de wijk.",
]
APP = [
    "Inloggen in de app lukt niet, steeds een foutmelding.",
    "De app geeft een foutmelding bij het inloggen.",
    "Kan niet inloggen, de app blijft hangen.",
    "Foutmelding in de app na de update, inloggen onmogelijk.",
]
INVOICE = [
    "De factuur klopte niet, het bedrag was te hoog.",
    "Verkeerd bedrag op de factuur gezet.",
    "Factuur met een te hoog bedrag ontvangen.",
    "Het bedrag op de factuur was dubbel.",
]


def _comments(texts: list[str], times: int, language: str = "nl") -> list[int]:
    ids = []
    for i in range(times):
        for text in texts:
            response = SurveyResponseFactory(comment=f"{text} ({i})")
            Verbatim.objects.create(response=response, language=language, version=1)
            ids.append(response.pk)
    return ids


@pytest.fixture
def unmatched():
    return _comments(PARKING, 4) + _comments(APP, 4) + _comments(INVOICE, 3)


def _topic(text: str) -> str:
    for name, texts in (("parking", PARKING), ("app", APP), ("invoice", INVOICE)):
        if any(text.startswith(t) for t in texts):
            return name
    raise AssertionError(text)


def test_the_comments_no_theme_matches_are_clustered_by_what_they_are_about(unmatched):
    result = suggest_themes()
    assert result.considered == len(unmatched) == 44
    sizes = {"parking": 0, "app": 0, "invoice": 0}
    for cluster in result.clusters:
        # Each suggestion is about one thing: its examples all are, and so are its top terms.
        topics = {_topic(example.text) for example in cluster.examples}
        assert len(topics) == 1, cluster
        assert 3 <= len(cluster.examples) <= 5 and cluster.language == "nl"
        sizes[topics.pop()] += cluster.size
    assert sizes == {"parking": 16, "app": 16, "invoice": 12}
    top = {term for cluster in result.clusters for term in cluster.terms[:3]}
    assert {"parkeerplaats", "app", "factuur"} <= top
    assert not {"de", "het", "een", "bij", "the"} & {t for c in result.clusters for t in c.terms}
    # The biggest first.
    assert [c.size for c in result.clusters] == sorted((c.size for c in result.clusters), reverse=True)


def test_the_same_comments_give_the_same_suggestions(unmatched):
    comments = unmatched_comments()
    first, second = cluster_comments(comments), cluster_comments(list(comments))
    assert first == second
    assert suggest_themes() == first


def test_comments_a_theme_matches_are_left_out(unmatched):
    theme = ThemeFactory()
    for verbatim in Verbatim.objects.filter(response__comment__icontains="factuur").select_related("response"):
        response = verbatim.response
        ResponseTheme.objects.create(
            response=response, theme=theme, journey_id=response.journey_id, day=response.day, metric="nps", score=3
        )
    result = suggest_themes()
    assert result.considered == 32
    assert not any("factuur" in cluster.terms for cluster in result.clusters)


def test_too_few_unmatched_comments_is_said_plainly(client_of, process_owner):
    _comments(PARKING, 2)
    response = client_of(process_owner).get(reverse("metrics:theme-suggestions"))
    assert "Nothing to suggest yet" in response.content.decode()
    assert not suggest_themes().clusters


def test_a_suggestion_becomes_a_theme_in_two_clicks(client_of, cx_editor, unmatched, retags):
    client = client_of(cx_editor)
    page = client.get(reverse("metrics:theme-suggestions")).content.decode()
    links = re.findall(r'<a class="btn btn-primary" href="([^"]+)">Create a theme</a>', page)
    assert len(links) == len(suggest_themes().clusters) >= 3
    invoice = next(link for link in links if "factuur" in link)
    # Click one: the new-theme form, prefilled.
    form = client.get(invoice.replace("&amp;", "&"))
    assert (
        form.context["form"].initial["name_en"].startswith("Factuur")
        or "factuur" in form.context["form"].initial["name_en"].lower()
    )
    formset = form.context["formset"]
    data = {
        **{k: v for k, v in form.context["form"].initial.items() if v is not None},
        "colour": "#6b7280",
        "sentiment": "negative",
        "active": "on",
        "rules-TOTAL_FORMS": str(len(formset.forms)),
        "rules-INITIAL_FORMS": str(formset.initial_form_count()),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "60",
    }
    for i, row in enumerate(formset.forms):
        for name in ("language", "mode", "phrase"):
            value = row.initial.get(name, row.fields[name].initial)
            data[f"rules-{i}-{name}"] = "" if value is None else value
    # Click two: Save, as it is.
    response = client.post(reverse("metrics:theme-create"), data)
    assert response.status_code == 302, response.context["form"].errors
    theme = Theme.objects.get()
    phrases = list(theme.rules.values_list("language", "mode", "phrase"))
    assert ("nl", "mention", "factuur") in phrases
    assert retags == [2]


def test_the_prefill_keeps_only_usable_terms():
    prefill = theme_prefill(terms=["Te  Laat", "te laat", "*", "x" * 200, "bezorging"], language="fr")
    assert prefill.name == "Te laat / bezorging"
    assert [(r.language, r.phrase) for r in prefill.rules] == [("nl", "te laat"), ("nl", "bezorging")]


def test_a_reader_sees_suggestions_but_cannot_make_a_theme_of_one(client_of, process_owner, unmatched):
    client = client_of(process_owner)
    page = client.get(reverse("metrics:theme-suggestions")).content.decode()
    assert "parkeerplaats" in page and "Create a theme" not in page
    assert client.get(reverse("metrics:theme-from-suggestion") + "?terms=app").status_code == 403


@pytest.mark.parametrize("times", [1, 12])
def test_the_page_runs_a_fixed_number_of_queries(client_of, process_owner, django_assert_num_queries, times):
    _comments(PARKING + APP + INVOICE, times)
    client = client_of(process_owner)
    # session, user, the most recent unmatched comments
    with django_assert_num_queries(3):
        response = client.get(reverse("metrics:theme-suggestions"))
    assert bool(response.context["result"].clusters) == (times > 1)


def test_the_suggestions_are_cached_until_the_codebook_or_the_comments_change(settings, unmatched, monkeypatch):
    from django.core.cache import cache

    from metrics.themes import suggestions

    settings.REPORT_CACHE_SECONDS = 600
    cache.clear()
    runs = []
    real = suggestions.cluster_comments
    monkeypatch.setattr(suggestions, "cluster_comments", lambda comments: runs.append(1) or real(comments))
    first = suggest_themes()
    assert suggest_themes() == first and len(runs) == 1
    _comments(["Nieuwe opmerking over de parkeerplaats."], 1)
    suggest_themes()
    assert len(runs) == 2
    cache.clear()


def test_a_stock_phrase_is_shown_once_among_a_suggestions_examples():
    for _ in range(12):
        response = SurveyResponseFactory(comment="Prima geholpen, verder geen opmerkingen.")
        Verbatim.objects.create(response=response, language="nl", version=1)
    _comments(PARKING, 4) + _comments(APP, 4)
    [stock] = [c for c in suggest_themes(use_cache=False).clusters if "opmerkingen" in " ".join(c.terms)]
    assert stock.size == 12
    assert [example.text for example in stock.examples] == ["Prima geholpen, verder geen opmerkingen."]


def test_comments_of_a_few_words_are_not_suggested(unmatched):
    for text in ("Was oké.", "Geen bijzonderheden.", "Average, as expected."):
        for _ in range(10):
            response = SurveyResponseFactory(comment=text)
            Verbatim.objects.create(response=response, language="nl", version=1)
    result = suggest_themes(use_cache=False)
    assert result.considered == len(unmatched)
    shown = {example.text for cluster in result.clusters for example in cluster.examples}
    assert not {"Was oké.", "Geen bijzonderheden.", "Average, as expected."} & shown
