"""A comment thread is the comments on one target: the journey itself, a stage, touchpoint or finding of it, or
an improvement action (kind "action", provided by the teams app through the COMMENT_ACTION_TARGET extension
point). A thread names its target by kind and id, so that comments are kept when a part is archived, deleted
and restored, and journeys need not know the actions' table; the services check that the target exists."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Plain text only; links are made clickable when shown.
COMMENT_MAX_LENGTH = 4000


class CommentTargetKind(models.TextChoices):
    JOURNEY = "journey", _("Journey")
    STAGE = "stage", _("Stage")
    TOUCHPOINT = "touchpoint", _("Touchpoint")
    FINDING = "finding", _("Finding")
    ACTION = "action", _("Improvement action")


class CommentThread(models.Model):
    """The comments on one target, and whether the discussion is resolved (and by whom, when)."""

    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.CASCADE, related_name="comment_threads", verbose_name=_("journey")
    )
    kind = models.CharField(_("about"), max_length=12, choices=CommentTargetKind.choices)
    object_id = models.PositiveIntegerField(_("object id"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reopened by"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment thread")
        verbose_name_plural = _("comment threads")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="comment_thread_one_per_target"),
        ]
        indexes = [models.Index(fields=["journey", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class Comment(models.Model):
    """One comment in a thread. `journey` is the thread's (kept on the row for permissions, filters and the live
    map's group); `version` guards edits."""

    thread = models.ForeignKey(CommentThread, on_delete=models.CASCADE, related_name="comments")
    journey = models.ForeignKey(
        "journeys.Journey", on_delete=models.CASCADE, related_name="comments", verbose_name=_("journey")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="journey_comments",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in_comments", verbose_name=_("mentions")
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]
