"""Survey responses: the metrics (NPS, CSAT, CES) with their scales and buckets, and one answer each.

The scale of every metric lives in METRIC_SCALES beside the metric (DOMAIN.md: "store the scale with the
metric"); the buckets (detractor / passive / promoter and their CSAT and CES counterparts) in METRIC_BUCKETS.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys.models import Channel, Journey, Touchpoint


class Metric(models.TextChoices):
    NPS = "nps", _("NPS")
    CSAT = "csat", _("CSAT")
    CES = "ces", _("CES")


# (lowest, highest) score of each metric's scale.
METRIC_SCALES: dict[str, tuple[int, int]] = {Metric.NPS: (0, 10), Metric.CSAT: (1, 5), Metric.CES: (1, 7)}

# (highest "low" score, lowest "high" score): NPS detractors 0-6 / promoters 9-10; CSAT dissatisfied 1-2 /
# satisfied (top-2-box) 4-5; CES hard 1-3 / easy 5-7. Everything in between is the middle bucket.
METRIC_BUCKETS: dict[str, tuple[int, int]] = {Metric.NPS: (6, 9), Metric.CSAT: (2, 4), Metric.CES: (3, 5)}


def score_in_range_q() -> Q:
    condition = Q()
    for metric, (low, high) in METRIC_SCALES.items():
        condition |= Q(metric=metric, score__gte=low, score__lte=high)
    return condition


class SurveyResponse(models.Model):
    """One answer to one survey question. `day` is the local date of responded_at (settings.TIME_ZONE),
    fixed at ingest so that periods are grouped without time-zone arithmetic on every recompute."""

    id = models.BigAutoField(primary_key=True)
    metric = models.CharField(_("metric"), max_length=4, choices=Metric.choices)
    score = models.SmallIntegerField(_("score"))
    # The composite indexes below cover these foreign keys; a separate index each would slow every import.
    # No foreign-key constraints in the database either: their per-row triggers took longer than the insert of a
    # large import itself (bench/import_bench.py). The ingest checks and locks the referenced rows once per
    # ingest instead (metrics/ingest/staging.py). Customers' answers never go as a side effect of editing a map:
    # the ORM refuses to delete a journey or touchpoint they name (PROTECT), and journeys' services archive
    # such a journey or touchpoint instead (settings.MAP_DEPENDENTS names what depends on it).
    journey = models.ForeignKey(
        Journey,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("journey"),
        db_index=False,
        db_constraint=False,
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("touchpoint"),
        db_index=False,
        db_constraint=False,
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("channel"),
        db_index=False,
        db_constraint=False,
    )
    responded_at = models.DateTimeField(_("responded at"))
    day = models.DateField(_("day"))
    respondent = models.CharField(_("respondent key"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(_("source"), max_length=60, default="api")
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["-responded_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            # A journey's scope (days) and what its totals count (metric, score): the counts of a journey's scope
            # are read from the index alone (an index-only scan), not from the wide rows. Key columns rather than
            # INCLUDE, so that the btree deduplicates them: hardly bigger than (journey, day). A touchpoint's
            # scope is small: its index stays narrow (a covering one was 3.4x its size and slowed the imports).
            models.Index(fields=["journey", "day", "metric", "score"], name="response_journey_day"),
            models.Index(
                fields=["touchpoint", "day"], name="response_touchpoint_day", condition=Q(touchpoint__isnull=False)
            ),
            # The responses with a comment (issue 17): the tagging's progress counts them, and finds those waiting
            # to be tagged, without reading every response.
            models.Index(fields=["id"], name="response_commented", condition=~Q(comment="")),
            # The same per scope (issue 17): the comments of a journey, touchpoint or channel and period, and of
            # their low-bucket scores, counted from the index alone (metrics.themes.selectors).
            models.Index(
                fields=["journey", "day", "touchpoint", "channel", "metric", "score"],
                name="response_commented_scope",
                condition=~Q(comment=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=score_in_range_q(), name="response_score_in_range"),
            models.UniqueConstraint(
                fields=["source", "external_id"], condition=~Q(external_id=""), name="response_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.score}"

    @property
    def bucket(self) -> str:
        """low / mid / high: detractor / passive / promoter for NPS, and the CSAT and CES counterparts."""
        low, high = METRIC_BUCKETS[self.metric]
        if self.score <= low:
            return "low"
        return "high" if self.score >= high else "mid"

    @property
    def nps_bucket(self) -> str | None:
        if self.metric != Metric.NPS:
            return None
        return {"low": "detractor", "mid": "passive", "high": "promoter"}[self.bucket]
