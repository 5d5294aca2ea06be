"""Before a signed-in request reaches its view: an idle session is ended, and a session that still owes its second
factor (or, under REQUIRE_2FA_FOR_ADMINS, an admin's set-up) goes there first (issue 16).

Everything decided here is read from the session, which every signed-in request loads anyway: no query of its
own on a normal request (the last-seen time is written at most once a minute, cxplatform.accounts.sessions).
"""

from __future__ import annotations

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.views import APIView

from . import sessions, two_factor

# Where a session that owes a step may still go: the step's own pages, and out.
ALLOWED_WHILE_PENDING = {
    "two-factor-verify": {"two-factor-verify", "logout", "admin:logout"},
    "two-factor-setup": {"two-factor-setup", "logout", "admin:logout"},
}


def _is_api(view_func) -> bool:
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class SessionGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        is_api = _is_api(view_func)
        if is_api:
            # An API token is its own credential: neither idle expiry nor the second factor apply.
            if "HTTP_AUTHORIZATION" in request.META:
                return None
        elif not getattr(view_func, "login_required", True):
            # The login page, the language switch, health, share links, survey hooks: no signed-in user needed.
            return None
        session = request.session
        if SESSION_KEY not in session:
            return None
        if sessions.is_idle(request):
            sessions.end_idle(request)
            return None if is_api else redirect_to_login(request.get_full_path())
        step = two_factor.required_step(session)
        if step is None:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_WHILE_PENDING[step]:
            return None
        if is_api:
            message = (
                _("Enter your two-factor code on the website first.")
                if step == "two-factor-verify"
                else _("Set up two-factor authentication on the website first.")
            )
            return JsonResponse({"detail": message}, status=403)
        return redirect_to_login(request.get_full_path(), reverse(step))
