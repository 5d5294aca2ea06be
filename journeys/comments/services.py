"""Writes to comment threads: add, edit and delete a comment, resolve and reopen a thread. Who may is checked by
the callers (journeys.permissions: the pages and the API alike); these record, find the mentions, notify and
announce the change to the live map after commit."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform import webhooks
from cxplatform.lib import emails, extension_points
from cxplatform.lib.versioning import delete_if_current, save_if_current
from cxplatform.notifications.models import NotificationKind
from cxplatform.notifications.services import notifications_withdraw, notify
from cxplatform.webhooks.events import EventType
from journeys import live
from journeys.comments.models import Comment, CommentThread
from journeys.comments.targets import CommentTarget, NoSuchTarget, comment_target

if TYPE_CHECKING:
    from cxplatform.accounts.models import User

# "@emma" or "@e.de-vries": a username after an @ that does not follow a word character (not an email address).
MENTION = re.compile(r"(?<![\w@.+-])@([\w.@+-]+)")


def mentioned_users(text: str) -> list[User]:
    """The active users named with @username in `text` (a sentence's full stop after the name is not part of
    it)."""
    names = {match.rstrip(".") for match in MENTION.findall(text)}
    if not names:
        return []
    return list(get_user_model().objects.filter(username__in=names, is_active=True).order_by("username"))


def _about(target: CommentTarget) -> str:
    return f"“{target.name}”"


def _notify(*, comment: Comment, target: CommentTarget, mentioned: list[User], owner_too: bool) -> None:
    recipients = [(user, NotificationKind.MENTION) for user in mentioned]
    if owner_too and target.owner is not None:
        recipients.append((target.owner, NotificationKind.OWNED))
    if recipients:
        notify(
            recipients=recipients,
            actor=comment.author,
            about=_about(target),
            excerpt=comment.text,
            url=target.url,
            source=comment,
        )


def _announce_team_mentions(*, comment: Comment, target: CommentTarget, before: str = "") -> None:
    """The webhook event comment.team_mentioned for the teams the comment mentions (@<team key>) that `before`
    (its text before an edit) did not. The teams are asked for (COMMENT_MENTIONED_TEAMS) only when a webhook
    wants the event: otherwise this costs no query."""
    if not webhooks.wanted(EventType.COMMENT_TEAM_MENTIONED):
        return
    find = extension_points.provider(extension_points.COMMENT_MENTIONED_TEAMS)
    if find is None:
        return
    known = {team["id"] for team in find(before)} if before else set()
    teams = [team for team in find(comment.text) if team["id"] not in known]
    if not teams:
        return
    author = comment.author
    webhooks.emit(
        EventType.COMMENT_TEAM_MENTIONED,
        lambda: {
            "comment": {"id": comment.pk, "text": comment.text},
            "teams": teams,
            "author": {"id": author.pk, "username": author.username, "name": author.get_full_name() or author.username}
            if author
            else None,
            "about": target.name,
            "excerpt": comment.text[:200],
            "journey": {"id": target.journey_id},
            "url": emails.absolute_url(target.url),
        },
    )


def _changed(target_key: str, journey_id: int, user: User | None) -> None:
    live.journey_changed(journey_id, parts=[target_key], user=user)


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write something first.")]})
    return text


@transaction.atomic
def comment_add(*, author: User, kind: str, object_id: int, text: str) -> Comment:
    """Add a comment to the thread on `kind` `object_id` (NoSuchTarget when there is none); the mentioned
    people and the target's owner are notified."""
    target = comment_target(kind, object_id)
    thread, _created = CommentThread.objects.get_or_create(
        kind=kind, object_id=object_id, defaults={"journey_id": target.journey_id}
    )
    comment = Comment(thread=thread, journey_id=target.journey_id, author=author, text=_clean_text(text))
    comment.full_clean()
    comment.save()
    mentioned = mentioned_users(comment.text)
    comment.mentions.set(mentioned)
    _notify(comment=comment, target=target, mentioned=mentioned, owner_too=True)
    _announce_team_mentions(comment=comment, target=target)
    _changed(target.key, target.journey_id, author)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, text: str, expected_version: int) -> Comment:
    """Change a comment's text; people newly mentioned are notified (the others were already)."""
    before = set(comment.mentions.values_list("pk", flat=True))
    text_before = comment.text
    comment.text = _clean_text(text)
    comment.edited_at = timezone.now()
    save_if_current(comment, expected_version=expected_version, fields=["text", "edited_at"])
    mentioned = mentioned_users(comment.text)
    comment.mentions.set(mentioned)
    thread = comment.thread
    try:
        target = comment_target(thread.kind, thread.object_id)
    except NoSuchTarget:  # its stage, touchpoint or finding was deleted since: the comment is kept, nobody told
        pass
    else:
        new = [user for user in mentioned if user.pk not in before]
        _notify(comment=comment, target=target, mentioned=new, owner_too=False)
        _announce_team_mentions(comment=comment, target=target, before=text_before)
    _changed(f"comments-{thread.kind}-{thread.object_id}", comment.journey_id, comment.author)
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, by: User, expected_version: int | None = None) -> None:
    """Delete a comment (its notifications too); with `expected_version`, only if nobody edited it since."""
    thread = comment.thread
    notifications_withdraw(source=comment)
    if expected_version is None:
        comment.delete()
    else:
        delete_if_current(comment, expected_version=expected_version)
    _changed(f"comments-{thread.kind}-{thread.object_id}", thread.journey_id, by)


@transaction.atomic
def thread_set_resolved(*, by: User, kind: str, object_id: int, resolved: bool) -> CommentThread:
    """Resolve or reopen the thread on `kind` `object_id` (who and when are kept). Refused for a thread with no
    comments."""
    thread = CommentThread.objects.select_for_update().filter(kind=kind, object_id=object_id).first()
    if thread is None or not thread.comments.exists():
        raise ValidationError({"resolved": [_("There is no discussion to resolve here yet.")]})
    now = timezone.now()
    if resolved and thread.resolved_at is None:
        thread.resolved_at, thread.resolved_by = now, by
    elif not resolved and thread.resolved_at is not None:
        thread.resolved_at, thread.resolved_by = None, None
        thread.reopened_at, thread.reopened_by = now, by
    else:
        return thread  # already so: nothing changes
    thread.version += 1
    thread.save(update_fields=["resolved_at", "resolved_by", "reopened_at", "reopened_by", "version"])
    _changed(f"comments-{kind}-{object_id}", thread.journey_id, by)
    return thread
