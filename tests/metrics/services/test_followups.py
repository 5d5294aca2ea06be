"""The inner loop's rules: which responses open a case, for whom, by when; how a case is worked; the morning
email that lists overdue cases beside overdue improvement actions."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cxplatform.accounts.models import Role
from cxplatform.lib.versioning import StaleVersion
from metrics.models import CaseStatus, FollowUpCase, Metric, SurveyResponse
from metrics.services.followups import followup_action_create, followup_update, followups_open_for
from metrics.tasks import send_morning_digests
from teams.models import ActionStatus, ImprovementAction
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory, TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory
from tests.teams.factories import ActionFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def open_cases(*responses: SurveyResponse) -> int:
    return followups_open_for(responses=SurveyResponse.objects.filter(pk__in=[r.pk for r in responses]))


@pytest.fixture
def priya():
    return UserFactory(username="priya", first_name="Priya", role=Role.PROCESS_OWNER)


@pytest.fixture
def touchpoint(priya):
    return TouchpointFactory(name="Claim form", owner=priya, stage__journey__name="Report a claim")


def case_for(response: SurveyResponse) -> FollowUpCase:
    return FollowUpCase.objects.get(response=response)


# Which responses open a case


@pytest.mark.parametrize("score", [0, 3, 6])
def test_an_nps_detractor_at_a_touchpoint_opens_a_case_for_its_process_owner(touchpoint, priya, score):
    response = SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.NPS, score=score)
    assert open_cases(response) == 1
    case = case_for(response)
    assert (case.owner, case.touchpoint, case.status, case.version) == (priya, touchpoint, CaseStatus.OPEN, 1)


@pytest.mark.parametrize("score", [1, 2])
def test_a_csat_of_one_or_two_opens_a_case(touchpoint, score):
    response = SurveyResponseFactory(touchpoint=touchpoint, metric=Metric.CSAT, score=score)
    assert open_cases(response) == 1
    assert case_for(response).owner.username == "priya"


@pytest.mark.parametrize(
    ("metric", "score"),
    [(Metric.NPS, 7), (Metric.NPS, 8), (Metric.NPS, 9), (Metric.NPS, 10), (Metric.CSAT, 3), (Metric.CSAT, 5)]
    + [(Metric.CES, score) for score in range(1, 8)],
)
def test_passives_promoters_satisfied_customers_and_ces_answers_open_no_case(touchpoint, metric, score):
    response = SurveyResponseFactory(touchpoint=touchpoint, metric=metric, score=score)
    assert open_cases(response) == 0
    assert not FollowUpCase.objects.exists()


def test_a_detractor_who_names_no_touchpoint_opens_no_case():
    response = SurveyResponseFactory(journey=JourneyFactory(), touchpoint=None, score=2)
    assert open_cases(response) == 0
    assert not FollowUpCase.objects.exists()


def test_history_older_than_the_maximum_age_opens_no_case(touchpoint):
    now = timezone.now()
    old = SurveyResponseFactory(
        touchpoint=touchpoint, score=1, responded_at=now - datetime.timedelta(days=settings.FOLLOWUP_MAX_AGE_DAYS + 1)
    )
    recent = SurveyResponseFactory(
        touchpoint=touchpoint, score=1, responded_at=now - datetime.timedelta(days=settings.FOLLOWUP_MAX_AGE_DAYS - 1)
    )
    assert open_cases(old, recent) == 1
    assert list(FollowUpCase.objects.values_list("response_id", flat=True)) == [recent.pk]


def test_a_second_call_opens_no_duplicate(touchpoint):
    responses = [SurveyResponseFactory(touchpoint=touchpoint, score=score) for score in (2, 4, 9)]
    assert open_cases(*responses) == 2
    assert open_cases(*responses) == 0
    assert FollowUpCase.objects.count() == 2


def test_a_touchpoint_without_owner_opens_an_unassigned_case():
    response = SurveyResponseFactory(touchpoint=TouchpointFactory(owner=None), score=0)
    assert open_cases(response) == 1
    assert case_for(response).owner is None


def test_the_owner_is_the_touchpoints_owner_when_the_case_opens(touchpoint, priya):
    first = SurveyResponseFactory(touchpoint=touchpoint, score=0)
    open_cases(first)
    sanne = UserFactory(username="sanne", role=Role.PROCESS_OWNER)
    touchpoint.owner = sanne
    touchpoint.save()
    second = SurveyResponseFactory(touchpoint=touchpoint, score=0)
    open_cases(second)
    assert (case_for(first).owner, case_for(second).owner) == (priya, sanne)


def test_it_opens_cases_for_many_responses_in_one_statement(touchpoint, django_assert_num_queries):
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            metric=Metric.NPS,
            score=i % 11,
            journey_id=touchpoint.journey_id,
            touchpoint=touchpoint,
            responded_at=timezone.now(),
            day=TODAY,
        )
        for i in range(220)
    )
    # one INSERT ... SELECT (inside a savepoint: its SAVEPOINT and RELEASE)
    with django_assert_num_queries(3):
        opened = followups_open_for(responses=SurveyResponse.objects.all())
    assert opened == 140  # scores 0-6 of every 11


def test_an_empty_queryset_opens_nothing():
    assert followups_open_for(responses=SurveyResponse.objects.none()) == 0


# The deadline


@pytest.mark.parametrize(
    ("opened_on", "due_on"),
    [
        (datetime.date(2026, 3, 6), datetime.date(2026, 3, 10)),  # Friday: the Tuesday after
        (datetime.date(2026, 3, 7), datetime.date(2026, 3, 10)),  # Saturday: counted from the Monday
        (datetime.date(2026, 3, 2), datetime.date(2026, 3, 4)),  # Monday: Wednesday
    ],
)
def test_the_deadline_is_two_working_days_after_the_case_opens(touchpoint, monkeypatch, opened_on, due_on):
    moment = datetime.datetime.combine(opened_on, datetime.time(10), tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    response = SurveyResponseFactory(touchpoint=touchpoint, score=3, responded_at=moment - datetime.timedelta(hours=2))
    open_cases(response)
    case = case_for(response)
    assert case.due_date == due_on
    assert case.opened_at == moment


def test_the_deadline_follows_the_setting(touchpoint, settings, monkeypatch):
    settings.FOLLOWUP_DEADLINE_WORKING_DAYS = 5
    friday = datetime.datetime(2026, 3, 6, 10, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    monkeypatch.setattr(timezone, "now", lambda: friday)
    response = SurveyResponseFactory(touchpoint=touchpoint, score=3, responded_at=friday)
    open_cases(response)
    assert case_for(response).due_date == datetime.date(2026, 3, 13)


# Working a case


@pytest.fixture
def case(touchpoint):
    response = SurveyResponseFactory(touchpoint=touchpoint, score=2, comment="Nobody called me back.")
    open_cases(response)
    return case_for(response)


def test_a_case_moves_from_open_to_contacted_to_resolved_with_its_times(case):
    followup_update(case=case, expected_version=1, status=CaseStatus.CONTACTED)
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED and case.contacted_at is not None and case.version == 2
    followup_update(case=case, expected_version=2, status=CaseStatus.RESOLVED, outcome="Refunded the fee.")
    case.refresh_from_db()
    assert (case.status, case.outcome, case.version) == (CaseStatus.RESOLVED, "Refunded the fee.", 3)
    assert case.resolved_at is not None


def test_a_contacted_case_can_go_back_to_open(case):
    followup_update(case=case, expected_version=1, status=CaseStatus.CONTACTED)
    followup_update(case=case, expected_version=2, status=CaseStatus.OPEN)
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.contacted_at is None


def test_resolving_needs_an_outcome_note(case):
    followup_update(case=case, expected_version=1, status=CaseStatus.CONTACTED)
    with pytest.raises(ValidationError) as refused:
        followup_update(case=case, expected_version=2, status=CaseStatus.RESOLVED, outcome="   ")
    assert "outcome" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED and case.version == 2


@pytest.mark.parametrize(
    ("path", "target"),
    [([], CaseStatus.RESOLVED), ([CaseStatus.CONTACTED, CaseStatus.RESOLVED], CaseStatus.OPEN)],
)
def test_it_refuses_a_move_that_skips_a_step_or_reopens_a_resolved_case(case, path, target):
    for version, status in enumerate(path, start=1):
        followup_update(case=case, expected_version=version, status=status, outcome="Called, sorted out.")
    with pytest.raises(ValidationError) as refused:
        followup_update(case=case, expected_version=len(path) + 1, status=target, outcome="Something")
    assert "status" in refused.value.message_dict


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(case):
    followup_update(case=case, expected_version=1, outcome="Left a voicemail.")
    stale_copy = FollowUpCase.objects.get(pk=case.pk)
    followup_update(case=case, expected_version=2, status=CaseStatus.CONTACTED)
    with pytest.raises(StaleVersion) as refused:
        followup_update(case=stale_copy, expected_version=2, outcome="Something else")
    assert refused.value.current.version == 3
    assert "Someone else changed this case" in str(refused.value.message)
    case.refresh_from_db()
    assert case.outcome == "Left a voicemail."


def test_a_case_links_to_an_action_of_its_own_journey_only(case, touchpoint):
    own = ActionFactory(journey=touchpoint.journey, title="Call-back within a day")
    other = ActionFactory(title="Another journey's action")
    with pytest.raises(ValidationError) as refused:
        followup_update(case=case, expected_version=1, action=other)
    assert "action" in refused.value.message_dict
    followup_update(case=case, expected_version=1, action=own)
    case.refresh_from_db()
    assert case.action == own


def test_reassigning_to_someone_who_is_not_a_process_owner_is_refused(case):
    with pytest.raises(ValidationError) as refused:
        followup_update(case=case, expected_version=1, owner=UserFactory(role=Role.MANAGER))
    assert "owner" in refused.value.message_dict


def test_a_new_action_from_a_case_is_proposed_for_the_journeys_team_and_linked(case, touchpoint, priya):
    team = TeamFactory(journey_groups=[touchpoint.journey.group])
    action = followup_action_create(
        case=case, expected_version=1, by=priya, title="Call customers back within a day", description="Why"
    )
    case.refresh_from_db()
    assert case.action == action and case.version == 2
    assert (action.journey, action.touchpoint, action.team, action.status) == (
        touchpoint.journey,
        touchpoint,
        team,
        ActionStatus.PROPOSED,
    )
    assert action.assignee == priya and action.created_by == priya


def test_a_new_action_on_a_stale_case_is_not_created(case, priya):
    followup_update(case=case, expected_version=1, outcome="Voicemail")
    with pytest.raises(StaleVersion):
        followup_action_create(case=case, expected_version=1, by=priya, title="Too late")
    assert not ImprovementAction.objects.exists()


# The morning email


def test_the_morning_email_lists_overdue_cases_and_actions_in_one_email_per_person(touchpoint, priya, mailoutbox):
    sanne = UserFactory(username="sanne", first_name="Sanne", role=Role.PROCESS_OWNER)
    daan = UserFactory(username="daan", first_name="Daan", role=Role.PROCESS_OWNER)
    late = SurveyResponseFactory(touchpoint=touchpoint, score=1, comment="Still waiting for my money")
    fresh = SurveyResponseFactory(touchpoint=touchpoint, score=2, comment="Not due yet")
    done = SurveyResponseFactory(touchpoint=touchpoint, score=0, comment="Already resolved")
    sannes = SurveyResponseFactory(touchpoint=TouchpointFactory(owner=sanne, name="Phone line"), score=4)
    open_cases(late, fresh, done, sannes)
    FollowUpCase.objects.filter(response__in=[late, done, sannes]).update(due_date=days(-2))
    FollowUpCase.objects.filter(response=done).update(status=CaseStatus.RESOLVED, outcome="Paid")
    ActionFactory(journey=touchpoint.journey, assignee=priya, due_date=days(-1), title="Shorter claim form")
    ActionFactory(journey=touchpoint.journey, assignee=daan, due_date=days(3), title="Daan's, not due")

    assert send_morning_digests.delay().get() == 2

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_recipient) == ["priya@example.org", "sanne@example.org"]
    priyas = by_recipient["priya@example.org"]
    assert priyas.subject == "You have 1 overdue follow-up case and 1 overdue improvement action"
    assert "Still waiting for my money" in priyas.body and "Claim form" in priyas.body
    assert "Shorter claim form" in priyas.body
    for not_listed in ("Not due yet", "Already resolved", "Phone line"):
        assert not_listed not in priyas.body
    case_url = reverse("metrics:followup", args=[case_for(late).pk])
    assert f"{settings.SITE_URL}{case_url}" in priyas.body
    assert f"{settings.SITE_URL}{reverse('teams:my-work')}" in priyas.body
    sannes_email = by_recipient["sanne@example.org"]
    assert sannes_email.subject == "You have 1 overdue follow-up case"
    assert "Phone line" in sannes_email.body and "improvement action" not in sannes_email.body


def test_no_email_for_someone_with_nothing_overdue(touchpoint, priya, mailoutbox):
    open_cases(SurveyResponseFactory(touchpoint=touchpoint, score=1))  # due in two working days
    ActionFactory(assignee=priya, status=ActionStatus.DONE, due_date=days(-4))
    assert send_morning_digests() == 0
    assert mailoutbox == []


def test_the_morning_email_costs_three_queries_whatever_the_number_of_people(
    touchpoint, mailoutbox, django_assert_num_queries
):
    owners = [UserFactory(role=Role.PROCESS_OWNER) for _ in range(5)]
    for owner in owners:
        tp = TouchpointFactory(owner=owner, stage=touchpoint.stage)
        open_cases(SurveyResponseFactory(touchpoint=tp, score=1))
        ActionFactory(journey=touchpoint.journey, assignee=owner, due_date=days(-1))
    FollowUpCase.objects.update(due_date=days(-1))
    # overdue actions (+journey), overdue cases (+response, journey, touchpoint), their people
    with django_assert_num_queries(3):
        assert send_morning_digests() == 5
    assert len(mailoutbox) == 5


def test_beat_sends_the_morning_email_at_seven():
    from celery.schedules import crontab

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == send_morning_digests.name)
    assert entry["schedule"] == crontab(hour=7, minute=0)
