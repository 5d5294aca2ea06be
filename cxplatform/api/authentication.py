"""Token authentication that slows down guessing: a client address that sends too many bad tokens gets 429."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.throttling import SimpleRateThrottle

from cxplatform.lib.client_ip import client_ip


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


class ThrottledTokenAuthentication(TokenAuthentication):
    """A valid token is never throttled (a 40-character key cannot be guessed, and a colleague behind the same
    address keeps working); a bad one counts, and past the rate the answer is 429 with Retry-After instead of 401,
    until the oldest bad try of the period has aged out."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle = BadTokenThrottle()
            if throttle.exhausted(request):
                raise exceptions.Throttled(wait=throttle.wait()) from None
            throttle.record()
            raise
