"""The codebook pages: the list of themes (with the tagging's progress), a theme's editor with its rules and the
live preview of what they find, its deletion, the starter codebook, and the suggestions of new themes.

Everyone logged in reads the codebook; CX editors and admins change it (metrics.permissions.can_edit_codebook):
others see no edit buttons, and their POSTs are refused (403) with the reason.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxplatform.lib.forms import add_service_errors, delete_confirmation, submit_versioned_delete, versioned_edit_page
from metrics.forms.themes import ADD_RULE, BaseRuleFormSet, ThemeForm, rule_formset
from metrics.models import ResponseTheme, Theme
from metrics.permissions import NOT_A_CODEBOOK_EDITOR, can_edit_codebook
from metrics.themes import codebook, suggestions, tagging
from metrics.themes.services import (
    codebook_load_starter,
    theme_create,
    theme_delete,
    theme_update,
)

PAGE_SIZE = 50


def _require_editor(request: HttpRequest) -> None:
    if not can_edit_codebook(request.user):
        raise PermissionDenied(NOT_A_CODEBOOK_EDITOR)


# The list


@require_GET
def theme_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(codebook.theme_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    themes = list(page.object_list)
    mentions = codebook.recent_mentions([theme.pk for theme in themes])
    for theme in themes:
        setattr(theme, "recent_mentions", mentions.get(theme.pk, 0))  # noqa: B010 - shown by the template
    return render(
        request,
        "metrics/themes/theme_list.html",
        {
            "page": page,
            "themes": themes,
            "recent_days": codebook.RECENT_DAYS,
            "can_edit": can_edit_codebook(request.user),
            "progress": tagging.tagging_progress(),
        },
    )


@require_POST
def theme_starter_view(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    try:
        count = codebook_load_starter(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The starter codebook is loaded: %(count)s themes. Comments are being tagged.") % {"count": count},
        )
    return redirect("metrics:theme-list")


# A theme's editor


def _rules_errors(formset: BaseRuleFormSet, error: ValidationError) -> ValidationError | None:
    """The service's rule messages ("Rule 2: ...") go above the rules; the rest back to the theme's form."""
    if not hasattr(error, "error_dict") or "rules" not in error.error_dict:
        return error
    rules = error.error_dict.pop("rules")
    formset.add_service_errors([m for e in rules for m in e.messages])
    return ValidationError(error.error_dict) if error.error_dict else None


def _form_page(
    request: HttpRequest, form: forms.BaseForm, formset: BaseRuleFormSet, theme: Model | None, status: int = 200
) -> HttpResponse:
    can_edit = can_edit_codebook(request.user)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
        for row in formset.forms:
            for field in row.fields.values():
                field.disabled = True
    return render(
        request,
        "metrics/themes/theme_form.html",
        {
            "form": form,
            "formset": formset,
            "theme": theme,
            "can_edit": can_edit,
            "add_rule": ADD_RULE,
            "preview_sample": codebook.PREVIEW_SAMPLE,
        },
        status=status,
    )


def _submitted(form: forms.BaseForm, formset: BaseRuleFormSet) -> bool:
    """Both valid; the service's own errors are shown by the caller."""
    form_ok = form.is_valid()
    return formset.is_valid() and form_ok


@require_http_methods(["GET", "POST"])
def theme_create_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _require_editor(request)
        form = ThemeForm(request.POST)
        formset = rule_formset(request.POST, add_row=ADD_RULE in request.POST)
        if ADD_RULE in request.POST:
            return _form_page(request, form, formset, None)
        if _submitted(form, formset):
            data = dict(form.cleaned_data)
            data.pop("version", None)
            try:
                theme = theme_create(rules=formset.rules(), **data)
            except ValidationError as error:
                rest = _rules_errors(formset, error)
                if rest is not None:
                    add_service_errors(form, rest)
            else:
                messages.success(
                    request, _("Theme “%(name)s” created. Comments are being tagged with it.") % {"name": theme.name}
                )
                return redirect("metrics:theme-list")
        return _form_page(request, form, formset, None, status=422)
    return _form_page(request, ThemeForm(), rule_formset(rules=[]), None)


