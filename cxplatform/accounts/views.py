import math

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cxplatform.lib.forms import add_service_errors

from . import sessions, two_factor
from .local_login import login_page_context
from .models import ApiToken
from .oidc import logout as oidc_logout
from .selectors import REVOKED_LISTED_DAYS, api_tokens_of_user, login_lockout_ends_at
from .services import api_token_create, api_token_revoke
from .token_forms import ApiTokenForm

# The new token's key, kept in the session from the POST that made it to the page that shows it once.
NEW_TOKEN_SESSION_KEY = "new_api_token"  # noqa: S105 (a session key name, not a secret)


def tokens_profile_context(request: HttpRequest) -> dict:
    """What templates/accounts/_profile_tokens.html shows: the user's tokens, the form for a new one, and the key
    of the token just made (only on the first GET after making it)."""
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    return {
        "api_tokens": api_tokens_of_user(user=request.user),
        "token_form": ApiTokenForm(),
        "new_token": new_token,
        "revoked_listed_days": REVOKED_LISTED_DAYS,
    }


# The profile page's sections (templates/accounts/profile.html includes one template each): API tokens,
# two-factor authentication, sessions.
PROFILE_SECTIONS = (tokens_profile_context, two_factor.profile_context, sessions.profile_context)


def profile_context(request: HttpRequest) -> dict:
    context: dict = {}
    for section in PROFILE_SECTIONS:
        context.update(section(request))
    return context


@never_cache  # right after a token is made, the page holds its key: no copy in a cache or the back button
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", profile_context(request))


@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    """Makes the token and shows its key once (on the profile page after the redirect); a form with errors is shown
    again on the profile page, 422."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            token, key = api_token_create(
                user=request.user, name=data["name"], access=data["access"], expires_at=data["expires_at"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"pk": token.pk, "name": token.name, "key": key}
            messages.success(request, _("Your API token “%(name)s” was created.") % {"name": token.name})
            return redirect(reverse("profile") + "#api-tokens")
    context = {**profile_context(request), "token_form": form}
    return render(request, "accounts/profile.html", context, status=422)


@require_http_methods(["GET", "POST"])
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks first (GET), revokes on POST. Only one's own tokens: someone else's is 404 (admins use the admin)."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "GET":
        return render(request, "accounts/token_revoke_confirm.html", {"token": token})
    if token.revoked_at is None:
        api_token_revoke(token=token)
        messages.success(
            request,
            _("The API token “%(name)s” was revoked. Programs using it can no longer connect.") % {"name": token.name},
        )
    else:
        messages.info(request, _("The API token “%(name)s” was already revoked.") % {"name": token.name})
    return redirect(reverse("profile") + "#api-tokens")


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
