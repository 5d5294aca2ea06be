"""The codebook's writes: themes with their rules, validated with messages that name the field or the rule's row,
stale edits refused, deletion with the theme's mentions, the starter codebook; each asks for a retagging."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cxplatform.lib.versioning import StaleVersion
from metrics.models import ResponseTheme, Theme, ThemeRule
from metrics.themes.services import RuleInput, codebook_load_starter, theme_create, theme_delete, theme_update
from metrics.themes.starter import STARTER_THEMES
from tests.metrics.factories import SurveyResponseFactory, ThemeFactory, ThemeRuleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("retags")]

WAIT = RuleInput("nl", "mention", "lang wachten")


def _create(**fields) -> Theme:
    values = {"name_en": "Waiting time", "name_nl": "Wachttijd", "rules": [WAIT], **fields}
    return theme_create(**values)


def _messages(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict


def test_a_theme_is_created_with_its_rules_in_order_and_a_retagging_asked(retags):
    theme = _create(rules=[WAIT, RuleInput("en", "negated", "called back"), RuleInput("nl", "exclude", "viel mee")])
    assert theme.key == "waiting-time"
    assert list(theme.rules.values_list("position", "language", "mode", "phrase")) == [
        (0, "nl", "mention", "lang wachten"),
        (1, "en", "negated", "called back"),
        (2, "nl", "exclude", "viel mee"),
    ]
    assert retags == [2]


def test_it_requires_both_names_and_refuses_a_name_taken_whatever_the_case():
    with pytest.raises(ValidationError) as blank:
        _create(name_en="  ", name_nl="")
    assert set(_messages(blank.value)) == {"name_en", "name_nl"}
    _create()
    with pytest.raises(ValidationError) as taken:
        _create(name_en="WAITING TIME", name_nl="Wachten")
    assert _messages(taken.value) == {"name_en": ["Another theme is already called “WAITING TIME” in English."]}
    # The same Dutch name as another theme's English one is no clash: names are unique per language.
    _create(name_en="Long wait", name_nl="Waiting time")


def test_an_active_theme_needs_a_rule_that_finds_it_but_an_inactive_one_does_not():
    with pytest.raises(ValidationError) as only_exclusions:
        _create(rules=[RuleInput("nl", "exclude", "viel mee")])
    assert _messages(only_exclusions.value)["rules"] == [
        "An active theme needs at least one rule that finds it (mentioned, or mentioned as missing)."
    ]
    assert _create(rules=[], active=False).rules.count() == 0


def test_the_rule_messages_name_the_row():
    long = "wacht " * 25
    with pytest.raises(ValidationError) as error:
        _create(rules=[WAIT, RuleInput("nl", "mention", "  * - "), RuleInput("fr", "mention", long.strip())])
    assert _messages(error.value)["rules"] == [
        "Rule 2: the phrase needs at least one word.",
        "Rule 3: choose the language, Dutch or English.",
        "Rule 3: the phrase has 149 characters; at most 120.",
    ]
    assert not Theme.objects.exists()


def test_the_colour_must_be_hex():
    with pytest.raises(ValidationError) as error:
        _create(colour="red")
    assert _messages(error.value) == {"colour": ["Enter a colour as #RRGGBB."]}


def test_an_edit_replaces_the_rules_and_raises_the_version(retags):
    theme = _create(rules=[WAIT, RuleInput("nl", "mention", "wachttijd")])
    updated = theme_update(
        theme=theme, expected_version=1, name_en="Long waits", rules=[RuleInput("en", "mention", "waiting")]
    )
    theme.refresh_from_db()
    assert (theme.name_en, theme.version, updated.version) == ("Long waits", 2, 2)
    assert list(theme.rules.values_list("language", "phrase")) == [("en", "waiting")]
    assert retags == [2, 3]


def test_an_edit_without_rules_keeps_them_and_still_checks_them():
    theme = _create(rules=[RuleInput("nl", "exclude", "viel mee"), WAIT])
    theme_update(theme=theme, expected_version=1, colour="#0F766E")
    theme.refresh_from_db()
    assert theme.colour == "#0f766e"
    assert theme.rules.count() == 2
    ThemeRule.objects.filter(theme=theme, mode="mention").delete()
    with pytest.raises(ValidationError) as error:
        theme_update(theme=theme, expected_version=2, description="Only an exclusion left")
    assert "rules" in _messages(error.value)


def test_a_stale_edit_is_refused_and_nothing_changes(retags):
    theme = _create()
    theme_update(theme=Theme.objects.get(pk=theme.pk), expected_version=1, name_en="Theirs")
    with pytest.raises(StaleVersion) as stale:
        theme_update(
            theme=Theme.objects.get(pk=theme.pk),
            expected_version=1,
            name_en="Mine",
            rules=[RuleInput("en", "mention", "mine")],
        )
    assert stale.value.current.name_en == "Theirs"
    theme.refresh_from_db()
    assert (theme.name_en, theme.version) == ("Theirs", 2)
    assert list(theme.rules.values_list("phrase", flat=True)) == ["lang wachten"]
    assert retags == [2]  # the create's; a new name tags nothing again, and the stale edit saved nothing


def test_only_a_change_to_what_matches_tags_every_comment_again(retags):
    theme = _create(rules=[WAIT, RuleInput("nl", "mention", "wachttijd")])
    assert retags == [2]
    renamed = theme_update(theme=theme, expected_version=1, name_en="Queueing", colour="#123456")
    assert retags == [2]
    reordered = theme_update(theme=renamed, expected_version=2, rules=[RuleInput("nl", "mention", "wachttijd"), WAIT])
    assert retags == [2]
    assert list(reordered.rules.values_list("phrase", flat=True)) == ["wachttijd", WAIT.phrase]
    edited = theme_update(theme=reordered, expected_version=3, rules=[RuleInput("nl", "mention", "wachttijd")])
    assert retags == [2, 3]
    theme_update(theme=edited, expected_version=4, active=False)
    assert retags == [2, 3, 4]


def test_a_theme_can_keep_its_own_name_in_another_case():
    theme = _create()
    theme_update(theme=theme, expected_version=1, name_en="waiting TIME")
    assert Theme.objects.get().name_en == "waiting TIME"


def _mention(theme: Theme, response) -> ResponseTheme:
    return ResponseTheme.objects.create(
        response=response,
        theme=theme,
        journey_id=response.journey_id,
        day=response.day,
        metric=response.metric,
        score=response.score,
    )


def test_deleting_a_theme_removes_its_mentions_and_rules_but_not_the_others(retags):
    theme, other = _create(), ThemeFactory()
    ThemeRuleFactory(theme=other)
    responses = SurveyResponseFactory.create_batch(3, comment="lang wachten")
    for response in responses:
        _mention(theme, response)
    kept = _mention(other, responses[0])
    assert theme_delete(theme=theme, expected_version=1) == 3
    assert not Theme.objects.filter(pk=theme.pk).exists()
    assert not ThemeRule.objects.filter(theme_id=theme.pk).exists()
    assert list(ResponseTheme.objects.all()) == [kept]
    assert other.rules.count() == 1
    assert retags == [2, 3]


def test_a_stale_delete_is_refused():
    theme = _create()
    theme_update(theme=theme, expected_version=1, description="Changed")
    with pytest.raises(StaleVersion):
        theme_delete(theme=Theme.objects.get(pk=theme.pk), expected_version=1)
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_the_starter_codebook_loads_into_an_empty_codebook_once(cx_editor, process_owner, retags):
    with pytest.raises(PermissionDenied):
        codebook_load_starter(user=process_owner)
    assert codebook_load_starter(user=cx_editor) == len(STARTER_THEMES) >= 20
    assert retags == [2]
    with pytest.raises(ValidationError) as again:
        codebook_load_starter(user=cx_editor)
    assert again.value.messages == ["The codebook has themes already: the starter codebook loads into an empty one."]
    assert Theme.objects.count() == len(STARTER_THEMES)
