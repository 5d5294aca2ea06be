"""Extension points: every place where one app reaches another at run time, and the one place that resolves them.

The apps depend on each other one way only: journeys knows nothing of teams or metrics, teams nothing of metrics.
Where the lower app still needs something from a higher one (the map shows measured scores, an action links to
its business case), the lower app names an extension point and a setting says who provides it: a dotted path
of a callable, or a URL name. The settings are in cxplatform/settings/base.py ("Extension points"); the table
below is every point, and tests/cxplatform/test_extension_points.py checks that each configured one resolves.

A setting that is missing, None or empty turns its point off, and the page does without: the map shows the
designed journey only, a card offers no action, any CX editor edits any journey, nothing keeps a part from being
deleted. A URL name that does not reverse (its app is not installed) is the same as none.

Callables (resolved with import_string, when called: a test may change the setting):

- JOURNEY_EDIT_POLICY `(user, journey) -> bool`: may this CX editor change this journey (saved or not)?
  Used by journeys.permissions; provided by teams.permissions.can_edit_journey (the groups their team owns).
- MAP_MEASURES `(journey, query) -> measures`: the measured experience of the map for the period in the page's
  query string (`.touchpoints`, `.emotions`, `.journey`, `.query`, and optionally `.themes`: each touchpoint's top
  negative theme; see journeys.map_cards and journeys.charts).
  Used by the map page (journeys.views.map); provided by metrics.views.map_measures.map_measures.
- MAP_DEPENDENTS, a list `(*, journey_id=None, stage_id=None, touchpoint_id=None) -> list[tuple[int, str]]`:
  each gives (count, "12,304 survey responses") of what depends on one journey, stage (through its
  touchpoints too) or touchpoint; one with dependents is archived, never deleted. Used by journeys.hooks;
  provided by metrics.services.map_dependents (responses, follow-up cases, KPIs) and
  teams.services.map_dependents (improvement actions).
- MAP_STRUCTURE_CHANGED `(*, journey_ids: list[int]) -> None`: called in the transaction of every change to the
  shape of those journeys (a touchpoint or stage deleted, archived, restored or moved to another stage; a journey
  archived, restored or deleted), so the figures per stage and touchpoint are brought up to date as after an
  ingest. Used by journeys.hooks; provided by metrics.services.recompute.structure_changed.

- COMMENT_ACTION_TARGET `(action_id: int) -> dict | None`: an improvement action as the target of a comment
  thread: {"journey_id", "title", "owner" (the assignee, a user or None), "url"} or None when there is no such
  action. Used by journeys.comments.targets; provided by teams.selectors.actions.action_comment_target.
- COMMENT_MENTIONED_TEAMS `(text: str) -> list[dict]`: the teams a comment mentions with @<team key> (their
  slug), each {"id", "slug", "name"}, for the webhook event comment.team_mentioned. Used by
  journeys.comments.services (asked only when a webhook wants that event); provided by
  teams.selectors.mentioned_teams.

- OIDC_TEAM_SYNC `(*, user, team_keys: frozenset[str], managed_team_keys: frozenset[str]) -> None`: single sign-on
  puts a person in the teams their groups map to (OIDC_TEAM_MAP) and out of the other mapped ones. Used by
  cxplatform.accounts.oidc.backend; provided by teams.services.organisation.memberships_sync.

URL names (resolved with reverse, with the arguments listed):

- MAP_ACTION_CREATE_URL, no argument: where "Create improvement action" on a card of the map leads (with
  ?touchpoint= or ?finding=). Used by the map page; provided by teams:action-create.
- MAP_DRIVERS_URL, the journey's pk: the map header's link to the key-driver analysis of the journey. Used by
  the map page; provided by metrics:journey-drivers.
- ACTION_BUSINESS_CASE_URL, the action's pk: an improvement action's link to its business case. Used by the
  action's page (teams.views.actions); provided by metrics:business-case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ExtensionPoint:
    """One extension point: the setting that names its provider, and what the provider must be."""

    setting: str
    kind: Literal["callable", "callables", "url"]
    contract: str  # the callable's signature, or the URL's arguments
    used_by: str
    provided_by: str  # today, in cxplatform/settings/base.py


JOURNEY_EDIT_POLICY = ExtensionPoint(
    "JOURNEY_EDIT_POLICY",
    "callable",
    "(user, journey) -> bool",
    "journeys.permissions",
    "teams.permissions.can_edit_journey",
)
MAP_MEASURES = ExtensionPoint(
    "MAP_MEASURES",
    "callable",
    "(journey, query) -> measures",
    "journeys.views.map",
    "metrics.views.map_measures.map_measures",
)
MAP_DEPENDENTS = ExtensionPoint(
    "MAP_DEPENDENTS",
    "callables",
    "(*, journey_id=None, stage_id=None, touchpoint_id=None) -> list[tuple[int, str]]",
    "journeys.hooks",
    "metrics.services.map_dependents, teams.services.map_dependents",
)
MAP_STRUCTURE_CHANGED = ExtensionPoint(
    "MAP_STRUCTURE_CHANGED",
    "callable",
    "(*, journey_ids: list[int]) -> None",
    "journeys.hooks",
    "metrics.services.recompute.structure_changed",
)
COMMENT_ACTION_TARGET = ExtensionPoint(
    "COMMENT_ACTION_TARGET",
    "callable",
    "(action_id: int) -> dict | None",
    "journeys.comments.targets",
    "teams.selectors.actions.action_comment_target",
)
COMMENT_MENTIONED_TEAMS = ExtensionPoint(
    "COMMENT_MENTIONED_TEAMS",
    "callable",
    "(text: str) -> list[dict]",
    "journeys.comments.services",
    "teams.selectors.mentioned_teams",
)
OIDC_TEAM_SYNC = ExtensionPoint(
    "OIDC_TEAM_SYNC",
    "callable",
    "(*, user, team_keys: frozenset[str], managed_team_keys: frozenset[str]) -> None",
    "cxplatform.accounts.oidc.backend",
    "teams.services.organisation.memberships_sync",
)
MAP_ACTION_CREATE_URL = ExtensionPoint(
    "MAP_ACTION_CREATE_URL", "url", "no argument", "journeys.views.map", "teams:action-create"
)
MAP_DRIVERS_URL = ExtensionPoint(
    "MAP_DRIVERS_URL", "url", "the journey's pk", "journeys.views.map", "metrics:journey-drivers"
)
ACTION_BUSINESS_CASE_URL = ExtensionPoint(
    "ACTION_BUSINESS_CASE_URL", "url", "the action's pk", "teams.views.actions", "metrics:business-case"
)

EXTENSION_POINTS = (
    JOURNEY_EDIT_POLICY,
    MAP_MEASURES,
    MAP_DEPENDENTS,
    MAP_STRUCTURE_CHANGED,
    COMMENT_ACTION_TARGET,
    COMMENT_MENTIONED_TEAMS,
    OIDC_TEAM_SYNC,
    MAP_ACTION_CREATE_URL,
    MAP_DRIVERS_URL,
    ACTION_BUSINESS_CASE_URL,
)


def provider(point: ExtensionPoint) -> Callable[..., Any] | None:
    """The callable that provides `point` (kind "callable"), or None when the setting names none."""
    path = getattr(settings, point.setting, None)
    return import_string(path) if path else None


def providers(point: ExtensionPoint) -> list[Callable[..., Any]]:
    """The callables that provide `point` (kind "callables"), in the setting's order; none when it names none."""
    return [import_string(path) for path in getattr(settings, point.setting, None) or ()]


def url(point: ExtensionPoint, *args: Any) -> str | None:
    """The URL of `point` (kind "url") with `args`, or None when the setting names none or the name does not
    reverse (the app that provides it is not installed)."""
    name = getattr(settings, point.setting, None)
    if not name:
        return None
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None
