"""What a comment thread is about: its journey, a label for people, who owns it (notified of comments) and where
to see it. The journey, a stage, touchpoint or finding of it, or an improvement action (through the extension
point COMMENT_ACTION_TARGET: journeys imports no teams)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.text import Truncator

from cxplatform.lib import extension_points
from journeys.comments.models import CommentTargetKind
from journeys.models import Finding, Journey, Stage, Touchpoint


class NoSuchTarget(Exception):
    """There is nothing of that kind with that id (or it is not on the journey named)."""


@dataclass(frozen=True)
class CommentTarget:
    kind: str
    object_id: int
    journey_id: int
    name: str  # the target's own name, as it is (not translated: it is data)
    owner: Any  # the user notified of comments on it, or None
    url: str  # where a person sees it and opens its thread

    @property
    def key(self) -> str:
        """The DOM key of its comment button on the map, and of the live update ("comments-touchpoint-12")."""
        return f"comments-{self.kind}-{self.object_id}"


def _map_url(journey_id: int, key: str) -> str:
    return reverse("journeys:map", args=[journey_id]) + f"#{key}"


def comment_target(kind: str, object_id: int) -> CommentTarget:
    """The target `kind` `object_id`, or NoSuchTarget. Archived stages and touchpoints, and archived journeys,
    take no comments (they are off the map)."""
    key = f"comments-{kind}-{object_id}"
    if kind == CommentTargetKind.JOURNEY:
        journey = Journey.objects.filter(pk=object_id).first()
        if journey is None:
            raise NoSuchTarget(kind)
        return CommentTarget(kind, object_id, journey.pk, journey.name, None, _map_url(journey.pk, key))
    if kind == CommentTargetKind.STAGE:
        stage = Stage.objects.filter(pk=object_id, journey__archived_at__isnull=True).first()
        if stage is None:
            raise NoSuchTarget(kind)
        return CommentTarget(kind, object_id, stage.journey_id, stage.name, None, _map_url(stage.journey_id, key))
    if kind == CommentTargetKind.TOUCHPOINT:
        touchpoint = (
            Touchpoint.objects.select_related("owner")
            .filter(pk=object_id, journey__archived_at__isnull=True, stage__archived_at__isnull=True)
            .first()
        )
        if touchpoint is None:
            raise NoSuchTarget(kind)
        return CommentTarget(
            kind,
            object_id,
            touchpoint.journey_id,
            touchpoint.name,
            touchpoint.owner,
            _map_url(touchpoint.journey_id, key),
        )
    if kind == CommentTargetKind.FINDING:
        finding = Finding.objects.filter(pk=object_id, journey__archived_at__isnull=True).first()
        if finding is None:
            raise NoSuchTarget(kind)
        name = Truncator(finding.text).chars(60)
        return CommentTarget(kind, object_id, finding.journey_id, name, None, _map_url(finding.journey_id, key))
    if kind == CommentTargetKind.ACTION:
        provider = extension_points.provider(extension_points.COMMENT_ACTION_TARGET)
        action = provider(object_id) if provider is not None else None
        if action is None:
            raise NoSuchTarget(kind)
        return CommentTarget(kind, object_id, action["journey_id"], action["title"], action["owner"], action["url"])
    raise NoSuchTarget(kind)
