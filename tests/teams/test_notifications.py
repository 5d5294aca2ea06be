"""Emails to process owners. The assignment email goes through a REAL Celery worker process (against Redis and
the test's Postgres database), and only once the transaction that assigned the action has committed."""

import datetime
import re
import time
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cxplatform.accounts.models import Role
from metrics.tasks import send_morning_digests
from teams import services
from teams.models import ActionStatus
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory
from tests.services import (
    celery_worker,
    wait_for,
)
from tests.stack.test_procfile_stack import database_url
from tests.teams.factories import ActionFactory

pytestmark = pytest.mark.calendar  # depends on today's date

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def emails(outbox: Path) -> list[EmailMessage]:
    """The messages the worker wrote with the file email backend (one file per connection, each message followed
    by a line of dashes), oldest first."""
    messages = []
    for path in sorted(outbox.glob("*.log")):
        for chunk in re.split(r"^-{79}$", path.read_text(), flags=re.MULTILINE):
            if chunk.strip():
                messages.append(message_from_string(chunk.strip(), policy=policy.default))
    return messages


@pytest.fixture
def worker(transactional_db, tmp_path):
    """A worker process on a queue of its own, on the test database, writing emails as files into `outbox`.
    Meanwhile this process sends tasks to that queue instead of running them in-process."""
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    # filemail:/// + an absolute path: django-environ drops the first slash of the path.
    with celery_worker(
        database_url=database_url(), log=tmp_path / "worker.log", EMAIL_URL=f"filemail:///{outbox}"
    ) as queue:
        yield SimpleNamespace(queue=queue, outbox=outbox)


@pytest.fixture
def priya(transactional_db):
    return UserFactory(username="priya", first_name="Priya", role=Role.PROCESS_OWNER)


@pytest.fixture
def emma(transactional_db):
    return UserFactory(username="emma", first_name="Emma", role=Role.CX_EDITOR)


def test_the_worker_emails_the_assignee_only_after_the_transaction_commits(worker, priya, emma):
    journey = JourneyFactory(name="Report a claim")
    with transaction.atomic():
        action = services.action_create(
            created_by=emma, title="A checklist of documents per claim type", journey=journey, assignee=priya,
            due_date=days(14),
        )  # fmt: skip
        time.sleep(2)  # time enough for a worker to send it, had the task been queued already
        assert emails(worker.outbox) == []

    [email] = wait_for(lambda: emails(worker.outbox), timeout=30, what="the assignment email from the worker")
    assert email["To"] == "priya@example.org"
    assert email["Subject"] == "New improvement action for you: A checklist of documents per claim type"
    body = email.get_content()
    assert body.startswith("Hello Priya,")
    assert "A checklist of documents per claim type" in body
    assert "Journey: Report a claim" in body
    assert f"{settings.SITE_URL}{reverse('teams:action', args=[action.pk])}" in body


def test_a_rolled_back_assignment_sends_nothing(worker, priya, emma):
    journey = JourneyFactory(name="Report a claim")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.action_create(created_by=emma, title="Rolled back", journey=journey, assignee=priya)
        raise RuntimeError("something later in the request fails")
    time.sleep(3)
    assert emails(worker.outbox) == []

    # The worker is alive and works through its queue in order: a later, committed assignment arrives alone.
    services.action_create(created_by=emma, title="Committed later", journey=journey, assignee=priya)
    [email] = wait_for(lambda: emails(worker.outbox), timeout=30, what="the email of the committed action")
    assert email["Subject"].endswith("Committed later")


def test_an_action_without_assignee_sends_nothing(worker, emma, priya):
    journey = JourneyFactory()
    services.action_create(created_by=emma, title="Nobody's yet", journey=journey)
    services.action_create(created_by=emma, title="Priya's", journey=journey, assignee=priya)
    [email] = wait_for(lambda: emails(worker.outbox), timeout=30, what="the email of the assigned action")
    assert email["Subject"].endswith("Priya's")


# ---------------------------------------------------------------------------------------------------------
# The morning digest (in-process: what it sends, not how it travels). Its task is metrics' (it lists overdue
# follow-up cases too); here, what it says of the overdue actions.


@pytest.mark.django_db
def test_the_digest_sends_each_assignee_one_email_with_their_overdue_open_actions(mailoutbox):
    priya = UserFactory(username="priya", first_name="Priya", role=Role.PROCESS_OWNER)
    sanne = UserFactory(username="sanne", first_name="Sanne", role=Role.PROCESS_OWNER)
    daan = UserFactory(username="daan", first_name="Daan", role=Role.PROCESS_OWNER)
    journey = JourneyFactory(name="Report a claim")
    for assignee, status, due, title in [
        (priya, ActionStatus.PLANNED, -1, "Overdue planned"),
        (priya, ActionStatus.IN_PROGRESS, -10, "Overdue in progress"),
        (priya, ActionStatus.DONE, -5, "Done after its date"),
        (priya, ActionStatus.PLANNED, 0, "Due today"),
        (priya, ActionStatus.PLANNED, 3, "Not due yet"),
        (sanne, ActionStatus.PROPOSED, -2, "Sanne's overdue proposal"),
        (daan, ActionStatus.DONE, -3, "Daan's finished work"),
        (daan, ActionStatus.DROPPED, -3, "Daan's dropped work"),
    ]:
        ActionFactory(journey=journey, assignee=assignee, status=status, due_date=days(due), title=title)

    assert send_morning_digests.delay().get() == 2

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_recipient) == ["priya@example.org", "sanne@example.org"]
    priyas = by_recipient["priya@example.org"]
    assert priyas.subject == "You have 2 overdue improvement actions"
    assert "Overdue planned" in priyas.body and "Overdue in progress" in priyas.body
    for not_listed in ("Done after its date", "Due today", "Not due yet", "Sanne's"):
        assert not_listed not in priyas.body
    assert priyas.body.index("Overdue in progress") < priyas.body.index("Overdue planned")  # oldest first
    assert f"{settings.SITE_URL}{reverse('teams:my-work')}" in priyas.body
    assert "Sanne's overdue proposal" in by_recipient["sanne@example.org"].body


@pytest.mark.django_db
def test_no_overdue_actions_no_email(mailoutbox):
    ActionFactory(assignee=UserFactory(role=Role.PROCESS_OWNER), status=ActionStatus.DONE, due_date=days(-1))
    assert send_morning_digests() == 0
    assert mailoutbox == []
