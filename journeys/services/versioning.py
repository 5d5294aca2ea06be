"""Optimistic concurrency: a write names the version it was based on and is refused when that is stale."""

from collections.abc import Callable
from typing import TypeVar

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from .errors import StaleVersion

M = TypeVar("M", bound=models.Model)


def save_if_current(obj: M, *, expected_version: int, fields: list[str]) -> M:
    """Clean obj and write `fields` only if the stored version still equals expected_version; bump it."""
    obj.full_clean()
    model = type(obj)
    values = {name: getattr(obj, model._meta.get_field(name).attname) for name in fields}
    updated = model.objects.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1, **values)
    if not updated:
        raise StaleVersion(model.objects.filter(pk=obj.pk).first())
    obj.version = expected_version + 1
    return obj


def lock_if_current(obj: M, *, expected_version: int) -> M:
    """The stored row, locked, if its version still equals expected_version; else StaleVersion with it."""
    model = type(obj)
    current = model.objects.select_for_update().filter(pk=obj.pk).first()
    if current is None or current.version != expected_version:
        raise StaleVersion(current)
    return current


def delete_if_current(obj: M, *, expected_version: int, check: Callable[[M], None] | None = None) -> M:
    """Delete obj if the stored version still equals expected_version (and `check` of the locked row raises
    nothing); returns the row as it was."""
    current = lock_if_current(obj, expected_version=expected_version)
    if check is not None:
        check(current)
    current.delete()
    return current


def lock_structure(journey_model, journey_id: int, expected_structure_version: int | None):
    """Lock the journey row for a change to its shape; refuse when the caller's view of the shape is stale."""
    # The base manager: an archived journey is locked too (to restore it, or a stage or touchpoint of it).
    journey = journey_model._base_manager.select_for_update().get(pk=journey_id)
    if expected_structure_version is not None and journey.structure_version != expected_structure_version:
        raise StaleVersion(
            journey,
            _("Someone else changed the order of this map in the meantime. Nothing was moved; here is the latest map."),
        )
    return journey


def bump_structure(journey) -> None:
    type(journey).objects.filter(pk=journey.pk).update(structure_version=F("structure_version") + 1)
    journey.structure_version += 1
