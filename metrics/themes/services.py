"""The codebook's writes: a theme with its rules created, edited (refused when stale), deleted with its mentions,
and the starter codebook loaded. Every write asks for every comment to be tagged again
(metrics.themes.tagging.retag_request), in the same transaction.

A theme's rules are given whole (`RuleInput`s, in their order) and replace the stored ones: the editor's
formset and the API's nested list both send the full list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cxplatform.accounts.models import User
from cxplatform.lib.unset import UNSET, Unset, given
from cxplatform.lib.versioning import lock_if_current, save_if_current
from metrics.models import Language, ResponseTheme, RuleMode, Theme, ThemeRule
from metrics.permissions import NOT_A_CODEBOOK_EDITOR, can_edit_codebook
from metrics.themes import starter, tagging

# The fields of a theme that its form and its service take, in the form's order (the rules apart).
THEME_FIELDS = ["name_en", "name_nl", "colour", "sentiment", "description", "active"]
PHRASE_MAX = ThemeRule._meta.get_field("phrase").max_length or 120
# A phrase needs a word: letters or digits (a lone "*" or "-" matches nothing).
_WORD = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True)
class RuleInput:
    language: str  # metrics.models.Language value
    mode: str  # metrics.models.RuleMode value
    phrase: str


def rule_problems(rules: Sequence[RuleInput]) -> list[str]:
    """What is wrong with each rule, as messages naming its row ("Rule 2: ..."), rows counted from 1."""
    problems = []
    languages, modes = set(Language.values), set(RuleMode.values)
    for row, rule in enumerate(rules, start=1):
        phrase = (rule.phrase or "").strip()
        if rule.language not in languages:
            problems.append(_("Rule %(row)s: choose the language, Dutch or English.") % {"row": row})
        if rule.mode not in modes:
            problems.append(_("Rule %(row)s: choose how the phrase counts.") % {"row": row})
        if not phrase or not _WORD.search(phrase):
            problems.append(_("Rule %(row)s: the phrase needs at least one word.") % {"row": row})
        elif len(phrase) > PHRASE_MAX:
            problems.append(
                _("Rule %(row)s: the phrase has %(length)s characters; at most %(max)s.")
                % {"row": row, "length": len(phrase), "max": PHRASE_MAX}
            )
    return problems


def _check(theme: Theme, rules: Sequence[RuleInput]) -> None:
    """The theme's own fields (full_clean), its names unique per language whatever the case, and its rules: each
    valid, and an active theme with at least one rule that finds it (an exclusion alone finds nothing)."""
    errors: dict[str, list[str]] = {}
    try:
        theme.full_clean(exclude=["key"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    others = Theme.objects.exclude(pk=theme.pk) if theme.pk else Theme.objects.all()
    for field, label in (("name_en", _("English")), ("name_nl", _("Dutch"))):
        name = (getattr(theme, field) or "").strip()
        if name and field not in errors and others.filter(**{f"{field}__iexact": name}).exists():
            errors.setdefault(field, []).append(
                _("Another theme is already called “%(name)s” in %(language)s.") % {"name": name, "language": label}
            )
    problems = rule_problems(rules)
    if not problems and theme.active and not any(rule.mode != RuleMode.EXCLUDE for rule in rules):
        problems.append(
            _("An active theme needs at least one rule that finds it (mentioned, or mentioned as missing).")
        )
    if problems:
        errors["rules"] = problems
    if errors:
        raise ValidationError(errors)


def _clean_fields(theme: Theme) -> None:
    theme.name_en = (theme.name_en or "").strip()
    theme.name_nl = (theme.name_nl or "").strip()
    theme.colour = (theme.colour or "").strip().lower()


def _unique_key(name: str) -> str:
    base = slugify(name)[:50] or "theme"
    key, n = base, 2
    while Theme.objects.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


def _replace_rules(theme: Theme, rules: Sequence[RuleInput]) -> None:
    # One by one through save()/delete(): a theme has a handful of rules, and each change is audited (signals).
    theme.rules.all().delete()
    for position, rule in enumerate(rules):
        ThemeRule.objects.create(
            theme=theme, language=rule.language, mode=rule.mode, phrase=rule.phrase.strip(), position=position
        )


@transaction.atomic
def theme_create(
    *,
    name_en: str,
    name_nl: str,
    rules: Sequence[RuleInput],
    colour: str = "#6b7280",
    sentiment: str = "negative",
    description: str = "",
    active: bool = True,
) -> Theme:
    """Add a theme with its rules; every comment is tagged again."""
    theme = Theme(
        name_en=name_en,
        name_nl=name_nl,
        colour=colour,
        sentiment=sentiment,
        description=description,
        active=active,
    )
    _clean_fields(theme)
    _check(theme, rules)
    theme.key = _unique_key(theme.name_en)
    theme.save()
    _replace_rules(theme, rules)
    tagging.retag_request()
    return theme


@transaction.atomic
def theme_update(
    *,
    theme: Theme,
    expected_version: int,
    name_en: str | Unset = UNSET,
    name_nl: str | Unset = UNSET,
    colour: str | Unset = UNSET,
    sentiment: str | Unset = UNSET,
    description: str | Unset = UNSET,
    active: bool | Unset = UNSET,
    rules: Sequence[RuleInput] | Unset = UNSET,
) -> Theme:
    """Change the fields given (and, when given, replace the rules with `rules`). Raises StaleVersion (nothing
    saved) when someone else changed the theme since `expected_version`. Every comment is tagged again when what
    decides the matching changed (the rules, or whether the theme is active); a new name or colour is shown at
    once, without re-tagging 300,000 comments."""
    rules_before = _rules(ThemeRule.objects.filter(theme=theme).order_by("position", "id"))
    active_before = theme.active
    changes = given(
        name_en=name_en, name_nl=name_nl, colour=colour, sentiment=sentiment, description=description, active=active
    )
    for field, value in changes.items():
        setattr(theme, field, value)
    _clean_fields(theme)
    if rules is UNSET:
        new_rules = [RuleInput(r.language, r.mode, r.phrase) for r in ThemeRule.objects.filter(theme=theme)]
    else:
        new_rules = list(rules)
    _check(theme, new_rules)
    theme.updated_at = timezone.now()
    save_if_current(theme, expected_version=expected_version, fields=[*THEME_FIELDS, "updated_at"])
    if rules is not UNSET and _rules(new_rules) != rules_before:
        _replace_rules(theme, new_rules)
    # Their order does not change what the rules match.
    if theme.active != active_before or sorted(_rules(new_rules)) != sorted(rules_before):
        tagging.retag_request()
    return theme


def _rules(rules: Iterable[RuleInput] | Iterable[ThemeRule]) -> list[tuple[str, str, str]]:
    return [(rule.language, rule.mode, rule.phrase.strip()) for rule in rules]


@transaction.atomic
def theme_delete(*, theme: Theme, expected_version: int | None = None) -> int:
    """Delete the theme, its rules and its mentions; returns how many mentions went. With `expected_version`,
    raises StaleVersion (nothing deleted) when someone else changed or deleted it since."""
    if expected_version is not None:
        theme = lock_if_current(theme, expected_version=expected_version)
    mentions = ResponseTheme.objects.filter(theme=theme)
    # Set-based (a theme can have 100,000 mentions): derived rows, no signals, not audited one by one.
    gone = mentions._raw_delete(mentions.db)
    theme.rules.all().delete()
    theme.delete()
    tagging.retag_request()
    return gone


@transaction.atomic
def codebook_load_starter(*, user: User | AnonymousUser) -> int:
    """Load the starter codebook (about 25 themes for service journeys, English and Dutch) into an empty
    codebook; returns how many themes it holds then. Refused when the codebook has themes already."""
    if not can_edit_codebook(user):
        raise PermissionDenied(NOT_A_CODEBOOK_EDITOR)
    if Theme.objects.exists():
        raise ValidationError(_("The codebook has themes already: the starter codebook loads into an empty one."))
    starter.load_starter_codebook()
    tagging.retag_request()
    return Theme.objects.count()
