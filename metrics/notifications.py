"""The morning email: one per person, with their overdue follow-up cases and overdue improvement actions.

It lives in metrics because teams cannot know of follow-up cases (dependencies point from metrics to teams); the
overdue actions come from teams.selectors. Sent through cxplatform.lib.emails.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cxplatform.lib import emails
from metrics.models import FollowUpCase
from metrics.selectors.followups import overdue_followups
from teams.models import ImprovementAction
from teams.selectors.actions import overdue_assigned_actions


def _subject(actions: int, cases: int) -> str:
    parts = []
    if cases:
        parts.append(
            ngettext("%(count)s overdue follow-up case", "%(count)s overdue follow-up cases", cases) % {"count": cases}
        )
    if actions:
        parts.append(
            ngettext("%(count)s overdue improvement action", "%(count)s overdue improvement actions", actions)
            % {"count": actions}
        )
    if len(parts) == 2:
        return _("You have %(first)s and %(second)s") % {"first": parts[0], "second": parts[1]}
    return _("You have %(what)s") % {"what": parts[0]}


def send_morning_digest(user, *, actions: list[ImprovementAction], cases: list[FollowUpCase]) -> bool:
    """Email `user` their overdue cases and actions; nothing when there are none or they have no address."""
    if not (actions or cases):
        return False

    def context() -> dict:
        case_url = emails.absolute_url_maker("metrics:followup")
        return {
            "cases": [(case, case_url(case.pk)) for case in cases],
            "actions": actions,
            "inbox_url": emails.absolute_reverse("metrics:followup-inbox", query="overdue=yes"),
            "work_url": emails.absolute_reverse("teams:my-work"),
        }

    return emails.send(
        to=user,
        template="metrics/email/morning_digest.txt",
        subject=lambda: _subject(len(actions), len(cases)),
        context=context,
    )


def send_morning_digests(*, today: datetime.date) -> int:
    """One email per person with anything overdue; three queries (actions, cases, their people) whatever their
    number. Returns the number of emails sent."""
    actions: dict[int, list[ImprovementAction]] = {}
    for action in overdue_assigned_actions(today=today):
        actions.setdefault(action.assignee_id, []).append(action)
    cases: dict[int, list[FollowUpCase]] = {}
    for case in overdue_followups(today=today):
        cases.setdefault(case.owner_id, []).append(case)
    users = get_user_model().objects.in_bulk(list(actions.keys() | cases.keys()))
    sent = 0
    for user_id, user in sorted(users.items()):
        if not user.is_active:
            continue
        sent += send_morning_digest(user, actions=actions.get(user_id, []), cases=cases.get(user_id, []))
    return sent
