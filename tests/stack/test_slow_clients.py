"""Slow clients against the Procfile stack's web process: a client that sends half a request and stays
connected must not keep anyone else waiting (ASGI workers with client timeouts, cxplatform/web_server.py)."""

from __future__ import annotations

import contextlib
import socket
import time
import urllib.parse

import pytest

from tests.services import postgres_or_skip, redis_url_or_skip, stop_process, wait_for
from tests.stack.test_procfile_stack import get, start

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CLIENT_TIMEOUT = 4
# A CSRF cookie makes Django read the form body for the token, so the request waits for the missing half.
STALLED_UPLOAD = (
    b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Cookie: csrftoken=abcdefghijklmnopqrstuvwxyz123456\r\nContent-Length: 100000\r\n\r\n"
    + b"username="
    + b"x" * 50000
)
STALLED_HEADERS = b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


@pytest.fixture
def services():
    postgres_or_skip()
    return redis_url_or_skip()


def open_stalled(base: str, data: bytes) -> socket.socket:
    parts = urllib.parse.urlsplit(base)
    client = socket.create_connection((parts.hostname, parts.port), timeout=30)
    client.sendall(data)
    return client


def answer_or_close(client: socket.socket) -> tuple[float, bytes]:
    """Seconds until the server answers or closes a stalled connection, and what it sent."""
    started = time.monotonic()
    client.settimeout(60)
    try:
        data = client.recv(100)
    except OSError:  # reset by the server: closed too
        data = b""
    return time.monotonic() - started, data


def test_two_stalled_uploads_do_not_keep_a_page_from_answering(services, tmp_path):
    # One worker process, as the smallest production stack: the old sync worker served one request at a time.
    process, base = start(["web"], tmp_path, REDIS_URL=services, WEB_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT))
    stalled: list[socket.socket] = []
    try:
        wait_for(lambda: get(f"{base}/login/")[0] == 200, timeout=60, what="the web process to serve the login page")
        stalled = [open_stalled(base, STALLED_UPLOAD), open_stalled(base, STALLED_UPLOAD)]
        time.sleep(1)  # the server has accepted both and waits for their bodies

        started = time.monotonic()
        status, page = get(f"{base}/login/")
        seconds = time.monotonic() - started
        assert status == 200 and 'name="password"' in page
        # The login page itself takes a few milliseconds; one second is what a person notices as "stuck".
        assert seconds < 1.0, f"the login page took {seconds:.2f} s behind two stalled uploads"

        # The stalled clients are let go after WEB_CLIENT_TIMEOUT seconds of silence, freeing their threads.
        for client in stalled:
            waited, _answer = answer_or_close(client)
            assert waited < CLIENT_TIMEOUT + 10, f"a stalled upload was kept {waited:.1f} s"
    finally:
        for client in stalled:
            with contextlib.suppress(OSError):
                client.close()
        output = stop_process(process)
    # One line per disconnected client in the log, not a traceback.
    assert output.count(f"silent for {CLIENT_TIMEOUT} s") == 2 and "Traceback" not in output, output[-3000:]


def test_a_client_that_stops_in_the_middle_of_its_headers_is_disconnected(services, tmp_path):
    process, base = start(["web"], tmp_path, REDIS_URL=services, WEB_CLIENT_TIMEOUT=str(CLIENT_TIMEOUT))
    client = None
    try:
        wait_for(lambda: get(f"{base}/login/")[0] == 200, timeout=60, what="the web process to serve the login page")
        client = open_stalled(base, STALLED_HEADERS)
        waited, answer = answer_or_close(client)
        assert waited < CLIENT_TIMEOUT + 10, f"a client stalled in its headers was kept {waited:.1f} s"
        assert b"200 OK" not in answer
    finally:
        if client is not None:
            with contextlib.suppress(OSError):
                client.close()
        output = stop_process(process)
    assert f"silent for {CLIENT_TIMEOUT} s" in output and "Traceback" not in output, output[-3000:]
