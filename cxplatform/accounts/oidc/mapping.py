"""What the provider's groups claim gives a person here: a role (OIDC_ROLE_MAP) and teams (OIDC_TEAM_MAP).

The rule, so that taking someone out of a group at the provider takes the rights away here too:
- a group in OIDC_ROLE_MAP gives its role (the most privileged one when several match);
- no group matches: a role the mapping hands out (admin, say) is taken back to OIDC_DEFAULT_ROLE, since it came
  from a group the person has left; any other role was given by an admin here, and stays;
- no groups claim in the token, or no mapping: roles are left to the admins.
Teams likewise: a person is put in the teams their groups map to, and taken out of the mapped teams whose group
they left; memberships of teams the mapping does not name are the admins' and stay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from ..roles import Role

# The most privileged first: when a person's groups give several roles, the first here wins.
PRIVILEGE_ORDER = (Role.ADMIN, Role.MANAGER, Role.CX_EDITOR, Role.PROCESS_OWNER)


@dataclass(frozen=True)
class Outcome:
    role: str | None  # the role to set; None: leave it as it is
    team_keys: frozenset[str]  # the mapped teams the person belongs in
    managed_team_keys: frozenset[str]  # every team the mapping names (memberships of others are left alone)


def groups_of(claims: dict[str, Any]) -> list[str] | None:
    """The groups claim as a list of names; None when the token has no such claim. A single string counts as one
    group (some providers send one group so)."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable) and not isinstance(value, dict):
        return [str(item) for item in value]
    return None


def role_for(
    groups: list[str] | None,
    current_role: str | None,
    role_map: list[tuple[str, str]],
    default_role: str,
) -> str | None:
    """The role the groups give, or None to leave the current one (see the module's rule)."""
    if groups is None or not role_map:
        return None
    mapped = {role for group, role in role_map if group in groups}
    for role in PRIVILEGE_ORDER:
        if role in mapped:
            return role
    handed_out = {role for _group, role in role_map}
    if current_role in handed_out and current_role != default_role:
        return default_role
    return None


def teams_for(groups: list[str] | None, team_map: list[tuple[str, str]]) -> tuple[frozenset[str], frozenset[str]]:
    """(the mapped teams the groups give, every team the mapping names); both empty when the claim is absent."""
    if groups is None or not team_map:
        return frozenset(), frozenset()
    return (
        frozenset(team for group, team in team_map if group in groups),
        frozenset(team for _group, team in team_map),
    )


def outcome(claims: dict[str, Any], current_role: str | None) -> Outcome:
    groups = groups_of(claims)
    role = role_for(groups, current_role, settings.OIDC_ROLE_MAP, settings.OIDC_DEFAULT_ROLE)
    team_keys, managed = teams_for(groups, settings.OIDC_TEAM_MAP)
    return Outcome(role=role, team_keys=team_keys, managed_team_keys=managed)
