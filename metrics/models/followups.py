"""Follow-up cases: a detractor or dissatisfied customer's response, called back by its owner."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys.models import Touchpoint
from teams.models import ImprovementAction

from .responses import SurveyResponse


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONTACTED = "contacted", _("Contacted")
    RESOLVED = "resolved", _("Resolved")


class FollowUpCase(models.Model):
    """The inner loop: a detractor (NPS 0-6) or a dissatisfied customer (CSAT 1-2) at a touchpoint, to be
    called back by the touchpoint's process owner before the deadline."""

    response = models.OneToOneField(
        SurveyResponse, on_delete=models.CASCADE, related_name="followup", verbose_name=_("response")
    )
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.PROTECT, related_name="followups", verbose_name=_("touchpoint")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    due_date = models.DateField(_("deadline"))
    outcome = models.TextField(_("outcome"), blank=True)
    action = models.ForeignKey(
        ImprovementAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followups",
        verbose_name=_("improvement action"),
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up case")
        verbose_name_plural = _("follow-up cases")
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="followup_inbox")]

    def __str__(self) -> str:
        return _("Follow-up of %(response)s at %(touchpoint)s") % {
            "response": self.response_id,
            "touchpoint": self.touchpoint_id,
        }
