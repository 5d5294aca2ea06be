"""The client's address, as login lockouts and the API's bad-token throttle count it.

X-Forwarded-For is read only behind TRUSTED_PROXY_COUNT proxies: a client can write anything in that header, so
with no proxy trusted, a header of its own choosing would give it a fresh address for every try.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # Each trusted proxy appends the address it saw; the one the outermost trusted proxy saw is the client's.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote
