"""The fixed list of events a subscription can choose, and the one-line text of each for a chat channel.

An event's data is built by the app that emits it (a plain JSON object: ids, names, dates as ISO strings).
Labels that need translating (a status, a metric) are stored in it as their English source text, the msgid,
so that `text` renders the sentence in the subscription owner's language when the delivery is sent.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    ACTION_CREATED = "action.created", _("Improvement action created")
    ACTION_ASSIGNED = "action.assigned", _("Improvement action assigned")
    ACTION_STATUS_CHANGED = "action.status_changed", _("Improvement action status changed")
    ACTION_OVERDUE = "action.overdue", _("Improvement action overdue")
    FOLLOWUP_OPENED = "followup.opened", _("Follow-up case opened")
    FOLLOWUP_OVERDUE = "followup.overdue", _("Follow-up case overdue")
    FOLLOWUP_RESOLVED = "followup.resolved", _("Follow-up case resolved")
    TARGET_MISSED = "target.missed", _("Target missed in a new period")
    COMMENT_TEAM_MENTIONED = "comment.team_mentioned", _("A team mentioned in a comment")
    # Sent by "Send a test event" only; no subscription chooses it.
    TEST = "webhook.test", _("Test event")


SUBSCRIBABLE = [choice for choice in EventType.choices if choice[0] != EventType.TEST]


# An event found by looking (overdue) whose deadline passed longer ago than this is not announced any more: a new
# subscription is not flooded with everything that was ever late.
OVERDUE_LOOKBACK = datetime.timedelta(days=7)


def person_data(user: Any) -> dict[str, Any] | None:
    """A person as events carry one: id, username and name."""
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.get_full_name() or user.username}


def _when(value: str | None) -> str:
    """A due date as people say it: a weekday within the coming week ("Tuesday"), else the date."""
    if not value:
        return gettext("no date")
    day = datetime.date.fromisoformat(value)
    today = timezone.localdate()
    if day == today:
        return gettext("today")
    if today < day <= today + datetime.timedelta(days=6):
        return date_format(day, "l")
    return date_format(day, "j F Y")


def _month(value: str | None) -> str:
    return date_format(datetime.date.fromisoformat(value), "F Y") if value else ""


def _t(value: Any) -> str:
    """A label stored as its English msgid, in the active language."""
    return gettext(str(value)) if value else ""


def text(event_type: str, data: dict[str, Any]) -> str:
    """The event in one sentence, in the active language: the Slack and Teams bodies, and the JSON's `text`."""
    d = data or {}
    if event_type == EventType.ACTION_CREATED:
        return gettext("New improvement action: %(title)s, due %(due)s") % {
            "title": d.get("title", ""),
            "due": _when(d.get("due_date")),
        }
    if event_type == EventType.ACTION_ASSIGNED:
        return gettext("Improvement action %(title)s assigned to %(assignee)s") % {
            "title": d.get("title", ""),
            "assignee": (d.get("assignee") or {}).get("name") or gettext("nobody"),
        }
    if event_type == EventType.ACTION_STATUS_CHANGED:
        return gettext("Improvement action %(title)s is now %(status)s (was %(previous)s)") % {
            "title": d.get("title", ""),
            "status": _t(d.get("status_label")),
            "previous": _t(d.get("previous_status_label")),
        }
    if event_type == EventType.ACTION_OVERDUE:
        return gettext("Improvement action overdue: %(title)s, was due %(due)s") % {
            "title": d.get("title", ""),
            "due": _when(d.get("due_date")),
        }
    if event_type in (EventType.FOLLOWUP_OPENED, EventType.FOLLOWUP_OVERDUE, EventType.FOLLOWUP_RESOLVED):
        values = {
            "metric": _t(d.get("metric_label")),
            "score": d.get("score", ""),
            "touchpoint": (d.get("touchpoint") or {}).get("name", ""),
            "due": _when(d.get("due_date")),
        }
        if event_type == EventType.FOLLOWUP_OPENED:
            return gettext("New follow-up case: %(metric)s %(score)s on %(touchpoint)s, due %(due)s") % values
        if event_type == EventType.FOLLOWUP_OVERDUE:
            return gettext("Follow-up case overdue: %(metric)s %(score)s on %(touchpoint)s, was due %(due)s") % values
        return gettext("Follow-up case resolved: %(metric)s %(score)s on %(touchpoint)s") % values
    if event_type == EventType.TARGET_MISSED:
        return gettext("Target missed in %(period)s: %(metric)s %(value)s against %(target)s for %(scope)s") % {
            "period": _month(d.get("period_start")),
            "metric": _t(d.get("metric_label")),
            "value": d.get("value", ""),
            "target": (d.get("target") or {}).get("value", ""),
            "scope": d.get("scope_name") or gettext("the organisation"),
        }
    if event_type == EventType.COMMENT_TEAM_MENTIONED:
        return gettext("%(author)s mentioned %(teams)s on %(about)s: %(excerpt)s") % {
            "author": (d.get("author") or {}).get("name", ""),
            "teams": ", ".join(team.get("name", "") for team in d.get("teams", [])),
            "about": d.get("about", ""),
            "excerpt": d.get("excerpt", ""),
        }
    if event_type == EventType.TEST:
        return gettext("Test event from CX Platform: this subscription works.")
    return event_type
