from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from journeys.models import Finding, Journey, JourneyGroup, Stage, Touchpoint


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


class DepartmentMember(models.Model):
    """The department (silo) a person works in; the ownership matrix groups touchpoint owners by it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="department_membership", verbose_name=_("user")
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="members", verbose_name=_("department")
    )

    class Meta:
        verbose_name = _("department member")
        verbose_name_plural = _("department members")

    def __str__(self) -> str:
        return f"{self.user} ({self.department})"


class MandateStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Mandate(models.Model):
    """What management grants a team: budget, time, priority, a sponsor, a period."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="mandates", verbose_name=_("team"))
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_mandates",
        verbose_name=_("sponsor"),
    )
    budget = models.DecimalField(_("budget (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    hours = models.PositiveIntegerField(_("hours"), null=True, blank=True)
    time_percent = models.PositiveSmallIntegerField(
        _("time (% of members' time)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=MandateStatus.choices, default=MandateStatus.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decided_mandates",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["team", "-starts_on", "-id"]
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="mandate_period_is_ordered"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="mandate_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d}"


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


# The sensible moves between statuses; anything else is refused.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    ActionStatus.PROPOSED: {ActionStatus.PLANNED, ActionStatus.DROPPED},
    ActionStatus.PLANNED: {ActionStatus.PROPOSED, ActionStatus.IN_PROGRESS, ActionStatus.DROPPED},
    ActionStatus.IN_PROGRESS: {ActionStatus.PLANNED, ActionStatus.DONE, ActionStatus.DROPPED},
    ActionStatus.DONE: {ActionStatus.IN_PROGRESS},
    ActionStatus.DROPPED: {ActionStatus.PROPOSED},
}
OPEN_STATUSES = [ActionStatus.PROPOSED, ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]


class ImprovementAction(models.Model):
    """A change to a touchpoint or process, carried out by a process owner."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("user story or description"), blank=True)
    # An action keeps its place: a journey, stage or touchpoint with actions is archived, never deleted
    # (journeys.services.archive); PROTECT makes the database refuse it too.
    journey = models.ForeignKey(
        Journey, on_delete=models.PROTECT, related_name="improvement_actions", verbose_name=_("journey")
    )
    stage = models.ForeignKey(
        Stage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("stage"),
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("touchpoint"),
    )
    finding = models.ForeignKey(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_actions",
        verbose_name=_("finding"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions", verbose_name=_("team")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_actions",
        verbose_name=_("assignee"),
    )
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PROPOSED)
    impact = models.PositiveSmallIntegerField(
        _("impact"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (low) to 5 (high)"),
    )
    effort = models.PositiveSmallIntegerField(
        _("effort"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (low) to 5 (high)"),
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    due_date = models.DateField(_("due date"), null=True, blank=True)
    sprint = models.CharField(_("sprint or iteration"), max_length=60, blank=True)
    expected_investment = models.DecimalField(
        _("expected investment (€)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    expected_gains = models.DecimalField(
        _("expected gains (€)"), max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_actions",
        verbose_name=_("created by"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "-impact", "effort", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["assignee", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(impact__gte=1, impact__lte=5), name="action_impact_in_range"),
            models.CheckConstraint(condition=Q(effort__gte=1, effort__lte=5), name="action_effort_in_range"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_quick_win(self) -> bool:
        return self.impact >= 3 and self.effort <= 2


class ActionTransition(models.Model):
    """One status change of an action: who moved it, from what to what, and when."""

    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    to_status = models.CharField(max_length=12, choices=ActionStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class ActionComment(models.Model):
    action = models.ForeignKey(ImprovementAction, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]
