"""Helpers for the HTML forms of every app: a service's errors on a form, and edits based on a version.

A stale edit (someone else saved the object since the user opened the form) keeps what the user typed: the form
is shown again with the user's input, now based on the current version, and a panel lists each field someone
else changed since (theirs beside yours) so the user can take theirs, keep theirs, or choose field by field
(`{% stale_edit form %}`, templates/_stale_edit.html, static/js/stale_edit.js). Saving it again succeeds.

To know which fields someone else changed, each edit form carries (in the hidden field BASE_FIELD) the values
it was opened with.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import formats
from django.utils.translation import gettext as _

from .versioning import StaleVersion

BASE_FIELD = "_base"
VERSION_FIELD = "version"


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on a form: each message at its field when the form has that field,
    else at the top of the form (a rule about several fields, or a field the form does not show)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Comparing values


def _canon(value: Any) -> Any:
    """A value as comparable JSON, whatever its source: a form's initial value (a pk, a Decimal from the
    database) or a cleaned one (a model instance, a Decimal as typed). 70.00 equals 70; \r\n equals \n."""
    if isinstance(value, models.Model):
        return _canon(value.pk)
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return format(number.normalize(), "f") if number.is_finite() else str(number)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(_canon(item)) for item in value)
    return str(value)


def _edited_fields(form: forms.BaseForm) -> list[str]:
    return [name for name, f in form.fields.items() if name not in (VERSION_FIELD, BASE_FIELD) and not f.disabled]


def opened_values(form: forms.BaseForm) -> dict[str, Any]:
    """The values an unbound edit form starts from, comparable (see _canon)."""
    return {name: _canon(form.get_initial_for_field(form.fields[name], name)) for name in _edited_fields(form)}


def _posted_base(form: forms.BaseForm) -> dict[str, Any] | None:
    raw = form.data.get(form.add_prefix(BASE_FIELD)) if form.is_bound else None
    try:
        base = json.loads(raw) if raw else None
    except ValueError:
        return None
    return base if isinstance(base, dict) else None


def _raw(bound: forms.BoundField, value: Any) -> str | list[str] | bool:
    """`value` (an initial value) as the field's input would send it: what to put in the form's data."""
    widget = bound.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return bool(value)
    formatted = widget.format_value(value)
    if formatted is None:
        return ""
    if isinstance(formatted, list | tuple):
        return [str(item) for item in formatted]
    return str(formatted)


def _choice_labels(field: forms.Field) -> dict[str, str]:
    labels = {}
    for value, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):  # an optgroup
            labels.update({str(_canon(v)): str(lab) for v, lab in label})
        else:
            labels[str(_canon(getattr(value, "value", value)))] = str(label)
    return labels


def _text(field: forms.Field, value: Any) -> str:
    """A value as the user reads it: the label of a choice, a person's name, a localized number or date."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ModelMultipleChoiceField):
        objects = (
            value
            if not isinstance(value, list | tuple) or not value or isinstance(value[0], models.Model)
            else (field.queryset.filter(pk__in=value))
        )
        return ", ".join(str(field.label_from_instance(obj)) for obj in objects)
    if isinstance(field, forms.ModelChoiceField):
        obj = value if isinstance(value, models.Model) else field.queryset.filter(pk=value).first()
        return str(field.label_from_instance(obj)) if obj is not None else str(value)
    if isinstance(field, forms.ChoiceField):
        return _choice_labels(field).get(str(_canon(value)), str(value))
    if isinstance(value, Decimal):
        return formats.localize(value.normalize() if value == value.to_integral() else value)
    if isinstance(value, date | datetime):
        return formats.localize(value)
    return str(value)


# A stale edit


@dataclass
class FieldConflict:
    """One field someone else changed since the user opened the form, where their value differs from the
    user's. `choice` is what the form holds now: "yours" when the user changed the field too, else "theirs"."""

    name: str
    input_name: str  # the name of the form's input (with the form's prefix)
    label: str
    theirs_text: str
    yours_text: str
    theirs_raw: Any
    yours_raw: Any
    choice: str

    @property
    def values_json(self) -> str:
        return json.dumps({"theirs": self.theirs_raw, "yours": self.yours_raw})


