"""Authentication by API token (cxplatform.accounts.models.ApiToken), slowing down guessing: a client address that
sends too many bad tokens gets 429.

`Authorization: Token <key>` (or `Bearer <key>`). What each token may do is decided here, for every API view
alike (a view's own permission classes cannot forget it): an unknown or revoked key is 401 and counts as a bad
token; an expired one is 401 naming its expiry date; a read-only token asking to write is 403.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from cxplatform.accounts.models import ApiToken
from cxplatform.accounts.selectors import api_token_for_key
from cxplatform.accounts.services import api_token_touch
from cxplatform.lib.client_ip import client_ip

KEYWORDS = (b"token", b"bearer")


class BadTokenThrottle(SimpleRateThrottle):
    """Counts the bad tokens per client address over the period of API_BAD_TOKEN_RATE."""

    scope = "bad_token"

    def get_rate(self) -> str:
        return settings.API_BAD_TOKEN_RATE  # read per request (DRF's own rates are fixed at import)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def exhausted(self, request) -> bool:
        """True while the address has used up its bad tokens (sets self.history for wait())."""
        self.key = self.get_cache_key(request, None)
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        return len(self.history) >= self.num_requests

    def record(self) -> None:
        self.throttle_success()


class BadToken(exceptions.AuthenticationFailed):
    """A key that is not a working token of anyone (unknown, revoked, malformed): counted against the address."""


class ThrottledTokenAuthentication(TokenAuthentication):
    """A valid token is never throttled (a 40-character key cannot be guessed, and a colleague behind the same
    address keeps working); a bad one counts, and past the rate the answer is 429 with Retry-After instead of 401,
    until the oldest bad try of the period has aged out. An expired token does not count: it is a real key that an
    integration forgot to renew, not a guess.

    A subclass of DRF's TokenAuthentication for its `WWW-Authenticate: Token` and the OpenAPI security scheme
    drf-spectacular derives from it; the lookup is our own (ApiToken, by hash).
    """

    model = ApiToken

    def authenticate(self, request):
        try:
            return self._authenticate(request)
        except BadToken:
            throttle = BadTokenThrottle()
            if throttle.exhausted(request):
                raise exceptions.Throttled(wait=throttle.wait()) from None
            throttle.record()
            raise

    def _authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() not in KEYWORDS:
            return None
        if len(auth) == 1:
            raise BadToken(_("Invalid token header. No credentials provided."))
        if len(auth) > 2:
            raise BadToken(_("Invalid token header. Token string should not contain spaces."))
        try:
            key = auth[1].decode()
        except UnicodeError:
            raise BadToken(_("Invalid token header. Token string should not contain invalid characters.")) from None
        user, token = self.authenticate_credentials(key)
        if token.is_read_only and request.method not in SAFE_METHODS:
            # 403, not 401: the token is good, it just may not write (and the client should not retry with it).
            raise exceptions.PermissionDenied(_("This API token is read-only."), code="token_read_only")
        # The Django request under DRF's (the health view passes a Django request itself): the audit trail reads
        # the credential from there (cxplatform.audit.context.actor_of_request).
        getattr(request, "_request", request).audit_credential = token.credential_label
        return user, token

    def authenticate_credentials(self, key):
        token = api_token_for_key(key)
        if token is None or token.revoked_at is not None:
            raise BadToken(_("Invalid token."))
        if not token.user.is_active:
            raise BadToken(_("User inactive or deleted."))
        api_token_touch(token=token)  # an expired token's use is noted too: its owner sees something still calls
        if token.is_expired:
            raise exceptions.AuthenticationFailed(
                _("This API token expired on %(date)s. Create a new one on your profile page.")
                % {"date": token.expires_at.isoformat()},
                code="token_expired",
            )
        return token.user, token
