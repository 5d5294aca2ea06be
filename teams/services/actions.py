"""Improvement actions: create, edit, move through their statuses (each move recorded), comment."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cxplatform.accounts.models import User
from cxplatform.accounts.roles import ASSIGNEE_ROLES
from cxplatform.lib import emails
from cxplatform.lib.unset import UNSET, Unset, given
from cxplatform.lib.versioning import delete_if_current, save_if_current
from journeys.models import Finding, Journey, Stage, Touchpoint
from teams import webhooks as action_webhooks
from teams.models import ALLOWED_TRANSITIONS, ActionComment, ActionStatus, ActionTransition, ImprovementAction, Team
from teams.permissions import NOT_YOUR_TEAM, can_manage_action
from teams.tasks import send_assignment_email

ACTION_FIELDS = [
    "title",
    "description",
    "journey",
    "stage",
    "touchpoint",
    "finding",
    "team",
    "assignee",
    "impact",
    "effort",
    "progress",
    "due_date",
    "sprint",
    "expected_investment",
    "expected_gains",
]


class ActionRefused(ValidationError):
    """A status change that is not allowed; the message says which moves are."""


def _notify_assignee(action: ImprovementAction) -> None:
    # After commit: a rolled-back assignment sends nothing, and the worker sees the saved action.
    emails.send_after_commit(send_assignment_email, action.pk)


def _fill_in(action: ImprovementAction) -> None:
    """Derive what the finding or touchpoint already says, and check that everything is on one journey."""
    # Each of these is read below anyway (the journey check): no query is added by reading them here.
    finding = action.finding
    if finding is not None:
        if not action.touchpoint_id and finding.touchpoint_id:
            action.touchpoint_id = finding.touchpoint_id
        if not action.stage_id:
            action.stage_id = finding.stage_id
    touchpoint = action.touchpoint
    if touchpoint is not None and not action.stage_id:
        action.stage_id = touchpoint.stage_id
    if action.journey_id is None:
        for part in (action.finding, action.touchpoint, action.stage):
            if part is not None:
                action.journey_id = part.journey_id
                break
    errors: dict[str, str] = {}
    for name in ("stage", "touchpoint", "finding"):
        part = getattr(action, name)
        if part is not None and part.journey_id != action.journey_id:
            errors[name] = _("This %(what)s belongs to another journey.") % {"what": part._meta.verbose_name}
    if touchpoint is not None and action.stage_id and touchpoint.stage_id != action.stage_id:
        errors["stage"] = _("The touchpoint is not in this stage.")
    assignee = action.assignee
    if assignee is not None and assignee.role not in ASSIGNEE_ROLES:
        errors["assignee"] = _("Actions are assigned to process owners.")
    if action.team_id is None and action.journey_id:
        action.team = Team.objects.filter(journey_groups__journeys=action.journey_id).order_by("id").first()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_create(*, created_by: User, title: str, own_team_only: bool = False, **fields: Any) -> ImprovementAction:
    """With own_team_only (what the pages and the API ask for): refused with PermissionDenied, before anything
    is saved or emailed, unless `created_by` may manage the action, i.e. it lands with their own team."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"action_create() got unexpected fields: {', '.join(sorted(unknown))}")
    action = ImprovementAction(title=title, created_by=created_by, **fields)
    _fill_in(action)
    if own_team_only and not can_manage_action(created_by, action):
        raise PermissionDenied(NOT_YOUR_TEAM)
    action.full_clean()
    action.save()
    if action.assignee_id:
        _notify_assignee(action)
    action_webhooks.emit_created(action)
    return action


@transaction.atomic
def action_update(
    *,
    action: ImprovementAction,
    expected_version: int,
    title: str | Unset = UNSET,
    description: str | Unset = UNSET,
    journey: Journey | Unset = UNSET,
    stage: Stage | Unset | None = UNSET,
    touchpoint: Touchpoint | Unset | None = UNSET,
    finding: Finding | Unset | None = UNSET,
    team: Team | Unset | None = UNSET,
    assignee: User | Unset | None = UNSET,
    impact: int | Unset = UNSET,
    effort: int | Unset = UNSET,
    progress: int | Unset = UNSET,
    due_date: datetime.date | Unset | None = UNSET,
    sprint: str | Unset = UNSET,
    expected_investment: Decimal | Unset = UNSET,
    expected_gains: Decimal | Unset = UNSET,
) -> ImprovementAction:
    """Change the fields given (ACTION_FIELDS); the assignee is emailed when the action is newly theirs."""
    changes = given(
        title=title,
        description=description,
        journey=journey,
        stage=stage,
        touchpoint=touchpoint,
        finding=finding,
        team=team,
        assignee=assignee,
        impact=impact,
        effort=effort,
        progress=progress,
        due_date=due_date,
        sprint=sprint,
        expected_investment=expected_investment,
        expected_gains=expected_gains,
    )
    previous_assignee = ImprovementAction.objects.filter(pk=action.pk).values_list("assignee_id", flat=True).first()
    for name, value in changes.items():
        setattr(action, name, value)
    _fill_in(action)
    save_if_current(action, expected_version=expected_version, fields=ACTION_FIELDS)
    if action.assignee_id and action.assignee_id != previous_assignee:
        _notify_assignee(action)
        action_webhooks.emit_assigned(action)
    return action


@transaction.atomic
def action_transition(*, action: ImprovementAction, to_status: str, by: User) -> ActionTransition:
    """Move the action to `to_status` if that is a sensible next step; record who did it and when."""
    locked = ImprovementAction.objects.select_for_update().get(pk=action.pk)
    if to_status not in ActionStatus.values:
        raise ActionRefused({"status": _("“%(status)s” is not a status.") % {"status": to_status}})
    allowed = ALLOWED_TRANSITIONS[locked.status]
    if to_status not in allowed:
        raise ActionRefused(
            {
                "status": _("An action that is “%(current)s” cannot become “%(target)s”; it can become: %(allowed)s.")
                % {
                    "current": ActionStatus(locked.status).label,
                    "target": ActionStatus(to_status).label,
                    "allowed": ", ".join(str(ActionStatus(s).label) for s in sorted(allowed)),
                }
            }
        )
    transition = ActionTransition.objects.create(action=locked, from_status=locked.status, to_status=to_status, by=by)
    # A new version too: an edit based on the action as it was before the move (its progress, say) is stale.
    updates = {"status": to_status, "version": locked.version + 1}
    if to_status == ActionStatus.DONE:
        updates["progress"] = 100
    ImprovementAction.objects.filter(pk=locked.pk).update(**updates)
    for name, value in updates.items():
        setattr(action, name, value)
    action_webhooks.emit_status_changed(action, transition.from_status)
    return transition


@transaction.atomic
def action_comment_add(*, action: ImprovementAction, author: User, text: str) -> ActionComment:
    comment = ActionComment(action=action, author=author, text=text.strip())
    comment.full_clean()
    comment.save()
    return comment


@transaction.atomic
def action_delete(*, action: ImprovementAction, expected_version: int | None = None) -> None:
    """Delete the action. With `expected_version`, raises StaleVersion (nothing deleted) when someone else
    changed or deleted it since."""
    if expected_version is None:
        action.delete()
    else:
        delete_if_current(action, expected_version=expected_version)
