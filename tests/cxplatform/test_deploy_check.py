"""`manage.py check --deploy` with the production settings the README documents reports nothing."""

import os
import re
import secrets
import subprocess
import sys

from tests.services import PROJECT_ROOT


def readme_production_settings() -> dict[str, str]:
    """The variables of the README's "Production settings" block, as a reader would export them."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## Production settings", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    variables = {}
    for line in block.splitlines():
        name, value = line.split("#", 1)[0].strip().removeprefix("export ").split("=", 1)
        # `$(openssl rand -base64 42)`: a key as random and as long as the one the command makes.
        variables[name] = secrets.token_urlsafe(42) if value.startswith("$(") else value
    return variables


def check_deploy(variables: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DJANGO_", "SECRET_KEY")) and key not in {"DEBUG", "REDIS_URL"}
    }
    env.update(DJANGO_SETTINGS_MODULE="cxplatform.settings.base", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env.update(variables)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_names_the_https_settings():
    variables = readme_production_settings()
    assert variables["DEBUG"] == "0"
    for name in ("SECURE_SSL_REDIRECT", "SECURE_COOKIES", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"):
        assert variables[name] == "1", name
    assert int(variables["SECURE_HSTS_SECONDS"]) >= 31536000


def test_check_deploy_reports_nothing_with_the_readme_production_settings(tmp_path):
    result = check_deploy(readme_production_settings(), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout


def test_check_deploy_names_what_is_missing_without_them(tmp_path):
    # The same check against the defaults (plain HTTP on 127.0.0.1) fails, so the test above is not vacuous.
    result = check_deploy({"SECRET_KEY": secrets.token_urlsafe(42)}, tmp_path)
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, warning
