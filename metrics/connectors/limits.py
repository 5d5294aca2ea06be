"""The per-source rate limit of the inbound endpoint: a fixed one-minute window counted in the cache (Redis).

It fails open: with Redis down every delivery is let through. The limit protects the product from a tool (or
someone holding a source's URL) sending far more than a survey's respondents could; the deliveries themselves
are safe in Postgres either way. Refusing every delivery while Redis is down would turn a cache outage into lost
answers at tools that give up after a few retries, which is worse than an unmetered minute.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.core.cache import cache

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Allowance:
    allowed: bool
    retry_after: int = 0  # seconds until the window resets (for Retry-After)


def rate_limit_take(*, token: str, limit: int, now: float | None = None) -> Allowance:
    """Count one delivery to the source with endpoint `token`; refused beyond `limit` in the current minute.
    Keyed by the token, not the id: a token is never reused, so counts of a deleted source cannot leak into a
    new one."""
    moment = time.time() if now is None else now
    window = int(moment // WINDOW_SECONDS)
    key = f"hooks:rate:{token}:{window}"
    try:
        count = cache.incr(key)
    except ValueError:  # no counter yet in this window, or the cache unreachable (CacheUnavailable)
        if cache.add(key, 1, timeout=WINDOW_SECONDS + 10):
            count = 1
        else:
            try:
                count = cache.incr(key)  # another request created it meanwhile
            except ValueError:
                return Allowance(True)  # the cache is down: fail open (see the module's docstring)
    if count > limit:
        return Allowance(False, retry_after=max(1, WINDOW_SECONDS - int(moment % WINDOW_SECONDS)))
    return Allowance(True)
