"""Helpers shared by the improvement-action page tests (test_action_board, _list, _my_work, _detail, _edit)."""

import datetime

from django.utils import timezone
from django.utils.html import escape

from cxplatform.accounts.models import Role
from teams.models import ActionStatus, ImprovementAction
from teams.services.actions import action_create, action_transition
from tests.cxplatform.factories import UserFactory
from tests.teams.factories import TeamFactory

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_action(journey, title="Shorter claim form", **fields) -> ImprovementAction:
    fields.setdefault("touchpoint", journey.touchpoints.first())
    return action_create(created_by=None, title=title, journey=journey, **fields)


def move(action: ImprovementAction, *statuses: str) -> ImprovementAction:
    for status in statuses:
        action_transition(action=action, to_status=status, by=None)
    action.refresh_from_db()
    return action


def html_of(response) -> str:
    return response.content.decode()


def says(response, reason) -> bool:
    """The page tells the user `reason` (escaped like any text in a page)."""
    return escape(str(reason)) in html_of(response)


def many_actions(journey, count: int, assignee) -> None:
    touchpoints = list(journey.touchpoints.all())
    teams = TeamFactory.create_batch(2, journey_groups=[journey.group])
    statuses = ActionStatus.values
    ImprovementAction.objects.bulk_create(
        [
            ImprovementAction(
                title=f"Action {i}",
                journey=journey,
                touchpoint=touchpoints[i % len(touchpoints)],
                stage_id=touchpoints[i % len(touchpoints)].stage_id,
                team=teams[i % 2],
                assignee=assignee if i % 2 else UserFactory(role=Role.PROCESS_OWNER),
                status=statuses[i % len(statuses)] if i > 1 else ActionStatus.PROPOSED,
                due_date=days(i - count // 2) if i % 3 else None,
                impact=i % 5 + 1,
                effort=(i * 3) % 5 + 1,
            )
            for i in range(count)
        ]
    )
    assert ImprovementAction.objects.count() == count
