"""Who is acting, for the audit trail: the request being served (AuditContextMiddleware), or what `acting()`
names around other work (a Celery task, a command, a survey source's delivery).

The actor is read when a record is written, not when the request starts: an API request's user and token are
known only once DRF has authenticated it (the token authentication sets `request.audit_credential`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass

from django.http import HttpRequest

from cxplatform.lib.client_ip import client_ip

from .models import Via


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    label: str = ""
    credential: str = ""
    via: str = Via.SYSTEM
    ip: str | None = None
    path: str = ""


_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("audit_request", default=None)
_override: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("audit_actor", default=None)


def _via_of(request: HttpRequest) -> str:
    path = request.path_info or ""
    if path.startswith("/api/"):
        return Via.API
    if path.startswith("/admin/"):
        return Via.ADMIN
    if path.startswith("/hooks/"):
        return Via.SOURCE
    return Via.PAGE


def actor_of_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated)
    return Actor(
        user_id=user.pk if signed_in else None,
        label=(user.get_username() if signed_in else "") or getattr(request, "audit_actor_label", ""),
        credential=getattr(request, "audit_credential", "") or "",
        via=_via_of(request),
        ip=client_ip(request) or None,
        path=(request.get_full_path() or "")[:300],
    )


def current_actor() -> Actor:
    override = _override.get()
    if override is not None:
        return override
    request = _request.get()
    if request is not None:
        return actor_of_request(request)
    return Actor(label="system", via=Via.SYSTEM)


@contextlib.contextmanager
def acting(
    *, label: str, via: str, user_id: int | None = None, credential: str = "", ip: str | None = None
) -> Iterator[Actor]:
    """Everything recorded inside is by this actor (a task, a command, a survey source)."""
    request = _request.get()
    actor = Actor(
        user_id=user_id,
        label=label,
        credential=credential,
        via=via,
        ip=ip if ip is not None else (client_ip(request) or None if request is not None else None),
        path=((request.get_full_path() or "")[:300] if request is not None else ""),
    )
    token = _override.set(actor)
    try:
        yield actor
    finally:
        _override.reset(token)


@contextlib.contextmanager
def serving(request: HttpRequest) -> Iterator[None]:
    # An actor named outside the request (a command running a test server) does not speak for its visitors.
    token = _request.set(request)
    outer = _override.set(None)
    try:
        yield
    finally:
        _override.reset(outer)
        _request.reset(token)
