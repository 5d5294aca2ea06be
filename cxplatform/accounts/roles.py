"""Roles, and the checks on them: the one place that knows a user's role strings. The apps' permission modules
(journeys.permissions, teams.permissions, metrics.permissions) build their rules from these, and the main
menu (cxplatform.context_processors) calls those rules.

- CX editor: edits the journeys of the groups their team owns, and the team's actions; reads everything else.
- Manager: reads everything; approves or rejects mandates; defines KPIs; edits no map.
- Process owner: carries out the improvement actions and follow-up cases given to them.
- Admin: everything, plus users, departments and teams. A superuser counts as an admin, whatever their role.

Each check reads only the user row the request has loaded already: no query.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CX_EDITOR = "cx_editor", _("CX editor")
    MANAGER = "manager", _("Manager")
    PROCESS_OWNER = "process_owner", _("Process owner")
    ADMIN = "admin", _("Admin")


# The roles work is given to: an improvement action's assignee, a follow-up case's owner.
ASSIGNEE_ROLES = (Role.PROCESS_OWNER, Role.ADMIN)


def is_signed_in(user) -> bool:
    """Every page asks this much (cxplatform.middleware.LoginRequiredMiddleware)."""
    return bool(user is not None and user.is_authenticated)


def has_role(user, *roles: str) -> bool:
    """The user's role is one of `roles` (a superuser's role counts as it is, not as admin)."""
    return bool(is_signed_in(user) and getattr(user, "role", None) in roles)


def is_admin(user) -> bool:
    return bool(is_signed_in(user) and (user.is_superuser or user.role == Role.ADMIN))


def is_cx_editor(user) -> bool:
    return has_role(user, Role.CX_EDITOR)


def is_manager(user) -> bool:
    return has_role(user, Role.MANAGER)


def is_process_owner(user) -> bool:
    return has_role(user, Role.PROCESS_OWNER)


def is_assignee_role(user) -> bool:
    """Can be given improvement actions and follow-up cases (ASSIGNEE_ROLES): process owners and admins."""
    return has_role(user, *ASSIGNEE_ROLES)
