"""Comments tagged with their themes: complete and idempotent, again after a codebook edit, safe when a run dies
half-way, at ingest, and gone with the comment after retention or erasure."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from metrics.models import CodebookState, ResponseTheme, SurveyResponse, ThemeRule, Verbatim
from metrics.privacy.retention import retention_anonymise
from metrics.privacy.subjects import subject_erase
from metrics.tasks.themes import schedule_tagging, sweep_tagging
from metrics.themes import tagging
from metrics.themes.engine import Codebook
from metrics.themes.tagging import (
    retag_request,
    tag_pending,
    tag_responses,
    tagging_progress,
    verbatims_forget,
)
from tests.journeys.factories import ChannelFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory, TaggingThemeFactory
from tests.metrics.ingest_data import make_map, record
from tests.services import postgres_or_skip

pytestmark = pytest.mark.django_db

COMMENTS = {
    "wait_nl": "De wachttijd aan de telefoon was veel te lang.",
    "wait_en": "The waiting time on the phone was far too long.",
    "hold_en": "I was on hold for ages before anyone answered.",
    "not_called": "Ik ben nooit teruggebeld, terwijl dat beloofd was.",
    "no_wait": "Geen wachttijd en snel geholpen door een vriendelijke medewerker.",
    "friendly_en": "Friendly staff, thank you for the help.",
    "nothing": "Alles prima geregeld.",
}


@pytest.fixture
def themes(db):
    return SimpleNamespace(
        waiting=TaggingThemeFactory(
            key="waiting-time", rules=[("nl", "mention", "wachttijd"), ("en", "mention", "waiting time")]
        ),
        called_back=TaggingThemeFactory(
            key="not-called-back", rules=[("nl", "negated", "teruggebeld"), ("en", "negated", "called back")]
        ),
        friendly=TaggingThemeFactory(
            key="friendly-staff", rules=[("nl", "mention", "vriendelijk"), ("en", "mention", "friendly")]
        ),
    )


@pytest.fixture
def answers(db):
    """One response per comment (and one without), at a touchpoint with a channel, scores and days varied."""
    touchpoint = TouchpointFactory(stage=StageFactory(), channel=ChannelFactory(slug="phone"))
    made = {}
    for i, (name, text) in enumerate(COMMENTS.items()):
        made[name] = SurveyResponseFactory(
            touchpoint=touchpoint,
            channel=touchpoint.channel,
            score=i,
            metric="nps",
            comment=text,
            responded_at=timezone.now() - datetime.timedelta(days=i + 1),
        )
    made["silent"] = SurveyResponseFactory(touchpoint=touchpoint, score=3, comment="")
    return SimpleNamespace(**made)


def mentions() -> list[tuple]:
    return sorted(
        ResponseTheme.objects.values_list(
            "response_id", "theme_id", "journey_id", "touchpoint_id", "channel_id", "day", "metric", "score"
        )
    )


def verbatims() -> list[tuple]:
    return sorted(Verbatim.objects.values_list("response_id", "language", "version"))


def themes_of(response) -> set[str]:
    return set(ResponseTheme.objects.filter(response=response).values_list("theme__key", flat=True))


def expected_mentions() -> list[tuple]:
    """What a tagging from scratch must store: the engine's answer for every comment, with the copies."""
    codebook = Codebook.from_db()
    return sorted(
        (r.pk, theme, r.journey_id, r.touchpoint_id, r.channel_id, r.day, r.metric, r.score)
        for r in SurveyResponse.objects.exclude(comment="")
        for theme in codebook.match(r.comment)
    )


