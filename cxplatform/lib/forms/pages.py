"""What an edit or delete page does with its submission: a service's errors on the form, an edit based on a
version (refused when stale, rebased: cxplatform.lib.forms.stale), a delete confirmed against a version.
See cxplatform.lib.forms.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cxplatform.lib.forms.stale import (
    BASE_FIELD,
    VERSION_FIELD,
    edited_fields,
    opened_values,
    rebase_stale_form,
    value_text,
)
from cxplatform.lib.versioning import StaleVersion


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: each message at its field when the form has that field,
    else at the top of the form (a rule about several fields, or a field the form does not show)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# An edit page's submission


@dataclass
class VersionedEdit:
    """What became of an edit form's submission (see submit_versioned_edit)."""

    saved: bool
    deleted: bool  # someone else deleted the object meanwhile
    instance: models.Model | None  # as saved, or as stored now when the edit was refused
    form: forms.BaseForm  # the form to show again: with the errors, or the user's input rebased on the current version
    status: int  # 200, or 409 when the edit was based on an older version


def submit_versioned_edit(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    instance: models.Model,
    save: Callable[..., models.Model],
    fresh_form: Callable[[models.Model], forms.BaseForm],
    bound_form: Callable[[QueryDict, models.Model], forms.BaseForm] | None = None,
) -> VersionedEdit:
    """An edit page's valid submission: `save(expected_version=..., **the form's other fields)` through a service.

    Someone else's change meanwhile is refused (409) and the form comes back with the user's input, based on the
    current version, and the fields to choose between (rebase_stale_form). `bound_form(data, instance)` makes
    the form again (by default the form's class with `instance=`). A service's ValidationError lands on the
    form's fields."""
    data = dict(form.cleaned_data)
    version = data.pop(VERSION_FIELD) or 0
    data.pop(BASE_FIELD, None)
    try:
        saved = save(expected_version=version, **data)
    except StaleVersion as stale:
        if stale.current is None:
            messages.error(request, stale.message)
            return VersionedEdit(saved=False, deleted=True, instance=None, form=form, status=409)
        rebased = rebase_stale_form(
            form,
            stale,
            fresh_form=fresh_form,
            bound_form=bound_form or (lambda data, current: _model_form(form)(data, instance=current)),
        )
        return VersionedEdit(False, False, stale.current, rebased, 409)
    except ValidationError as error:
        add_service_errors(form, error)
        return VersionedEdit(saved=False, deleted=False, instance=instance, form=form, status=200)
    return VersionedEdit(saved=True, deleted=False, instance=saved, form=form, status=200)


def _model_form(form: forms.BaseForm) -> type[forms.ModelForm[Any]]:
    """The class of an edit form made with `instance=` (a ModelForm, or a form that takes it alike)."""
    return cast("type[forms.ModelForm[Any]]", type(form))


def versioned_edit_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    instance: models.Model,
    save: Callable[..., models.Model],
    fresh_form: Callable[[models.Model], forms.BaseForm],
    bound_form: Callable[[QueryDict, models.Model], forms.BaseForm] | None = None,
    current: Callable[[models.Model], models.Model] = lambda fresh: fresh,
    saved_message: Callable[[], str],
    saved_url: str,
    gone_url: str,
    page: Callable[[forms.BaseForm, models.Model, int], HttpResponse],
    invalid_status: int | None = 422,
) -> HttpResponse:
    """An edit page of a versioned object, GET and POST: the form (`form`, bound on a POST) submitted through
    submit_versioned_edit. Saved: the `saved_message()` and a redirect to `saved_url`. Someone else deleted it
    meanwhile: back to `gone_url` with the reason. Else `page(form, instance, status)` shows the form again:
    after a stale edit (409) the user's input based on the current version, theirs beside it, and the object as
    `current(stored now)` gives it (re-read when the page shows more of it); with errors, `invalid_status`
    (None: the status as the submission left it)."""
    status = 200
    if request.method == "POST" and form.is_valid():
        edit = submit_versioned_edit(
            request, form, instance=instance, save=save, fresh_form=fresh_form, bound_form=bound_form
        )
        if edit.deleted:
            return redirect(gone_url)
        if edit.saved:
            messages.success(request, saved_message())
            return redirect(saved_url)
        form, status = edit.form, edit.status
        if status == 409 and edit.instance is not None:
            instance = current(edit.instance)
    if invalid_status is not None and form.is_bound and form.errors:
        status = invalid_status
    return page(form, instance, status)


# A delete based on a version


def posted_version(request: HttpRequest, *, required: bool = False) -> int | None:
    """The version a delete form was based on (its hidden `version`); None when it sends none, unless required
    (then a 400, like a malformed one)."""
    raw = request.POST.get(VERSION_FIELD, "").strip()
    if not raw and not required:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest(_("version must be a whole number of at least 1."))
    return int(raw)


@dataclass
class DeleteConfirmation:
    """A delete confirmation page's version check (templates/_stale_delete.html): the version and the values
    the page showed, and after a refused (stale) delete, what someone else changed since: (label, value now)."""

    version: int
    base: str
    stale: bool = False
    changes: list[tuple[str, str]] = field(default_factory=list)


def delete_confirmation(
    form: forms.ModelForm[Any], *, stale: bool = False, posted_base: str = ""
) -> DeleteConfirmation:
    """The confirmation of deleting `form.instance` (an unbound edit form of it, for its fields' labels and
    values). With `stale`, the page is shown again after someone else changed it: the fields that differ from
    the values the page was opened with (`posted_base`) are listed with their value now."""
    now = opened_values(form)
    changes = []
    if stale:
        try:
            base = json.loads(posted_base) if posted_base else {}
        except ValueError:
            base = {}
        for name in edited_fields(form):
            if isinstance(base, dict) and name in base and base[name] != now[name]:
                value = form.get_initial_for_field(form.fields[name], name)
                changes.append((str(form.fields[name].label or name), value_text(form.fields[name], value)))
    return DeleteConfirmation(version=form.instance.version, base=json.dumps(now), stale=stale, changes=changes)


@dataclass
class VersionedDelete:
    """What a delete confirmation page's submission came to: `done` (deleted, or someone else deleted it first:
    back to the list, with the message already added for the latter), or refused because someone else changed
    it (409): `instance` as it is now and the `confirmation` that says what changed, to ask again."""

    done: bool
    deleted: bool
    instance: models.Model | None = None
    confirmation: DeleteConfirmation | None = None
    status: int = 200


def submit_versioned_delete(
    request: HttpRequest,
    *,
    delete: Callable[[int | None], object],
    form_of: Callable[[models.Model], forms.ModelForm[Any]],
    current: Callable[[models.Model], models.Model] = lambda fresh: fresh,
) -> VersionedDelete:
    """A delete confirmation page's POST: `delete(version)` through a service with the version the page was
    opened with. A stale version is refused and the page asks again: `current(stale.current)` is the object as
    it is now (re-read when the page needs more of it), `form_of(instance)` an unbound edit form of it, whose
    fields name what changed since the page was opened."""
    try:
        delete(posted_version(request))
    except StaleVersion as stale:
        if stale.current is None:
            messages.error(request, stale.message)
            return VersionedDelete(done=True, deleted=False, status=409)
        instance = current(stale.current)
        confirmation = delete_confirmation(form_of(instance), stale=True, posted_base=request.POST.get(BASE_FIELD, ""))
        return VersionedDelete(done=False, deleted=False, instance=instance, confirmation=confirmation, status=409)
    return VersionedDelete(done=True, deleted=True)
