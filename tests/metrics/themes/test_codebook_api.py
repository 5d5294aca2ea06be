"""/api/v1/themes/: everyone reads the codebook, CX editors and admins change it; rules nested and written whole;
stale edits are a 409; a fixed number of queries."""

from __future__ import annotations

import pytest

from metrics.models import ResponseTheme, Theme
from metrics.permissions import NOT_A_CODEBOOK_EDITOR
from metrics.themes.services import RuleInput, theme_create
from tests.metrics.factories import SurveyResponseFactory, ThemeRuleFactory

JSON = "application/json"
API = "/api/v1/themes/"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("retags")]

NEW = {
    "name_en": "Not called back",
    "name_nl": "Niet teruggebeld",
    "colour": "#b45309",
    "sentiment": "negative",
    "rules": [
        {"language": "nl", "mode": "negated", "phrase": "teruggebeld"},
        {"language": "en", "mode": "negated", "phrase": "called back"},
    ],
}


def _theme() -> Theme:
    return theme_create(name_en="Waiting time", name_nl="Wachttijd", rules=[RuleInput("nl", "mention", "wachten")])


def test_an_editor_creates_a_theme_with_its_rules(client_of, cx_editor, retags):
    response = client_of(cx_editor).post(API, NEW, JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["key"], data["name"], data["version"], data["sentiment_display"]) == (
        "not-called-back",
        "Not called back",
        1,
        "Negative",
    )
    assert data["rules"] == NEW["rules"]
    assert retags == [2]


def test_the_name_follows_the_language_of_the_request(client_of, process_owner):
    _theme()
    response = client_of(process_owner).get(API, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.json()["results"][0]["name"] == "Wachttijd"


def test_bad_rules_are_refused_naming_the_rule(client_of, cx_editor):
    client = client_of(cx_editor)
    response = client.post(API, {**NEW, "rules": [{"language": "nl", "mode": "exclude", "phrase": "viel mee"}]}, JSON)
    assert response.status_code == 400
    assert response.json()["rules"] == [
        "An active theme needs at least one rule that finds it (mentioned, or mentioned as missing)."
    ]
    response = client.post(API, {**NEW, "rules": [{"language": "nl", "mode": "mention", "phrase": "*"}]}, JSON)
    assert response.json()["rules"] == ["Rule 1: the phrase needs at least one word."]
    response = client.post(API, {**NEW, "rules": [{"language": "de", "mode": "mention", "phrase": "x"}]}, JSON)
    assert response.json()["rules"] == {"0": {"language": ['"de" is not a valid choice.']}}
    response = client.post(API, {k: v for k, v in NEW.items() if k != "rules"}, JSON)
    assert response.json()["rules"] == ["Send the theme's rules."]
    assert not Theme.objects.exists()


def test_a_name_taken_in_another_case_is_refused(client_of, cx_editor):
    _theme()
    response = client_of(cx_editor).post(API, {**NEW, "name_nl": "WACHTTIJD"}, JSON)
    assert response.status_code == 400
    assert response.json() == {"name_nl": ["Another theme is already called “WACHTTIJD” in Dutch."]}


def test_a_patch_replaces_the_rules_only_when_sent(client_of, cx_editor):
    theme = _theme()
    client = client_of(cx_editor)
    response = client.patch(f"{API}{theme.pk}/", {"version": 1, "colour": "#123456"}, JSON)
    assert response.status_code == 200, response.json()
    assert response.json()["rules"] == [{"language": "nl", "mode": "mention", "phrase": "wachten"}]
    rules = [{"language": "en", "mode": "mention", "phrase": "waiting"}]
    response = client.patch(f"{API}{theme.pk}/", {"version": 2, "rules": rules}, JSON)
    assert (response.json()["rules"], response.json()["version"]) == (rules, 3)


def test_a_stale_edit_is_a_409_with_the_theme_as_it_is(client_of, cx_editor):
    theme = _theme()
    client = client_of(cx_editor)
    client.patch(f"{API}{theme.pk}/", {"version": 1, "name_en": "Theirs"}, JSON)
    response = client.patch(f"{API}{theme.pk}/", {"version": 1, "name_en": "Mine"}, JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version"
    assert "Someone else changed this in the meantime" in body["detail"]
    assert (body["current"]["name_en"], body["current"]["version"]) == ("Theirs", 2)
    response = client.patch(f"{API}{theme.pk}/", {"name_en": "Mine"}, JSON)
    assert response.json() == {"version": ["Send the version your change is based on."]}


def test_a_delete_removes_the_mentions(client_of, admin_user):
    theme = _theme()
    response = SurveyResponseFactory(comment="wachten")
    ResponseTheme.objects.create(
        response=response, theme=theme, journey_id=response.journey_id, day=response.day, metric="nps", score=2
    )
    client = client_of(admin_user)
    assert client.delete(f"{API}{theme.pk}/?version=9").status_code == 409
    assert client.delete(f"{API}{theme.pk}/?version=1").status_code == 204
    assert not Theme.objects.exists() and not ResponseTheme.objects.exists()


def test_readers_read_but_cannot_write(client_of, process_owner, manager):
    theme = _theme()
    for user in (process_owner, manager):
        client = client_of(user)
        assert client.get(f"{API}{theme.pk}/").json()["rules"][0]["phrase"] == "wachten"
        for response in (
            client.post(API, NEW, JSON),
            client.patch(f"{API}{theme.pk}/", {"version": 1, "name_en": "x"}, JSON),
            client.delete(f"{API}{theme.pk}/"),
        ):
            assert response.status_code == 403
            assert response.json()["detail"] == str(NOT_A_CODEBOOK_EDITOR)
    assert Theme.objects.get().name_en == "Waiting time"


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_runs_a_fixed_number_of_queries(client_of, process_owner, django_assert_num_queries, count):
    Theme.objects.bulk_create([Theme(key=f"t{i}", name_en=f"T{i:03}", name_nl=f"T{i:03}") for i in range(count)])
    for theme in Theme.objects.all():
        ThemeRuleFactory(theme=theme)
    client = client_of(process_owner)
    # session, user, count, the page of themes, their rules
    with django_assert_num_queries(5):
        response = client.get(API)
    assert len(response.json()["results"]) == min(count, 50)