def test_every_comment_is_tagged_with_its_themes_and_the_responses_figures(themes, answers):
    assert tag_pending() == len(COMMENTS)

    assert themes_of(answers.wait_nl) == {"waiting-time"}
    assert themes_of(answers.wait_en) == {"waiting-time"}
    assert themes_of(answers.not_called) == {"not-called-back"}
    # "Geen wachttijd" is no waiting time; the friendly member of staff is there.
    assert themes_of(answers.no_wait) == {"friendly-staff"}
    assert themes_of(answers.friendly_en) == {"friendly-staff"}
    assert themes_of(answers.nothing) == set()
    assert themes_of(answers.silent) == set()
    # Each mention copies the response's journey, touchpoint, channel, day, metric and score.
    row = ResponseTheme.objects.get(response=answers.wait_en)
    response = answers.wait_en
    assert (row.journey_id, row.touchpoint_id, row.channel_id, row.day, row.metric, row.score) == (
        response.journey_id, response.touchpoint_id, response.channel_id, response.day, "nps", response.score,
    )  # fmt: skip
    # A Verbatim per comment, in its language, with the codebook's version; none for the response without one.
    version = CodebookState.current().version
    assert dict(Verbatim.objects.values_list("response_id", "language")) == {
        answers.wait_nl.pk: "nl", answers.wait_en.pk: "en", answers.hold_en.pk: "en", answers.not_called.pk: "nl",
        answers.no_wait.pk: "nl", answers.friendly_en.pk: "en", answers.nothing.pk: "nl",
    }  # fmt: skip
    assert set(Verbatim.objects.values_list("version", flat=True)) == {version}
    assert mentions() == expected_mentions()


def test_tagging_again_finds_nothing_pending_and_tagging_the_same_responses_again_gives_the_same_rows(themes, answers):
    tag_pending(batch=3)
    first = mentions(), verbatims()
    assert tag_pending() == 0
    assert tag_responses(list(SurveyResponse.objects.values_list("pk", flat=True))) == len(COMMENTS)
    assert (mentions(), verbatims()) == first
    assert tagging_progress().complete


def test_after_a_rule_edit_the_right_comments_gain_and_lose_the_theme_and_progress_reaches_100(
    themes, answers, django_capture_on_commit_callbacks
):
    tag_pending()
    version = CodebookState.current().version
    assert tagging_progress().percent == 100

    # The editor replaces the English waiting rule: "on hold" instead of "waiting time".
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ThemeRule.objects.filter(theme=themes.waiting, language="en").update(phrase="on hold")
        assert retag_request() == version + 1
    # The tagging is queued once the change commits.
    assert [c for c in callbacks if c is schedule_tagging] == [schedule_tagging]
    progress = tagging_progress()
    assert (progress.version, progress.total, progress.done, progress.percent) == (version + 1, 7, 0, 0)
    assert not progress.complete

    for callback in callbacks:
        callback()  # the queued tagging runs (in-process: tests run tasks eagerly)

    assert themes_of(answers.wait_en) == set()
    assert themes_of(answers.hold_en) == {"waiting-time"}
    assert themes_of(answers.wait_nl) == {"waiting-time"}  # the Dutch rule is unchanged
    progress = tagging_progress()
    assert (progress.version, progress.done, progress.percent, progress.complete) == (version + 1, 7, 100, True)
    assert mentions() == expected_mentions()
    # Complete and idempotent: a second run of everything changes no row.
    before = mentions(), verbatims()
    retag_request()
    tag_pending()
    assert mentions() == before[0]
    assert [(pk, language) for pk, language, _v in verbatims()] == [(pk, lang) for pk, lang, _v in before[1]]


def test_a_deactivated_theme_leaves_every_comment_after_the_retagging(themes, answers):
    tag_pending()
    themes.friendly.active = False
    themes.friendly.save()
    retag_request()
    tag_pending()
    assert not ResponseTheme.objects.filter(theme=themes.friendly).exists()
    assert ResponseTheme.objects.filter(theme=themes.waiting).count() == 2


class Dying:
    """A codebook whose process dies (raises) after `after` comments: a worker killed in the middle of a run."""

    def __init__(self, after: int) -> None:
        self.real = Codebook.from_db()
        self.left = after

    def match(self, text: str, language: str | None = None) -> frozenset[int]:
        if not self.left:
            raise SystemExit("worker killed")
        self.left -= 1
        return self.real.match(text, language)


