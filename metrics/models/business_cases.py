"""Business cases of improvement actions: the investment against the expected and realised gains."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from teams.models import ImprovementAction


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
