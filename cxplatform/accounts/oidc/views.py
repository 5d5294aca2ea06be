"""The SSO pages: the start (to the provider), the callback (back from it), and a page when the provider cannot
be reached. Every refusal ends on the login page with a message saying what happened, never an error page."""

from __future__ import annotations

import logging

import jwt
import requests
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from cxplatform.audit import actions
from cxplatform.audit.recording import record

from . import provider_name, sso_enabled
from .discovery import DiscoveryError, provider_metadata

logger = logging.getLogger(__name__)

AUTH_METHOD_KEY = "cx_auth_method"


def provider_unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/sso_unavailable.html", {"provider_name": provider_name()}, status=503)


def refused(request: HttpRequest, reason: str, message: str) -> HttpResponse:
    """Back to the login page with `message`; the refusal is in the audit trail (no personal data: the reason
    only)."""
    record(actions.LOGIN_FAILED, detail={"method": "oidc", "reason": reason})
    messages.error(request, message)
    return redirect("login")


class StartView(OIDCAuthenticationRequestView):
    """To the provider's authorization endpoint, with state, nonce and a PKCE challenge (the library)."""

    def __init__(self, **kwargs) -> None:
        View.__init__(self, **kwargs)  # the library's reads the endpoint from settings: discovered in get() instead

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            metadata = provider_metadata()
        except DiscoveryError:
            return provider_unavailable(request)
        self.OIDC_OP_AUTH_ENDPOINT = metadata["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """Back from the provider. The library checks the state against the session, exchanges the code with the
    PKCE verifier and checks the ID token's signature and nonce; a state it does not know, an answer that does not
    verify, an inactive account or an error from the provider all land on the login page with a message."""

    @property
    def failure_url(self) -> str:
        return reverse("login")

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        name = provider_name()
        state = request.GET.get("state")
        if request.GET.get("error"):
            # As the library does: the state is used up, and any session here ends.
            if state and state in request.session.get("oidc_states", {}):
                del request.session["oidc_states"][state]
                request.session.modified = True
            if request.user.is_authenticated:
                auth.logout(request)
            if request.GET["error"] in ("login_required", "interaction_required", "consent_required"):
                # The silent re-check (middleware.SessionRecheck) found the session at the provider gone.
                messages.info(
                    request, _("Your session at %(provider)s has ended. Please log in again.") % {"provider": name}
                )
                return redirect("login")
            return refused(request, "provider_error", _("%(provider)s did not log you in.") % {"provider": name})
        if "code" not in request.GET:
            return refused(request, "provider_error", _("%(provider)s did not log you in.") % {"provider": name})
        if not state or state not in request.session.get("oidc_states", {}):
            return refused(
                request,
                "state",
                _(
                    "The answer from %(provider)s did not match a login started here (its state is unknown or "
                    "expired), so it was refused. Please log in again."
                )
                % {"provider": name},
            )
        try:
            return super().get(request)
        except DiscoveryError:
            return provider_unavailable(request)
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, KeyError, ValueError):
            logger.warning("single sign-on: the provider's answer was refused", exc_info=True)
            return refused(
                request,
                "unverified",
                _("The answer from %(provider)s could not be verified, so it was refused. Please log in again.")
                % {"provider": name},
            )

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _(
                "%(provider)s confirmed who you are, but CX Platform cannot log you in: your account may be "
                "deactivated. Ask an administrator of CX Platform."
            )
            % {"provider": provider_name()},
        )
        return HttpResponseRedirect(self.failure_url)

    def login_success(self) -> HttpResponse:
        response = super().login_success()
        self.request.session[AUTH_METHOD_KEY] = "oidc"
        return response
