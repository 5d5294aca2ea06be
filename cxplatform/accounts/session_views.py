"""Ending one's other sessions from the profile page, after a confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from . import sessions


@require_http_methods(["GET", "POST"])
def session_end(request: HttpRequest, pk: int) -> HttpResponse:
    current_key = request.session.session_key
    listed = {row.pk: row for row in sessions.user_sessions(user=request.user, current_key=current_key)}
    row = listed.get(pk)
    if row is None or row.is_current:
        raise Http404(_("No such session of yours."))
    if request.method == "GET":
        return render(request, "accounts/session_end_confirm.html", {"row": row, "all_others": False})
    sessions.session_end(user=request.user, session_id=pk, current_key=current_key)
    messages.success(request, _("The session was ended: that browser is logged out."))
    return redirect("profile")


@require_http_methods(["GET", "POST"])
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/session_end_confirm.html", {"all_others": True})
    count = sessions.sessions_end_others(user=request.user, current_key=request.session.session_key)
    if count:
        messages.success(
            request,
            ngettext("%(count)d other session was ended.", "%(count)d other sessions were ended.", count)
            % {"count": count},
        )
    else:
        messages.info(request, _("You had no other sessions."))
    return redirect("profile")
