import json
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).parent / "payloads"


def load_payload(name: str) -> Any:
    """A fixture payload as the vendor sends it (see payloads/README.md for the page each follows)."""
    return json.loads((PAYLOADS / name).read_text())


def payload_bytes(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()
