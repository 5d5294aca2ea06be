"""The morning email: one per person, with their overdue follow-up cases and overdue improvement actions.

It replaces the teams app's digest of overdue actions alone (teams cannot know of follow-up cases: dependencies
point from metrics to teams), and keeps that digest's wording for the actions.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from metrics.models import FollowUpCase
from metrics.selectors.followups import overdue_followups
from teams.models import OPEN_STATUSES, ImprovementAction


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _overdue_actions(today: datetime.date):
    """The assigned open actions past their due date, as teams.send_overdue_digests picks them."""
    return (
        ImprovementAction.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today, assignee__isnull=False)
        .select_related("journey")
        .order_by("assignee_id", "due_date", "id")
    )


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
    if not user.email or not (actions or cases):
        return False
    with translation.override(settings.LANGUAGE_CODE):
        prefix, _mark, suffix = reverse("metrics:followup", args=[2147483647]).rpartition("2147483647")
        context = {
            "user": user,
            "cases": [(case, _absolute(f"{prefix}{case.pk}{suffix}")) for case in cases],
            "actions": actions,
            "inbox_url": _absolute(reverse("metrics:followup-inbox") + "?overdue=yes"),
            "work_url": _absolute(reverse("teams:my-work")),
        }
        send_mail(
            subject=_subject(len(actions), len(cases)),
            message=render_to_string("metrics/email/morning_digest.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
    return True


def send_morning_digests(*, today: datetime.date) -> int:
    """One email per person with anything overdue; three queries (actions, cases, their people) whatever their
    number. Returns the number of emails sent."""
    actions: dict[int, list[ImprovementAction]] = {}
    for action in _overdue_actions(today):
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
