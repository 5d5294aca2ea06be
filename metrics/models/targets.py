"""The targets of the survey metrics: the organisation's, a journey's, a touchpoint's."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, Touchpoint

from .responses import Metric


class MetricTarget(models.Model):
    """The target of NPS, CSAT or CES: for the whole organisation (no journey), a journey, or one touchpoint.

    The most specific target applies: a touchpoint's own, else its journey's, else the organisation's
    (metrics.selectors.targets). The value is on the metric's reporting scale: NPS score (-100..100), CSAT %
    satisfied (0..100), CES mean (1..7).
    """

    metric = models.CharField(_("metric"), max_length=4, choices=Metric.choices)
    journey = models.ForeignKey(
        Journey,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="metric_targets",
        verbose_name=_("journey"),
        help_text=_("Leave empty for the target of the whole organisation."),
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="metric_targets",
        verbose_name=_("touchpoint"),
    )
    value = models.DecimalField(_("target"), max_digits=6, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["metric", "journey_id", "touchpoint_id"]
        verbose_name = _("metric target")
        verbose_name_plural = _("metric targets")
        constraints = [
            models.UniqueConstraint(
                fields=["metric"],
                condition=Q(journey__isnull=True, touchpoint__isnull=True),
                name="metric_target_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["metric", "journey"],
                condition=Q(journey__isnull=False, touchpoint__isnull=True),
                name="metric_target_unique_journey",
            ),
            models.UniqueConstraint(
                fields=["metric", "touchpoint"],
                condition=Q(touchpoint__isnull=False),
                name="metric_target_unique_touchpoint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.value}"