def test_a_run_killed_half_way_leaves_consistent_rows_and_the_sweep_completes_it(themes, answers):
    tag_pending()
    old_codebook = Codebook.from_db()
    ThemeRule.objects.filter(theme=themes.waiting, language="en").update(phrase="on hold")
    new_version = retag_request()
    new_codebook = Codebook.from_db()

    with pytest.raises(SystemExit):
        tag_pending(batch=2, codebook=Dying(after=3))  # the first batch (2 comments) commits, the second dies

    # Every response carries either the old tagging or the new one, whole: the first batch is at the new version.
    by_version = dict(Verbatim.objects.values_list("response_id", "version"))
    first_batch = sorted(SurveyResponse.objects.exclude(comment="").values_list("pk", flat=True))[:2]
    assert [pk for pk, v in by_version.items() if v == new_version] == first_batch
    assert len(by_version) == len(COMMENTS)
    progress = tagging_progress()
    assert (progress.done, progress.complete) == (2, False)
    # ... and the rows of each response are those of the codebook of its version, none half-written.
    for response in SurveyResponse.objects.exclude(comment=""):
        codebook = new_codebook if by_version[response.pk] == new_version else old_codebook
        assert set(response.themes.values_list("theme_id", flat=True)) == codebook.match(response.comment)
    assert themes_of(answers.hold_en) == set()  # not reached yet: still the old rule's answer

    assert sweep_tagging() is True  # the sweeper queues the tagging; in-process here, it runs to the end
    assert tagging_progress().complete
    assert mentions() == expected_mentions()
    assert themes_of(answers.wait_en) == set()
    assert sweep_tagging() is False  # nothing left


def test_a_comment_blanked_behind_the_taggings_back_loses_its_rows_at_the_next_run(themes, answers):
    tag_pending()
    SurveyResponse.objects.filter(pk=answers.wait_nl.pk).update(comment="")
    assert tag_pending() == 1
    assert not Verbatim.objects.filter(response=answers.wait_nl).exists()
    assert themes_of(answers.wait_nl) == set()
    assert tagging_progress().complete


def test_forgotten_verbatims_lose_their_rows_and_are_tagged_again_after_commit(
    themes, answers, django_capture_on_commit_callbacks
):
    tag_pending()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        SurveyResponse.objects.filter(pk=answers.wait_nl.pk).update(comment="Veel te lange wachttijd, en onbeleefd")
        SurveyResponse.objects.filter(pk=answers.friendly_en.pk).update(comment="")
        verbatims_forget([answers.wait_nl.pk, answers.friendly_en.pk])
    assert not Verbatim.objects.filter(response__in=[answers.wait_nl, answers.friendly_en]).exists()
    assert themes_of(answers.wait_nl) == themes_of(answers.friendly_en) == set()
    assert tagging_progress().done == len(COMMENTS) - 2

    for callback in callbacks:
        callback()
    assert themes_of(answers.wait_nl) == {"waiting-time"}
    assert themes_of(answers.friendly_en) == set()
    assert not Verbatim.objects.filter(response=answers.friendly_en).exists()
    assert tagging_progress().complete


def test_the_portable_path_stores_the_same_rows_as_postgresql(themes, answers, monkeypatch):
    """SQLite (`make run`) writes through the ORM; the rows are the same (without the search vector)."""
    tag_pending()
    expected = mentions(), verbatims()
    ResponseTheme.objects.all().delete()
    Verbatim.objects.all().delete()
    monkeypatch.setattr(tagging, "_postgres", lambda: False)
    assert tag_pending(batch=3) == len(COMMENTS)
    assert (mentions(), verbatims()) == expected
    SurveyResponse.objects.filter(pk=answers.wait_nl.pk).update(comment="")
    assert tag_pending() == 1
    assert themes_of(answers.wait_nl) == set()


