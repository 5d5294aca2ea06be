"""Create, edit and delete an improvement action: from a finding or touchpoint of the map (?finding= or
?touchpoint=), from the key-driver page (?title= and ?description=), or from scratch."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cxplatform.lib.forms import add_service_errors, delete_confirmation, submit_versioned_delete, versioned_edit_page
from journeys.models import Finding, Touchpoint
from teams.forms.actions import ActionForm
from teams.models import ImprovementAction
from teams.permissions import NOT_AN_EDITOR, NOT_YOUR_ACTION, can_create_actions, can_manage_action
from teams.selectors.actions import ActionSource, action_source, team_for_journey
from teams.services.actions import action_create, action_delete, action_update

# The longest ?title= and ?description= the create form takes as its initial values.
PREFILL_LENGTHS = {"title": ImprovementAction._meta.get_field("title").max_length, "description": 4000}


def _source(request: HttpRequest) -> ActionSource | None:
    """The finding or touchpoint named in the query string (?finding=<id> or ?touchpoint=<id>)."""
    try:
        finding_id = int(request.GET["finding"]) if request.GET.get("finding") else None
        touchpoint_id = int(request.GET["touchpoint"]) if request.GET.get("touchpoint") else None
        return action_source(finding_id=finding_id, touchpoint_id=touchpoint_id)
    except (ValueError, Finding.DoesNotExist, Touchpoint.DoesNotExist):
        raise Http404(_("No such finding or touchpoint.")) from None


@require_http_methods(["GET", "POST"])
def action_create_view(request: HttpRequest) -> HttpResponse:
    if not can_create_actions(request.user):
        raise PermissionDenied(NOT_AN_EDITOR)
    source = _source(request)
    initial = {}
    if source is not None:
        team = team_for_journey(journey=source.journey, user=request.user)
        initial = {"title": source.title, "team": team, "assignee": source.process_owner}
    # ?title= and ?description= override the suggestions (the key-driver page prefills both); cut to the field's
    # length here, validated and escaped by the form like anything typed.
    for name, limit in PREFILL_LENGTHS.items():
        value = request.GET.get(name, "").strip()[:limit]
        if value:
            initial[name] = value
    form = ActionForm(request.POST or None, initial=initial, choose_journey=source is None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        if source is not None:
            data.update(
                journey=source.journey, stage=source.stage, touchpoint=source.touchpoint, finding=source.finding
            )
        try:
            action = action_create(created_by=request.user, own_team_only=True, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Improvement action “%(title)s” created.") % {"title": action.title})
            return redirect("teams:action", pk=action.pk)
    return render(
        request,
        "teams/action_form.html",
        {"form": form, "action": None, "source": source, "form_url": request.get_full_path()},
        status=422 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def action_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        ImprovementAction.objects.select_related("journey", "stage", "touchpoint", "finding"), pk=pk
    )
    if not can_manage_action(request.user, action):
        raise PermissionDenied(NOT_YOUR_ACTION)
    form_url = reverse("teams:action-edit", args=[pk])
    return versioned_edit_page(
        request,
        ActionForm(request.POST or None, instance=action),
        instance=action,
        save=lambda **data: action_update(action=action, **data),
        fresh_form=lambda current: ActionForm(instance=current),
        saved_message=lambda: _("Improvement action “%(title)s” saved.") % {"title": action.title},
        saved_url=reverse("teams:action", args=[pk]),
        gone_url=reverse("teams:actions"),
        page=lambda form, shown, status: render(
            request,
            "teams/action_form.html",
            {"form": form, "action": shown, "source": None, "form_url": form_url},
            status=status,
        ),
    )


@require_http_methods(["GET", "POST"])
def action_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(ImprovementAction.objects.select_related("journey"), pk=pk)
    if not can_manage_action(request.user, action):
        raise PermissionDenied(NOT_YOUR_ACTION)
    confirmation, status = None, 200
    if request.method == "POST":
        outcome = submit_versioned_delete(
            request,
            delete=lambda version: action_delete(action=action, expected_version=version),
            form_of=lambda current: ActionForm(instance=current),
            current=lambda _fresh: ImprovementAction.objects.select_related("journey").get(pk=pk),
        )
        if outcome.deleted:
            messages.success(request, _("Improvement action “%(title)s” deleted.") % {"title": action.title})
        if outcome.done:
            return redirect("teams:actions")
        action, confirmation, status = outcome.instance, outcome.confirmation, outcome.status
    context = {"action": action, "confirmation": confirmation or delete_confirmation(ActionForm(instance=action))}
    return render(request, "teams/action_confirm_delete.html", context, status=status)
