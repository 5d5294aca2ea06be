"""The emails to process owners: an action assigned to them, and the morning digest of overdue actions."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from teams.models import ImprovementAction


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_assignment_email(action: ImprovementAction) -> None:
    assignee = action.assignee
    if assignee is None or not assignee.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"action": action, "user": assignee, "url": _absolute(reverse("teams:action", args=[action.pk]))}
        send_mail(
            subject=_("New improvement action for you: %(title)s") % {"title": action.title},
            message=render_to_string("teams/email/assigned.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[assignee.email],
        )


def send_overdue_digest(user, actions: list[ImprovementAction]) -> None:
    if not user.email or not actions:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "actions": actions,
            "url": _absolute(reverse("teams:my-work")),
        }
        send_mail(
            subject=_("You have %(count)s overdue improvement actions") % {"count": len(actions)},
            message=render_to_string("teams/email/overdue.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
