"""Departments, teams, memberships and mandates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.accounts.models import Role, User
from cxplatform.lib.unset import UNSET, Unset, given
from journeys.models import JourneyGroup
from teams.models import Department, DepartmentMember, Mandate, MandateStatus, MemberRole, Membership, Team


@transaction.atomic
def department_create(*, name: str, slug: str) -> Department:
    department = Department(name=name, slug=slug)
    department.full_clean()
    department.save()
    return department


@transaction.atomic
def department_member_set(*, user: User, department: Department | None) -> None:
    """Put a person in a department (or in none)."""
    if department is None:
        DepartmentMember.objects.filter(user=user).delete()
    else:
        DepartmentMember.objects.update_or_create(user=user, defaults={"department": department})


@transaction.atomic
def team_create(*, name: str, slug: str, description: str = "", journey_groups: Iterable[JourneyGroup] = ()) -> Team:
    team = Team(name=name, slug=slug, description=description)
    team.full_clean()
    team.save()
    team.journey_groups.set(journey_groups)
    return team


@transaction.atomic
def team_update(
    *,
    team: Team,
    journey_groups: Iterable[JourneyGroup] | None = None,
    name: str | Unset = UNSET,
    slug: str | Unset = UNSET,
    description: str | Unset = UNSET,
) -> Team:
    for field, value in given(name=name, slug=slug, description=description).items():
        setattr(team, field, value)
    team.full_clean()
    team.save()
    if journey_groups is not None:
        team.journey_groups.set(journey_groups)
    return team


@transaction.atomic
def membership_create(*, team: Team, user: User, role: str, allocation: int = 20) -> Membership:
    membership = Membership(team=team, user=user, role=role, allocation=allocation)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    membership.delete()


@transaction.atomic
def memberships_sync(*, user: User, team_keys: Iterable[str], managed_team_keys: Iterable[str]) -> None:
    """Single sign-on (settings.OIDC_TEAM_SYNC): the person belongs in the teams `team_keys` and in no other team of
    `managed_team_keys` (the teams the groups mapping names); memberships of other teams are left alone. A new
    member is a process owner in the team when that is their role, otherwise a change manager (an admin can
    change it)."""
    wanted = set(team_keys)
    managed = set(managed_team_keys) | wanted
    if not managed:
        return
    current = {
        m.team.slug: m for m in Membership.objects.filter(user=user, team__slug__in=managed).select_related("team")
    }
    for slug, membership in current.items():
        if slug not in wanted:
            membership_delete(membership=membership)
    missing = wanted - set(current)
    member_role = MemberRole.PROCESS_OWNER if user.role == Role.PROCESS_OWNER else MemberRole.CHANGE_MANAGER
    for team in Team.objects.filter(slug__in=missing):
        membership_create(team=team, user=user, role=member_role)


@transaction.atomic
def mandate_create(*, team: Team, **fields: Any) -> Mandate:
    mandate = Mandate(team=team, status=MandateStatus.PROPOSED, **fields)
    mandate.full_clean()
    if mandate.hours is None and mandate.time_percent is None:
        raise ValidationError({"hours": _("Give the time as hours or as a percentage of the members' time.")})
    mandate.save()
    return mandate


@transaction.atomic
def mandate_decide(*, mandate: Mandate, approve: bool, by: User, note: str = "") -> Mandate:
    """A manager approves or rejects a proposed mandate; a decided one cannot be decided again."""
    locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
    if locked.status != MandateStatus.PROPOSED:
        raise ValidationError(
            _("This mandate was already %(status)s.") % {"status": MandateStatus(locked.status).label.lower()}
        )
    locked.status = MandateStatus.APPROVED if approve else MandateStatus.REJECTED
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked
