"""The improvement actions together: the board (a column per status), the list, the prioritisation matrix and
my work, with the filters they share; and moving an action to another status.

The board is one htmx fragment: a move (dragged, or picked from a card's menu) answers with the re-rendered
board and its message, also when the move is refused (422), so a refused card goes back.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from teams.charts import priority_matrix_figure
from teams.forms.actions import SHARED_FILTERS, ActionBoardFilter, ActionFilter
from teams.models import ALLOWED_TRANSITIONS, ActionStatus, ImprovementAction
from teams.permissions import NOT_ASSIGNED, can_create_actions, can_progress_action
from teams.selectors.actions import action_board, action_rows, matrix_actions, my_work
from teams.services.actions import ActionRefused, action_transition

PAGE_SIZE = 25
BOARD_TARGET = "action-board"


# Helpers (next_statuses, status_labels, next_url and get_action serve the action's page too: detail)


def _filtered(filters) -> QuerySet[ImprovementAction]:
    return filters.qs if filters.is_bound and filters.is_valid() else filters.queryset


def _shared_query(request: HttpRequest) -> str:
    """The filters the board, the list and the matrix share, as a query string for links between them."""
    return urlencode([(key, request.GET[key]) for key in SHARED_FILTERS if request.GET.get(key)])


def next_statuses(action: ImprovementAction, labels: dict[str, str]) -> list[tuple[str, str]]:
    """The statuses the action may move to next, in the statuses' own order."""
    allowed = ALLOWED_TRANSITIONS[action.status]
    return [(status, label) for status, label in labels.items() if status in allowed]


def status_labels() -> dict[str, str]:
    return {status: str(label) for status, label in ActionStatus.choices}  # translated once, not per card


def next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def get_action(pk: int) -> ImprovementAction:
    return get_object_or_404(ImprovementAction, pk=pk)


def _tabs_context(request: HttpRequest, current: str) -> dict:
    return {"tab": current, "shared_query": _shared_query(request), "can_create": can_create_actions(request.user)}


# The board


def _board_context(request: HttpRequest, *, message: str = "", level: str = "success") -> dict:
    filters = ActionBoardFilter(request.GET or None, queryset=action_rows())
    columns = action_board(_filtered(filters))
    labels = status_labels()
    for column in columns:
        for action in column.actions:
            action.can_move = can_progress_action(request.user, action)
            if action.can_move:
                action.next_statuses = next_statuses(action, labels)
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
    action = get_action(pk)
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
    return redirect(next_url(request, reverse("teams:action", args=[pk])))


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
    labels = status_labels()
    for action in actions:
        action.next_statuses = next_statuses(action, labels)
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
