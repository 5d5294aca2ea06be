"""Settings come from the environment; a bad value stops start-up with the variable's name."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from cxplatform.lib import config
from tests.services import PROJECT_ROOT


def start_django(**env_overrides: str) -> subprocess.CompletedProcess:
    """Start Django with the production settings module and the given environment, as `manage.py check` would."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}}
    env.update({"DJANGO_SETTINGS_MODULE": "cxplatform.settings.base", "SECRET_KEY": "x" * 50, "DATABASE_URL": ""})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_a_good_environment_starts():
    result = start_django(DATABASE_URL="sqlite:////tmp/cx-config-check.sqlite3", ALLOWED_HOSTS="cx.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@127.0.0.1/cx"),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("EMAIL_URL", "carrier-pigeon://loft"),
        ("LANGUAGE_CODE", "fr"),
        ("DEBUG", "maybe"),
        ("BEAT_HEARTBEAT_SECONDS", "soon"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    result = start_django(**{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{variable} must" in result.stderr


def test_a_missing_secret_key_stops_start_up_when_debug_is_off():
    result = start_django(SECRET_KEY="", DEBUG="0", DATABASE_URL="sqlite:////tmp/cx-config-check.sqlite3")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_mode_runs_without_a_secret_key():
    result = start_django(SECRET_KEY="", DEBUG="1", DATABASE_URL="sqlite:////tmp/cx-config-check.sqlite3")
    assert result.returncode == 0, result.stderr


def test_database_url_becomes_a_postgres_connection():
    settings = config.database_config("DATABASE_URL", "", env={"DATABASE_URL": "postgres://cx:pw@db:5433/cxplatform"})
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert (settings["HOST"], settings["PORT"], settings["NAME"], settings["USER"]) == ("db", 5433, "cxplatform", "cx")


def test_absent_database_url_means_the_sqlite_default():
    settings = config.database_config("DATABASE_URL", "sqlite:////srv/cx.sqlite3", env={})
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == "/srv/cx.sqlite3"


def test_email_url_configures_smtp_with_tls():
    settings = config.email_config(
        "EMAIL_URL", "consolemail://", env={"EMAIL_URL": "smtp+tls://me:pw@mail.example.org:587"}
    )
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"], settings["EMAIL_USE_TLS"]) == (
        "mail.example.org",
        587,
        True,
    )


def test_lists_and_booleans_are_read_forgivingly_but_strictly():
    assert config.env_list("ALLOWED_HOSTS", [], env={"ALLOWED_HOSTS": " a.org , b.org,"}) == ["a.org", "b.org"]
    assert config.env_bool("DEBUG", False, env={"DEBUG": "Yes"}) is True
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be one of"):
        config.env_bool("DEBUG", False, env={"DEBUG": "2"})
    assert config.redis_url("REDIS_URL", env={}) is None


def test_the_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("k" * 50 + "\n")
    assert config.env_file_str("SECRET_KEY_FILE", env={"SECRET_KEY_FILE": str(key_file)}) == "k" * 50
    assert config.env_file_str("SECRET_KEY_FILE", env={}) is None
    result = start_django(
        SECRET_KEY="", SECRET_KEY_FILE=str(key_file), DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path}/db"
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("content", [None, ""])
def test_a_missing_or_empty_secret_key_file_stops_start_up(tmp_path, content):
    key_file = tmp_path / "secret_key"
    if content is not None:
        key_file.write_text(content)
    result = start_django(
        SECRET_KEY="", SECRET_KEY_FILE=str(key_file), DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path}/db"
    )
    assert result.returncode != 0
    assert "SECRET_KEY_FILE must name" in result.stderr
