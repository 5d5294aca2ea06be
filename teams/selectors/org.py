"""Reads for the organisation pages: the teams list, a team's page, its mandates and the decisions waiting
(a journey's ownership matrix is in teams.selectors.ownership).

Every function here runs a fixed number of queries, however many teams, members, actions or touchpoints
there are; the grouping that follows is plain Python over rows already fetched.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypedDict, TypeVar, cast

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, JourneyGroup
from teams.models import (
    OPEN_STATUSES,
    ActionStatus,
    ImprovementAction,
    Mandate,
    MandateStatus,
    MemberRole,
    Membership,
    Team,
)

if TYPE_CHECKING:  # django-stubs' helpers for annotated rows and lazy labels; a development dependency only
    from django_stubs_ext import StrOrPromise, WithAnnotations

ZERO = Decimal(0)

# ---------------------------------------------------------------------------------------------------------
# Mandates and budget


MANDATE_STATES = {
    "proposed": _("Awaiting decision"),
    "active": _("Approved, running"),
    "upcoming": _("Approved, starts later"),
    "expired": _("Expired"),
    "rejected": _("Rejected"),
}


def mandate_state(mandate: Mandate, today: datetime.date) -> str:
    """Where a mandate stands today: proposed, active, upcoming, expired or rejected."""
    if mandate.status == MandateStatus.PROPOSED:
        return "proposed"
    if mandate.status == MandateStatus.REJECTED:
        return "rejected"
    if mandate.ends_on < today:
        return "expired"
    if mandate.starts_on > today:
        return "upcoming"
    return "active"


class MandateState(TypedDict):
    """What _annotate_mandates sets on each mandate (in Python: the state depends on today's date)."""

    state: str  # a key of MANDATE_STATES
    state_label: StrOrPromise


class Waiting(TypedDict):
    """What mandates_awaiting_decision annotates on each mandate."""

    waiting: int  # all the mandates awaiting a decision, not only those returned


AnyMandate = TypeVar("AnyMandate", bound=Mandate)


def current_mandate(mandates: Sequence[AnyMandate], today: datetime.date) -> AnyMandate | None:
    """The mandate the team works under now: the running approved one; else one awaiting a decision; else the
    next approved one. Expired and rejected mandates are history, not current."""
    by_state: dict[str, list[AnyMandate]] = {}
    for mandate in mandates:
        by_state.setdefault(mandate_state(mandate, today), []).append(mandate)
    for state in ("active", "proposed", "upcoming"):
        if by_state.get(state):
            return max(by_state[state], key=lambda m: (m.starts_on, m.pk))
    return None


@dataclass
class BudgetUse:
    """What the team's actions claim (expected investment of every action not dropped) against a budget."""

    claimed: Decimal
    budget: Decimal | None = None
    approved: bool = False

    @property
    def percent(self) -> int | None:
        if self.budget is None:
            return None
        if self.budget == 0:
            return 0 if self.claimed == 0 else 999
        return int((self.claimed / self.budget * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def over(self) -> bool:
        return self.budget is not None and self.claimed > self.budget

    @property
    def overrun(self) -> Decimal:
        if self.budget is None or not self.over:
            return ZERO
        return self.claimed - self.budget

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)


def _budget_use(claimed: Decimal, mandate: Mandate | None) -> BudgetUse:
    if mandate is None:
        return BudgetUse(claimed=claimed)
    return BudgetUse(claimed=claimed, budget=mandate.budget, approved=mandate.status == MandateStatus.APPROVED)


def _annotate_mandates(mandates: list[Mandate], today: datetime.date) -> list[WithAnnotations[Mandate, MandateState]]:
    # The same instances, typed with the two attributes the loop sets on every one of them.
    annotated = cast("list[WithAnnotations[Mandate, MandateState]]", mandates)
    for mandate in annotated:
        mandate.state = mandate_state(mandate, today)
        mandate.state_label = MANDATE_STATES[mandate.state]
    return annotated


# ---------------------------------------------------------------------------------------------------------
# Teams


@dataclass
class RoleGroup:
    role: str
    label: StrOrPromise
    memberships: list[Membership]


def members_by_role(memberships: list[Membership]) -> list[RoleGroup]:
    """Memberships grouped by role, in the order of MemberRole (change managers first, coach last)."""
    groups = {role: RoleGroup(role=role, label=label, memberships=[]) for role, label in MemberRole.choices}
    for membership in memberships:
        groups[membership.role].memberships.append(membership)
    return [group for group in groups.values() if group.memberships]


@dataclass
class TeamOverview:
    team: Team
    roles: list[RoleGroup]
    mandate: WithAnnotations[Mandate, MandateState] | None
    pending_mandates: int
    budget: BudgetUse

    @property
    def member_count(self) -> int:
        return sum(len(group.memberships) for group in self.roles)


def _claimed_by_team() -> Coalesce:
    claimed = (
        ImprovementAction.objects.filter(team=OuterRef("pk"))
        .exclude(status=ActionStatus.DROPPED)
        .order_by()
        .values("team")
        .annotate(total=Sum("expected_investment"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return Coalesce(Subquery(claimed, output_field=money), Value(ZERO), output_field=money)


def _memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("user", "user__department_membership__department").order_by(
            "user__first_name", "user__last_name", "id"
        ),
    )


def team_overview_list() -> list[TeamOverview]:
    """The teams page: teams (+ budget claimed), journey groups, members (+ user, department), mandates."""
    today = timezone.localdate()
    teams = (
        Team.objects.annotate(claimed=_claimed_by_team())
        .prefetch_related(
            Prefetch("journey_groups", queryset=JourneyGroup.objects.order_by("position", "name")),
            _memberships(),
            Prefetch("mandates", queryset=Mandate.objects.order_by("-starts_on", "-id")),
        )
        .order_by("name")
    )
    overviews = []
    for team in teams:
        mandates = _annotate_mandates(list(team.mandates.all()), today)
        mandate = current_mandate(mandates, today)
        overviews.append(
            TeamOverview(
                team=team,
                roles=members_by_role(list(team.memberships.all())),
                mandate=mandate,
                pending_mandates=sum(1 for m in mandates if m.state == "proposed"),
                budget=_budget_use(team.claimed, mandate),
            )
        )
    return overviews


@dataclass
class StatusCount:
    status: str
    label: StrOrPromise
    count: int
    overdue: int = 0


@dataclass
class TeamDetail(TeamOverview):
    groups: list[JourneyGroup] = field(default_factory=list)
    mandates: list[WithAnnotations[Mandate, MandateState]] = field(default_factory=list)
    statuses: list[StatusCount] = field(default_factory=list)
    expected_gains: Decimal = ZERO

    @property
    def action_count(self) -> int:
        return sum(s.count for s in self.statuses)

    @property
    def overdue_count(self) -> int:
        return sum(s.overdue for s in self.statuses)


def team_detail(*, team_id: int) -> TeamDetail:
    """A team's page: team, journey groups, their journeys, members (+ user, department), mandates (+ sponsor,
    decider), and the team's actions counted per status in one aggregate."""
    today = timezone.localdate()
    team = get_object_or_404(
        Team.objects.prefetch_related(
            Prefetch(
                "journey_groups",
                queryset=JourneyGroup.objects.order_by("position", "name").prefetch_related(
                    Prefetch("journeys", queryset=Journey.objects.order_by("state", "name", "id"))
                ),
            ),
            _memberships(),
            Prefetch("mandates", queryset=Mandate.objects.select_related("sponsor", "decided_by")),
        ),
        pk=team_id,
    )
    rows = {
        row["status"]: row
        for row in ImprovementAction.objects.filter(team=team)
        .order_by()
        .values("status")
        .annotate(
            n=Count("id"),
            invested=Sum("expected_investment"),
            gains=Sum("expected_gains"),
            overdue=Count("id", filter=Q(due_date__lt=today, status__in=OPEN_STATUSES)),
        )
    }
    statuses = []
    for value, label in ActionStatus.choices:
        row = rows.get(value)  # None: no action has this status
        statuses.append(
            StatusCount(status=value, label=label, count=row["n"] if row else 0, overdue=row["overdue"] if row else 0)
        )
    live = [row for status, row in rows.items() if status != ActionStatus.DROPPED]
    claimed = sum((row["invested"] or ZERO for row in live), ZERO)
    mandates = _annotate_mandates(list(team.mandates.all()), today)
    mandate = current_mandate(mandates, today)
    return TeamDetail(
        team=team,
        roles=members_by_role(list(team.memberships.all())),
        mandate=mandate,
        pending_mandates=sum(1 for m in mandates if m.state == "proposed"),
        budget=_budget_use(claimed, mandate),
        groups=list(team.journey_groups.all()),
        mandates=mandates,
        statuses=statuses,
        expected_gains=sum((row["gains"] or ZERO for row in live), ZERO),
    )


def mandate_for_decision(*, mandate_id: int) -> Mandate:
    return get_object_or_404(Mandate.objects.select_related("team", "sponsor", "decided_by"), pk=mandate_id)


@dataclass(frozen=True)
class AwaitingDecision:
    """The first `mandates` proposed and not yet decided (oldest first: it has waited longest), and how many
    there are in all."""

    mandates: list[WithAnnotations[Mandate, Waiting]]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.mandates)


def mandates_awaiting_decision(*, limit: int = 5) -> AwaitingDecision:
    """The mandates awaiting a manager's decision, in one query: any manager or admin decides any mandate
    (teams.permissions.can_decide_mandate), so they all wait for each of them. The count rides along on every
    row (a window over the whole set), so "and 3 more" costs no second query."""
    mandates: list[WithAnnotations[Mandate, Waiting]] = list(
        Mandate.objects.filter(status=MandateStatus.PROPOSED)
        .select_related("team", "sponsor")
        .annotate(waiting=Window(Count("id")))
        .order_by("created_at", "id")[:limit]
    )
    return AwaitingDecision(mandates=mandates, total=mandates[0].waiting if mandates else 0)
