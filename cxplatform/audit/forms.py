"""The audit trail's search, one form for the page and the API: person, object (type; id or name), action,
period."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from . import actions
from .registry import AUDITED


def _object_type_choices() -> list[tuple[str, str]]:
    choices = []
    for label in AUDITED:
        model = apps.get_model(label)
        if model._meta.proxy:
            continue
        meta = model._meta
        choices.append((f"{meta.app_label}.{meta.model_name}", str(meta.verbose_name).capitalize()))
    return [("", _("Any")), *sorted(choices, key=lambda choice: choice[1])]


def _action_choices() -> list[tuple[str, str]]:
    return [("", _("Any")), *sorted(((name, str(text)) for name, text in actions.LABELS.items()), key=lambda c: c[1])]


class AuditSearchForm(forms.Form):
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=150,
        help_text=_("A username, a token or a survey source, or part of it."),
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False, choices=_object_type_choices)
    object = forms.CharField(
        label=_("Object"), required=False, max_length=200, help_text=_("An id, or part of a name.")
    )
    action = forms.ChoiceField(label=_("Action"), required=False, choices=_action_choices)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return data

    def is_filtered(self) -> bool:
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)
