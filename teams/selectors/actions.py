"""Reads of the improvement-action pages: the board, the list, my work, the matrix, one action.

Each page's rows come from one query whatever their number: `action_rows` joins what a card or a table row
shows (journey, touchpoint, team, assignee) and computes `is_overdue` in the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cxplatform.accounts.models import Role, User
from journeys.models import Finding, Journey, Stage, Touchpoint
from teams.models import (
    OPEN_STATUSES,
    ActionComment,
    ActionStatus,
    ActionTransition,
    ImprovementAction,
    Membership,
    Team,
)

if TYPE_CHECKING:  # django-stubs' helper for annotated rows; a development dependency only
    from django_stubs_ext import WithAnnotations

TITLE_LENGTH = 120


class OverdueFlag(TypedDict):
    """What action_rows annotates on each action."""

    is_overdue: bool


def overdue(today: datetime.date | None = None) -> Q:
    """An open action whose due date has passed."""
    return Q(due_date__lt=today or timezone.localdate(), status__in=OPEN_STATUSES)


def overdue_assigned_actions(*, today: datetime.date) -> QuerySet[ImprovementAction]:
    """The assigned open actions past their due date on `today`, each assignee's oldest first (the morning
    digest, metrics.notifications)."""
    return (
        ImprovementAction.objects.filter(overdue(today), assignee__isnull=False)
        .select_related("journey")
        .order_by("assignee_id", "due_date", "id")
    )


def action_rows() -> QuerySet[WithAnnotations[ImprovementAction, OverdueFlag]]:
    """Actions with what a card or table row shows, soonest due first (no due date last)."""
    return (
        ImprovementAction.objects.select_related("journey", "touchpoint", "team", "assignee")
        .annotate(is_overdue=Case(When(overdue(), then=Value(True)), default=Value(False), output_field=BooleanField()))
        .order_by(F("due_date").asc(nulls_last=True), "-impact", "effort", "id")
    )


def action_sorted(queryset: QuerySet[ImprovementAction], *, latest_first: bool) -> QuerySet[ImprovementAction]:
    due = F("due_date").desc(nulls_last=True) if latest_first else F("due_date").asc(nulls_last=True)
    return queryset.order_by(due, "-impact", "effort", "id")


@dataclass
class BoardColumn:
    status: str
    label: str
    actions: list[ImprovementAction] = field(default_factory=list)


def action_board(queryset: QuerySet[ImprovementAction]) -> list[BoardColumn]:
    """One column per status, in the statuses' order, each with its actions: one query for all columns."""
    columns = {status: BoardColumn(status=status, label=str(label)) for status, label in ActionStatus.choices}
    for action in queryset:
        columns[action.status].actions.append(action)
    return list(columns.values())


def my_work(*, user: User) -> QuerySet[WithAnnotations[ImprovementAction, OverdueFlag]]:
    """The open actions assigned to `user`: overdue ones first, then by due date (none last)."""
    return (
        action_rows()
        .filter(assignee=user, status__in=OPEN_STATUSES)
        .order_by("-is_overdue", F("due_date").asc(nulls_last=True), "-impact", "effort", "id")
    )


def matrix_actions(queryset: QuerySet[ImprovementAction]) -> list[ImprovementAction]:
    """The open actions of the prioritisation matrix, highest impact and lowest effort first."""
    return list(queryset.filter(status__in=OPEN_STATUSES).order_by("-impact", "effort", "due_date", "id"))


def action_detail(*, pk: int) -> ImprovementAction:
    """One action with everything its page shows: what it addresses, its history and its comments."""
    return (
        ImprovementAction.objects.select_related(
            "journey__group", "stage", "touchpoint", "finding", "team", "assignee", "created_by"
        )
        .prefetch_related(
            Prefetch("transitions", queryset=ActionTransition.objects.select_related("by")),
            Prefetch("comments", queryset=ActionComment.objects.select_related("author")),
        )
        .annotate(is_overdue=Case(When(overdue(), then=Value(True)), default=Value(False), output_field=BooleanField()))
        .get(pk=pk)
    )


def assignable_users() -> QuerySet[User]:
    """Who an action can be assigned to: active process owners."""
    return get_user_model().objects.filter(is_active=True, role=Role.PROCESS_OWNER).order_by("first_name", "last_name")


def assignee_choices() -> QuerySet[User]:
    """Whom the lists can be filtered by: process owners, and anyone who has an action assigned."""
    has_actions = Exists(ImprovementAction.objects.filter(assignee=OuterRef("pk")))
    return get_user_model().objects.filter(Q(role=Role.PROCESS_OWNER) | has_actions).order_by("first_name", "username")


@dataclass
class ActionSource:
    """What a new action addresses, taken from the finding or touchpoint it is created from."""

    journey: Journey
    stage: Stage | None = None
    touchpoint: Touchpoint | None = None
    finding: Finding | None = None

    @property
    def title(self) -> str:
        if self.finding is not None:
            return Truncator(" ".join(self.finding.text.split())).chars(TITLE_LENGTH)
        if self.touchpoint is not None:
            return Truncator(_("Improve “%(name)s”") % {"name": self.touchpoint.name}).chars(TITLE_LENGTH)
        return ""

    @property
    def process_owner(self) -> User | None:
        owner = self.touchpoint.owner if self.touchpoint is not None else None
        return owner if owner is not None and owner.role == Role.PROCESS_OWNER and owner.is_active else None


def action_source(*, finding_id: int | None = None, touchpoint_id: int | None = None) -> ActionSource | None:
    """The finding or touchpoint a new action starts from; raises DoesNotExist for an unknown id."""
    if finding_id is not None:
        finding = Finding.objects.select_related("journey__group", "stage", "touchpoint__owner").get(pk=finding_id)
        return ActionSource(
            journey=finding.journey, stage=finding.stage, touchpoint=finding.touchpoint, finding=finding
        )
    if touchpoint_id is not None:
        touchpoint = Touchpoint.objects.select_related("journey__group", "stage", "owner").get(pk=touchpoint_id)
        return ActionSource(journey=touchpoint.journey, stage=touchpoint.stage, touchpoint=touchpoint)
    return None


def team_for_journey(*, journey: Journey, user: User) -> Team | None:
    """A team that owns the journey's group, the user's own team first."""
    mine = Exists(Membership.objects.filter(team=OuterRef("pk"), user_id=user.pk))
    return Team.objects.filter(journey_groups=journey.group_id).annotate(mine=mine).order_by("-mine", "name").first()


def action_comment_target(action_id: int) -> dict | None:
    """An improvement action as the target of a comment thread (the extension point COMMENT_ACTION_TARGET):
    its journey, title, assignee (notified of comments on it) and page; None when there is no such action."""
    action = ImprovementAction.objects.select_related("assignee").filter(pk=action_id).first()
    if action is None:
        return None
    return {
        "journey_id": action.journey_id,
        "title": action.title,
        "owner": action.assignee,
        "url": reverse("teams:action", args=[action.pk]) + "#discussion",
    }
