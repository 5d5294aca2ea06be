"""Keys and aliases on write: unique where they must be (journeys.keys), with a message that names the journey,
stage or touchpoint that holds the key already, never the database's IntegrityError.

Archived parts count too: answers still arrive for them by their keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from journeys.keys import fill_keys, normalise_alias, validate_aliases
from journeys.models import Journey, Stage, Touchpoint

# The unique constraints on keys (journeys.models), and the field whose error a collision is.
KEY_CONSTRAINTS = ("journey_unique_key", "stage_unique_key_in_journey", "touchpoint_unique_key_in_journey")


def clean_aliases(aliases: Any) -> list[str]:
    """The aliases as stored: each stripped, inner spaces as one, a repeated one (regardless of case) once.
    Refuses (ValidationError on `aliases`) what journeys.keys.validate_aliases refuses."""
    try:
        validate_aliases(aliases)
    except ValidationError as error:
        raise ValidationError({"aliases": error.messages}) from None
    cleaned: list[str] = []
    seen: set[str] = set()
    for alias in aliases:
        text = " ".join(alias.split())
        if normalise_alias(text) not in seen:
            seen.add(normalise_alias(text))
            cleaned.append(text)
    return cleaned


def check_journey_key(journey: Journey) -> None:
    """A journey without a key gets one from its name; a key another journey holds is refused."""
    if not journey.key:
        journey.fill_key()
        return
    holder = journey.key_siblings().order_by().filter(key=journey.key).only("name").first()
    if holder is not None:
        raise ValidationError(
            {
                "key": _("The journey “%(name)s” has the key “%(key)s” already: choose another.")
                % {"name": holder.name, "key": journey.key}
            }
        )


def check_stage_key(stage: Stage) -> None:
    """A stage without a key gets one from its name; a key another stage of its journey holds is refused."""
    if not stage.key:
        stage.fill_key()
        return
    holder = stage.key_siblings().order_by().filter(key=stage.key).only("name").first()
    if holder is not None:
        raise ValidationError(
            {
                "key": _("The stage “%(name)s” of this journey has the key “%(key)s” already: choose another.")
                % {"name": holder.name, "key": stage.key}
            }
        )


def check_touchpoint_keys(touchpoint: Touchpoint) -> None:
    """A touchpoint without a key gets one from its name. Its key may be neither the key nor an alias of another
    touchpoint of its journey, nor may its aliases: a survey tool's code must name one touchpoint. One query."""
    touchpoint.aliases = clean_aliases(touchpoint.aliases or [])
    others = list(
        Touchpoint.all_objects.filter(journey_id=touchpoint.journey_id)
        .exclude(pk=touchpoint.pk)
        .order_by("position", "pk")
        .values_list("name", "key", "aliases")
    )
    if not touchpoint.key:
        fill_keys([touchpoint], taken={key for _name, key, _aliases in others}, fallback="touchpoint")
    errors: dict[str, list[str]] = {}
    by_key = {key: name for name, key, _aliases in others if key}
    by_alias: dict[str, str] = {}
    for name, _key, aliases in others:
        for alias in aliases or ():
            by_alias.setdefault(normalise_alias(alias), name)
    if touchpoint.key in by_key:
        errors["key"] = [
            _("The touchpoint “%(name)s” of this journey has the key “%(key)s” already: choose another.")
            % {"name": by_key[touchpoint.key], "key": touchpoint.key}
        ]
    elif touchpoint.key in by_alias:
        errors["key"] = [
            _("“%(key)s” is an alias of the touchpoint “%(name)s” of this journey: choose another key.")
            % {"name": by_alias[touchpoint.key], "key": touchpoint.key}
        ]
    alias_errors = []
    for alias in touchpoint.aliases:
        normal = normalise_alias(alias)
        if normal in by_key:
            alias_errors.append(
                _("The alias “%(alias)s” is the key of the touchpoint “%(name)s” of this journey.")
                % {"alias": alias, "name": by_key[normal]}
            )
        elif normal in by_alias:
            alias_errors.append(
                _("The alias “%(alias)s” is an alias of the touchpoint “%(name)s” of this journey already.")
                % {"alias": alias, "name": by_alias[normal]}
            )
    if alias_errors:
        errors["aliases"] = alias_errors
    if errors:
        raise ValidationError(errors)


@contextmanager
def key_collision_refused() -> Iterator[None]:
    """A write that met a key someone else took between the check and the write (a unique constraint on keys)
    is refused like the check refuses it: a ValidationError on `key`, not a 500. No savepoint of its own: every
    service that writes keys is atomic, and the error leaves it, rolling it back."""
    try:
        yield
    except IntegrityError as error:
        if not any(name in str(error) for name in KEY_CONSTRAINTS):
            raise
        raise ValidationError(
            {"key": _("Someone else gave this key to another part at the same moment: choose another.")}
        ) from None
