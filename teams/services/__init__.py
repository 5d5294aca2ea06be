"""Writes of the teams app: departments, teams, memberships, mandates, improvement actions."""

from .actions import (
    ActionRefused,
    action_comment_add,
    action_create,
    action_delete,
    action_transition,
    action_update,
)
from .organisation import (
    department_create,
    department_member_set,
    mandate_create,
    mandate_decide,
    membership_create,
    membership_delete,
    team_create,
    team_update,
)

__all__ = [
    "ActionRefused",
    "action_comment_add",
    "action_create",
    "action_delete",
    "action_transition",
    "action_update",
    "department_create",
    "department_member_set",
    "mandate_create",
    "mandate_decide",
    "membership_create",
    "membership_delete",
    "team_create",
    "team_update",
]
