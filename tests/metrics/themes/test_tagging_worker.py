"""A REAL Celery worker process (Redis broker, the test's Postgres database) tags every comment again after a
codebook change, and the comments of a big ingest after it commits."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from django.db import transaction

from metrics.models import ResponseTheme, ThemeRule
from metrics.services.responses import responses_import_csv
from metrics.themes.tagging import retag_request, tag_pending, tagging_progress
from tests.metrics.factories import SurveyResponseFactory, TaggingThemeFactory
from tests.metrics.ingest_data import csv_bytes, csv_row, make_map
from tests.services import celery_worker, wait_for
from tests.stack.test_procfile_stack import database_url

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(transactional_db, tmp_path):
    log = tmp_path / "worker.log"
    with celery_worker(database_url=database_url(), log=log) as queue:
        yield SimpleNamespace(queue=queue, log=log)


def runs(log) -> int:
    return len(re.findall(r"Task metrics\.themes\.tag_pending\[[^\]]+\] succeeded", log.read_text()))


def test_after_a_codebook_edit_the_worker_tags_every_comment_again(worker):
    theme = TaggingThemeFactory(key="waiting-time", rules=[("en", "mention", "waiting time")])
    SurveyResponseFactory.create_batch(30, comment="The waiting time was far too long")
    SurveyResponseFactory.create_batch(20, comment="I was on hold for ages")
    tag_pending()
    assert ResponseTheme.objects.filter(theme=theme).count() == 30

    with transaction.atomic():  # what the codebook's services do: the edit and the request, one transaction
        ThemeRule.objects.filter(theme=theme).update(phrase="on hold")
        version = retag_request()

    progress = wait_for(
        lambda: (p := tagging_progress()).complete and p, timeout=60, what="the worker to tag every comment again"
    )
    assert (progress.version, progress.done, progress.total) == (version, 50, 50)
    assert ResponseTheme.objects.filter(theme=theme).count() == 20
    assert runs(worker.log) >= 1


def test_a_big_import_is_tagged_by_the_worker_after_it_commits(worker, monkeypatch):
    monkeypatch.setattr("metrics.services.responses.INGEST_TAG_LIMIT", 5)
    voc = make_map()
    theme = TaggingThemeFactory(key="not-called-back", rules=[("nl", "negated", "teruggebeld")])
    rows = [csv_row(voc, score=3, comment="Ik ben nooit teruggebeld") for _ in range(12)]
    result = responses_import_csv(file=io.BytesIO(csv_bytes(rows)))
    assert result.created == 12
    wait_for(lambda: tagging_progress().complete, timeout=60, what="the worker to tag the import")
    assert ResponseTheme.objects.filter(theme=theme).count() == 12
