"""Keys people can read: the stable, editable slug of a journey, stage or touchpoint (`report-a-claim`,
`claim-by-phone`) that imports, the API and survey tools may use wherever they may use the numeric id.

A journey's key is unique among all journeys (archived ones too: answers still arrive for them); a stage's and
a touchpoint's among those of their journey, so that a journey key and a touchpoint key name one touchpoint. A key
always holds a letter, so that "12" is an id and never a key. Touchpoints also carry aliases: the names or codes
other systems use for them, matched without regard to case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

KEY_MAX_LENGTH = 80
ALIAS_MAX_LENGTH = 100
MAX_ALIASES = 20
KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Valid and not all digits: "12" would read as an id.
_HAS_LETTER = re.compile(r"[a-z]")


def validate_key(value: str) -> None:
    if not KEY_PATTERN.fullmatch(value) or not _HAS_LETTER.search(value):
        raise ValidationError(
            _("Use lower-case letters, digits and hyphens, with at least one letter (for example claim-by-phone)."),
            code="invalid_key",
        )


def normalise_alias(value: str) -> str:
    """How an alias (or any name) is compared: without surrounding space, case-folded, inner spaces as one."""
    return " ".join(value.split()).casefold()


def validate_aliases(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(alias, str) for alias in value):
        raise ValidationError(_("Aliases are a list of texts."), code="invalid_aliases")
    if len(value) > MAX_ALIASES:
        raise ValidationError(_("At most %(max)d aliases.") % {"max": MAX_ALIASES}, code="too_many_aliases")
    for alias in value:
        if not alias.strip():
            raise ValidationError(_("An alias cannot be empty."), code="empty_alias")
        if len(alias) > ALIAS_MAX_LENGTH:
            raise ValidationError(
                _("An alias has at most %(max)d characters.") % {"max": ALIAS_MAX_LENGTH}, code="long_alias"
            )


def key_base(text: str, fallback: str) -> str:
    """The key a name would get, before making it unique: ASCII, lower case, hyphens; `fallback` when the name
    has no letter or digit, prefixed by `fallback` when it has no letter ("2025" -> "stage-2025")."""
    base = slugify(text)[: KEY_MAX_LENGTH - 4].strip("-")
    if not base:
        return fallback
    if not _HAS_LETTER.search(base):
        return f"{fallback}-{base}"[: KEY_MAX_LENGTH - 4].strip("-")
    return base


def unique_key(text: str, taken: set[str], *, fallback: str) -> str:
    """A key for `text` that is not in `taken` (then added to it): the base, or the base with -2, -3, ..."""
    base = key_base(text, fallback)
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    taken.add(key)
    return key


def fill_keys(objects: Iterable[Any], *, taken: Iterable[str] = (), fallback: str) -> None:
    """Give every object without a key one made from its name, unique among `taken` and each other (for bulk
    creation, which calls no save())."""
    objects = list(objects)
    used = set(taken) | {obj.key for obj in objects if obj.key}
    for obj in objects:
        if not obj.key:
            obj.key = unique_key(obj.name, used, fallback=fallback)
