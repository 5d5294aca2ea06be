"""Journey templates: the list (shipped and the organisation's), save a journey as one, delete one; and the
template part of the "new journey" page (which templates it offers, and the document a choice stands for)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from journeys.forms import JourneyTemplateForm
from journeys.models import Journey, JourneyTemplate
from journeys.permissions import can_delete_template, can_edit_journeys, can_save_templates
from journeys.selectors import journey_template_list
from journeys.services.templates import (
    TEMPLATE_LANGUAGES,
    TemplateSummary,
    shipped_template,
    shipped_templates,
    template_delete,
    template_language,
    template_save,
    template_summary,
)


@dataclass(frozen=True)
class TemplateCard:
    """One choice on the pages: a shipped template or a saved one, with its preview."""

    choice: str
    name: str
    description: str
    summary: TemplateSummary
    saved: JourneyTemplate | None = None


def language_choices() -> list[tuple[str, str]]:
    """The template languages, each named in itself (English, Nederlands), as language switches are."""
    return [(code, get_language_info(code)["name_local"]) for code in TEMPLATE_LANGUAGES]


def chosen_language(request: HttpRequest) -> str:
    """The template language asked for (?template_language= or the posted field), else the user's language."""
    asked = request.POST.get("template_language") or request.GET.get("template_language")
    return template_language(asked if asked in TEMPLATE_LANGUAGES else get_language())


def template_cards(language: str) -> tuple[list[TemplateCard], list[TemplateCard]]:
    """The shipped templates in that language, and the organisation's (one query)."""
    shipped = [TemplateCard(t.choice, t.name, t.description, t.summary) for t in shipped_templates(language=language)]
    saved = [
        TemplateCard(f"saved:{t.pk}", t.name, t.description, template_summary(t.document), saved=t)
        for t in journey_template_list()
    ]
    return shipped, saved


def template_document(choice: str, language: str) -> dict[str, Any] | None:
    """The document a choice of the "new journey" page stands for; None for a blank map or one that is gone."""
    kind, _sep, key = choice.partition(":")
    if kind == "shipped":
        template = shipped_template(slug=key, language=language)
        return template.document if template else None
    if kind == "saved" and key.isdigit():
        return JourneyTemplate.objects.filter(pk=int(key)).values_list("document", flat=True).first()
    return None


def template_index(request: HttpRequest) -> HttpResponse:
    language = chosen_language(request)
    shipped, saved = template_cards(language)
    deletable = [card.saved.pk for card in saved if card.saved and can_delete_template(request.user, card.saved)]
    return render(
        request,
        "journeys/templates.html",
        {
            "shipped": shipped,
            "saved": saved,
            "language": language,
            "languages": language_choices(),
            "can_create": can_edit_journeys(request.user),
            "deletable": deletable,
        },
    )


@require_http_methods(["GET", "POST"])
def template_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    if not can_save_templates(request.user):
        raise PermissionDenied(_("Only CX editors and admins can save templates."))
    form = JourneyTemplateForm(request.POST or None, initial={"name": journey.name, "description": journey.description})
    if request.method == "POST" and form.is_valid():
        template = template_save(
            journey=journey,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            created_by=request.user,  # type: ignore[arg-type]
        )
        messages.success(
            request,
            _("“%(name)s” saved as a template: a new journey can start from it.") % {"name": template.name},
        )
        return redirect("journeys:templates")
    return render(request, "journeys/template_save.html", {"form": form, "journey": journey})


@require_http_methods(["GET", "POST"])
def template_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(JourneyTemplate, pk=pk)
    if not can_delete_template(request.user, template):
        raise PermissionDenied(_("Only admins and the person who saved a template can delete it."))
    if request.method == "POST":
        template_delete(template=template)
        messages.success(request, _("Template “%(name)s” deleted.") % {"name": template.name})
        return redirect("journeys:templates")
    return render(request, "journeys/template_confirm_delete.html", {"template": template})