@dataclass
class StaleEdit:
    """What the form shows after a stale edit: the reason, what to do, and the fields to choose between."""

    reason: str
    message: str
    conflicts: list[FieldConflict] = field(default_factory=list)


def rebase_stale_form(
    form: forms.BaseForm,
    stale: StaleVersion,
    *,
    fresh_form: Callable[[models.Model], forms.BaseForm],
    bound_form: Callable[[QueryDict, models.Model], forms.BaseForm],
) -> forms.BaseForm:
    """The user's (valid) form again after `stale`, based on the current version (stale.current): the user's
    input kept, except fields only someone else changed, which take their value. The returned form's
    `stale_edit` lists the fields someone else changed since the form was opened where the two differ."""
    current = stale.current
    theirs_form = fresh_form(current)
    base = _posted_base(form)
    data = form.data.copy()
    conflicts = []
    for name in _edited_fields(form):
        if name not in theirs_form.fields or name not in form.cleaned_data:
            continue
        theirs_field = theirs_form.fields[name]
        theirs_value = theirs_form.get_initial_for_field(theirs_field, name)
        theirs, yours = _canon(theirs_value), _canon(form.cleaned_data[name])
        if theirs == yours:
            continue
        opened = base.get(name) if base is not None else None
        if base is not None and opened == theirs:
            continue  # only the user changed it: theirs is what the user started from
        user_changed = base is None or opened != yours
        theirs_raw = _raw(theirs_form[name], theirs_form[name].value())
        yours_raw = form[name].data
        if isinstance(form.fields[name].widget, forms.CheckboxInput):
            yours_raw = bool(yours_raw)
        conflict = FieldConflict(
            name=name,
            input_name=form.add_prefix(name),
            label=str(form.fields[name].label or name),
            theirs_text=_text(theirs_field, theirs_value),
            yours_text=_text(form.fields[name], form.cleaned_data[name]),
            theirs_raw=theirs_raw,
            yours_raw=yours_raw,
            choice="yours" if user_changed else "theirs",
        )
        conflicts.append(conflict)
        if conflict.choice == "theirs":
            _set(data, form.add_prefix(name), theirs_raw)
    data[form.add_prefix(VERSION_FIELD)] = str(current.version)
    data[form.add_prefix(BASE_FIELD)] = json.dumps(opened_values(theirs_form))
    rebased = bound_form(data, copy.copy(current))
    reason = _("Someone else changed this in the meantime. Nothing is saved yet.")
    rebased.stale_edit = StaleEdit(reason=reason, message=_stale_message(conflicts), conflicts=conflicts)
    return rebased


def _stale_message(conflicts: list[FieldConflict]) -> str:
    if not conflicts:
        return _("They did not change what you changed: your input is kept below; save again to keep it.")
    return _("Your input is kept below. For each field they changed, choose their value or yours, then save again.")


def _set(data: QueryDict, key: str, raw: Any) -> None:
    if isinstance(raw, bool):
        if raw:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(raw, list):
        data.setlist(key, raw)
    else:
        data[key] = raw


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
            bound_form=bound_form or (lambda data, current: type(form)(data, instance=current)),
        )
        return VersionedEdit(False, False, stale.current, rebased, 409)
    except ValidationError as error:
        add_service_errors(form, error)
        return VersionedEdit(saved=False, deleted=False, instance=instance, form=form, status=200)
    return VersionedEdit(saved=True, deleted=False, instance=saved, form=form, status=200)


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
        if status == 409:
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


def delete_confirmation(form: forms.BaseForm, *, stale: bool = False, posted_base: str = "") -> DeleteConfirmation:
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
        for name in _edited_fields(form):
            if isinstance(base, dict) and name in base and base[name] != now[name]:
                value = form.get_initial_for_field(form.fields[name], name)
                changes.append((str(form.fields[name].label or name), _text(form.fields[name], value)))
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
    form_of: Callable[[models.Model], forms.BaseForm],
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
