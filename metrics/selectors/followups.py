"""Reads of the follow-up cases: the inbox, one case, the choices its edit pages offer, the morning digest.

A list of cases is one query whatever its length: `followup_rows` joins what a row shows (the response and its
journey, the touchpoint, the owner, the linked action) and computes `is_overdue` and `is_active` in the
database.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cxplatform.accounts.models import Role, User
from metrics.models import CaseStatus, FollowUpCase
from metrics.permissions import can_see_all_cases
from teams.models import OPEN_STATUSES, ImprovementAction

ACTIVE_STATUSES = [CaseStatus.OPEN, CaseStatus.CONTACTED]
TITLE_LENGTH = 120


def case_overdue_q(today: datetime.date | None = None) -> Q:
    """A case nobody has resolved by its deadline."""
    return Q(due_date__lt=today or timezone.localdate(), status__in=ACTIVE_STATUSES)


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def followup_rows(today: datetime.date | None = None) -> QuerySet[FollowUpCase]:
    """Cases with what a row shows; open and contacted ones first, then by deadline."""
    return (
        FollowUpCase.objects.select_related("response__journey", "touchpoint", "owner", "action")
        .annotate(is_overdue=_flag(case_overdue_q(today)), is_active=_flag(Q(status__in=ACTIVE_STATUSES)))
        .order_by("-is_active", "due_date", "id")
    )


def followup_list(*, user: User, today: datetime.date | None = None) -> QuerySet[FollowUpCase]:
    """The cases `user` may see: everyone's for managers, CX editors and admins; their own for the others."""
    rows = followup_rows(today)
    return rows if can_see_all_cases(user) else rows.filter(owner_id=user.pk)


def followup_detail(*, pk: int) -> FollowUpCase:
    """One case with everything its page shows; raises FollowUpCase.DoesNotExist."""
    return (
        FollowUpCase.objects.select_related(
            "response__journey", "response__channel", "touchpoint__stage", "owner", "action"
        )
        .annotate(is_overdue=_flag(case_overdue_q()), is_active=_flag(Q(status__in=ACTIVE_STATUSES)))
        .get(pk=pk)
    )


def followup_action_choices(*, case: FollowUpCase) -> QuerySet[ImprovementAction]:
    """What a case can be linked to: the open improvement actions of its journey (and the one it is linked to)."""
    return (
        ImprovementAction.objects.filter(journey_id=case.touchpoint.journey_id)
        .filter(Q(status__in=OPEN_STATUSES) | Q(pk=case.action_id))
        .order_by(F("due_date").asc(nulls_last=True), "title", "id")
    )


def followup_assignable_users() -> QuerySet:
    """Whom a case can be given to: active process owners and admins."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=[Role.PROCESS_OWNER, Role.ADMIN])
        .order_by("first_name", "last_name", "username")
    )


def followup_owner_choices() -> QuerySet:
    """Whom the inbox can be filtered by: process owners, and anyone who owns a case."""
    owns_cases = Exists(FollowUpCase.objects.filter(owner=OuterRef("pk")))
    return (
        get_user_model()
        .objects.filter(Q(role=Role.PROCESS_OWNER) | owns_cases)
        .order_by("first_name", "last_name", "username")
    )


def followup_action_prefill(*, case: FollowUpCase) -> dict[str, str]:
    """Title and description of an improvement action created from a case (the outer loop)."""
    response = case.response
    comment = " ".join(response.comment.split())
    title = comment or _("Improve “%(name)s”") % {"name": case.touchpoint.name}
    description = _("From follow-up case %(case)s: %(metric)s %(score)s at “%(touchpoint)s” on %(day)s.") % {
        "case": f"#{case.pk}",
        "metric": response.get_metric_display(),
        "score": response.score,
        "touchpoint": case.touchpoint.name,
        "day": response.day.isoformat(),
    }
    if response.comment:
        description += "\n\n" + _("The customer wrote: “%(comment)s”") % {"comment": response.comment.strip()}
    if case.outcome:
        description += "\n\n" + _("Outcome of the follow-up: %(outcome)s") % {"outcome": case.outcome}
    return {"title": Truncator(title).chars(TITLE_LENGTH), "description": description}


def overdue_followups(*, today: datetime.date) -> QuerySet[FollowUpCase]:
    """Assigned cases past their deadline, grouped by owner, oldest deadline first (the morning digest)."""
    return (
        FollowUpCase.objects.filter(case_overdue_q(today), owner__isnull=False)
        .select_related("response__journey", "touchpoint")
        .order_by("owner_id", "due_date", "id")
    )
