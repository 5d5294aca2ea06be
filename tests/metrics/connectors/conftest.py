import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

PAYLOADS = Path(__file__).parent / "payloads"


def load_payload(name: str) -> Any:
    """A fixture payload as the vendor sends it (see payloads/README.md for the page each follows)."""
    return json.loads((PAYLOADS / name).read_text())


def payload_bytes(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def standard_webhooks_headers(secret: str, body: bytes, *, msg_id: str = "msg_2mZ1", at: datetime | None = None):
    """The three Standard Webhooks headers, signed by the standardwebhooks library as a sender would."""
    at = at or datetime.now(tz=UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=msg_id, timestamp=at, data=body),
    }


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeApi:
    """A real HTTP server on 127.0.0.1 answering as a vendor's API; `routes` maps (method, path without query) to
    (status, JSON body) or to a callable(Recorded) returning one. Every request is recorded."""

    url: str
    routes: dict[tuple[str, str], Any] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    api = FakeApi(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            recorded = Recorded(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
            api.requests.append(recorded)
            route = api.routes.get((self.command, self.path.split("?")[0]))
            if route is None:
                status, answer = 404, {"error": "no such route"}
            else:
                status, answer = route(recorded) if callable(route) else route
            data = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield api
    server.shutdown()
    server.server_close()


JsonRoute = Callable[[Recorded], tuple[int, Any]]
