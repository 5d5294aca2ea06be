"""The improvement-action pages: board, list, prioritisation matrix, my work, detail, create and edit.

Writes go through teams.services.actions and are checked with teams.permissions, like the API: a refusal is a
403 with the reason. The board is one htmx fragment: a move (dragged, or picked from a card's menu) answers
with the re-rendered board and its message, also when the move is refused (422), so a refused card goes back.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cxplatform.lib.forms import (
    add_service_errors,
    delete_confirmation,
    rebase_stale_form,
    submit_versioned_delete,
    versioned_edit_page,
)
from cxplatform.lib.versioning import StaleVersion
from journeys.models import Finding, Touchpoint
from teams.charts import priority_matrix_figure
from teams.forms.actions import (
    SHARED_FILTERS,
    ActionBoardFilter,
    ActionCommentForm,
    ActionFilter,
    ActionForm,
    ActionProgressForm,
)
from teams.models import ALLOWED_TRANSITIONS, ActionStatus, ImprovementAction
from teams.permissions import (
    NOT_AN_EDITOR,
    NOT_ASSIGNED,
    NOT_YOUR_ACTION,
    can_create_actions,
    can_manage_action,
    can_progress_action,
)
from teams.selectors.actions import (
    ActionSource,
    action_board,
    action_detail,
    action_rows,
    action_source,
    matrix_actions,
    my_work,
    team_for_journey,
)
from teams.services.actions import (
    ActionRefused,
    action_comment_add,
    action_create,
    action_delete,
    action_transition,
    action_update,
)

PAGE_SIZE = 25
BOARD_TARGET = "action-board"
# The longest ?title= and ?description= the create form takes as its initial values.
PREFILL_LENGTHS = {"title": ImprovementAction._meta.get_field("title").max_length, "description": 4000}


# Helpers


def _filtered(filters) -> QuerySet[ImprovementAction]:
    return filters.qs if filters.is_bound and filters.is_valid() else filters.queryset


def _shared_query(request: HttpRequest) -> str:
    """The filters the board, the list and the matrix share, as a query string for links between them."""
    return urlencode([(key, request.GET[key]) for key in SHARED_FILTERS if request.GET.get(key)])


def _next_statuses(action: ImprovementAction, labels: dict[str, str]) -> list[tuple[str, str]]:
    """The statuses the action may move to next, in the statuses' own order."""
    allowed = ALLOWED_TRANSITIONS[action.status]
    return [(status, label) for status, label in labels.items() if status in allowed]


def _status_labels() -> dict[str, str]:
    return {status: str(label) for status, label in ActionStatus.choices}  # translated once, not per card


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _get_action(pk: int) -> ImprovementAction:
    return get_object_or_404(ImprovementAction, pk=pk)


def _tabs_context(request: HttpRequest, current: str) -> dict:
    return {"tab": current, "shared_query": _shared_query(request), "can_create": can_create_actions(request.user)}


# The board


def _board_context(request: HttpRequest, *, message: str = "", level: str = "success") -> dict:
    filters = ActionBoardFilter(request.GET or None, queryset=action_rows())
    columns = action_board(_filtered(filters))
    labels = _status_labels()
    for column in columns:
        for action in column.actions:
            action.can_move = can_progress_action(request.user, action)
            if action.can_move:
                action.next_statuses = _next_statuses(action, labels)
    query = request.GET.copy()
    return {
        **_tabs_context(request, "board"),
        "filters": filters,
        "columns": columns,
        "total": sum(len(column.actions) for column in columns),
        "is_filtered": any(request.GET.get(key) for key in SHARED_FILTERS),
        "query": query.urlencode(),
        "board_url": f"{reverse('teams:actions')}?{query.urlencode()}" if query else reverse("teams:actions"),
        "message": message,
        "level": level,
    }


def action_index(request: HttpRequest) -> HttpResponse:
    return render(request, "teams/actions.html", _board_context(request))


