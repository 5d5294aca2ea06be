from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models import JourneyGroup


class Department(models.Model):
    """A silo of the organisation: marketing, sales, service, operations, finance, IT..."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A multidisciplinary team; it owns one or more journey groups."""

    slug = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    journey_groups = models.ManyToManyField(
        JourneyGroup, related_name="teams", blank=True, verbose_name=_("journey groups")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    CHANGE_MANAGER = "change_manager", _("Change manager")
    PROCESS_OWNER = "process_owner", _("Process owner")
    BI_IT = "bi_it", _("BI / IT")
    ANALYST = "analyst", _("Analyst / data scientist")
    UX_MARKETING = "ux_marketing", _("UX / communication / marketing")
    COACH = "coach", _("Coach")


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role in the team"), max_length=20, choices=MemberRole.choices)
    allocation = models.PositiveSmallIntegerField(
        _("time allocation (%)"), default=20, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["team", "role", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_member")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.team}"
