"""Reads of the teams app: teams and memberships here; `actions` (board, list, my work, matrix), `org` (team
pages, mandates) and `ownership` (a journey's ownership matrix) in their modules."""

from django.db.models import BooleanField, Case, Prefetch, QuerySet, Value, When

from teams.models import ActionComment, ActionTransition, Department, ImprovementAction, Mandate, Membership, Team
from teams.selectors.actions import overdue


def mentioned_teams(text: str) -> list[dict]:
    """The teams `text` mentions as @<team key> (the extension point COMMENT_MENTIONED_TEAMS): one query, none
    when nothing in it looks like a mention."""
    from journeys.comments.services import MENTION

    slugs = {match.rstrip(".").lower() for match in MENTION.findall(text or "")}
    if not slugs:
        return []
    return [
        {"id": pk, "slug": slug, "name": name}
        for pk, slug, name in Team.objects.filter(slug__in=slugs).order_by("name").values_list("id", "slug", "name")
    ]


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


def membership_list() -> QuerySet[Membership]:
    return Membership.objects.select_related("team", "user").order_by("team__name", "role", "user__first_name", "id")


def mandate_list() -> QuerySet[Mandate]:
    """Mandates with their team, sponsor and decider, in one query."""
    return Mandate.objects.select_related("team", "sponsor", "decided_by").order_by("team__name", "-starts_on", "-id")


def action_list() -> QuerySet[ImprovementAction]:
    """Actions with the names an API row shows, and `is_overdue` computed in the database, in one query."""
    return (
        ImprovementAction.objects.select_related("journey", "stage", "touchpoint", "team", "assignee", "created_by")
        .annotate(is_overdue=Case(When(overdue(), then=Value(True)), default=Value(False), output_field=BooleanField()))
        .order_by("due_date", "-impact", "effort", "id")
    )


def action_transition_list(*, action: ImprovementAction) -> QuerySet[ActionTransition]:
    return ActionTransition.objects.filter(action=action).select_related("by").order_by("at", "id")


def action_comment_list(*, action: ImprovementAction) -> QuerySet[ActionComment]:
    return ActionComment.objects.filter(action=action).select_related("author").order_by("created_at", "id")
