"""Every email the platform sends goes through here: a named template rendered in the recipient's language,
links made absolute from one setting (SITE_URL), sent only for committed work.

After commit, in two steps: a service that changes something an email reports queues the email's Celery task
with `send_after_commit` (a rolled-back change sends nothing, and the worker sees the committed rows); the task
fetches the rows and calls `send`, which sends at once (a task runs outside any transaction) and lets an SMTP
error through, so that the task retries with backoff. The morning digest is a task of its own (beat), reading
only committed data.

The senders: teams.notifications (an action assigned), metrics.notifications (the morning digest of overdue
follow-up cases and improvement actions).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

if TYPE_CHECKING:
    from celery import Task

    from cxplatform.accounts.models import User


def absolute_url(path: str) -> str:
    """`path` (as reverse() gives it) on the site the emails link to: SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path


def absolute_reverse(viewname: str, *, args: tuple | list | None = None, query: str = "") -> str:
    return absolute_url(reverse(viewname, args=args) + (f"?{query}" if query else ""))


def absolute_url_maker(viewname: str) -> Callable[[int], str]:
    """A function from a pk to the absolute link of `viewname`'s page for it, reversing once (for a list)."""
    prefix, _mark, suffix = reverse(viewname, args=[2147483647]).rpartition("2147483647")
    return lambda pk: absolute_url(f"{prefix}{pk}{suffix}")


def language_of(user: User) -> str:
    """The language a user reads their email in. Users have no language of their own yet: the site's
    LANGUAGE_CODE (a `language` attribute on the user, when there is one, wins)."""
    return getattr(user, "language", None) or settings.LANGUAGE_CODE


def send(*, to: User, template: str, subject: Callable[[], str], context: Callable[[], dict[str, Any]]) -> bool:
    """Email `to` (a user) `template` rendered with `context()`, under `subject()`, both made in the user's
    language (they are callables so that their gettext calls run in it). Nothing when the user has no
    address. Returns whether a message was sent; SMTP errors propagate (the calling task retries)."""
    if not to.email:
        return False
    with translation.override(language_of(to)):
        values = {"user": to, **context()}
        send_mail(
            subject=subject(),
            message=render_to_string(template, values),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[to.email],
        )
    return True


def send_after_commit(task: Task, *args: Any) -> None:
    """Queue an email's Celery task once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(task.delay, *args))
