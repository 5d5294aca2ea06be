"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): after a single sign-on login, logging out here
also ends the session at the provider, when its metadata names an end_session_endpoint."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from . import sso_enabled
from .discovery import DiscoveryError, provider_metadata
from .views import AUTH_METHOD_KEY


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where to send the browser to end the provider's session too; None for a password session, or when the
    provider has no end_session_endpoint (or cannot be asked: the session here ends all the same)."""
    if not sso_enabled() or request.session.get(AUTH_METHOD_KEY) != "oidc":
        return None
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except DiscoveryError:
        return None
    if not endpoint:
        return None
    params = {
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("login")),
    }
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"
