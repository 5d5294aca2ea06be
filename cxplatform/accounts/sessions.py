"""A user's sessions: idle expiry, the list on the profile page, ending the others (issue 16).

Each signed-in session has a UserSession row beside Django's session row (created at login, deleted with the
session row: logout, ending it here, idle expiry, clearsessions). What a request needs to decide on idle expiry is
in the session itself (the last-seen time), so that a normal request makes no query beyond loading the session;
the last-seen time is written at most once a minute (TOUCH_SECONDS).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.audit import actions
from cxplatform.audit.recording import record
from cxplatform.lib import user_agents
from cxplatform.lib.client_ip import client_ip

from .models import User, UserSession

LAST_SEEN = "cx_last_seen"  # epoch seconds of the last request that counted, in the session
TOUCH_SECONDS = 60  # the last-seen time is saved at most this often


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def session_started(*, request: HttpRequest, user: User) -> None:
    """At login (Django has rotated the key already): the last-seen time, and the row the profile page lists."""
    now = timezone.now()
    request.session[LAST_SEEN] = int(now.timestamp())
    if request.session.session_key is None:
        # A login into a session that belonged to someone else flushes it: the new one gets its row now.
        request.session.save()
    UserSession.objects.update_or_create(
        session_id=request.session.session_key,
        defaults={
            "user": user,
            "last_seen": now,
            "ip": _ip_or_none(client_ip(request)),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "auth_hash": user.get_session_auth_hash(),
        },
    )


def idle_limit() -> timedelta:
    return timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def is_idle(request: HttpRequest) -> bool:
    """Whether this signed-in session went unused for SESSION_IDLE_MINUTES; if not, it is seen now (saved at most
    once a minute)."""
    now = int(timezone.now().timestamp())
    last_seen = request.session.get(LAST_SEEN)
    if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
        return True
    if not isinstance(last_seen, int) or now - last_seen >= TOUCH_SECONDS:
        request.session[LAST_SEEN] = now
        UserSession.objects.filter(session_id=request.session.session_key).update(last_seen=timezone.now())
    return False


def end_idle(request: HttpRequest) -> None:
    """Ends this session for being idle, and leaves a message for the login page saying so."""
    user = request.user
    with transaction.atomic():
        row = UserSession.objects.filter(session_id=request.session.session_key).first()
        record(
            actions.SESSION_ENDED,
            object_type="accounts.usersession",
            object_id=row.pk if row else "",
            object_repr=str(user),
            detail={"reason": "idle", "idle_minutes": settings.SESSION_IDLE_MINUTES},
        )
    logout(request)
    messages.info(
        request,
        _("You were logged out because CX Platform was not used for %(minutes)d minutes. Please log in again.")
        % {"minutes": settings.SESSION_IDLE_MINUTES},
    )


@dataclass(frozen=True)
class SessionRow:
    pk: int
    created: object
    last_seen: object
    ip: str | None
    browser: str
    is_current: bool


def user_sessions(*, user: User, current_key: str | None) -> list[SessionRow]:
    """The user's live sessions, this one first, then the most recently used. A session idle past the limit or
    from before the last password change is left out: it cannot be used any more."""
    rows = UserSession.objects.filter(
        user=user, last_seen__gte=timezone.now() - idle_limit(), auth_hash=user.get_session_auth_hash()
    ).order_by("-last_seen")
    listed = [
        SessionRow(
            pk=row.pk,
            created=row.created,
            last_seen=timezone.now() if row.session_id == current_key else row.last_seen,
            ip=row.ip,
            browser=user_agents.summary(row.user_agent) or _("Unknown browser"),
            is_current=row.session_id == current_key,
        )
        for row in rows
    ]
    return sorted(listed, key=lambda row: not row.is_current)


def _end(row: UserSession, *, reason: str) -> None:
    record(
        actions.SESSION_ENDED,
        object_type="accounts.usersession",
        object_id=row.pk,
        object_repr=str(row.user),
        detail={"reason": reason},
    )
    # The session row goes, and this one with it: the browser holding its cookie is logged out.
    Session.objects.filter(session_key=row.session_id).delete()


@transaction.atomic
def session_end(*, user: User, session_id: int, current_key: str | None) -> bool:
    """Ends one other session of the user; False when there is no such session (or it is this one)."""
    row = (
        UserSession.objects.select_related("user")
        .filter(user=user, pk=session_id)
        .exclude(session_id=current_key or "")
        .first()
    )
    if row is None:
        return False
    _end(row, reason="ended_by_user")
    return True


@transaction.atomic
def sessions_end_others(*, user: User, current_key: str | None) -> int:
    """Ends every session of the user but this one; how many."""
    rows = list(UserSession.objects.select_related("user").filter(user=user).exclude(session_id=current_key or ""))
    for row in rows:
        _end(row, reason="ended_by_user")
    return len(rows)


def profile_context(request: HttpRequest) -> dict:
    """What templates/accounts/_profile_sessions.html shows on the profile page."""
    listed = user_sessions(user=request.user, current_key=request.session.session_key)
    return {"user_sessions": listed, "other_sessions": sum(1 for row in listed if not row.is_current)}


def sessions_sweep_idle() -> int:
    """Removes the sessions that went unused past the idle limit (their browsers never came back to be logged
    out) and Django's expired ones: the list and the session table keep only what can still be used. One audit
    row for the sweep, with the count."""
    cutoff = timezone.now() - idle_limit()
    with transaction.atomic():
        keys = list(UserSession.objects.filter(last_seen__lt=cutoff).values_list("session_id", flat=True))
        if keys:
            record(
                actions.SESSION_ENDED, object_type="accounts.usersession", detail={"reason": "idle", "count": len(keys)}
            )
            Session.objects.filter(session_key__in=keys).delete()
    Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return len(keys)
