"""manage.py seed_demo: the demo organisation, idempotent, with printed passwords that work.

The demo holds a year of survey responses, so it is seeded once per module (`seeded_once`) inside a transaction
that is rolled back when the module is done; each test runs in a savepoint of it, so a test that seeds again or
resets passwords leaves the next test the demo as the first run made it."""

import contextlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cxplatform.accounts.models import Role, User
from journeys.models import JourneyGroup, Touchpoint
from metrics.models import FollowUpCase, KpiMeasurement, KpiSnapshot, SurveyResponse
from teams.models import (
    ALLOWED_TRANSITIONS,
    OPEN_STATUSES,
    ActionStatus,
    ActionTransition,
    ImprovementAction,
    Mandate,
    MandateStatus,
    MemberRole,
    Membership,
    Team,
)

pytestmark = pytest.mark.calendar  # depends on today's date


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def request():
    """A login request: the lockout backend (django-axes) counts failures per request, so it needs one."""
    return RequestFactory().post("/login/")


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+.+?\s{2,}(\w+)\s+(\S+)$", output, flags=re.MULTILINE))


def row_counts() -> dict[str, int]:
    # The audit trail records each run (it is what happened, not the demo's data).
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label != "audit.AuditEvent"
    }


@dataclass(frozen=True)
class FirstRun:
    output: str
    queries: int


@contextlib.contextmanager
def seeded_once(django_db_blocker) -> Iterator[FirstRun]:
    """Seed the demo into an empty test database for the tests of one module, and roll it back afterwards."""
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            with CaptureQueriesContext(connection) as queries:
                output = seed()
            # Check the deferred foreign keys of the 50,000 new rows once, here; otherwise every test's teardown
            # (which checks constraints, then rolls back its savepoint) would check them all again.
            connection.check_constraints()
        except BaseException:
            atomic.__exit__(None, None, None)
            raise
    try:
        yield FirstRun(output, len(queries))
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker) -> Iterator[FirstRun]:
    with seeded_once(django_db_blocker) as run:
        yield run


def fingerprint() -> dict:
    """Values a second run could change without changing a row count: when the snapshots were computed, when the
    demo actions moved, the demo's responses and follow-up cases."""
    return {
        "snapshots": list(KpiSnapshot.objects.order_by("pk").values_list("pk", "n", "total", "computed_at")),
        "moves": list(ActionTransition.objects.order_by("id").values_list("id", "at")),
        "responses": SurveyResponse.objects.aggregate(last=Max("id"), scores=Sum("score")),
        "cases": list(FollowUpCase.objects.order_by("id").values_list("id", "status", "due_date")),
        "measurements": list(KpiMeasurement.objects.order_by("id").values_list("id", "period_start", "value")),
    }


@pytest.mark.django_db
def test_seeding_twice_changes_nothing(first_run):
    first, before = row_counts(), fingerprint()
    second_output = seed()
    assert row_counts() == first
    assert fingerprint() == before
    assert "passwords are unchanged" in second_output
    assert first["journeys.JourneyGroup"] == 3
    assert first["teams.Department"] >= 5
    assert 30 <= first["teams.ImprovementAction"] <= 60
    assert first["teams.ActionTransition"] > first["teams.ImprovementAction"]
    assert first["teams.Mandate"] >= 3
    assert first["teams.DepartmentMember"] == first["accounts.User"]
    # The voice of the customer: a year of responses, their snapshots, KPIs, business cases, follow-ups.
    assert 45_000 <= first["metrics.SurveyResponse"] <= 55_000
    assert first["metrics.KpiSnapshot"] > 0
    assert first["metrics.CustomKpi"] >= 5
    assert first["metrics.KpiMeasurement"] == 12 * first["metrics.CustomKpi"]
    assert first["metrics.BusinessCase"] >= 5
    assert first["metrics.BusinessCaseGain"] > first["metrics.BusinessCase"]
    assert first["metrics.FollowUpCase"] > 0
    assert first["metrics.PendingRecompute"] == 0


@pytest.mark.django_db
def test_the_demo_has_the_three_journey_groups_and_a_team_for_each(first_run):
    names = list(JourneyGroup.objects.values_list("name", flat=True))
    assert names == ["Becoming a customer", "Being a customer", "Staying a customer"]
    for group in JourneyGroup.objects.all():
        assert Team.objects.filter(journey_groups=group).exists(), group


@pytest.mark.django_db
def test_every_role_has_a_demo_user_whose_printed_password_works(first_run):
    passwords = printed_passwords(first_run.output)
    roles = {}
    for username, password in passwords.items():
        user = authenticate(request(), username=username, password=password)
        assert user is not None, username
        roles[user.role] = username
    assert set(roles) == {Role.CX_EDITOR, Role.MANAGER, Role.PROCESS_OWNER, Role.ADMIN}
    assert User.objects.get(username=roles[Role.ADMIN]).is_superuser


