"""Logins, logouts, failed logins and lockouts in the audit trail (Django's auth signals and django-axes').

A failed login names the username that was tried in `detail` only (never the password); the address is the
request's, as for every row."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from . import actions
from .context import acting, current_actor
from .models import Via
from .recording import record

LOGIN_LOCKED_OUT = actions.LOGIN_LOCKED_OUT


def _attempted(username: Any) -> str:
    return str(username or "")[:150]


def _as(user, request) -> Any:
    """Act as `user`, through the request's address and path."""
    actor = current_actor()
    return acting(
        label=user.get_username(),
        via=actor.via if actor.via != Via.SYSTEM else Via.PAGE,
        user_id=user.pk,
        credential=actor.credential,
        ip=actor.ip,
    )


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    method = ""
    session = getattr(request, "session", None)
    if session is not None:
        method = str(session.get("cx_auth_method", "") or "")
    with _as(user, request):
        record(actions.LOGIN, obj=user, detail={"method": method} if method else {})


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:  # an anonymous visitor "logging out": nothing ended
        return
    with _as(user, request):
        record(actions.LOGOUT, obj=user)


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    record(
        actions.LOGIN_FAILED, object_type="accounts.user", detail={"username": _attempted(credentials.get("username"))}
    )


def on_locked_out(
    sender: Any, request: Any = None, username: Any = None, ip_address: Any = None, **kwargs: Any
) -> None:
    record(LOGIN_LOCKED_OUT, object_type="accounts.user", detail={"username": _attempted(username)})


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(on_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
    user_locked_out.connect(on_locked_out, dispatch_uid="audit-locked-out")
