"""Who may do what in teams, from the user's role (cxplatform.accounts.roles) and team memberships. Used by
the pages, the API and the main menu alike.

- CX editor: edits the journeys of the groups their team owns, and the team's actions; reads everything else.
- Manager: reads everything; approves or rejects mandates; edits no map.
- Process owner: reads journeys; changes status, progress and comments of the actions assigned to them.
- Admin: everything, plus users, departments and teams.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.roles import is_admin, is_assignee_role, is_cx_editor, is_manager
from teams.models import Team

NOT_YOUR_JOURNEY = _("Only CX editors of a team that owns this journey's group, and admins, can change this map.")
NOT_YOUR_ACTION = _("Only CX editors of the action's team, and admins, can change this action.")
NOT_ASSIGNED = _("Only the assignee, CX editors of the action's team, and admins, can update this action.")
NOT_A_DECIDER = _("Only managers and admins can approve or reject a mandate.")
NOT_AN_ADMIN = _("Only admins can change departments, teams and memberships.")
NOT_YOUR_TEAM = _("CX editors create improvement actions for their own team only.")
NOT_AN_EDITOR = _("Only CX editors and admins can create improvement actions and mandates.")


def _team_ids(user) -> set[int]:
    """The ids of the user's teams, read once per request (cached on the user object)."""
    if not hasattr(user, "_cx_team_ids"):
        user._cx_team_ids = set(user.memberships.values_list("team_id", flat=True))
    return user._cx_team_ids


def _owned_group_ids(user) -> set[int]:
    if not hasattr(user, "_cx_group_ids"):
        user._cx_group_ids = set(
            Team.journey_groups.through.objects.filter(team_id__in=_team_ids(user)).values_list(
                "journeygroup_id", flat=True
            )
        )
    return user._cx_group_ids


def can_edit_journey(user, journey) -> bool:
    """The journeys app's edit policy (settings.JOURNEY_EDIT_POLICY): `journey` may be unsaved (a new one)."""
    if is_admin(user):
        return True
    return bool(is_cx_editor(user) and journey.group_id in _owned_group_ids(user))


def can_create_actions(user) -> bool:
    return is_admin(user) or is_cx_editor(user)


def can_manage_action(user, action) -> bool:
    """Edit every field, reassign, delete: the action's team's CX editors and admins."""
    if is_admin(user):
        return True
    return bool(is_cx_editor(user) and action.team_id in _team_ids(user))


def can_progress_action(user, action) -> bool:
    """Change status, progress and comments: those who manage it, and its assignee."""
    return can_manage_action(user, action) or (user.is_authenticated and action.assignee_id == user.pk)


def can_propose_mandate(user, team) -> bool:
    if is_admin(user):
        return True
    return bool(is_cx_editor(user) and team.pk in _team_ids(user))


def can_decide_mandate(user) -> bool:
    return is_admin(user) or is_manager(user)


def has_own_work(user) -> bool:
    """Whether "My work" (the open actions assigned to the user) is theirs to look at: those who can be given
    actions. The page itself is open to everyone signed in (it lists nothing for the others); the main menu
    offers it to these."""
    return is_assignee_role(user)
