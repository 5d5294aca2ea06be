"""Live map updates: tell everyone who has a journey's map open that it changed.

The one call the rest of the code makes: `journey_changed(journey_id, parts=..., user=...)` after a change to a
journey's content (stages, touchpoints, findings, lanes, comments...). It sends after the transaction commits,
so a rolled-back change is never announced. `parts` names what changed, as the DOM keys of the board
("touchpoint-12", "stage-3", "finding-7", "comments-touchpoint-12"); empty means "anything may have changed".

Each open map is a WebSocket (journeys/consumers.py) in the channel-layer group `journey-<id>`; the message it
receives is `{"type": "journey.changed", "parts": [...], "by": {"id", "name"} or None, "revision": n}`. The
revision is a counter per journey (in the cache: Redis when REDIS_URL is set), moved once per announced change,
so a page that was offline knows on reconnecting whether it missed something. The page then fetches the board
again and swaps in the parts that differ (static/js/live.js).

Who made the change: `user` when the caller knows it, else the user of the request being served (set by
ActingUserMiddleware), else nobody (a task, a command).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

# The request being served, not its user: request.user is a lazy object, and asgiref looks at every context
# variable's value when it hands the context between threads (isinstance), which would load the user from the
# database inside the event loop (SynchronousOnlyOperation) when `journey_changed` announces from async_to_sync.
_acting_request: contextvars.ContextVar = contextvars.ContextVar("live_acting_request", default=None)


def _acting_user():
    request = _acting_request.get()
    return getattr(request, "user", None) if request is not None else None


class _Acting:
    def __init__(self, user) -> None:
        self.user = user


def act_as(user) -> None:
    """Name `user` as the one whose changes this thread announces from now on, outside a request (a script, a
    bench); a request's user is named by ActingUserMiddleware."""
    _acting_request.set(_Acting(user))


def journey_group(journey_id: int) -> str:
    return f"journey-{journey_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def _revision_key(journey_id: int) -> str:
    return f"live-revision-{journey_id}"


def current_revision(journey_id: int) -> int:
    """The journey's live revision now (0 before its first announced change, or when the cache is down)."""
    try:
        return int(cache.get(_revision_key(journey_id)) or 0)
    except (TypeError, ValueError):
        return 0


def _next_revision(journey_id: int) -> int:
    key = _revision_key(journey_id)
    try:
        cache.add(key, 0, timeout=None)
        return int(cache.incr(key))
    except ValueError:  # the cache is unreachable (ResilientRedisCache.incr) or lost the key in between
        return 0


def person(user) -> dict | None:
    """How a user is named on the live map: id, name and initials (for the avatars)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    name = str(user)
    words = [word for word in (user.first_name, user.last_name) if word] or [user.get_username()]
    initials = "".join(word[0] for word in words[:2]).upper()
    return {"id": user.pk, "name": name, "initials": initials}


def send(group: str, message: dict) -> None:
    """Send to a channel-layer group from synchronous code; a layer that cannot be reached (Redis down) costs one
    warning, never the request: the change itself is saved, and open pages catch up when they reconnect."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.warning("Could not announce %s to %s", message.get("type"), group, exc_info=True)


def journey_changed(journey_id: int, *, parts: Iterable[str] = (), user=None) -> None:
    """Announce, after commit, that journey `journey_id` changed (see the module's docstring)."""
    by = person(user if user is not None else _acting_user())
    parts = sorted(set(parts))

    def announce() -> None:
        revision = _next_revision(journey_id)
        send(journey_group(journey_id), {"type": "journey.changed", "parts": parts, "by": by, "revision": revision})

    transaction.on_commit(announce)


def access_lost(user_id: int, *, session_key: str | None = None) -> None:
    """Close the live map connections of this user: those of one session (they logged out there), or all of
    them (they were deactivated)."""
    send(user_group(user_id), {"type": "access.lost", "session": session_key})


class ActingUserMiddleware:
    """Remembers the user of the request being served, so that `journey_changed` can say who changed the map
    without every service taking a user."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = _acting_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _acting_request.reset(token)


def close_on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        session = getattr(request, "session", None)
        access_lost(user.pk, session_key=session.session_key if session is not None else None)
