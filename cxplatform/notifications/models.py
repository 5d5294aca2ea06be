from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mentioned in a comment")
    OWNED = "owned", _("A comment on what you own")


class Notification(models.Model):
    """Something for one person to see: who did what, about what (`about`, a label kept as it was), where
    (`url`, a path on the site), with an excerpt. `source` (content type and id) is what caused it, a comment,
    so that it can be withdrawn when that is deleted."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    about = models.CharField(_("about"), max_length=300)
    excerpt = models.CharField(_("excerpt"), max_length=300, blank=True)
    url = models.CharField(_("link"), max_length=500)
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveIntegerField()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        """What happened, in the active language (rendered when shown: the recipient's language, not the
        actor's)."""
        actor = (
            (self.actor.get_full_name() or self.actor.username) if self.actor_id and self.actor else gettext("Someone")
        )
        values = {"actor": actor, "about": self.about}
        if self.kind == NotificationKind.MENTION:
            return gettext("%(actor)s mentioned you on %(about)s") % values
        return gettext("%(actor)s commented on %(about)s, which you own") % values
