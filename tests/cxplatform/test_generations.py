"""The data generation moves after every committed write to the organisation's data, and only then."""

import pytest
from django.db import connection, transaction

from cxplatform.lib import generations
from journeys.models import Channel
from tests.cxplatform.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what the code under test left for the commit of the test's transaction, as a commit would."""

    def commit(action):
        with django_capture_on_commit_callbacks(execute=True):
            action()

    return commit


def test_a_model_save_a_queryset_update_and_a_delete_each_move_it(commits):
    start = generations.current()
    commits(lambda: Channel.objects.create(slug="kiosk", name="Kiosk"))
    after_create = generations.current()
    commits(lambda: Channel.objects.filter(slug="kiosk").update(name="Self-service kiosk"))
    after_update = generations.current()
    commits(lambda: Channel.objects.filter(slug="kiosk").delete())
    assert start < after_create < after_update < generations.current()


def test_raw_sql_moves_it_too(commits):
    start = generations.current()

    def insert():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO journeys_channel (slug, name, position) VALUES ('fax', 'Fax', 9)")

    commits(insert)
    assert generations.current() > start


def test_reads_and_writes_elsewhere_leave_it_alone(commits):
    start = generations.current()
    commits(lambda: list(Channel.objects.all()))
    commits(lambda: UserFactory(username="someone"))  # the accounts app: not the organisation's data
    assert generations.current() == start


def test_a_rolled_back_write_leaves_it_alone(commits):
    start = generations.current()

    def fail():
        with pytest.raises(RuntimeError), transaction.atomic():
            Channel.objects.create(slug="pigeon", name="Pigeon")
            raise RuntimeError

    commits(fail)
    assert generations.current() == start


@pytest.mark.parametrize(
    "sql, writes",
    [
        ('INSERT INTO "metrics_kpisnapshot" VALUES (1)', True),
        ("  update teams_improvementaction set status = 'done'", True),
        ('DELETE FROM "journeys_stage" WHERE id = 1', True),
        ("WITH moved AS (DELETE FROM metrics_pendingrecompute RETURNING id) SELECT 1", True),
        ('SELECT * FROM "metrics_kpisnapshot"', False),
        ("WITH cells AS (SELECT 1 FROM metrics_kpisnapshot) SELECT 1", False),
        ('UPDATE "django_session" SET expire_date = now()', False),
    ],
)
def test_it_tells_writes_to_the_data_from_the_rest(sql, writes):
    assert generations.is_data_write(sql) is writes


@pytest.mark.parametrize(
    "sql, topics",
    [
        ('INSERT INTO "metrics_surveyresponse" ("metric") SELECT s.metric FROM metrics_ingest_staging s '
         "JOIN journeys_touchpoint t ON t.id = s.touchpoint_id", {"metrics_surveyresponse"}),
        ("INSERT INTO metrics_kpisnapshot (n) SELECT f.n FROM kpi_fresh f ON CONFLICT (period) DO UPDATE SET n = 1",
         {"metrics_kpisnapshot"}),
        ("WITH moved AS (DELETE FROM metrics_pendingrecompute RETURNING id) SELECT 1", {"metrics_pendingrecompute"}),
        ('UPDATE "metrics_metrictarget" SET value = 30', {"metrics_metrictarget"}),
        ('DELETE FROM "journeys_stage" WHERE id = 1', {"journeys_stage"}),
        ("INSERT INTO kpi_fresh SELECT * FROM metrics_surveyresponse", set()),
        ("MERGE USING metrics_kpisnapshot", {generations.ANY}),  # the written table cannot be told: all of them
    ],
)  # fmt: skip
def test_a_write_moves_the_generation_of_the_tables_it_writes(sql, topics):
    assert generations.topics_written(sql) == topics


def test_an_ingest_leaves_the_state_of_everything_but_the_stream_of_responses_alone(commits, monkeypatch):
    from metrics.services.responses import responses_create
    from tests.journeys.factories import JourneyFactory

    monkeypatch.setattr("metrics.tasks.recompute_pending.delay", lambda: None)  # the recompute comes later
    journey = JourneyFactory()
    shown = generations.data_tables() - generations.INGEST_TABLES
    before, responses = generations.state(shown), generations.state({"metrics_surveyresponse"})
    record = {"metric": "nps", "score": 3, "journey": journey.pk, "responded_at": "2024-03-05T10:15:00+01:00"}
    commits(lambda: responses_create(records=[record]))
    assert generations.state({"metrics_surveyresponse"}) != responses
    assert generations.state(shown) == before
    commits(lambda: Channel.objects.create(slug="kiosk", name="Kiosk"))
    assert generations.state(shown) != before
