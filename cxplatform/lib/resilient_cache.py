"""A Redis cache that degrades instead of failing: with Redis down, every page still renders (uncached) and
every write answers its normal status.

The cache only ever holds copies (built pages, sums, the data generation, the "a recompute is queued" mark),
so when Redis cannot be reached a read is a miss and a write is skipped, with one warning in the log. After a
failure the cache is not asked again for `RETRY_SECONDS` in this process, so a request with Redis down pays
for at most one failed connection instead of one per cache call.

`incr` and `decr` raise `CacheUnavailable`, a `ValueError` like Django's "key not found": callers that handle a
missing counter keep working, and a caller that must know the difference (cxplatform/lib/generations.py)
can tell.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# What a failed call answers: a miss for reads, nothing done for writes.
MISS = object()
FALLBACKS = {
    "get": MISS,
    "get_many": {},
    "has_key": False,
    "add": False,
    "set": None,
    "set_many": [],
    "touch": False,
    "delete": False,
    "delete_many": None,
    "clear": False,
}


class CacheUnavailable(ValueError):
    """The cache could not be reached (raised by incr/decr only; every other call degrades)."""


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    @property
    def available(self) -> bool:
        """False while this process is not asking Redis, after a failure in the last RETRY_SECONDS."""
        return time.monotonic() >= self._down_until

    def check(self) -> None:
        """Ask Redis directly (for /health/): raises its error when it is down; when it answers, this process
        stops skipping the cache at once."""
        self._cache.get_client(write=True).ping()
        self._down_until = 0.0

    def _call(self, name: str, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.available:
            try:
                return call(*args, **kwargs)
            except (RedisError, OSError) as error:
                if time.monotonic() - self._down_until > RETRY_SECONDS:  # once per outage, not per call
                    logger.warning("cache unavailable, going on without it: %s: %s", type(error).__name__, error)
                self._down_until = time.monotonic() + RETRY_SECONDS
        if name in ("incr", "decr"):
            raise CacheUnavailable(f"the cache is unavailable; {name} was not done")
        fallback = FALLBACKS[name]
        # A fresh {} or [] each time: a caller may fill in what it got (generations.values() does).
        return fallback.copy() if isinstance(fallback, dict | list) else fallback

    def get(self, key: Any, default: Any | None = None, version: int | None = None) -> Any:
        value = self._call("get", super().get, key, MISS, version)
        return default if value is MISS else value


def _degrading(name: str) -> Callable[..., Any]:
    def method(self: ResilientRedisCache, *args: Any, **kwargs: Any) -> Any:
        return self._call(name, getattr(super(ResilientRedisCache, self), name), *args, **kwargs)

    method.__name__ = name
    return functools.wraps(getattr(RedisCache, name))(method)


for _name in (*(n for n in FALLBACKS if n != "get"), "incr", "decr"):
    setattr(ResilientRedisCache, _name, _degrading(_name))
