"""The teams API's permission classes: thin wrappers around teams.permissions, which the pages use too.

A refusal carries the reason from teams.permissions as its `detail`.
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from cxplatform.accounts.roles import is_admin
from teams.permissions import (
    NOT_A_DECIDER,
    NOT_AN_ADMIN,
    NOT_AN_EDITOR,
    NOT_ASSIGNED,
    NOT_YOUR_ACTION,
    can_create_actions,
    can_decide_mandate,
    can_manage_action,
    can_progress_action,
)

NOT_YOUR_TEAM = _("Only CX editors of this team, and admins, can propose a mandate for it.")
# What an assignee who does not manage the action may send in a PATCH (status is refused with a pointer to
# transition/ by the serializer, which is more helpful than a 403).
ASSIGNEE_FIELDS = {"progress", "version", "status"}


def _refuse(permission: permissions.BasePermission, reason) -> bool:
    permission.message = reason
    return False


class IsAdminOrReadOnly(permissions.BasePermission):
    """Departments, teams and memberships: everyone reads, admins write."""

    message = NOT_AN_ADMIN

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or is_admin(request.user)


class MandatePermission(permissions.BasePermission):
    """Everyone reads; CX editors and admins propose (for which team: checked by the view, on the payload);
    managers and admins decide."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action == "decide":
            return can_decide_mandate(request.user) or _refuse(self, NOT_A_DECIDER)
        return can_create_actions(request.user) or _refuse(self, NOT_AN_EDITOR)


class ActionPermission(permissions.BasePermission):
    """Everyone reads. CX editors and admins create; the action's team's CX editors and admins edit and delete;
    its assignee may also move its status, comment, and PATCH its progress (and nothing else)."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action == "create":
            return can_create_actions(request.user) or _refuse(self, NOT_AN_EDITOR)
        return True  # decided on the action, below

    def has_object_permission(self, request, view, action) -> bool:
        user = request.user
        if request.method in permissions.SAFE_METHODS or can_manage_action(user, action):
            return True
        if view.action in ("transition", "comments"):
            return can_progress_action(user, action) or _refuse(self, NOT_ASSIGNED)
        if view.action == "partial_update" and can_progress_action(user, action):
            if not isinstance(request.data, Mapping):
                return True  # null, 1, a list...: changes nothing, and the serializer refuses it with a 400
            return set(request.data) <= ASSIGNEE_FIELDS or _refuse(self, NOT_YOUR_ACTION)
        return _refuse(self, NOT_YOUR_ACTION)
