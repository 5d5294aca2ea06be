"""A real OpenID Connect provider for the single sign-on tests: tests/oidc_provider/provider.js (the certified npm
package oidc-provider) started on localhost. Without node or its packages (`make oidc-provider`) the tests skip
locally and fail in CI (tests.services.require)."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.services import PROJECT_ROOT, free_port, require, stop_process, wait_for

PROVIDER_DIR = PROJECT_ROOT / "tests" / "oidc_provider"
CLIENT_ID = "cx-platform"
CLIENT_SECRET = "cx-test-client-secret-that-is-long-enough"


@dataclass
class Provider:
    issuer: str
    users_file: Path

    def set_users(self, users: dict) -> None:
        """The provider's people ({username: {password, sub, email, name, groups}}), read at every lookup."""
        self.users_file.write_text(json.dumps(users))


@contextlib.contextmanager
def oidc_provider(*, site_url: str, users: dict, workdir: Path) -> Iterator[Provider]:
    node = shutil.which("node")
    require(node is not None, "node is not installed: the single sign-on tests need Node.js 20.19+")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    major, minor = (int(part) for part in [*version.lstrip("v").split("."), "0", "0"][:2])
    require((major, minor) >= (20, 19), f"node {version} is too old: oidc-provider 9 needs Node.js 20.19 or later")
    require(
        (PROVIDER_DIR / "node_modules" / "oidc-provider").exists(),
        "the test OpenID Connect provider is not installed: run `make oidc-provider` (npm ci in tests/oidc_provider)",
    )
    port = free_port()
    provider = Provider(issuer=f"http://127.0.0.1:{port}", users_file=workdir / "oidc-users.json")
    provider.set_users(users)
    environment = {
        "PATH": str(Path(node).parent),
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": f"{site_url}/oidc/callback/",
        "POST_LOGOUT_REDIRECT_URI": f"{site_url}/login/",
        "USERS_FILE": str(provider.users_file),
    }
    log = (workdir / "oidc-provider.log").open("w+")
    process = subprocess.Popen(
        [node, "provider.js"], cwd=PROVIDER_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(
            lambda: process.poll() is not None or "listening" in (workdir / "oidc-provider.log").read_text(),
            timeout=30,
            what="the OpenID Connect provider to start",
        )
        assert process.poll() is None, (workdir / "oidc-provider.log").read_text()
        yield provider
    finally:
        stop_process(process)
        log.close()
