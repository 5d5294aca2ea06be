import math

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from . import sessions, two_factor
from .local_login import login_page_context
from .oidc import logout as oidc_logout
from .selectors import login_lockout_ends_at
from .services import token_create, token_revoke

NEW_TOKEN_SESSION_KEY = "new_api_token"  # noqa: S105 (a session key name, not a secret)


def tokens_profile_context(request: HttpRequest) -> dict:
    token = Token.objects.filter(user=request.user).first()
    # The full key is shown once, right after it was made; afterwards only its start.
    new_key = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    return {"token": token, "new_key": new_key}


# The profile page's sections (templates/accounts/profile.html includes one template each): API tokens,
# two-factor authentication, sessions.
PROFILE_SECTIONS = (tokens_profile_context, two_factor.profile_context, sessions.profile_context)


def profile(request: HttpRequest) -> HttpResponse:
    context: dict = {}
    for section in PROFILE_SECTIONS:
        context.update(section(request))
    return render(request, "accounts/profile.html", context)


@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    token = token_create(user=request.user)
    request.session[NEW_TOKEN_SESSION_KEY] = token.key
    messages.success(request, _("Your API token was created. Copy it now: it will not be shown again."))
    return redirect("profile")


@require_http_methods(["GET", "POST"])
def token_revoke_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "accounts/token_revoke_confirm.html")
    if token_revoke(user=request.user):
        messages.success(request, _("Your API token was revoked. Programs using it can no longer connect."))
    else:
        messages.error(request, _("You had no API token to revoke."))
    return redirect("profile")


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # After a single sign-on login, the provider's session is ended too (RP-initiated logout), when it says
        # where; read before the session here is flushed.
        provider_logout = oidc_logout.provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have been logged out."))
        return redirect(provider_logout) if provider_logout else response


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """The login page again, saying the login is locked and for how long (axes' AXES_LOCKOUT_CALLABLE): 429 with
    Retry-After. The form is unbound: validating it would try the password once more."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    ends_at = login_lockout_ends_at(username=username, ip_address=getattr(request, "axes_ip_address", None))
    seconds = max(1, math.ceil((ends_at - timezone.now()).total_seconds()))
    context = {
        **login_page_context(request),
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next", ""),
        "locked_out": True,
        "lockout_minutes": math.ceil(seconds / 60),
        "lockout_ends_at": ends_at,
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
