"""Optimistic concurrency, shared by every app: each editable row carries a `version`, and an edit names the
version it was based on.

Where a stale edit is refused: the services call `save_if_current` / `delete_if_current` here and raise
`StaleVersion`; the API maps it to 409 in `cxplatform.api.errors`; the HTML pages keep what the user typed
through `cxplatform.lib.forms`."""

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cxplatform.audit.signals import record_update

if TYPE_CHECKING:  # django-stubs is a development dependency
    from django_stubs_ext import StrOrPromise


class StaleVersion(Exception):
    """An edit was based on an older version than the one stored: someone else changed it first.

    `current` is the fresh object (or None when it was deleted), to show the user what it is now.
    """

    def __init__(self, current: models.Model | None, message: "StrOrPromise | None" = None):
        self.current = current
        self.message = message or (
            _("Someone else changed this in the meantime. Your change was not saved; here is the latest version.")
            if current is not None
            else _("Someone else deleted this in the meantime. Your change was not saved.")
        )
        super().__init__(str(self.message))


M = TypeVar("M", bound=models.Model)


def _rows(obj: M) -> models.Manager[M]:
    """The model's default manager: `objects` of every versioned model (the journeys' hides the archived)."""
    return type(obj)._default_manager


def _column(obj: models.Model, name: str) -> str:
    field = obj._meta.get_field(name)
    assert isinstance(field, models.Field), f"{name} is not a column of {type(obj).__name__}"
    return field.attname


def save_if_current(obj: M, *, expected_version: int, fields: list[str]) -> M:
    """Clean obj and write `fields` only if the stored version still equals expected_version; bump it."""
    obj.full_clean()
    rows = _rows(obj)
    values = {name: getattr(obj, _column(obj, name)) for name in fields}
    updated = rows.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1, **values)
    if not updated:
        raise StaleVersion(rows.filter(pk=obj.pk).first())
    # .update() sends no post_save: the audit row (the fields among `fields` that changed) is written here.
    record_update(obj, fields=fields)
    setattr(obj, "version", expected_version + 1)  # noqa: B010 - M is any model that has a version field
    return obj


def lock_if_current(obj: M, *, expected_version: int) -> M:
    """The stored row, locked, if its version still equals expected_version; else StaleVersion with it."""
    current = _rows(obj).select_for_update().filter(pk=obj.pk).first()
    if current is None or getattr(current, "version") != expected_version:  # noqa: B009 - see save_if_current
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
