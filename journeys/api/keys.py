"""A journey, stage or touchpoint by its key wherever the API takes its id (journeys.keys): in a URL
(`journeys/report-a-claim/`), in a list's filters (`?journey=report-a-claim&touchpoint=claim-by-phone`) and in
a body's `journey` field. Digits are an id (a key always holds a letter); anything else a key. A stage's or
touchpoint's key is unique within its journey only: with the journey given it names one; a touchpoint is also
found by one of its aliases. Archived parts are found too (their answers and figures are kept).

Metrics' API uses these as well (its filters name journeys and touchpoints).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeys.keys import normalise_alias
from journeys.models import Journey, Stage, Touchpoint


def is_id(value: str) -> bool:
    # ASCII digits only: "²" is a digit to str.isdigit, but no number to int().
    return value.isascii() and value.isdigit()


def journey_by_id_or_key(value: Any) -> Journey | None:
    text = str(value).strip()
    if not text or "\x00" in text:
        return None
    rows = Journey.all_objects.order_by()
    return rows.filter(pk=int(text)).first() if is_id(text) else rows.filter(key=text.lower()).first()


def part_by_key(model: type[Stage] | type[Touchpoint], journey_id: int, value: str) -> Stage | Touchpoint | None:
    """The stage or touchpoint of the journey with this key (a touchpoint: or this alias, regardless of case)."""
    rows = model.all_objects.order_by().filter(journey_id=journey_id)
    found = rows.filter(key=value.strip().lower()).first()
    if found is not None or model is not Touchpoint:
        return found
    wanted = normalise_alias(value)
    for pk, aliases in rows.exclude(aliases=[]).order_by("position", "pk").values_list("pk", "aliases"):
        if any(normalise_alias(alias) == wanted for alias in aliases or ()):
            return rows.get(pk=pk)
    return None


# Filters (django-filter): ?journey=<id or key>, ?stage= and ?touchpoint=<id, or key with the journey>


class PartKey(str):
    """A stage's or touchpoint's key (or alias) as a filter received it: the form resolves it in the journey."""


class JourneyChoiceField(forms.ModelChoiceField):
    """A journey (of the field's queryset) by id or key: a page's select sends the id, an API client either."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        assert self.queryset is not None
        rows = self.queryset.order_by()
        journey = None
        if "\x00" not in text:
            journey = rows.filter(pk=int(text)).first() if is_id(text) else rows.filter(key=text.lower()).first()
        if journey is None:
            raise forms.ValidationError(
                # params, not %: django-filter formats the message with them again ("50%" would break it)
                _("No journey has the id or key “%(value)s”."),
                code="invalid_choice",
                params={"value": text},
            )
        return journey


@extend_schema_field(OpenApiTypes.STR)
class JourneyRefFilter(django_filters.ModelChoiceFilter):
    """A journey by id or key (the queryset defaults to the journeys that are not archived)."""

    field_class = JourneyChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Journey.objects.all())
        super().__init__(*args, **kwargs)


JOURNEY_REF_HELP = gettext_lazy("A journey's id or key.")
STAGE_REF_HELP = gettext_lazy("A stage's id, or its key together with the journey.")
TOUCHPOINT_REF_HELP = gettext_lazy("A touchpoint's id, or its key or one of its aliases together with the journey.")


class _PartChoiceField(forms.ModelChoiceField):
    what = ""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if "\x00" in text:
            raise forms.ValidationError(_("Null characters are not allowed."), code="null_characters_not_allowed")
        if not is_id(text):
            return PartKey(text)
        return super().to_python(text)


@extend_schema_field(OpenApiTypes.STR)
class StageRefFilter(django_filters.ModelChoiceFilter):
    """A stage by id, or by key together with ?journey=."""

    field_class = _PartChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Stage.objects.all())
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class TouchpointRefFilter(django_filters.ModelChoiceFilter):
    """A touchpoint by id, or by key or alias together with ?journey=."""

    field_class = _PartChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Touchpoint.objects.all())
        super().__init__(*args, **kwargs)


class KeyedFilterForm(forms.Form):
    """Resolves a stage's or touchpoint's key in the journey the same query names."""

    def clean(self):
        cleaned = super().clean()
        journey = cleaned.get("journey")
        for name, model, what in (("stage", Stage, _("stage")), ("touchpoint", Touchpoint, _("touchpoint"))):
            value = cleaned.get(name)
            if not isinstance(value, PartKey):
                continue
            if not isinstance(journey, Journey):
                if "journey" not in self.errors:
                    self.add_error(
                        name,
                        _("To name a %(what)s by its key, name its journey too (journey=<id or key>).")
                        % {"what": what},
                    )
                continue
            found = part_by_key(model, journey.pk, value)
            if found is None:
                self.add_error(
                    name,
                    _("The journey “%(journey)s” has no %(what)s with the key “%(key)s”.")
                    % {"journey": journey.key, "what": what, "key": value}
                    if model is Stage
                    else _("The journey “%(journey)s” has no touchpoint with the key or alias “%(key)s”.")
                    % {"journey": journey.key, "key": value},
                )
            else:
                cleaned[name] = found
        return cleaned


