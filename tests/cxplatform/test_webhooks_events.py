"""Each webhook event is emitted by the real service that causes it, once; and an event nobody subscribed to
costs the service no query."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cxplatform import webhooks
from cxplatform.accounts.models import Role
from cxplatform.webhooks.events import EventType
from cxplatform.webhooks.models import WebhookDelivery
from journeys.comments.services import comment_add, comment_edit
from metrics import webhooks as metric_webhooks
from metrics.models import CaseStatus, FollowUpCase, KpiSnapshot, Metric, MetricTarget, Period, SurveyResponse
from metrics.periods import month_start
from metrics.services.followups import followup_update, followups_open_for
from teams import webhooks as action_webhooks
from teams.models import ActionStatus
from teams.services.actions import action_create, action_transition, action_update
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory
from tests.teams.factories import ActionFactory, TeamFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def priya():
    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=Role.PROCESS_OWNER)


@pytest.fixture
def touchpoint(priya):
    return TouchpointFactory(name="Claim by phone", owner=priya, stage__journey__name="Report a claim")


def sent(event_type: str) -> list[dict]:
    return [d.payload["data"] for d in WebhookDelivery.objects.filter(event_type=event_type).order_by("id")]


def test_creating_an_assigned_action_emits_created_and_assigned(subscribe, admin_user, touchpoint, priya):
    subscribe(EventType.ACTION_CREATED, EventType.ACTION_ASSIGNED)
    action = action_create(
        created_by=admin_user, title="Shorter claim form", touchpoint=touchpoint, assignee=priya, due_date=TODAY
    )
    [created] = sent(EventType.ACTION_CREATED)
    assert created["id"] == action.pk and created["title"] == "Shorter claim form"
    assert created["journey"]["name"] == "Report a claim" and created["touchpoint"]["name"] == "Claim by phone"
    assert created["url"].endswith(f"/actions/{action.pk}/")
    [assigned] = sent(EventType.ACTION_ASSIGNED)
    assert assigned["assignee"] == {"id": priya.pk, "username": "priya", "name": "Priya Shah"}


def test_assigning_an_action_later_emits_assigned_once(subscribe, admin_user, touchpoint, priya):
    subscribe(EventType.ACTION_ASSIGNED)
    action = action_create(created_by=admin_user, title="Call back", touchpoint=touchpoint)
    assert sent(EventType.ACTION_ASSIGNED) == []
    action_update(action=action, expected_version=action.version, assignee=priya)
    action_update(action=action, expected_version=action.version, title="Call back sooner")  # same assignee
    assert [data["assignee"]["username"] for data in sent(EventType.ACTION_ASSIGNED)] == ["priya"]


def test_moving_an_action_emits_its_status_change(subscribe, admin_user, touchpoint):
    subscribe(EventType.ACTION_STATUS_CHANGED)
    action = action_create(created_by=admin_user, title="Call back", touchpoint=touchpoint)
    action_transition(action=action, to_status=ActionStatus.PLANNED, by=admin_user)
    [data] = sent(EventType.ACTION_STATUS_CHANGED)
    assert (data["previous_status"], data["status"]) == ("proposed", "planned")
    assert (data["previous_status_label"], data["status_label"]) == ("Proposed", "Planned")


def test_an_overdue_action_is_emitted_once_by_the_hourly_check(subscribe, touchpoint):
    subscribe(EventType.ACTION_OVERDUE)
    late = ActionFactory(journey=touchpoint.journey, due_date=TODAY - datetime.timedelta(days=1))
    ActionFactory(journey=touchpoint.journey, due_date=TODAY)  # due today: not late yet
    ActionFactory(journey=touchpoint.journey, due_date=TODAY - datetime.timedelta(days=2), status=ActionStatus.DONE)
    assert action_webhooks.emit_overdue(TODAY) == 1
    assert action_webhooks.emit_overdue(TODAY) == 0  # remembered
    assert [data["id"] for data in sent(EventType.ACTION_OVERDUE)] == [late.pk]


def test_a_detractor_opens_a_case_and_emits_followup_opened(subscribe, touchpoint, priya):
    subscribe(EventType.FOLLOWUP_OPENED)
    response = SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.NPS, score=3, comment="Nobody called")
    SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.NPS, score=9)
    assert followups_open_for(responses=SurveyResponse.objects.all()) == 1
    [data] = sent(EventType.FOLLOWUP_OPENED)
    case = FollowUpCase.objects.get(response=response)
    assert data["id"] == case.pk
    assert (data["metric_label"], data["score"], data["comment"]) == ("NPS", 3, "Nobody called")
    assert data["touchpoint"]["name"] == "Claim by phone" and data["owner"]["username"] == "priya"
    assert data["due_date"] == case.due_date.isoformat()
    # A second call opens nothing and emits nothing.
    assert followups_open_for(responses=SurveyResponse.objects.all()) == 0
    assert len(sent(EventType.FOLLOWUP_OPENED)) == 1


def test_resolving_a_case_emits_followup_resolved(subscribe, touchpoint):
    subscribe(EventType.FOLLOWUP_RESOLVED)
    response = SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.NPS, score=2)
    followups_open_for(responses=SurveyResponse.objects.all())
    case = FollowUpCase.objects.get(response=response)
    followup_update(case=case, expected_version=case.version, status=CaseStatus.CONTACTED)
    assert sent(EventType.FOLLOWUP_RESOLVED) == []
    followup_update(case=case, expected_version=case.version, status=CaseStatus.RESOLVED, outcome="Refunded")
    [data] = sent(EventType.FOLLOWUP_RESOLVED)
    assert (data["id"], data["status"], data["outcome"]) == (case.pk, "resolved", "Refunded")


def test_an_overdue_case_is_emitted_once_by_the_hourly_check(subscribe, touchpoint):
    subscribe(EventType.FOLLOWUP_OVERDUE)
    response = SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.NPS, score=2)
    followups_open_for(responses=SurveyResponse.objects.all())
    case = FollowUpCase.objects.get(response=response)
    later = case.due_date + datetime.timedelta(days=1)
    assert metric_webhooks.emit_overdue_cases(case.due_date) == 0  # due today: not late yet
    assert metric_webhooks.emit_overdue_cases(later) == 1
    assert metric_webhooks.emit_overdue_cases(later) == 0
    assert [data["id"] for data in sent(EventType.FOLLOWUP_OVERDUE)] == [case.pk]


def _month_cell(journey, touchpoint, start, *, n, low, high):
    KpiSnapshot.objects.create(
        period=Period.MONTH,
        period_start=start,
        journey=journey,
        touchpoint_id=touchpoint.pk,
        channel_id=0,
        metric=Metric.NPS,
        n=n,
        low=low,
        high=high,
        total=0,
        total_sq=0,
    )


def test_a_target_missed_in_the_month_just_ended_is_emitted_once(subscribe, touchpoint):
    subscribe(EventType.TARGET_MISSED)
    last_month = month_start(month_start(TODAY) - datetime.timedelta(days=1))
    # 400 answers, NPS -50: far below the journey's target of 20, and beyond any margin.
    _month_cell(touchpoint.journey, touchpoint, last_month, n=400, low=250, high=50)
    target = MetricTarget.objects.create(metric=Metric.NPS, journey=touchpoint.journey, value=20)
    met = MetricTarget.objects.create(metric=Metric.NPS, value=-80)  # the organisation's: met
    assert metric_webhooks.emit_targets_missed(TODAY) == 1
    assert metric_webhooks.emit_targets_missed(TODAY) == 0
    [data] = sent(EventType.TARGET_MISSED)
    assert data["target"]["id"] == target.pk != met.pk
    assert (data["value"], data["target"]["value"], data["n"]) == (-50.0, 20.0, 400)
    assert data["period_start"] == last_month.isoformat()
    assert data["scope"] == {"kind": "journey", "id": touchpoint.journey.pk, "name": "Report a claim"}


def test_a_comment_mentioning_a_team_emits_comment_team_mentioned(subscribe, admin_user, touchpoint):
    subscribe(EventType.COMMENT_TEAM_MENTIONED)
    claims = TeamFactory(name="Claims team", slug="claims")
    TeamFactory(name="Sales", slug="sales")
    comment = comment_add(author=admin_user, kind="touchpoint", object_id=touchpoint.pk, text="@claims can you look?")
    [data] = sent(EventType.COMMENT_TEAM_MENTIONED)
    assert data["teams"] == [{"id": claims.pk, "slug": "claims", "name": "Claims team"}]
    assert data["about"] == "Claim by phone" and data["comment"]["id"] == comment.pk
    # An edit announces only the teams it adds.
    comment_edit(comment=comment, text="@claims and @sales, can you look?", expected_version=comment.version)
    assert [[team["slug"] for team in d["teams"]] for d in sent(EventType.COMMENT_TEAM_MENTIONED)] == [
        ["claims"],
        ["sales"],
    ]


def test_a_comment_mentioning_no_team_emits_nothing(subscribe, admin_user, touchpoint):
    subscribe(EventType.COMMENT_TEAM_MENTIONED)
    comment_add(author=admin_user, kind="touchpoint", object_id=touchpoint.pk, text="@admin looks fine")
    assert sent(EventType.COMMENT_TEAM_MENTIONED) == []


def test_an_event_nobody_subscribed_to_costs_no_query(django_assert_num_queries, subscribe):
    built = []
    with django_assert_num_queries(0):
        assert webhooks.emit(EventType.ACTION_CREATED, lambda: built.append(1) or {}) == 0
    subscribe(EventType.FOLLOWUP_OPENED)  # another event: the cached set is dropped, read again once
    with django_assert_num_queries(1):
        assert webhooks.emit(EventType.ACTION_CREATED, lambda: built.append(1) or {}) == 0
    with django_assert_num_queries(0):
        assert webhooks.emit(EventType.ACTION_CREATED, lambda: built.append(1) or {}) == 0
    assert built == []  # nor is the event's data built


def test_a_paused_subscription_is_not_given_deliveries(subscribe, admin_user, touchpoint):
    from cxplatform.webhooks.services import subscription_pause

    subscription = subscribe(EventType.ACTION_CREATED)
    subscription_pause(subscription=subscription, reason="by hand")
    action_create(created_by=admin_user, title="Call back", touchpoint=touchpoint)
    assert sent(EventType.ACTION_CREATED) == []
