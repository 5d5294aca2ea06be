"""Voice of the customer: survey responses, KPI snapshots, custom KPIs, follow-up cases, business cases.

The scale of every metric lives in METRIC_SCALES beside the metric (DOMAIN.md: "store the scale with the
metric"); the buckets (detractor / passive / promoter and their CSAT and CES counterparts) in METRIC_BUCKETS.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys.models import Channel, Journey, Touchpoint
from teams.models import ImprovementAction


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
            models.Index(fields=["journey", "day"], name="response_journey_day"),
            models.Index(
                fields=["touchpoint", "day"], name="response_touchpoint_day", condition=Q(touchpoint__isnull=False)
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


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KpiKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer objective")
    TOUCHPOINT = "touchpoint", _("Touchpoint objective")


class KpiStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No measurement yet")


class CustomKpi(models.Model):
    """A KPI the organisation defines itself (retention, customer lifetime value, conversion per channel...)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=KpiKind.choices, default=KpiKind.CUSTOMER)
    unit = models.CharField(_("unit"), max_length=30, help_text=_("For example %, €, customers."))
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=4)
    tolerance = models.DecimalField(
        _("at-risk band (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("A value missing the target by at most this share of the target is at risk, beyond it off track."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_kpis",
        verbose_name=_("owner"),
    )
    journey = models.ForeignKey(
        Journey, on_delete=models.CASCADE, null=True, blank=True, related_name="custom_kpis", verbose_name=_("journey")
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="custom_kpis",
        verbose_name=_("touchpoint"),
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, null=True, blank=True, related_name="custom_kpis", verbose_name=_("channel")
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("custom KPI")
        verbose_name_plural = _("custom KPIs")

    def __str__(self) -> str:
        return self.name


class KpiMeasurement(models.Model):
    kpi = models.ForeignKey(CustomKpi, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("KPI"))
    period_start = models.DateField(_("period"), help_text=_("The first day of the period the value covers."))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kpi", "-period_start"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [models.UniqueConstraint(fields=["kpi", "period_start"], name="kpi_measurement_unique_period")]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} ({self.period_start})"


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


class GainType(models.TextChoices):
    REFERRALS = "referrals", _("Referrals")
    CROSS_SELL = "cross_sell", _("Cross-sell")
    RETENTION = "retention", _("Retention")
    SELF_SERVICE = "self_service", _("Self-service savings")
    FEWER_COMPLAINTS = "fewer_complaints", _("Fewer complaints")


class BusinessCase(models.Model):
    """Investment and gains of one improvement action; ROI = (gains - investment) / investment x 100%."""

    action = models.OneToOneField(
        ImprovementAction, on_delete=models.CASCADE, related_name="business_case", verbose_name=_("improvement action")
    )
    investment = models.DecimalField(
        _("investment (€)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    effect_weeks = models.PositiveSmallIntegerField(
        _("effect window (weeks)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text=_("Scores in this many weeks before the action was done are compared with as many weeks after."),
    )
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business case")
        verbose_name_plural = _("business cases")
        constraints = [models.CheckConstraint(condition=Q(investment__gt=0), name="business_case_investment_positive")]

    def __str__(self) -> str:
        return str(self.action)


class BusinessCaseGain(models.Model):
    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="gains")
    type = models.CharField(_("gain"), max_length=20, choices=GainType.choices)
    expected = models.DecimalField(
        _("expected (€)"), max_digits=14, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    realised = models.DecimalField(
        _("realised (€)"), max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["case", "type"]
        constraints = [models.UniqueConstraint(fields=["case", "type"], name="business_case_gain_unique_type")]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.expected}"
