"""Reading settings from the environment.

Every reader names the variable in its error, so a bad value stops start-up with a message that says what
to fix (healthchecks-style settings: behaviour is switched by explicit variables, never by DEBUG).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, overload
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
REDIS_SCHEMES = {"redis", "rediss"}


def _raw(name: str, env: Mapping[str, str] | None) -> str | None:
    source = os.environ if env is None else env
    value = source.get(name)
    return None if value is None else value.strip()


def env_bool(name: str, default: bool, env: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, env)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {value!r}.")


@overload
def env_str(name: str, default: str, env: Mapping[str, str] | None = None) -> str: ...
@overload
def env_str(name: str, default: None = None, env: Mapping[str, str] | None = None) -> str | None: ...
def env_str(name: str, default: str | None = None, env: Mapping[str, str] | None = None) -> str | None:
    value = _raw(name, env)
    return default if value in (None, "") else value


def env_file_str(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The stripped content of the file the variable names (a secret kept out of the environment); None when the
    variable is unset. A file that cannot be read, or is empty, stops start-up."""
    path = env_str(name, None, env)
    if path is None:
        return None
    try:
        content = Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ImproperlyConfigured(f"{name} must name a readable file; {path!r}: {error.strerror}.") from None
    if not content:
        raise ImproperlyConfigured(f"{name} must name a file that is not empty; {path!r} is.")
    return content


def env_int(name: str, default: int, env: Mapping[str, str] | None = None, minimum: int = 0) -> int:
    value = _raw(name, env)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    return number


def env_list(name: str, default: list[str], env: Mapping[str, str] | None = None) -> list[str]:
    value = _raw(name, env)
    if value in (None, ""):
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: list[str], default: str, env: Mapping[str, str] | None = None) -> str:
    value = env_str(name, default, env)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value


def database_config(name: str, default: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A Django DATABASES entry from a URL such as postgres://user@host:5432/db or sqlite:////path/db."""
    url = env_str(name, default, env) or default
    scheme = urlsplit(url).scheme
    if scheme not in DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name} must be a postgres:// or sqlite:// URL, e.g. postgres://postgres@127.0.0.1:5432/cxplatform;"
            f" got {url!r}."
        )
    config = environ.Env.db_url_config(url)
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database (the path after the host); got {url!r}.")
    # The site is served over ASGI (cxplatform/asgi.py), where each request's synchronous view runs in a thread
    # of its own: a persistent connection would stay behind with every thread. Closed after each request, as
    # Django advises for ASGI (a local connection costs a few milliseconds).
    config.setdefault("CONN_MAX_AGE", 0)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def redis_url(name: str, env: Mapping[str, str] | None = None) -> str | None:
    url = env_str(name, None, env)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must be a redis:// URL such as redis://127.0.0.1:6379/0; got {url!r}.")
    return url


def email_config(name: str, default: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """EMAIL_* settings from a URL: consolemail://, smtp://user:pass@host:587, smtp+tls://..., smtp+ssl://."""
    url = env_str(name, default, env) or default
    try:
        config = environ.Env.email_url_config(url)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            f"{name} must be consolemail://, dummymail://, filemail:///path, smtp://, smtp+tls:// or smtp+ssl://;"
            f" got {url!r}."
        ) from None
    return {key: value for key, value in config.items() if value is not None}


def mapping_config(
    name: str, allowed: list[str] | None = None, env: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """`key=value` pairs, separated by commas, or by semicolons when the keys hold commas (an LDAP DN such as
    `cn=cx,ou=groups=admin`: the last `=` separates). `allowed`, when given, lists the values accepted."""
    value = _raw(name, env)
    if not value:
        return []
    separator = ";" if ";" in value else ","
    pairs = []
    for entry in (item.strip() for item in value.split(separator)):
        if not entry:
            continue
        key, equals, target = (part.strip() for part in entry.rpartition("="))
        if not equals or not key or not target:
            raise ImproperlyConfigured(f"{name} must list key=value pairs separated by commas; got {entry!r}.")
        if allowed is not None and target not in allowed:
            raise ImproperlyConfigured(f"{name}: {target!r} (for {key!r}) must be one of {', '.join(allowed)}.")
        pairs.append((key, target))
    return pairs