class KeyedFilterSet(django_filters.FilterSet):
    """A FilterSet whose `journey`, `stage` and `touchpoint` filters (JourneyRefFilter, ...) take keys."""

    def get_form_class(self):
        form_class = super().get_form_class()
        return type(form_class.__name__, (KeyedFilterForm, form_class), {})


# Serializer fields: a journey by id or key in a body or a query serializer


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class JourneyRefField(serializers.PrimaryKeyRelatedField):
    """A journey by id or key; answers with the id."""

    default_error_messages = {"does_not_exist": gettext_lazy("No journey has the id or key “{value}”.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        text = str(data).strip()
        rows = self.get_queryset().order_by()
        journey = None
        if text and "\x00" not in text:
            journey = rows.filter(pk=int(text)).first() if is_id(text) else rows.filter(key=text.lower()).first()
        if journey is None:
            self.fail("does_not_exist", value=text)
        return journey


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class PartRefField(serializers.PrimaryKeyRelatedField):
    """A stage or touchpoint by id, or by key (a touchpoint: or alias) with the journey the serializer's
    validate() resolves it in (resolve_part_keys)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not is_id(data.strip()):
            if "\x00" in data:
                self.fail("incorrect_type", data_type="str")
            return PartKey(data.strip())
        return super().to_internal_value(data)


def resolve_part_keys(attrs: dict, journey: Journey | None) -> dict[str, list[str]]:
    """Replace the PartKey values of `stage` and `touchpoint` in attrs by the parts of `journey`; the errors."""
    errors: dict[str, list[str]] = {}
    for name, model in (("stage", Stage), ("touchpoint", Touchpoint)):
        value = attrs.get(name)
        if not isinstance(value, PartKey):
            continue
        if journey is None:
            errors[name] = [_("To name it by its key, name its journey too (journey=<id or key>).")]
            continue
        found = part_by_key(model, journey.pk, value)
        if found is None:
            errors[name] = [
                _("The journey “%(journey)s” has no %(what)s with the key “%(key)s”.")
                % {"journey": journey.key, "what": model._meta.verbose_name, "key": value}
            ]
        else:
            attrs[name] = found
    return errors


# A URL's id: journeys/report-a-claim/, stages/<key>/?journey=<id or key>


class KeyLookupMixin:
    """A detail URL takes the object's key as well as its id. A journey's key names one journey; a stage's or
    touchpoint's names one within its journey (`?journey=<id or key>`), or, without it, the only one anywhere
    with that key."""

    key_model: type[models.Model]

    def get_object(self):
        kwarg = self.lookup_url_kwarg or self.lookup_field  # type: ignore[attr-defined]
        value = str(self.kwargs.get(kwarg, ""))  # type: ignore[attr-defined]
        if value and not is_id(value):
            self.kwargs[kwarg] = str(self._pk_of_key(value))  # type: ignore[attr-defined]
        return super().get_object()  # type: ignore[misc]

    def _pk_of_key(self, value: str) -> int:
        model = self.key_model
        if model is Journey:
            journey = journey_by_id_or_key(value)
            if journey is None:
                raise Http404(_("No journey has the key “%(key)s”.") % {"key": value})
            return journey.pk
        raw_journey = self.request.query_params.get("journey", "")  # type: ignore[attr-defined]
        if raw_journey.strip():
            journey = journey_by_id_or_key(raw_journey)
            found = part_by_key(model, journey.pk, value) if journey is not None else None  # type: ignore[arg-type]
            if found is None:
                raise Http404(_("No such %(what)s in that journey.") % {"what": model._meta.verbose_name})
            return found.pk
        pks = list(model.all_objects.order_by().filter(key=value.lower()).values_list("pk", flat=True)[:2])  # type: ignore[attr-defined]
        if len(pks) != 1:
            raise Http404(
                _("No %(what)s has the key “%(key)s”.") % {"what": model._meta.verbose_name, "key": value}
                if not pks
                else _("Several journeys have a %(what)s with the key “%(key)s”: add ?journey=<id or key>.")
                % {"what": model._meta.verbose_name, "key": value}
            )
        return pks[0]