def _board_response(request: HttpRequest, *, status: int, message: str, level: str) -> HttpResponse:
    context = _board_context(request, message=message, level=level)
    return render(request, "teams/_action_board.html", context, status=status)


def _from_board(request: HttpRequest) -> bool:
    return bool(request.htmx and request.htmx.target == BOARD_TARGET)


@require_POST
def action_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an action to `to_status`: from the board (htmx, answers with the board), my work or its page."""
    action = _get_action(pk)
    if not can_progress_action(request.user, action):
        if _from_board(request):
            return _board_response(request, status=403, message=str(NOT_ASSIGNED), level="error")
        raise PermissionDenied(NOT_ASSIGNED)
    try:
        action_transition(action=action, to_status=request.POST.get("to_status", ""), by=request.user)
    except ActionRefused as refused:
        moved, message = False, " ".join(refused.messages)
    else:
        moved = True
        message = _("“%(title)s” is now: %(status)s.") % {
            "title": action.title,
            "status": ActionStatus(action.status).label,
        }
    if _from_board(request):
        return _board_response(
            request, status=200 if moved else 422, message=message, level="success" if moved else "error"
        )
    (messages.success if moved else messages.error)(request, message)
    return redirect(_next_url(request, reverse("teams:action", args=[pk])))


# The list


def action_list(request: HttpRequest) -> HttpResponse:
    filters = ActionFilter(request.GET or None, queryset=action_rows())
    page = Paginator(_filtered(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "teams/action_list.html",
        {
            **_tabs_context(request, "list"),
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "is_filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        },
    )


# The prioritisation matrix


def action_matrix(request: HttpRequest) -> HttpResponse:
    filters = ActionBoardFilter(request.GET or None, queryset=action_rows())
    actions = matrix_actions(_filtered(filters))
    prefix, _mark, suffix = reverse("teams:action", args=[2147483647]).rpartition("2147483647")
    figure = priority_matrix_figure(actions, detail_url=lambda action: f"{prefix}{action.pk}{suffix}")
    return render(
        request,
        "teams/action_matrix.html",
        {
            **_tabs_context(request, "matrix"),
            "filters": filters,
            "is_filtered": any(request.GET.get(key) for key in SHARED_FILTERS),
            "actions": actions,
            "quick_wins": [action for action in actions if action.is_quick_win],
            "figure": figure.to_dict() if actions else None,
        },
    )


# My work


def action_mine(request: HttpRequest) -> HttpResponse:
    actions = list(my_work(user=request.user))
    labels = _status_labels()
    for action in actions:
        action.next_statuses = _next_statuses(action, labels)
    finished_query = urlencode({"assignee": request.user.pk, "status": ActionStatus.DONE})
    return render(
        request,
        "teams/action_mine.html",
        {
            **_tabs_context(request, "mine"),
            "actions": actions,
            "finished_url": f"{reverse('teams:action-list')}?{finished_query}",
        },
    )


@require_POST
def action_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignee (or the team) reports progress; refused when someone changed the action meanwhile."""
    action = _get_action(pk)
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
    return redirect(_next_url(request, reverse("teams:action", args=[pk])))


# One action


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
    """The action's business case and effect (settings.ACTION_BUSINESS_CASE_URL, a URL name taking the action's
    pk): another app's page, so teams names it by a setting instead of importing that app."""
    name = getattr(settings, "ACTION_BUSINESS_CASE_URL", None)
    if not name:
        return None
    try:
        return reverse(name, args=[action.pk])
    except NoReverseMatch:
        return None


def _progress_form(data, action: ImprovementAction) -> ActionProgressForm:
    return ActionProgressForm(data, initial={"progress": action.progress, "version": action.version})


def _detail_context(request: HttpRequest, action: ImprovementAction, **forms) -> dict:
    can_progress = can_progress_action(request.user, action)
    return {
        "action": action,
        "can_manage": can_manage_action(request.user, action),
        "can_progress": can_progress,
        "next_statuses": _next_statuses(action, _status_labels()) if can_progress else [],
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
    action = _get_action(pk)
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


# Create, edit, delete


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