@pytest.mark.django_db
def test_reset_passwords_prints_new_working_passwords(first_run):
    old = printed_passwords(first_run.output)
    new = printed_passwords(seed("--reset-passwords"))
    assert set(new) == set(old)
    for username, password in new.items():
        assert password != old[username]
        assert authenticate(request(), username=username, password=password) is not None
        assert authenticate(request(), username=username, password=old[username]) is None


@pytest.mark.django_db
def test_the_demo_has_30_to_60_actions_in_every_status_with_a_consistent_history(first_run):
    actions = ImprovementAction.objects.prefetch_related("transitions")
    assert 30 <= actions.count() <= 60
    assert set(actions.values_list("status", flat=True)) == set(ActionStatus.values)
    for action in actions:
        moves = [(t.from_status, t.to_status) for t in action.transitions.all()]
        if action.status == ActionStatus.PROPOSED:
            assert moves == [], action
            continue
        assert moves[0][0] == ActionStatus.PROPOSED, action  # every action starts as a proposal
        assert moves[-1][1] == action.status, action  # and its last move led to where it is
        for (_, to_status), (from_status, _) in itertools.pairwise(moves):
            assert to_status == from_status, action
        for from_status, to_status in moves:
            assert to_status in ALLOWED_TRANSITIONS[from_status], action
        times = [t.at for t in action.transitions.all()]
        assert times == sorted(times) and times[-1] < timezone.now(), action


@pytest.mark.django_db
def test_demo_actions_are_tied_to_the_demo_journeys_and_carried_out_by_process_owners(first_run):
    today = timezone.localdate()
    actions = ImprovementAction.objects.select_related("journey", "touchpoint", "finding", "team", "assignee")
    assert {a.journey.name for a in actions} == {"Open an account", "Report a claim", "Renew or cancel the contract"}
    for action in actions:
        assert action.assignee.username in {"owner", "sanne", "daan"}, action
        assert action.assignee.role == Role.PROCESS_OWNER
        assert action.touchpoint.journey_id == action.journey_id and action.stage_id == action.touchpoint.stage_id
        assert action.finding is None or action.finding.touchpoint_id == action.touchpoint_id, action
        assert action.team.journey_groups.filter(pk=action.journey.group_id).exists(), action
    overdue = [a for a in actions if a.status in OPEN_STATUSES and a.due_date and a.due_date < today]
    assert 3 <= len(overdue) <= 10
    assert sum(a.is_quick_win for a in actions if a.status in OPEN_STATUSES) >= 3
    assert sum(a.finding_id is not None for a in actions) >= 20
    assert all(a.sprint for a in actions if a.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS))
    assert all(a.expected_gains > 0 for a in actions)
    # What the process owners get mailed each morning, and who:
    assert {a.assignee.username for a in overdue} >= {"owner", "sanne", "daan"}


@pytest.mark.django_db
def test_every_demo_person_is_in_a_department_and_the_teams_are_multidisciplinary(first_run):
    assert not User.objects.filter(department_membership__isnull=True).exists()
    for team in Team.objects.prefetch_related("memberships"):
        roles = {m.role for m in team.memberships.all()}
        assert {MemberRole.PROCESS_OWNER, MemberRole.ANALYST} <= roles and len(roles) >= 4, team
    assert set(Membership.objects.values_list("role", flat=True)) == set(MemberRole.values)


@pytest.mark.django_db
def test_the_demo_mandates_are_one_running_one_awaiting_the_manager_and_history(first_run):
    today = timezone.localdate()
    mandates = Mandate.objects.select_related("team", "decided_by")
    proposed = [m for m in mandates if m.status == MandateStatus.PROPOSED]
    assert len(proposed) == 1 and proposed[0].decided_by is None
    running = [m for m in mandates if m.status == MandateStatus.APPROVED and m.starts_on <= today <= m.ends_on]
    assert len(running) >= 1
    assert any(m.status == MandateStatus.REJECTED and m.decision_note for m in mandates)
    assert any(m.status == MandateStatus.APPROVED and m.ends_on < today for m in mandates)  # expired
    for mandate in mandates:
        assert (mandate.decided_by is None) == (mandate.status == MandateStatus.PROPOSED)


@pytest.mark.django_db
def test_the_demo_has_a_few_touchpoints_without_an_owner(first_run):
    touchpoints = Touchpoint.objects.filter(journey__state="current")
    orphans = touchpoints.filter(owner__isnull=True).count()
    assert 1 <= orphans <= touchpoints.count() // 10


def test_seeding_the_demo_takes_a_bounded_number_of_queries(first_run):
    # Bulk inserts: the number of queries does not grow with the number of actions, transitions or responses
    # (about 110 for the organisation and its work, 40 for the voice of the customer, its snapshots and cases, and
    # a few for the keys of the parts created or edited through the services; about 15 audit rows of the rows
    # saved one by one, and the seeding's own; about 15 for the starter codebook of themes and the tagging of every
    # comment, in one batch).
    assert first_run.queries <= 225, first_run.queries
