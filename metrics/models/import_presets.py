"""ImportPreset: a confirmed column mapping of a response import, saved under a name for the next file of the
same survey (the import page, `manage.py import_responses FILE --preset NAME`, the API's `preset` field)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportPreset(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # metrics.ingest.mapping.Mapping.as_json(): {"columns": {header: target}, "fixed": {...}, "values": {...}}
    mapping = models.JSONField(_("mapping"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import preset")
        verbose_name_plural = _("import presets")

    def __str__(self) -> str:
        return self.name
