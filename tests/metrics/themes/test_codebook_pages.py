"""The codebook pages: the list, the editor with its rules and live preview, deletion, the starter codebook, and
who may change what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from metrics.models import ResponseTheme, Theme
from metrics.themes.services import RuleInput, theme_create, theme_update
from tests.metrics.factories import SurveyResponseFactory, ThemeFactory, ThemeRuleFactory
from tests.metrics.themes.codebook_support import WAITING_COMMENTS
from tests.stale_forms import hidden_value

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("retags")]

LIST = reverse("metrics:theme-list")
CREATE = reverse("metrics:theme-create")
PREVIEW = reverse("metrics:theme-preview")


def form_data(rules: list[tuple[str, str, str]], *, initial: int = 0, version: int | None = None, **fields) -> dict:
    data = {
        "name_en": "Waiting time",
        "name_nl": "Wachttijd",
        "colour": "#b91c1c",
        "sentiment": "negative",
        "description": "",
        "active": "on",
        "rules-TOTAL_FORMS": str(len(rules)),
        "rules-INITIAL_FORMS": str(initial),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "60",
        **fields,
    }
    if version is not None:
        data["version"] = str(version)
    for i, (language, mode, phrase) in enumerate(rules):
        data |= {f"rules-{i}-language": language, f"rules-{i}-mode": mode, f"rules-{i}-phrase": phrase}
    return data


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _theme(name: str = "Waiting time", **fields) -> Theme:
    return theme_create(
        name_en=name, name_nl=fields.pop("name_nl", name + " (nl)"), rules=[RuleInput("nl", "mention", "wachten")]
    )


def _mention(theme: Theme, days_ago: int = 1) -> None:
    response = SurveyResponseFactory(comment="lang wachten", responded_at=timezone.now() - timedelta(days=days_ago))
    ResponseTheme.objects.create(
        response=response, theme=theme, journey_id=response.journey_id, day=response.day, metric="nps", score=3
    )


# The list


def test_the_list_shows_each_theme_with_its_rules_and_recent_mentions(client_of, cx_editor):
    theme = _theme()
    ThemeRuleFactory(theme=theme, phrase="wachttijd", position=1)
    _mention(theme), _mention(theme), _mention(theme, days_ago=200)
    ThemeFactory(name_en="Friendly staff", name_nl="Vriendelijk personeel", active=False)
    response = client_of(cx_editor).get(LIST)
    rows = {t.name_en: t for t in response.context["themes"]}
    assert (rows["Waiting time"].rule_count, rows["Waiting time"].recent_mentions) == (2, 2)
    assert (rows["Friendly staff"].rule_count, rows["Friendly staff"].recent_mentions) == (0, 0)
    page = text_of(response)
    assert "Mentions, last 90 days" in page
    assert f'href="{CREATE}"' in page
    assert f'href="{reverse("metrics:theme-suggestions")}"' in page


def test_the_list_names_the_themes_in_dutch_for_a_dutch_reader(client_of, process_owner):
    ThemeFactory(name_en="Waiting time", name_nl="Wachttijd")
    ThemeFactory(name_en="Apple", name_nl="Zwaar")
    response = client_of(process_owner).get(LIST, HTTP_ACCEPT_LANGUAGE="nl")
    page = text_of(response)
    assert page.index("Wachttijd") < page.index("Zwaar")


def test_a_reader_sees_the_codebook_without_edit_buttons(client_of, process_owner):
    _theme()
    page = text_of(client_of(process_owner).get(LIST))
    assert "Waiting time" in page
    assert f'href="{CREATE}"' not in page


def test_the_empty_codebook_offers_the_starter_codebook_to_editors_only(client_of, cx_editor, process_owner):
    starter = reverse("metrics:theme-starter")
    assert "Load the starter codebook" in text_of(client_of(cx_editor).get(LIST))
    page = text_of(client_of(process_owner).get(LIST))
    assert "No themes yet" in page and starter not in page


def test_the_starter_codebook_is_loaded_by_an_editor(client_of, cx_editor):
    response = client_of(cx_editor).post(reverse("metrics:theme-starter"), follow=True)
    count = Theme.objects.count()
    assert count >= 20
    assert f"The starter codebook is loaded: {count} themes." in text_of(response)
    assert "Load the starter codebook" not in text_of(response)


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_runs_a_fixed_number_of_queries(client_of, cx_editor, django_assert_num_queries, count):
    Theme.objects.bulk_create(
        [Theme(key=f"t{i}", name_en=f"Theme {i:03}", name_nl=f"Thema {i:03}") for i in range(count)]
    )
    for theme in Theme.objects.all()[:2]:
        ThemeRuleFactory(theme=theme)
        _mention(theme)
    client = client_of(cx_editor)
    # session, user, count, the page of themes (+ their rule counts), their mentions of the last 90 days, the
    # tagging's progress (one query)
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert len(response.context["themes"]) == min(count, 50)


# The editor


def test_an_editor_creates_a_theme_with_its_rules(client_of, cx_editor, retags):
    data = form_data([("nl", "mention", "lang wachten"), ("nl", "exclude", "viel mee"), ("nl", "mention", "")])
    response = client_of(cx_editor).post(CREATE, data, follow=True)
    assert "Theme “Waiting time” created." in text_of(response)
    theme = Theme.objects.get()
    assert list(theme.rules.values_list("mode", "phrase")) == [("mention", "lang wachten"), ("exclude", "viel mee")]
    assert retags == [2]


def test_the_editor_shows_what_is_wrong_at_the_field_and_the_rule(client_of, cx_editor):
    _theme()
    data = form_data([("nl", "mention", "-- *"), ("nl", "exclude", "viel mee")], name_en="waiting TIME")
    response = client_of(cx_editor).post(CREATE, data)
    assert response.status_code == 422
    assert response.context["formset"].forms[0].errors == {"phrase": ["Give at least one word."]}
    data = form_data([("nl", "exclude", "viel mee")], name_en="waiting TIME")
    response = client_of(cx_editor).post(CREATE, data)
    page = text_of(response)
    assert "Another theme is already called “waiting TIME” in English." in page
    assert "An active theme needs at least one rule that finds it" in page
    assert Theme.objects.count() == 1


def test_a_rule_row_is_added_without_javascript_and_nothing_is_saved(client_of, cx_editor):
    data = form_data([("nl", "mention", "wachten")], add_rule="1")
    response = client_of(cx_editor).post(CREATE, data)
    assert len(response.context["formset"].forms) == 2
    assert 'name="rules-1-phrase"' in text_of(response)
    assert not Theme.objects.exists()


def test_a_rule_is_removed_by_its_box(client_of, cx_editor):
    theme = _theme()
    data = form_data(
        [("nl", "mention", "wachten"), ("en", "mention", "waiting")],
        initial=1,
        version=theme.version,
        **{"rules-0-DELETE": "on"},
    )
    client_of(cx_editor).post(reverse("metrics:theme", args=[theme.pk]), data)
    assert list(theme.rules.values_list("phrase", flat=True)) == ["waiting"]


def test_a_stale_edit_keeps_the_users_name_and_rules(client_of, cx_editor):
    theme = _theme()
    url = reverse("metrics:theme", args=[theme.pk])
    client = client_of(cx_editor)
    opened = client.get(url)
    base = hidden_value(opened.content.decode(), "_base")
    theme_update(theme=Theme.objects.get(pk=theme.pk), expected_version=1, name_nl="Hun naam")
    data = form_data(
        [("en", "mention", "my new phrase")],
        initial=1,
        version=1,
        name_en="My name",
        name_nl="Waiting time (nl)",
        _base=base,
    )
    response = client.post(url, data)
    assert response.status_code == 409
    page = text_of(response)
    assert "Someone else changed this in the meantime." in page
    assert 'value="my new phrase"' in page and 'value="My name"' in page
    assert hidden_value(response.content.decode(), "version") == "2"
    theme.refresh_from_db()
    assert (theme.name_en, list(theme.rules.values_list("phrase", flat=True))) == ("Waiting time", ["wachten"])
    # Saving the kept input again succeeds.
    again = {k: v for k, v in response.context["form"].data.items()}
    client.post(url, again)
    theme.refresh_from_db()
    assert (theme.name_en, theme.name_nl, theme.version) == ("My name", "Hun naam", 3)
    assert list(theme.rules.values_list("phrase", flat=True)) == ["my new phrase"]


def test_a_reader_sees_a_theme_read_only_and_cannot_post(client_of, process_owner):
    theme = _theme()
    client = client_of(process_owner)
    page = text_of(client.get(reverse("metrics:theme", args=[theme.pk])))
    assert "wachten" in page and "disabled" in page
    assert "Save" not in page and PREVIEW not in page
    data = form_data([("nl", "mention", "x")], version=1)
    for url in (reverse("metrics:theme", args=[theme.pk]), CREATE, PREVIEW, reverse("metrics:theme-starter")):
        assert client.post(url, data).status_code == 403
    assert client.get(reverse("metrics:theme-delete", args=[theme.pk])).status_code == 403
    assert client.post(reverse("metrics:theme-delete", args=[theme.pk]), {"version": 1}).status_code == 403
    assert Theme.objects.get().name_en == "Waiting time"


@pytest.mark.parametrize("count", [2, 50])
def test_the_editor_runs_a_fixed_number_of_queries(client_of, cx_editor, django_assert_num_queries, count):
    theme = _theme()
    for i in range(count):
        ThemeRuleFactory(theme=theme, phrase=f"woord{i}", position=i + 1)
    client = client_of(cx_editor)
    # session, user, the theme, its rules
    with django_assert_num_queries(4):
        response = client.get(reverse("metrics:theme", args=[theme.pk]))
    assert len(response.context["formset"].forms) == count + 2  # its rules and an empty row


# The live preview


@pytest.mark.usefixtures("matching")
def test_the_preview_counts_and_highlights_what_the_rules_find(client_of, cx_editor):
    for text in WAITING_COMMENTS:
        SurveyResponseFactory(comment=text)
    SurveyResponseFactory(comment="<b>wachten</b> & meer")
    SurveyResponseFactory(comment="")
    client = client_of(cx_editor)
    response = client.post(PREVIEW, form_data([("nl", "mention", "wachten")]))
    page = text_of(response)
    assert "Matches 4 of the 7 most recent comments" in page
    assert "lang <mark>wachten</mark> aan de telefoon" in page
    assert "&lt;b&gt;<mark>wachten</mark>&lt;/b&gt; &amp; meer" in page
    assert "<b>" not in page

    response = client.post(PREVIEW, form_data([("nl", "mention", "wachten"), ("nl", "exclude", "viel mee")]))
    page = text_of(response)
    assert "Matches 3 of the 7 most recent comments" in page
    assert "1 excluded" in page
    assert 'class="excluded">viel mee</mark>' in page


@pytest.mark.usefixtures("matching")
def test_the_preview_of_no_rules_asks_for_a_phrase(client_of, cx_editor):
    SurveyResponseFactory(comment="lang wachten")
    page = text_of(
        client_of(cx_editor).post(PREVIEW, form_data([("nl", "exclude", "viel mee"), ("nl", "mention", "")]))
    )
    assert "Type a word or phrase in a rule" in page


@pytest.mark.usefixtures("matching")
@pytest.mark.parametrize("count", [2, 200])
def test_the_preview_runs_a_fixed_number_of_queries(client_of, cx_editor, django_assert_num_queries, count):
    SurveyResponseFactory.create_batch(count, comment="lang wachten")
    client = client_of(cx_editor)
    # session, user, the most recent comments
    with django_assert_num_queries(3):
        response = client.post(PREVIEW, form_data([("nl", "mention", "wachten")]))
    assert f"Matches {count} of the {count} most recent comments" in text_of(response)


# Deleting


def test_the_delete_page_says_how_many_mentions_go_and_deletes(client_of, cx_editor):
    theme = _theme()
    _mention(theme), _mention(theme), _mention(theme, days_ago=300)
    client = client_of(cx_editor)
    url = reverse("metrics:theme-delete", args=[theme.pk])
    assert "Its 3 mentions in the comments go too" in text_of(client.get(url))
    response = client.post(url, {"version": theme.version}, follow=True)
    assert "Theme “Waiting time” deleted." in text_of(response)
    assert not Theme.objects.exists() and not ResponseTheme.objects.exists()
