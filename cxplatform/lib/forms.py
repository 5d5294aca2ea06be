from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest

from .versioning import StaleVersion


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: each message at its field when the form has that field,
    else at the top of the form (a rule about several fields, or a field the form does not show)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@dataclass
class VersionedEdit:
    """What became of an edit form's submission (see submit_versioned_edit)."""

    saved: bool
    deleted: bool  # someone else deleted the object meanwhile
    instance: models.Model | None  # as saved, or as stored now when the edit was refused
    form: forms.BaseForm  # the form to show again: with the errors, or fresh from what is stored now
    status: int  # 200, or 409 when the edit was based on an older version


def submit_versioned_edit(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    instance: models.Model,
    save: Callable[..., models.Model],
    fresh_form: Callable[[models.Model], forms.BaseForm],
) -> VersionedEdit:
    """An edit page's valid submission: `save(expected_version=..., **the form's other fields)` through a service.
    Someone else's change meanwhile is refused with a message and the page shows what is stored now (409): the
    user's edits are not silently re-applied. A service's ValidationError lands on the form's fields."""
    data = dict(form.cleaned_data)
    version = data.pop("version") or 0
    try:
        saved = save(expected_version=version, **data)
    except StaleVersion as stale:
        messages.error(request, stale.message)
        if stale.current is None:
            return VersionedEdit(saved=False, deleted=True, instance=None, form=form, status=409)
        return VersionedEdit(False, False, stale.current, fresh_form(stale.current), 409)
    except ValidationError as error:
        add_service_errors(form, error)
        return VersionedEdit(saved=False, deleted=False, instance=instance, form=form, status=200)
    return VersionedEdit(saved=True, deleted=False, instance=saved, form=form, status=200)
