"""KPI snapshots: the responses summed per journey, touchpoint, channel, metric and day / week / month, and
the recomputes still pending."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey

from .responses import Metric


class Period(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class KpiSnapshot(models.Model):
    """Aggregated responses of one metric in one period for one cell: a journey, one of its touchpoints (0 for
    responses that name none) and a channel (0 for none). Every scope the dashboards ask for (organisation,
    journey group, journey, stage, touchpoint, channel) is a sum over cells: counts and sums add up exactly.

    touchpoint_id and channel_id are plain integers with 0 for "none" so that the cell key is one unique index
    an upsert can target (NULLs are never equal in a unique index)."""

    # The cell key is the primary key: the upsert's conflict target and the one index every read uses (each read
    # covers a range of periods, which the leading (period, period_start) serves). A surrogate id would be a
    # second index to write on every rebuild (bench/recompute_bench.py).
    pk = models.CompositePrimaryKey("period", "period_start", "journey", "touchpoint_id", "channel_id", "metric")
    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    # No foreign-key constraint in the database: a full rebuild inserts every cell, and a deferred check per
    # row doubled its commit. The ORM still cascades a journey's deletion, and a rebuild drops orphaned cells.
    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    touchpoint_id = models.IntegerField(default=0)
    channel_id = models.IntegerField(default=0)
    metric = models.CharField(max_length=4, choices=Metric.choices)
    n = models.IntegerField(default=0)
    low = models.IntegerField(default=0)  # detractors / CSAT 1-2 / CES 1-3
    high = models.IntegerField(default=0)  # promoters / CSAT 4-5 / CES 5-7
    total = models.BigIntegerField(default=0)  # sum of scores
    total_sq = models.BigIntegerField(default=0)  # sum of squared scores, for the spread of the mean
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("KPI snapshot")
        verbose_name_plural = _("KPI snapshots")

    def __str__(self) -> str:
        return f"{self.metric} {self.period} {self.period_start} journey {self.journey_id}: n={self.n}"

    @property
    def mid(self) -> int:
        return self.n - self.low - self.high


class PendingRecompute(models.Model):
    """Days of a journey whose snapshots are out of date: written in the ingest's transaction, consumed (and
    deleted) by the recompute task in the transaction that writes the fresh snapshots. While a row exists,
    the summary for that scope says `stale`."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+")
    day_from = models.DateField()
    day_to = models.DateField()
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(day_to__gte=models.F("day_from")), name="pending_range")]

    def __str__(self) -> str:
        return f"journey {self.journey_id}: {self.day_from} to {self.day_to}"
