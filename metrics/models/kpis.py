"""Custom KPIs (a customer or touchpoint objective with its own unit and target) and their measurements."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import Channel, Journey, Touchpoint


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
