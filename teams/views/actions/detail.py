"""One improvement action: its page, with its progress and comments (reported by the assignee or the team)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxplatform.lib import extension_points
from cxplatform.lib.forms import add_service_errors, rebase_stale_form
from cxplatform.lib.versioning import StaleVersion
from teams.forms.actions import ActionCommentForm, ActionProgressForm
from teams.models import ImprovementAction
from teams.permissions import NOT_ASSIGNED, can_manage_action, can_progress_action
from teams.selectors.actions import action_detail
from teams.services.actions import action_comment_add, action_update
from teams.views.actions.board import get_action, next_statuses, next_url, status_labels


def _load_detail(pk: int) -> ImprovementAction:
    try:
        return action_detail(pk=pk)
    except ImprovementAction.DoesNotExist:
        raise Http404(_("No such improvement action.")) from None


def _roi(action: ImprovementAction) -> Decimal | None:
    """(gains − investment) / investment × 100%, when there is an investment to divide by."""
    if not action.expected_investment:
        return None
    return (action.expected_gains - action.expected_investment) / action.expected_investment * 100


def _business_case_url(action: ImprovementAction) -> str | None:
    """The action's business case and effect: another app's page, so teams names it by the extension point
    ACTION_BUSINESS_CASE_URL instead of importing that app."""
    return extension_points.url(extension_points.ACTION_BUSINESS_CASE_URL, action.pk)


def _progress_form(data, action: ImprovementAction) -> ActionProgressForm:
    return ActionProgressForm(data, initial={"progress": action.progress, "version": action.version})


def _detail_context(request: HttpRequest, action: ImprovementAction, **forms) -> dict:
    can_progress = can_progress_action(request.user, action)
    return {
        "action": action,
        "can_manage": can_manage_action(request.user, action),
        "can_progress": can_progress,
        "next_statuses": next_statuses(action, status_labels()) if can_progress else [],
        "roi": _roi(action),
        "comment_form": forms.get("comment_form") or ActionCommentForm(),
        "progress_form": forms.get("progress_form") or _progress_form(None, action),
        "map_url": reverse("journeys:map", args=[action.journey_id]),
        "business_case_url": _business_case_url(action),
    }


def action_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "teams/action_detail.html", _detail_context(request, _load_detail(pk)))


@require_POST
def action_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action(pk)
    if not can_progress_action(request.user, action):
        raise PermissionDenied(NOT_ASSIGNED)
    form = ActionCommentForm(request.POST)
    if form.is_valid():
        try:
            action_comment_add(action=action, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Comment added."))
            return redirect(reverse("teams:action", args=[pk]) + "#comments")
    context = _detail_context(request, _load_detail(pk), comment_form=form)
    return render(request, "teams/action_detail.html", context, status=422)


@require_POST
def action_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignee (or the team) reports progress; refused when someone changed the action meanwhile."""
    action = get_action(pk)
    if not can_progress_action(request.user, action):
        raise PermissionDenied(NOT_ASSIGNED)
    form = ActionProgressForm(request.POST)
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        messages.error(request, " ".join(errors))
    else:
        data = form.cleaned_data
        try:
            action_update(action=action, expected_version=data["version"], progress=data["progress"])
        except StaleVersion as stale:
            if stale.current is None:
                messages.error(request, stale.message)
                return redirect("teams:actions")
            # The progress typed stays in the form, now based on the current version, beside theirs (409).
            current = _load_detail(pk)
            rebased = rebase_stale_form(
                form, stale, fresh_form=lambda _c: _progress_form(None, current), bound_form=_progress_form
            )
            context = _detail_context(request, current, progress_form=rebased)
            return render(request, "teams/action_detail.html", context, status=409)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Progress of “%(title)s” is now %(progress)s%%.")
                % {"title": action.title, "progress": action.progress},
            )
    return redirect(next_url(request, reverse("teams:action", args=[pk])))
