from django.db.models import Prefetch, QuerySet

from .models import Department, Membership, Team


def team_list() -> QuerySet[Team]:
    """Teams with their journey groups and members (one query each, whatever the number of teams)."""
    return Team.objects.prefetch_related(
        "journey_groups",
        Prefetch(
            "memberships", queryset=Membership.objects.select_related("user").order_by("role", "user__first_name")
        ),
    ).order_by("name")


def department_list() -> QuerySet[Department]:
    return Department.objects.order_by("name")
