"""An open SSO session is checked again with the provider (mozilla-django-oidc's SessionRefresh): once the ID
token is older than OIDC_RECHECK_SECONDS, the next page load goes to the provider silently (prompt=none) and comes
back. Someone removed or blocked at the provider gets an error there and is logged out here; everyone else sees
nothing, and their role and teams are brought up to date on the way (the backend's update at every login).

Only full page loads of SSO sessions are re-checked: the API, htmx fragments and XHR are not redirected (a
redirect to the provider would break them); their session is re-checked at the next page load. Password sessions
(break-glass) are never redirected."""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import cached_property
from mozilla_django_oidc.middleware import SessionRefresh

from . import sso_enabled
from .discovery import DiscoveryError, provider_metadata
from .views import AUTH_METHOD_KEY

logger = logging.getLogger(__name__)


class SessionRecheck(SessionRefresh):
    def __init__(self, get_response) -> None:
        MiddlewareMixin.__init__(self, get_response)  # the library's reads the endpoint: discovered when needed
        self.OIDC_EXEMPT_URLS = []
        self.OIDC_STATE_SIZE = 32
        self.OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
        self.OIDC_USE_NONCE = True
        self.OIDC_NONCE_SIZE = 32

    @cached_property
    def exempt_urls(self) -> set[str]:
        return {
            reverse(name) for name in ("oidc_authentication_init", "oidc_authentication_callback", "logout", "login")
        }

    def is_refreshable_url(self, request) -> bool:
        return bool(
            sso_enabled()
            and request.method == "GET"
            and request.user.is_authenticated
            and request.session.get(AUTH_METHOD_KEY) == "oidc"
            and not request.headers.get("HX-Request")
            and request.headers.get("x-requested-with") != "XMLHttpRequest"
            and not request.path.startswith(("/api/", "/static/", "/health/"))
            and request.path not in self.exempt_urls
        )

    def process_request(self, request):
        if not self.is_refreshable_url(request):
            return None
        try:
            self.OIDC_OP_AUTHORIZATION_ENDPOINT = provider_metadata()["authorization_endpoint"]
            self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
            self.OIDC_RP_SCOPES = settings.OIDC_RP_SCOPES
        except DiscoveryError:
            # The provider cannot be asked now: the session goes on, and is asked again at the next page.
            return None
        return super().process_request(request)
