"""A stale edit keeps what the user typed: the form again, based on the current version, with the fields someone
else changed since the form was opened (theirs beside yours). See cxplatform.lib.forms.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cxplatform.lib.versioning import StaleVersion

BASE_FIELD = "_base"
VERSION_FIELD = "version"


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


def edited_fields(form: forms.BaseForm) -> list[str]:
    return [name for name, f in form.fields.items() if name not in (VERSION_FIELD, BASE_FIELD) and not f.disabled]


def opened_values(form: forms.BaseForm) -> dict[str, Any]:
    """The values an unbound edit form starts from, comparable (see _canon)."""
    return {name: _canon(form.get_initial_for_field(form.fields[name], name)) for name in edited_fields(form)}


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


def value_text(field: forms.Field, value: Any) -> str:
    """A value as the user reads it: the label of a choice, a person's name, a localized number or date."""
    if value is None or value == "" or value == []:
        return _("(empty)")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(field, forms.ModelMultipleChoiceField):
        assert field.queryset is not None, "a model choice field is given its queryset by its form"
        objects = (
            value
            if not isinstance(value, list | tuple) or not value or isinstance(value[0], models.Model)
            else (field.queryset.filter(pk__in=value))
        )
        return ", ".join(str(field.label_from_instance(obj)) for obj in objects)
    if isinstance(field, forms.ModelChoiceField):
        assert field.queryset is not None, "a model choice field is given its queryset by its form"
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
    """What the form shows after a stale edit: the reason, what to do, and the fields to choose between.

    After a merge (rebase_stale_form(merge=True)) `conflicts` holds only the fields both changed, and `merged`
    the labels of the fields only someone else changed, whose values the form took."""

    reason: str
    message: str
    conflicts: list[FieldConflict] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    theirs_heading: str = ""
    yours_heading: str = ""


def rebase_stale_form(
    form: forms.BaseForm,
    stale: StaleVersion,
    *,
    fresh_form: Callable[[models.Model], forms.BaseForm],
    bound_form: Callable[[QueryDict, models.Model], forms.BaseForm],
    merge: bool = False,
) -> forms.BaseForm:
    """The user's (valid) form again after `stale`, based on the current version (stale.current): the user's
    input kept, except fields only someone else changed, which take their value. The returned form's
    `stale_edit` lists the fields someone else changed since the form was opened where the two differ.

    With `merge`, a field only someone else changed is not listed (the form takes their value, named in
    `stale_edit.merged`): only a real conflict is, a field both changed to different values. Who changed what
    is read from the values the form was opened with (BASE_FIELD, posted by the form like Django's
    show_hidden_initial): the user changed a field whose value differs from it, someone else one whose stored
    value does. A form that posts no base lists every field that differs, as without `merge`."""
    current = stale.current
    assert current is not None, "a deleted object has no current version to rebase on"
    theirs_form = fresh_form(current)
    base = _posted_base(form)
    data = cast(QueryDict, form.data).copy()  # a bound page form's data: the request's POST
    conflicts = []
    merged = []
    for name in edited_fields(form):
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
        if merge and not user_changed:  # only they changed it: theirs, no choice to make
            merged.append(capfirst(str(form.fields[name].label or name)))
            _set(data, form.add_prefix(name), theirs_raw)
            continue
        yours_raw = form[name].data
        if isinstance(form.fields[name].widget, forms.CheckboxInput):
            yours_raw = bool(yours_raw)
        conflict = FieldConflict(
            name=name,
            input_name=form.add_prefix(name),
            label=str(form.fields[name].label or name),
            theirs_text=value_text(theirs_field, theirs_value),
            yours_text=value_text(form.fields[name], form.cleaned_data[name]),
            theirs_raw=theirs_raw,
            yours_raw=yours_raw,
            choice="yours" if user_changed else "theirs",
        )
        conflicts.append(conflict)
        if conflict.choice == "theirs":
            _set(data, form.add_prefix(name), theirs_raw)
    data[form.add_prefix(VERSION_FIELD)] = str(getattr(current, "version"))  # noqa: B009 - any versioned model
    data[form.add_prefix(BASE_FIELD)] = json.dumps(opened_values(theirs_form))
    rebased = bound_form(data, copy.copy(current))
    reason = _("Someone else changed this in the meantime. Nothing is saved yet.")
    # The templates read the dialog from the form itself.
    edit = StaleEdit(reason=reason, message=_stale_message(conflicts), conflicts=conflicts, merged=merged)
    if merge:
        edit.theirs_heading, edit.yours_heading = _("Saved by someone else"), _("Yours")
    if merge and conflicts:
        edit.message = _(
            "For each field below, choose your value or the one saved by someone else, then save again. "
            "Your other changes are kept in the form and saved with it."
        )
    rebased.stale_edit = edit  # type: ignore[attr-defined]
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
