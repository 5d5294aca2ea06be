"""The email to a process owner when an improvement action is assigned to them (sent through
cxplatform.lib.emails; the overdue actions are in the morning digest, metrics.notifications)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cxplatform.lib import emails
from teams.models import ImprovementAction


def send_assignment_email(action: ImprovementAction) -> None:
    assignee = action.assignee
    if assignee is None:
        return
    emails.send(
        to=assignee,
        template="teams/email/assigned.txt",
        subject=lambda: _("New improvement action for you: %(title)s") % {"title": action.title},
        context=lambda: {"action": action, "url": emails.absolute_reverse("teams:action", args=[action.pk])},
    )
