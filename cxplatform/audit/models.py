"""The audit trail: one row per write in the product, who made it, when, from where, and which fields it touched.

Append-only: nothing in the product edits or deletes a row, except the retention purge (AUDIT_RETENTION_DAYS).
Rows name what was changed, never the personal data in it: `fields` lists the names of the fields a change
touched, not their values, so erasing a respondent's data never leaves a copy here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Via(models.TextChoices):
    """How the write reached the product."""

    PAGE = "page", _("Page")
    API = "api", _("API")
    ADMIN = "admin", _("Admin site")
    SOURCE = "source", _("Survey source")
    TASK = "task", _("Background task")
    COMMAND = "command", _("Command")
    LIVE = "live", _("Live map")
    SYSTEM = "system", _("System")


class AppendOnly(Exception):
    """An audit row was to be changed or deleted: nothing may, except the retention purge."""


# The transaction-local flag the purge sets (set_config(..., true)): the Postgres trigger of migration
# 0002_append_only refuses every DELETE on the table without it, and every UPDATE.
PURGE_FLAG = "cx_audit.purge"


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("The audit trail is append-only: its rows are never changed.")

    def delete(self):
        raise AppendOnly("The audit trail is append-only: only the retention purge deletes (purge_before).")

    def purge_before(self, moment) -> int:
        """Delete the rows older than `moment` (the retention purge; cxplatform.audit.retention)."""
        with transaction.atomic(using=self.db):
            connection = connections[self.db]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_FLAG])
            deleted, _per_model = models.QuerySet.delete(self.filter(at__lt=moment))
        return deleted


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # The person, when there is one; actor_label keeps who it was after the user is deleted, and names a token,
    # a survey source or a task when no person acted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # DO_NOTHING, not SET_NULL: deleting a person must not rewrite their audit rows (the trigger would
        # refuse it); the id stays, pointing nowhere (no constraint), and actor_label still names them.
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
        db_constraint=False,
    )
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    # An API token ("token 'CI export' (ab12…)") or a survey source, when the write came through one.
    credential = models.CharField(_("credential"), max_length=200, blank=True)
    via = models.CharField(_("via"), max_length=10, choices=Via.choices, default=Via.SYSTEM)
    action = models.CharField(_("action"), max_length=40)
    # What was written: "app_label.model", its primary key and its name at the time.
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    # The names of the fields a change touched (never their values).
    fields = models.JSONField(_("fields touched"), default=list, blank=True)
    # Anything else worth knowing, without personal data: counts of an import, the page of an export...
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("request"), max_length=300, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("The audit trail is append-only: a recorded event is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("The audit trail is append-only: only the retention purge deletes.")
