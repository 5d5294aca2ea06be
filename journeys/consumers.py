"""The live map's WebSocket, `ws/journeys/<pk>/`: what changed on the journey's map, and who else has it open.

A connection is authenticated with the session (the scope's user, from the session cookie) and refused, closed
with code 4403, unless the user is signed in, active and may read the journey (journeys.permissions
.can_read_journey). Every LIVE_RECHECK_SECONDS, and on every message from the page, it checks that again
against the session store and the database; a user who logged out (also heard at once through the group
`user-<id>`), was deactivated or lost access is disconnected with 4403.

To the page (JSON):
- `{"type": "hello", "revision": n, "me": "<connection id>"}` once connected;
- `{"type": "changed", "parts": [...], "by": {...}, "revision": n}` after a change (journeys/live.py);
- `{"type": "presence", "event": "join"|"here"|"leave"|"editing", "id": "<connection id>", "user": {...},
  "part": "tp-12" or null}`: someone opened the map (join; everyone already there answers with here), left
  it, or started or stopped editing a card (part: the card's DOM id). Every connection says "here" again
  every PRESENCE_REFRESH_SECONDS; the page forgets one not heard of for longer than PRESENCE_EXPIRY_SECONDS,
  so a crashed browser or server process disappears.

From the page: `{"type": "editing", "part": "tp-12" | null}`. Each message from the page checks access again
(at most every RECHECK_AT_MOST_EVERY seconds); anything else is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
from importlib import import_module
from types import SimpleNamespace

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib import auth

from cxplatform.accounts import two_factor
from journeys import live
from journeys.models import Journey
from journeys.permissions import can_read_journey

REFUSED = 4403
PRESENCE_REFRESH_SECONDS = 20
PRESENCE_EXPIRY_SECONDS = 50
RECHECK_AT_MOST_EVERY = 2.0
PART = re.compile(r"(tp|stage|finding)-\d{1,18}")


def _allowed(user, journey_id: int) -> bool:
    journey = Journey.objects.filter(pk=journey_id).only("pk").first()
    return journey is not None and can_read_journey(user, journey)


def _still_allowed(session_key: str | None, user_id: int, journey_id: int) -> bool:
    """The check again, from the stores: the session still exists and names the same user (with the same
    password), who is still active and may still read the journey."""
    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(SimpleNamespace(session=store))
    return (
        user.is_authenticated
        and user.pk == user_id
        and two_factor.required_step(store) is None
        and _allowed(user, journey_id)
    )


def _owes_a_step(session) -> bool:
    """A session still owing its second factor (or an admin's set-up) opens no map (cxplatform.accounts)."""
    return session is not None and two_factor.required_step(session) is not None


class JourneyMapConsumer(AsyncJsonWebsocketConsumer):
    journey_id: int
    group: str
    me: dict | None = None
    connection_id: str = ""
    editing: str | None = None
    joined = False
    checked_at = float("-inf")

    async def connect(self) -> None:
        self.journey_id = int(self.scope["url_route"]["kwargs"]["pk"])
        self.group = live.journey_group(self.journey_id)
        user = self.scope.get("user")
        # Accepted first, then closed: only an accepted WebSocket can say why (4403) to the page.
        await self.accept()
        session = self.scope.get("session")
        if await database_sync_to_async(_owes_a_step)(session) or not await database_sync_to_async(_allowed)(
            user, self.journey_id
        ):
            await self.close(code=REFUSED)
            return
        self.user_id = user.pk
        self.session_key = session.session_key if session is not None else None
        self.me = live.person(user)
        self.connection_id = secrets.token_hex(6)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(live.user_group(self.user_id), self.channel_name)
        self.joined = True
        revision = await database_sync_to_async(live.current_revision)(self.journey_id)
        await self.send_json({"type": "hello", "revision": revision, "me": self.connection_id, "user": self.me})
        await self._presence("join")
        self.watch = asyncio.create_task(self._recheck_periodically())

    async def disconnect(self, code) -> None:
        if not self.joined:
            return
        self.joined = False
        watch = getattr(self, "watch", None)
        if watch is not None and watch is not asyncio.current_task():  # not the check that is closing it
            watch.cancel()
        await self._presence("leave")
        await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.channel_layer.group_discard(live.user_group(self.user_id), self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        # Only JSON text is understood; anything else (binary frames, broken JSON) is ignored, not a crash.
        if text_data is None:
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            return
        await self.receive_json(content)

    async def receive_json(self, content, **kwargs) -> None:
        if not self.joined:
            return
        # The page's messages are rare (a dialog opened or closed); a flood of them costs one check per
        # RECHECK_AT_MOST_EVERY seconds, not one per message.
        now = asyncio.get_running_loop().time()
        if now - self.checked_at >= RECHECK_AT_MOST_EVERY:
            self.checked_at = now
            if not await self._recheck():
                return
        if not isinstance(content, dict):
            return
        if content.get("type") == "editing":
            part = content.get("part")
            part = part if isinstance(part, str) and PART.fullmatch(part) else None
            if part != self.editing:
                self.editing = part
                await self._presence("editing")

    # Access

    async def _recheck(self) -> bool:
        allowed = await database_sync_to_async(_still_allowed)(self.session_key, self.user_id, self.journey_id)
        if not allowed:
            await self._lose_access()
        return allowed

    async def _recheck_periodically(self) -> None:
        refreshed = 0.0
        loop = asyncio.get_running_loop()
        with contextlib.suppress(asyncio.CancelledError):
            while self.joined:
                await asyncio.sleep(min(settings.LIVE_RECHECK_SECONDS, PRESENCE_REFRESH_SECONDS))
                if not self.joined or not await self._recheck():
                    return
                if loop.time() - refreshed >= PRESENCE_REFRESH_SECONDS:
                    refreshed = loop.time()
                    # Group memberships expire in the layer (a day): a map left open longer stays in its group.
                    await self.channel_layer.group_add(self.group, self.channel_name)
                    await self._presence("here")

    async def _lose_access(self) -> None:
        await self.disconnect(REFUSED)
        await self.close(code=REFUSED)

    # Presence

    async def _presence(self, event: str, to: str | None = None) -> None:
        message = {
            "type": "presence.event",
            "event": event,
            "id": self.connection_id,
            "user": self.me,
            "part": self.editing,
            "channel": self.channel_name,
        }
        # Presence is best effort: a newcomer's channel full of answers (a crowd joining at once) loses a few,
        # which the next round of "here" (PRESENCE_REFRESH_SECONDS) brings back, and never ends a connection.
        with contextlib.suppress(ChannelFull):
            if to is None:
                await self.channel_layer.group_send(self.group, message)
            else:
                await self.channel_layer.send(to, message)

    # Messages from the channel layer

    async def presence_event(self, event: dict) -> None:
        if not self.joined or event["id"] == self.connection_id:
            return
        if event["event"] == "join":
            # Tell the newcomer who is here already, and what they are editing.
            await self._presence("here", to=event["channel"])
        await self.send_json({key: event[key] for key in ("event", "id", "user", "part")} | {"type": "presence"})

    async def journey_changed(self, event: dict) -> None:
        if self.joined:
            await self.send_json(
                {"type": "changed", "parts": event["parts"], "by": event["by"], "revision": event["revision"]}
            )

    async def access_lost(self, event: dict) -> None:
        if self.joined and event.get("session") in (None, self.session_key):
            await self._lose_access()
