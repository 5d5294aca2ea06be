"""gunicorn's settings for every way the site is served (Procfile, docker-compose.yml, Dockerfile, `make run`):
`gunicorn cxplatform.asgi -c python:cxplatform.web_server --bind HOST:PORT`.

Each worker process is an ASGI server (uvicorn, through its gunicorn worker) that serves the pages, the API and
the live map's WebSockets (cxplatform/asgi.py) on one port. gunicorn keeps WEB_CONCURRENCY such processes
running and restarts one that stops answering. The synchronous Django views run in a thread per request
(Django's ASGI handler), so a slow view does not hold up the others, and a WebSocket costs a little memory, no
thread.

Slow clients must not stall the site. A client that sent half an upload, or half its headers, and stayed
connected holds nothing but its socket here (the request body is read asynchronously before the view runs);
and a client that stays silent for `WEB_CLIENT_TIMEOUT` seconds while sending its request line, headers or
body is disconnected, with one line in the log. uvicorn has no such timeout of its own (it times out only
idle kept-alive connections), so ClientTimeoutH11Protocol below adds it. A buffering proxy in front (nginx
with client_header_timeout / client_body_timeout) adds the same protection for thousands of clients; it is
still welcome, but the stack no longer depends on it.
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn_worker import UvicornWorker

from cxplatform.lib.config import env_int

logger = logging.getLogger("uvicorn.error")
WEB_CLIENT_TIMEOUT = env_int("WEB_CLIENT_TIMEOUT", 30, minimum=1)

worker_class = "cxplatform.web_server.AsgiWorker"
# gunicorn reads WEB_CONCURRENCY for the number of worker processes itself.
# A worker process whose event loop is silent this long is restarted.
timeout = 60
# Open WebSockets are closed when a worker stops (a deploy, a restart); the pages reconnect on their own.
graceful_timeout = 10
# No control socket: it lives at one path per user, which several installations on a machine would share.
control_socket_disable = True


class ClientTimeoutH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, which disconnects a client that stays silent for WEB_CLIENT_TIMEOUT seconds
    while it still owes part of its request (line, headers or body). A connection upgraded to a WebSocket, or
    idle between kept-alive requests (uvicorn's own keep-alive timeout), is left alone."""

    _silence: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._owes_request():
            self._arm()
        else:
            self._disarm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _owes_request(self) -> bool:
        if self.transport.is_closing() or self.transport.get_protocol() is not self:
            return False  # closed, or now a WebSocket
        state = self.conn.their_state
        if state is h11.SEND_BODY:
            return True
        # Before the first request, or part of the next one's line or headers received.
        return state is h11.IDLE and (self.cycle is None or bool(self.conn.trailing_data[0]))

    def _arm(self) -> None:
        self._disarm()
        self._silence = self.loop.call_later(WEB_CLIENT_TIMEOUT, self._silent)

    def _disarm(self) -> None:
        if self._silence is not None:
            self._silence.cancel()
            self._silence = None

    def _silent(self) -> None:
        self._silence = None
        if not self._owes_request():
            return
        if self.flow.read_paused:  # the server stopped reading (a large body not consumed yet), not the client
            self._arm()
            return
        # One line in the log, not a traceback: a crowd of slow clients must not flood it. The view that waits
        # for the body hears of a disconnected client and ends quietly.
        logger.warning("Disconnected %s: silent for %s s while sending its request", self.client, WEB_CLIENT_TIMEOUT)
        self.transport.close()


class AsgiWorker(UvicornWorker):
    CONFIG_KWARGS = {"loop": "asyncio", "http": ClientTimeoutH11Protocol, "lifespan": "off"}
