"""Notification emails through a REAL Celery worker (Redis, the test's Postgres database, the file email
backend): sent after the commit, a little later (NOTIFICATION_EMAIL_DELAY), and batched: three mentions in a
row make one email."""

import time
from types import SimpleNamespace

import pytest

from cxplatform.accounts.models import Role
from journeys.comments import services
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import TouchpointFactory
from tests.services import celery_worker, wait_for
from tests.stack.test_procfile_stack import database_url
from tests.teams.test_notifications import emails


@pytest.fixture
def worker(transactional_db, tmp_path):
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    with celery_worker(
        database_url=database_url(), log=tmp_path / "worker.log", EMAIL_URL=f"filemail:///{outbox}"
    ) as queue:
        yield SimpleNamespace(queue=queue, outbox=outbox)


def test_three_mentions_in_a_row_make_one_email_a_little_later(worker, settings):
    settings.NOTIFICATION_EMAIL_DELAY = 3
    anna = UserFactory(username="anna", first_name="Anna", role=Role.CX_EDITOR)
    UserFactory(username="bram", first_name="Bram", role=Role.PROCESS_OWNER)
    touchpoint = TouchpointFactory(name="Call us")
    for n in range(3):
        services.comment_add(author=anna, kind="touchpoint", object_id=touchpoint.pk, text=f"@bram question {n}")
    time.sleep(1)
    assert emails(worker.outbox) == []  # not at once: the batch waits for what comes next
    [email] = wait_for(lambda: emails(worker.outbox), timeout=30, what="the notification email")
    assert email["To"] == "bram@example.org"
    assert email["Subject"] == "CX Platform: 3 new notifications"
    body = email.get_content()
    assert body.startswith("Hello Bram,")
    assert all(f"@bram question {n}" in body for n in range(3))
    time.sleep(4)  # the other two tasks ran and found nothing left to send
    assert len(emails(worker.outbox)) == 1
