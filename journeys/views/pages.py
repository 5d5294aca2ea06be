"""Journey list, journey forms, personas, future state and comparison, export and import."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cxplatform.lib.forms import add_service_errors, posted_version, versioned_edit_page
from cxplatform.lib.versioning import StaleVersion
from journeys import services
from journeys.filters import JourneyFilter
from journeys.forms import JourneyForm, JourneyImportForm, JourneyTemplateChoiceForm, PersonaForm
from journeys.models import Journey, JourneyState, Persona, Stage, Touchpoint
from journeys.permissions import can_edit_journeys, edit_refusal_reason
from journeys.selectors import journey_compare, journey_list, persona_list, stage_list, touchpoint_list
from journeys.services.archive import join_phrases
from journeys.services.future_state import future_state_name
from journeys.services.templates import journey_create_from_template
from journeys.services.transfer import (
    ImportRefused,
    journey_export,
    journey_export_csv,
    journey_import,
    parse_import_file,
)
from journeys.views import templates as template_views

PAGE_SIZE = 25


def require_editor(request: HttpRequest, journey: Journey | None = None) -> None:
    """Refuse (403 with the reason) unless the user may edit journeys, and this one in particular."""
    if not can_edit_journeys(request.user, journey):
        raise PermissionDenied(edit_refusal_reason(request.user, journey))


def journey_index(request: HttpRequest) -> HttpResponse:
    filters = JourneyFilter(request.GET or None, queryset=journey_list())
    queryset = filters.qs if filters.is_bound and filters.is_valid() else journey_list()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "journeys/index.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "is_filtered": any(v for k, v in request.GET.items() if k != "page"),
            "can_edit": can_edit_journeys(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def journey_create(request: HttpRequest) -> HttpResponse:
    """A new journey: a blank map, or one started from a template (shipped or the organisation's)."""
    require_editor(request)
    form = JourneyForm(request.POST or None, initial={"group": request.GET.get("group")}, user=request.user)
    language = template_views.chosen_language(request)
    shipped, saved = template_views.template_cards(language)
    template_form = JourneyTemplateChoiceForm(
        request.POST or None,
        initial={"template": request.GET.get("template", "")},
        choices=[(card.choice, card.name) for card in shipped + saved],
    )
    if request.method == "POST" and form.is_valid() and template_form.is_valid():
        data = form.cleaned_data
        require_editor(request, Journey(group=data["group"]))
        choice = template_form.cleaned_data["template"]
        header = {
            "name": data["name"],
            "key": data["key"],
            "description": data["description"],
            "group": data["group"],
            "personas": data["personas"],
            "state": data["state"],
            "phase": data["phase"],
            "chain_owner": data["chain_owner"],
        }
        document = template_views.template_document(choice, language) if choice else None
        try:
            if document is None:
                journey = services.journey_create(**header)
            else:
                journey = journey_create_from_template(document=document, **header)
        except ImportRefused as refused:
            template_form.add_error(
                "template", _("This template cannot be used: %(problems)s") % {"problems": " ".join(refused.messages)}
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if document is None:
                done = _("Journey “%(name)s” created. Add its first stage.") % {"name": journey.name}
            else:
                done = _("Journey “%(name)s” created from a template: make its map your own.") % {"name": journey.name}
            messages.success(request, done)
            return redirect("journeys:map", pk=journey.pk)
    context = {
        "form": form,
        "journey": None,
        "template_form": template_form,
        "shipped_templates": shipped,
        "saved_templates": saved,
        "template_language": language,
        "template_languages": template_views.language_choices(),
        "chosen_template": template_form["template"].value() or "",
    }
    return render(request, "journeys/journey_form.html", context)


@require_http_methods(["GET", "POST"])
def journey_edit(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    require_editor(request, journey)

    def save(**data) -> Journey:
        require_editor(request, Journey(group=data["group"]))  # moving it to another group too
        return services.journey_update(journey=journey, **data)

    # A stale edit comes back (409) with the user's input, theirs beside it (cxplatform.lib.forms).
    return versioned_edit_page(
        request,
        JourneyForm(request.POST or None, instance=journey, user=request.user),
        instance=journey,
        save=save,
        fresh_form=lambda current: JourneyForm(instance=current, user=request.user),
        bound_form=lambda data, current: JourneyForm(data, instance=current, user=request.user),
        current=lambda _stored: journey,  # as before: the page names the journey it loaded, not re-read
        saved_message=lambda: _("Journey “%(name)s” saved.") % {"name": journey.name},
        saved_url=reverse("journeys:map", args=[pk]),
        gone_url=reverse("journeys:index"),
        page=lambda form, shown, status: render(
            request, "journeys/journey_form.html", {"form": form, "journey": shown}, status=status
        ),
        invalid_status=None,  # the journey pages answer a form with errors with 200
    )


def _confirm_delete(request: HttpRequest, journey: Journey, *, message: str = "", status: int = 200):
    """The confirmation, carrying the version it shows; with dependents it offers archiving instead."""
    dependents = services.dependents_of(journey)
    refusal = ""
    if dependents:
        refusal = _("%(name)s has %(dependents)s: archive it instead.") % {
            "name": journey.name,
            "dependents": join_phrases(dependents),
        }
    context = {"journey": journey, "refusal": refusal, "message": message}
    return render(request, "journeys/journey_confirm_delete.html", context, status=status)


@require_http_methods(["GET", "POST"])
def journey_delete(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(journey_list(), pk=pk)
    require_editor(request, journey)
    if request.method == "POST":
        try:
            services.journey_delete(journey=journey, expected_version=posted_version(request, required=True))
        except StaleVersion as stale:
            if stale.current is None:
                messages.error(request, stale.message)
                return redirect("journeys:index")
            # 409 with the journey as it is now: the user confirms again, or not, knowing what changed.
            fresh = journey_list().get(pk=pk)
            return _confirm_delete(request, fresh, message=str(stale.message), status=409)
        except services.HasDependents:
            return _confirm_delete(request, journey, status=409)
        messages.success(request, _("Journey “%(name)s” deleted.") % {"name": journey.name})
        return redirect("journeys:index")
    return _confirm_delete(request, journey)


@require_POST
def journey_archive(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    require_editor(request, journey)
    try:
        services.journey_archive(journey=journey, expected_version=posted_version(request, required=True))
    except StaleVersion as stale:
        if stale.current is None:
            messages.error(request, stale.message)
            return redirect("journeys:index")
        return _confirm_delete(request, journey_list().get(pk=pk), message=str(stale.message), status=409)
    messages.success(
        request,
        _("Journey “%(name)s” archived: its responses and figures are kept, and it can be restored from the archive.")
        % {"name": journey.name},
    )
    return redirect("journeys:index")


def journey_archived(request: HttpRequest) -> HttpResponse:
    """The archived journeys, to restore."""
    page = Paginator(journey_list(archived=True), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "journeys/archived.html",
        {"page": page, "query": "", "can_edit": can_edit_journeys(request.user)},
    )


@require_POST
def journey_restore(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey.all_objects, pk=pk, archived_at__isnull=False)
    require_editor(request, journey)
    try:
        services.journey_restore(journey=journey, expected_version=posted_version(request, required=True))
    except (StaleVersion, ValidationError) as refused:
        messages.error(request, getattr(refused, "message", None) or " ".join(refused.messages))
        return redirect("journeys:archived")
    messages.success(request, _("Journey “%(name)s” restored.") % {"name": journey.name})
    return redirect("journeys:map", pk=pk)


def journey_map_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """The archived stages and touchpoints of a journey, to restore."""
    journey = get_object_or_404(Journey, pk=pk)
    return render(
        request,
        "journeys/map_archive.html",
        {
            "journey": journey,
            "stages": stage_list(archived=True).filter(journey=journey),
            "touchpoints": touchpoint_list(archived=True).filter(journey=journey),
            "can_edit": can_edit_journeys(request.user, journey),
        },
    )


@require_POST
def map_part_restore(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    require_editor(request, journey)
    model, restore = {
        "stages": (Stage, services.stage_restore),
        "touchpoints": (Touchpoint, services.touchpoint_restore),
    }[kind]
    part = get_object_or_404(model.all_objects, pk=part_pk, journey=journey, archived_at__isnull=False)
    try:
        restore(**{model._meta.model_name: part, "expected_version": posted_version(request, required=True)})
    except (StaleVersion, ValidationError) as refused:
        messages.error(request, getattr(refused, "message", None) or " ".join(refused.messages))
        return redirect("journeys:map-archive", pk=pk)
    messages.success(request, _("“%(name)s” is back on the map.") % {"name": part.name})
    return redirect("journeys:map", pk=pk)


@require_POST
def journey_future_state(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    require_editor(request, journey)
    try:
        future = services.journey_create_future_state(journey=journey, another=request.POST.get("another") == "1")
    except services.FutureStateExists as exists:
        context = {"journey": journey, "existing": exists.existing, "another_name": future_state_name(journey)}
        return render(request, "journeys/future_state_exists.html", context, status=409)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("journeys:map", pk=pk)
    messages.success(request, _("Future state created: a copy of “%(name)s” to redesign.") % {"name": journey.name})
    return redirect("journeys:map", pk=future.pk)


def journey_compare_view(request: HttpRequest, pk: int) -> HttpResponse:
    future = get_object_or_404(
        Journey, pk=pk, state=JourneyState.FUTURE, current_state__isnull=False, current_state__archived_at__isnull=True
    )
    comparison = journey_compare(future=future)
    return render(request, "journeys/compare.html", {"c": comparison})


def _attachment(content: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def journey_export_json_view(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    body = json.dumps(journey_export(journey=journey), ensure_ascii=False, indent=2)
    return _attachment(body, f"{slugify(journey.name) or 'journey'}.json", "application/json; charset=utf-8")


def journey_export_csv_view(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    # A byte-order mark so spreadsheet programs read the UTF-8 correctly.
    body = "\ufeff" + journey_export_csv(journey=journey)
    return _attachment(body, f"{slugify(journey.name) or 'journey'}.csv", "text/csv; charset=utf-8")


@require_http_methods(["GET", "POST"])
def journey_import_view(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    form = JourneyImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                data = parse_import_file(form.cleaned_data["file"].read())
                result = journey_import(data=data, name=form.cleaned_data["name"] or None)
                # The copy lands in the file's journey group: the user must be allowed to edit there.
                require_editor(request, result.journey)
        except ImportRefused as refused:
            problems = refused.messages
        else:
            messages.success(request, _("Journey imported as “%(name)s”.") % {"name": result.journey.name})
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("journeys:map", pk=result.journey.pk)
    return render(request, "journeys/import.html", {"form": form, "problems": problems})


# Personas


def persona_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(persona_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "journeys/personas.html", {"page": page, "can_edit": can_edit_journeys(request.user)})


def persona_detail(request: HttpRequest, pk: int) -> HttpResponse:
    persona = get_object_or_404(Persona, pk=pk)
    journeys = journey_list().filter(personas=persona)
    return render(
        request,
        "journeys/persona_detail.html",
        {"persona": persona, "journeys": journeys, "can_edit": can_edit_journeys(request.user)},
    )


@require_http_methods(["GET", "POST"])
def persona_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_editor(request)
    persona = get_object_or_404(Persona, pk=pk) if pk else None
    form = PersonaForm(request.POST or None, instance=persona)
    if request.method == "POST" and form.is_valid():
        if persona is None:
            persona = services.persona_create(**form.cleaned_data)
        else:
            services.persona_update(persona=persona, **form.cleaned_data)
        messages.success(request, _("Persona “%(name)s” saved.") % {"name": persona.name})
        return redirect("journeys:persona", pk=persona.pk)
    return render(request, "journeys/persona_form.html", {"form": form, "persona": persona})


@require_http_methods(["GET", "POST"])
def persona_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_editor(request)
    persona = get_object_or_404(persona_list(), pk=pk)
    if request.method == "POST":
        services.persona_delete(persona=persona)
        messages.success(request, _("Persona “%(name)s” deleted.") % {"name": persona.name})
        return redirect(reverse("journeys:personas"))
    return render(request, "journeys/persona_confirm_delete.html", {"persona": persona})
