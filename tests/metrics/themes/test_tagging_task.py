"""The tagging task: one tagger at a time (a PostgreSQL advisory lock), queued after commit and by the sweeper,
never failing the change that queued it."""

from __future__ import annotations

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from metrics.models import ResponseTheme, Verbatim
from metrics.tasks import themes as tasks
from metrics.themes.tagging import retag_request, tagging_progress
from tests.metrics.factories import SurveyResponseFactory, TaggingThemeFactory
from tests.services import postgres_or_skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(db):
    theme = TaggingThemeFactory(key="waiting-time", rules=[("nl", "mention", "wachttijd")])
    SurveyResponseFactory.create_batch(3, comment="De wachttijd was veel te lang")
    SurveyResponseFactory(comment="Prima geholpen")
    return theme


def test_the_task_tags_everything_pending(waiting):
    assert tasks.tag_pending_task.delay().get() == 4
    assert ResponseTheme.objects.filter(theme=waiting).count() == 3
    assert tagging_progress().complete
    assert tasks.tag_pending_task.delay().get() == 0


def test_a_second_tagger_leaves_the_work_to_the_one_holding_the_lock(waiting):
    postgres_or_skip()
    # Another process (a second worker) holds the tagging lock.
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [tasks.TAGGING_LOCK_KEY])
        assert tasks.tag_pending_task.delay().get() == 0
        assert not Verbatim.objects.exists()
        other.execute("SELECT pg_advisory_unlock(%s)", [tasks.TAGGING_LOCK_KEY])
    assert tasks.tag_pending_task.delay().get() == 4


def test_the_task_lets_go_of_the_lock_when_it_fails(waiting, monkeypatch):
    postgres_or_skip()

    def dies(**kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(tasks, "tag_pending", dies)
    with pytest.raises(RuntimeError):
        tasks.tag_pending_task.apply(throw=True)
    with psycopg.connect(**connection.get_connection_params()) as other:
        (free,) = other.execute("SELECT pg_try_advisory_lock(%s)", [tasks.TAGGING_LOCK_KEY]).fetchone()
    assert free


def test_the_sweeper_queues_a_run_only_when_comments_wait(waiting):
    assert tasks.sweep_tagging() is True  # in-process here: it ran
    assert tagging_progress().complete
    assert tasks.sweep_tagging() is False
    retag_request()  # committed without its queued run (a worker down)
    assert tasks.sweep_tagging() is True
    assert tagging_progress().complete


def test_a_broker_down_never_fails_the_change_that_queues_the_tagging(waiting, monkeypatch, caplog):
    def unreachable():
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks.tag_pending_task, "delay", unreachable)
    assert tasks.schedule_tagging() is False
    assert "the sweeper will queue it" in caplog.text


def test_beat_sweeps_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["themes-tagging-sweep"]
    assert entry["task"] == tasks.sweep_tagging.name == "metrics.themes.sweep_tagging"
    assert 30 <= entry["schedule"] <= 600
    assert tasks.tag_pending_task.name == "metrics.themes.tag_pending"
    assert tasks.tag_pending_task.acks_late
