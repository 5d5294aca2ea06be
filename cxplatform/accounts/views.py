from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from .services import token_create, token_revoke

NEW_TOKEN_SESSION_KEY = "new_api_token"  # noqa: S105 (a session key name, not a secret)


def profile(request: HttpRequest) -> HttpResponse:
    token = Token.objects.filter(user=request.user).first()
    # The full key is shown once, right after it was made; afterwards only its start.
    new_key = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    return render(request, "accounts/profile.html", {"token": token, "new_key": new_key})


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
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("You have been logged out."))
        return response
