"""gunicorn's settings for every way the site is served (Procfile, docker-compose.yml, Dockerfile, `make run`):
`gunicorn cxplatform.wsgi -c python:cxplatform.web_server --bind HOST:PORT`.

Slow clients must not stall the site. gunicorn's default sync workers serve one request each, and a request
holds its worker while the client sends the body: two clients that sent half an upload and stayed connected
froze a two-worker site until the worker timeout (60 s). Here each worker process serves `WEB_THREADS` requests
at once (gthread), so a few stalled clients take a few threads, and the rest keep answering; and a client that
stays silent for `WEB_CLIENT_TIMEOUT` seconds while sending its request line, headers or body (or while
receiving the answer) is disconnected, which frees its thread. gunicorn has no header or body timeout of its
own, so ThreadWorker below gives every connection's socket that timeout instead of blocking for ever.

Why threads and not an async server: the views are synchronous Django (ORM, Celery), which an ASGI server runs
on one thread per process; gthread keeps the several processes (WEB_CONCURRENCY) and the plain WSGI app. A
buffering proxy in front (nginx with client_header_timeout / client_body_timeout) adds the same protection for
thousands of clients; it is still welcome, but the stack no longer depends on it.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket

from gunicorn.workers import gthread

from cxplatform.lib.config import env_int

logger = logging.getLogger("gunicorn.error")
WEB_CLIENT_TIMEOUT = env_int("WEB_CLIENT_TIMEOUT", 30, minimum=1)

worker_class = "cxplatform.web_server.ThreadWorker"
# gunicorn reads WEB_CONCURRENCY for the number of worker processes itself.
threads = env_int("WEB_THREADS", 8, minimum=1)
# A worker process whose main loop is silent this long is restarted (a thread stuck in a request does not count).
timeout = 60
# No control socket: it lives at one path per user, which several installations on a machine would share.
control_socket_disable = True


class _ClientSocket(socket.socket):
    """A client connection whose blocking mode waits at most WEB_CLIENT_TIMEOUT seconds for each read or write.

    gunicorn switches the socket between blocking (a thread reading the request) and non-blocking (waiting in
    the poller for the next request on a kept-alive connection); blocking becomes "blocking with a timeout". A
    recv that times out ends the request and closes the connection.
    """

    __slots__ = ()

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(WEB_CLIENT_TIMEOUT)
        else:
            super().setblocking(False)

    def recv(self, *args, **kwargs) -> bytes:
        try:
            return super().recv(*args, **kwargs)
        except TimeoutError:
            raise self._silent() from None

    def recv_into(self, *args, **kwargs) -> int:
        try:
            return super().recv_into(*args, **kwargs)
        except TimeoutError:
            raise self._silent() from None

    def _silent(self) -> ConnectionResetError:
        # One line in the log, not gunicorn's traceback for an unexpected socket error: a crowd of slow clients
        # must not flood it. As a reset connection, the request is dropped quietly (in the headers) or its
        # body is unreadable (Django's UnreadablePostError).
        with contextlib.suppress(OSError):
            logger.warning(
                "Disconnected %s: silent for %s s while sending its request", self.getpeername(), WEB_CLIENT_TIMEOUT
            )
        return ConnectionResetError(errno.ECONNRESET, f"the client sent nothing for {WEB_CLIENT_TIMEOUT} s")


class ThreadWorker(gthread.ThreadWorker):
    def enqueue_req(self, conn) -> None:
        if type(conn.sock) is socket.socket:
            conn.sock.__class__ = _ClientSocket
            conn.sock.settimeout(WEB_CLIENT_TIMEOUT)
        super().enqueue_req(conn)