def test_the_search_vector_is_filled_in_the_comments_language_on_postgresql(themes, answers):
    postgres_or_skip()
    tag_pending()
    # Dutch stems: "wachttijden" finds "wachttijd"; English stems: "answering" finds "answered".
    dutch = Verbatim.objects.filter(search=SearchQuery("wachttijden", config="dutch")).order_by("pk")
    assert list(dutch.values_list("response_id", flat=True)) == [answers.wait_nl.pk, answers.no_wait.pk]
    english = Verbatim.objects.filter(search=SearchQuery("answering", config="english"))
    assert list(english.values_list("response_id", flat=True)) == [answers.hold_en.pk]
    assert not Verbatim.objects.filter(search__isnull=True).exists()


def test_a_codebook_change_keeps_the_search_vectors(themes, answers):
    postgres_or_skip()
    tag_pending()
    before = dict(Verbatim.objects.values_list("response_id", "search"))
    retag_request()
    tag_pending()
    assert dict(Verbatim.objects.values_list("response_id", "search")) == before


# --- At ingest ----------------------------------------------------------------------------------------------


@pytest.fixture
def voc_map(db):
    return make_map()


def test_a_response_sent_through_the_api_with_a_comment_is_tagged_at_once(editor_client, voc_map, themes):
    body = record(voc_map, comment="Ik ben nooit teruggebeld over mijn schade.", score=2)
    response = editor_client.post("/api/v1/responses/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    stored = SurveyResponse.objects.get(pk=response.json()["id"])
    assert themes_of(stored) == {"not-called-back"}
    verbatim = Verbatim.objects.get(response=stored)
    assert (verbatim.language, verbatim.version) == ("nl", CodebookState.current().version)
    assert tagging_progress().complete


def test_a_response_without_a_comment_gets_no_verbatim(editor_client, voc_map, themes):
    response = editor_client.post("/api/v1/responses/", record(voc_map), content_type="application/json")
    assert response.status_code == 201
    assert not Verbatim.objects.exists()


def test_a_big_ingest_is_tagged_by_the_worker_after_commit(
    editor_client, voc_map, themes, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("metrics.services.responses.INGEST_TAG_LIMIT", 2)
    items = [record(voc_map, comment=COMMENTS[name]) for name in ("wait_nl", "wait_en", "friendly_en")]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = editor_client.post("/api/v1/responses/", items, content_type="application/json")
    assert response.status_code == 201
    assert not Verbatim.objects.exists()  # not in the ingest's transaction
    assert tagging_progress().percent == 0
    for callback in callbacks:
        callback()
    assert ResponseTheme.objects.count() == 3
    assert tagging_progress().complete


# --- Retention and erasure ----------------------------------------------------------------------------------


@pytest.fixture
def old_answers(themes):
    old = timezone.now() - datetime.timedelta(days=800)
    return SimpleNamespace(
        old=SurveyResponseFactory(comment="De wachttijd was lang, bel me op 0612345678", responded_at=old),
        young=SurveyResponseFactory(comment="De wachttijd was lang"),
    )


@pytest.mark.parametrize("postgres_sql", [True, False])
def test_retention_removing_comments_removes_their_verbatims_and_themes(old_answers, postgres_sql, monkeypatch):
    monkeypatch.setattr("metrics.privacy.retention.uses_postgres_sql", lambda: postgres_sql)
    tag_pending()
    assert retention_anonymise(comments="remove").comments_removed == 1
    assert not Verbatim.objects.filter(response=old_answers.old).exists()
    assert themes_of(old_answers.old) == set()
    assert themes_of(old_answers.young) == {"waiting-time"}
    assert tagging_progress().complete


@pytest.mark.parametrize("postgres_sql", [True, False])
def test_retention_redacting_comments_has_them_tagged_again_redacted(
    old_answers, postgres_sql, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("metrics.privacy.retention.uses_postgres_sql", lambda: postgres_sql)
    tag_pending()
    with django_capture_on_commit_callbacks(execute=True):
        assert retention_anonymise(comments="redact").comments_redacted == 1
    old_answers.old.refresh_from_db()
    assert "0612345678" not in old_answers.old.comment
    assert themes_of(old_answers.old) == {"waiting-time"}
    if connection.vendor == "postgresql":
        assert not Verbatim.objects.filter(search=SearchQuery("0612345678", config="dutch")).exists()
    assert tagging_progress().complete


def test_erasure_removes_the_persons_verbatims_and_themes(themes, django_capture_on_commit_callbacks):
    jan = SurveyResponseFactory(respondent="jan@example.org", comment="Nooit teruggebeld, de wachttijd was lang")
    other = SurveyResponseFactory(respondent="piet", comment="Ik ben nooit teruggebeld")
    tag_pending()
    assert themes_of(jan) == {"waiting-time", "not-called-back"}
    with django_capture_on_commit_callbacks(execute=True):
        erased = subject_erase("jan@example.org")
    assert erased.comments == 1
    assert not Verbatim.objects.filter(response=jan).exists()
    assert themes_of(jan) == set()
    assert themes_of(other) == {"not-called-back"}
    assert tagging_progress().complete


# --- The progress fragment ----------------------------------------------------------------------------------

PROGRESS = reverse("metrics:theme-progress")


def test_the_progress_fragment_polls_while_incomplete_and_stops_when_complete(client, manager, themes, answers):
    client.force_login(manager)
    tag_pending(batch=3, max_batches=1)
    page = client.get(PROGRESS).content.decode()
    version = CodebookState.current().version
    assert "Tagging comments with the new codebook: 42% (3 of 7)" in page
    assert 'hx-trigger="every 2s"' in page and f'hx-get="{PROGRESS}"' in page
    tag_pending()
    page = client.get(PROGRESS).content.decode()
    assert f"All 7 comments are tagged with codebook version {version}." in page
    assert "hx-get" not in page


def test_the_progress_fragment_groups_thousands(rf, themes):
    from django.template.loader import render_to_string

    html = render_to_string(
        "metrics/themes/_progress.html",
        {"progress": tagging.Progress(version=7, total=300_000, done=126_000)},
    )
    assert "Tagging comments with the new codebook: 42% (126,000 of 300,000)" in html
    html = render_to_string(
        "metrics/themes/_progress.html", {"progress": tagging.Progress(version=7, total=300_000, done=300_000)}
    )
    assert "All 300,000 comments are tagged with codebook version 7." in html


def test_the_progress_fragment_is_for_logged_in_users_and_get_only(client, manager):
    assert client.get(PROGRESS).status_code == 302  # to the login page
    client.force_login(manager)
    assert client.post(PROGRESS).status_code == 405


@pytest.mark.parametrize("count", [2, 200])
def test_the_progress_fragment_runs_a_fixed_number_of_queries(client, manager, count, django_assert_num_queries):
    SurveyResponseFactory.create_batch(count, comment="De wachttijd was lang")
    client.force_login(manager)
    # session, user, the progress (the codebook version, the comments and the tagged verbatims in one query)
    with django_assert_num_queries(3):
        response = client.get(PROGRESS)
    assert f"0% (0 of {count})" in response.content.decode()


def test_a_comment_of_megabytes_is_tagged_and_searchable_by_its_beginning(themes):
    postgres_or_skip()
    # Far beyond what a tsvector holds (1 MB): every word distinct.
    text = "De wachttijd was lang. " + " ".join(f"woord{i}x" for i in range(250_000))
    response = SurveyResponseFactory(comment=text)
    assert tag_pending() == 1
    assert themes_of(response) == {"waiting-time"}
    assert Verbatim.objects.filter(search=SearchQuery("wachttijd", config="dutch")).get().response_id == response.pk