@require_GET
def theme_from_suggestion_view(request: HttpRequest) -> HttpResponse:
    """The new-theme form prefilled from a suggestion (its top terms in ?terms=, its language in ?language=):
    the editor checks it and saves."""
    _require_editor(request)
    prefill = suggestions.theme_prefill(terms=request.GET.getlist("terms"), language=request.GET.get("language", "nl"))
    form = ThemeForm(initial={"name_en": prefill.name, "name_nl": prefill.name, "active": True})
    return _form_page(request, form, rule_formset(rules=prefill.rules), None)


@require_http_methods(["GET", "POST"])
def theme_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(Theme, pk=pk)
    if request.method == "POST":
        _require_editor(request)
    formset = (
        rule_formset(request.POST, add_row=ADD_RULE in request.POST)
        if request.method == "POST"
        else rule_formset(rules=codebook.theme_rules(theme))
    )
    if ADD_RULE in request.POST:
        return _form_page(request, ThemeForm(request.POST, instance=theme), formset, theme)
    if request.method == "POST" and not formset.is_valid():
        form = ThemeForm(request.POST, instance=theme)
        form.is_valid()
        return _form_page(request, form, formset, theme, status=422)

    def save(**data: Any) -> Theme:
        try:
            return theme_update(theme=theme, rules=formset.rules(), **data)
        except ValidationError as error:
            rest = _rules_errors(formset, error)
            raise rest if rest is not None else ValidationError(_("Check the rules below.")) from None

    shown_formset = formset

    def page(form: forms.BaseForm, shown: Model, status: int) -> HttpResponse:
        nonlocal shown_formset
        if status == 409:
            # After a stale edit the form is based on the current version; the user's rules are kept as typed.
            shown_formset = rule_formset(form.data)
        return _form_page(request, form, shown_formset, shown, status)

    return versioned_edit_page(
        request,
        ThemeForm(request.POST or None, instance=theme),
        instance=theme,
        save=save,
        fresh_form=lambda current: ThemeForm(instance=current),
        saved_message=lambda: _("Theme “%(name)s” saved. Comments are being tagged again.") % {"name": theme.name},
        saved_url=reverse("metrics:theme-list"),
        gone_url=reverse("metrics:theme-list"),
        page=page,
    )


@require_POST
def theme_preview_view(request: HttpRequest) -> HttpResponse:
    """The live preview: what the rules as typed (not saved) find among the most recent comments."""
    _require_editor(request)
    formset = rule_formset(request.POST)
    result = codebook.preview(formset.preview_rules())
    return render(request, "metrics/themes/_preview.html", {"preview": result})


@require_http_methods(["GET", "POST"])
def theme_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    theme = get_object_or_404(Theme, pk=pk)
    confirmation, status = None, 200
    if request.method == "POST":
        outcome = submit_versioned_delete(
            request,
            delete=lambda version: theme_delete(theme=theme, expected_version=version),
            form_of=lambda current: ThemeForm(instance=current),
        )
        if outcome.deleted:
            messages.success(request, _("Theme “%(name)s” deleted.") % {"name": theme.name})
        if outcome.done:
            return redirect("metrics:theme-list")
        assert isinstance(outcome.instance, Theme), "a refused delete shows the theme as it is now"
        theme, confirmation, status = outcome.instance, outcome.confirmation, outcome.status
    context = {
        "theme": theme,
        "mention_count": ResponseTheme.objects.filter(theme=theme).count(),
        "confirmation": confirmation or delete_confirmation(ThemeForm(instance=theme)),
    }
    return render(request, "metrics/themes/theme_confirm_delete.html", context, status=status)


# Suggestions


@require_GET
def theme_suggestions_view(request: HttpRequest) -> HttpResponse:
    result = suggestions.suggest_themes()
    return render(
        request,
        "metrics/themes/suggestions.html",
        {"result": result, "can_edit": can_edit_codebook(request.user)},
    )
