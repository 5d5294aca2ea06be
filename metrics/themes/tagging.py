"""Comments tagged with their themes (issue 17's tagging work).

Every response with a comment gets a Verbatim row (language, the codebook version it was tagged with, its search
vector on PostgreSQL) and one ResponseTheme row per theme found. Tagging is set-based and idempotent: a batch
deletes its responses' old rows and inserts the new ones in one transaction.

What is *pending* (`tag_pending`, the worker's loop and the sweeper's): a response with a comment and no Verbatim
row (new, or its comment changed: `verbatims_forget`), a Verbatim tagged with an older codebook version than
CodebookState's, and a Verbatim whose comment has been blanked behind the tagging's back. Batches are read in id
order (keyset: one query per batch) and written with COPY and one INSERT ... SELECT ... ON CONFLICT on PostgreSQL,
through the ORM elsewhere (SQLite, `make run`). A worker killed between two batches leaves every batch it
committed complete and the others pending: the next run (or the sweeper's) carries on where it stopped.

The codebook's version is read *before* its rules: a change committing in between is then tagged with the old
version number and so pending again, never the other way round (new number, old rules).

When: at ingest (metrics.services.responses: small ingests in their own transaction, bigger ones by the worker
after commit), after every codebook change (`retag_request`, called by the codebook's services in their
transaction), after retention or erasure changed comments (`verbatims_forget`), and every few minutes by the
sweeper (beat: themes-tagging-sweep) in case a worker was down.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone

from metrics.models import CodebookState, ResponseTheme, SurveyResponse, ThemeRule, Verbatim
from metrics.themes import engine

logger = logging.getLogger(__name__)

BATCH = 5000  # responses per transaction of tag_pending
# Ingests with at most this many new responses are tagged in their own transaction (the figures are right at
# once); bigger ones by the worker after commit, so that a large import does not wait for the tagging.
INGEST_TAG_LIMIT = 2000
SQLITE_CHUNK = 500  # ids per IN (...) on SQLite

RESPONSES = SurveyResponse._meta.db_table
VERBATIMS = Verbatim._meta.db_table
MENTIONS = ResponseTheme._meta.db_table
# The columns a batch reads, in order: what the tagging needs of a response.
READ = (
    "r.id, r.comment, r.journey_id, r.touchpoint_id, r.channel_id, r.day, r.metric, r.score, v.response_id IS NOT NULL"
)
MENTION_COLUMNS = ("response_id", "theme_id", "journey_id", "touchpoint_id", "channel_id", "day", "metric", "score")
MENTION_TYPES = ["int8", "int8", "int8", "int8", "int8", "date", "text", "int2"]
# The search vector is made of a comment's first this many characters: a tsvector holds at most 1 MB, and a comment
# has no length limit (a comment of megabytes would otherwise fail its ingest, or the tagging of its batch forever).
SEARCH_CHARACTERS = 100_000


class Matcher(Protocol):
    """What the tagging needs of a codebook (metrics.themes.engine.Codebook; the tests pass small fakes)."""

    def match(self, text: str, language: str | None = None) -> frozenset[int]: ...


@dataclass(frozen=True)
class Progress:
    version: int  # the codebook's current version
    total: int  # responses with a comment
    done: int  # of which tagged with the current version

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, int(100 * self.done / self.total))


@dataclass(frozen=True)
class _Row:
    id: int
    comment: str
    journey_id: int
    touchpoint_id: int | None
    channel_id: int | None
    day: date
    metric: str
    score: int
    tagged: bool  # has a Verbatim row


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _version() -> int:
    """The codebook's version (read before its rules, see the module)."""
    state = CodebookState.objects.filter(pk=1).values_list("version", flat=True).first()
    return 1 if state is None else state


# The last codebook compiled in this process, by its rules: an ingest of one response is not held up by compiling
# some 600 rules (and the engine's per-word cache stays warm from one ingest to the next).
_compiled: dict[tuple[tuple[int, str, str, str], ...], engine.Codebook] = {}


def _codebook(codebook: Matcher | None) -> Matcher:
    """The codebook given, or the active themes' rules (one query), compiled unless they are those of last time."""
    if codebook is not None:
        return codebook
    rules = tuple(
        ThemeRule.objects.filter(theme__active=True)
        .order_by("theme_id", "position", "id")
        .values_list("theme_id", "language", "mode", "phrase")
    )
    compiled = _compiled.get(rules)
    if compiled is None:
        compiled = engine.Codebook.compile(engine.RuleSpec(*rule) for rule in rules)
        _compiled.clear()
        _compiled[rules] = compiled
    return compiled


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite answers text


def _rows(sql: str, params: Sequence[Any]) -> list[_Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            _Row(pk, comment or "", journey, touchpoint, channel, _as_date(day), metric, score, bool(tagged))
            for pk, comment, journey, touchpoint, channel, day, metric, score, tagged in cursor.fetchall()
        ]


def _pending_rows(after_id: int, version: int, limit: int) -> list[_Row]:
    """The next batch of pending responses after `after_id`, in id order; locked until the batch commits on
    PostgreSQL, so that a comment erased meanwhile waits for the batch and then loses what it wrote."""
    lock = " FOR UPDATE OF r" if _postgres() else ""
    # v.response_id > after_id repeats r.id > after_id for the join: PostgreSQL does not carry an inequality
    # across an equality, and without it a merge join would read the verbatims from the start for every batch.
    return _rows(
        f"SELECT {READ} FROM {RESPONSES} r "  # noqa: S608  the tables' names, no input
        f"LEFT JOIN {VERBATIMS} v ON v.response_id = r.id AND v.response_id > %s "
        "WHERE r.id > %s AND ((r.comment <> '' AND (v.response_id IS NULL OR v.version < %s)) "
        "OR (r.comment = '' AND v.response_id IS NOT NULL)) "
        f"ORDER BY r.id LIMIT %s{lock}",
        [after_id, after_id, version, limit],
    )


def _rows_of(response_ids: Sequence[int]) -> list[_Row]:
    if _postgres():
        return _rows(
            f"SELECT {READ} FROM {RESPONSES} r LEFT JOIN {VERBATIMS} v ON v.response_id = r.id "  # noqa: S608
            "WHERE r.id = ANY(%s) ORDER BY r.id FOR UPDATE OF r",
            [list(response_ids)],
        )
    rows: list[_Row] = []
    for chunk in _chunks(sorted(set(response_ids)), SQLITE_CHUNK):
        placeholders = ", ".join(["%s"] * len(chunk))
        rows += _rows(
            f"SELECT {READ} FROM {RESPONSES} r LEFT JOIN {VERBATIMS} v ON v.response_id = r.id "  # noqa: S608
            f"WHERE r.id IN ({placeholders}) ORDER BY r.id",
            chunk,
        )
    return rows


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _tag(rows: Sequence[_Row], *, version: int, codebook: Matcher) -> int:
    """Write the derived rows of a batch (in the caller's transaction): every old row of these responses goes,
    the new ones come. Returns how many of them have a comment."""
    ids = [row.id for row in rows]
    languages: list[tuple[int, str]] = []  # (response id, language) of the comments
    mentions: list[tuple[Any, ...]] = []
    detect, match = engine.detect_language, codebook.match
    for row in rows:
        text = row.comment
        if not text:  # blanked (retention, erasure): its rows go
            continue
        language = detect(text)
        languages.append((row.id, language))
        for theme_id in sorted(match(text, language)):
            mentions.append(
                (row.id, theme_id, row.journey_id, row.touchpoint_id, row.channel_id, row.day, row.metric, row.score)
            )
    if _postgres():
        _write_postgres(ids, languages, mentions, version)
    else:
        _write_portable(ids, languages, mentions, version)
    return len(languages)


def _write_postgres(
    ids: list[int], languages: list[tuple[int, str]], mentions: list[tuple[Any, ...]], version: int
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MENTIONS} WHERE response_id = ANY(%s)", [ids])  # noqa: S608
        if mentions:
            with cursor.copy(f"COPY {MENTIONS} ({', '.join(MENTION_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(MENTION_TYPES)
                for mention in mentions:
                    copy.write_row(mention)
        tagged = [pk for pk, _language in languages]
        if len(tagged) < len(ids):  # blanked comments: their Verbatim goes
            cursor.execute(
                f"DELETE FROM {VERBATIMS} WHERE response_id = ANY(%s) AND NOT response_id = ANY(%s)",  # noqa: S608
                [ids, tagged],
            )
        if not languages:
            return
        # The search vector is computed again only for a new Verbatim or a changed language: a codebook change
        # leaves the comments as they were, and with them their vectors.
        cursor.execute(
            f"INSERT INTO {VERBATIMS} (response_id, language, version, search) "  # noqa: S608
            "SELECT t.id, t.language, %s, CASE WHEN v.response_id IS NOT NULL AND v.language = t.language "
            "THEN v.search ELSE to_tsvector(CASE t.language WHEN 'nl' THEN 'dutch' ELSE 'english' END::regconfig, "
            "left(r.comment, %s)) END "
            "FROM unnest(%s::bigint[], %s::text[]) AS t(id, language) "
            f"JOIN {RESPONSES} r ON r.id = t.id LEFT JOIN {VERBATIMS} v ON v.response_id = t.id "
            "ON CONFLICT (response_id) DO UPDATE SET language = EXCLUDED.language, version = EXCLUDED.version, "
            "search = EXCLUDED.search",
            [version, SEARCH_CHARACTERS, tagged, [language for _pk, language in languages]],
        )


def _write_portable(
    ids: list[int], languages: list[tuple[int, str]], mentions: list[tuple[Any, ...]], version: int
) -> None:
    for chunk in _chunks(ids, SQLITE_CHUNK):
        ResponseTheme.objects.filter(response_id__in=chunk).delete()
        Verbatim.objects.filter(response_id__in=chunk).delete()
    ResponseTheme.objects.bulk_create(
        [
            ResponseTheme(
                response_id=pk,
                theme_id=theme,
                journey_id=journey,
                touchpoint_id=touchpoint,
                channel_id=channel,
                day=day,
                metric=metric,
                score=score,
            )
            for pk, theme, journey, touchpoint, channel, day, metric, score in mentions
        ],
        batch_size=SQLITE_CHUNK,
    )
    Verbatim.objects.bulk_create(
        [Verbatim(response_id=pk, language=language, version=version) for pk, language in languages],
        batch_size=SQLITE_CHUNK,
    )


def tag_responses(response_ids: Sequence[int], *, codebook: Matcher | None = None) -> int:
    """Tag these responses now (with the current codebook); returns how many had a comment."""
    if not response_ids:
        return 0
    with transaction.atomic():
        rows = _rows_of(response_ids)
        if not rows:
            return 0
        version = _version()
        return _tag(rows, version=version, codebook=_codebook(codebook))


def tag_ingested(*, after_id: int, received_at: Any, created: int, codebook: Matcher | None = None) -> int:
    """In an ingest's transaction: tag the `created` responses it stored (a larger id than `after_id`, its
    stamp). One query when none has a comment. Returns how many had one."""
    # The LIMIT keeps the plan on the primary key from after_id on, whatever the statistics say.
    rows = _rows(
        f"SELECT {READ} FROM {RESPONSES} r LEFT JOIN {VERBATIMS} v ON v.response_id = r.id "  # noqa: S608
        "WHERE r.id > %s AND r.created_at = %s AND r.comment <> '' ORDER BY r.id LIMIT %s",
        [after_id, connection.ops.adapt_datetimefield_value(received_at), created],  # SQLite: as the ORM stores it
    )
    if not rows:
        return 0
    version = _version()
    return _tag(rows, version=version, codebook=_codebook(codebook))


def tag_pending(*, batch: int = BATCH, max_batches: int | None = None, codebook: Matcher | None = None) -> int:
    """Tag what is pending (see the module), a batch per transaction, until nothing is left or `max_batches`
    batches are done. Returns how many responses it went through (comments tagged, and blanked ones cleared)."""
    version = _version()
    matcher = _codebook(codebook)
    after_id = 0
    done = batches = 0
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            rows = _pending_rows(after_id, version, batch)
            if not rows:
                break
            _tag(rows, version=version, codebook=matcher)
        done += len(rows)
        batches += 1
        after_id = rows[-1].id
        if len(rows) < batch:
            break
    return done


def pending_exists() -> bool:
    """Whether anything is waiting for the tagging (the worker's loop and the sweeper ask)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {RESPONSES} r LEFT JOIN {VERBATIMS} v ON v.response_id = r.id "  # noqa: S608
            "WHERE (r.comment <> '' AND (v.response_id IS NULL OR v.version < %s)) "
            "OR (r.comment = '' AND v.response_id IS NOT NULL))",
            [_version()],
        )
        return bool(cursor.fetchone()[0])


def retag_request() -> int:
    """Call inside the transaction of a codebook change: raises CodebookState.version and, on commit, has a
    worker tag every comment again. Returns the new version."""
    from metrics.tasks.themes import schedule_tagging

    with transaction.atomic():
        CodebookState.objects.get_or_create(pk=1)
        state = CodebookState.objects.select_for_update().get(pk=1)
        state.version += 1
        state.changed_at = timezone.now()
        state.save(update_fields=["version", "changed_at"])
    transaction.on_commit(schedule_tagging)
    return state.version


def tagging_progress() -> Progress:
    """One query of two counts: the comments, and the Verbatims tagged with the current version (an index-only
    scan of verbatim_version). Cheap enough to poll every 2 seconds."""
    state = CodebookState._meta.db_table
    version = f"COALESCE((SELECT version FROM {state} WHERE id = 1), 1)"  # noqa: S608  a table name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {version}, (SELECT COUNT(*) FROM {RESPONSES} WHERE comment <> ''), "  # noqa: S608
            f"(SELECT COUNT(*) FROM {VERBATIMS} WHERE version >= {version})"
        )
        current, total, done = cursor.fetchone()
    return Progress(version=current, total=total, done=min(done, total))


def verbatims_forget(response_ids: Sequence[int], *, rebuild: bool = True) -> None:
    """The comments of these responses changed (redacted, removed): their derived rows go, and are rebuilt.

    Set-based (one DELETE per table on PostgreSQL), in the caller's transaction; a response whose comment is
    still there is pending again and tagged after commit (by the worker, or in-process without Redis).
    `rebuild=False` when every comment is gone (nothing to tag again: no task is queued)."""
    if not response_ids:
        return
    ids = list(response_ids)
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MENTIONS} WHERE response_id = ANY(%s)", [ids])  # noqa: S608
            cursor.execute(f"DELETE FROM {VERBATIMS} WHERE response_id = ANY(%s)", [ids])  # noqa: S608
    else:
        for chunk in _chunks(ids, SQLITE_CHUNK):
            ResponseTheme.objects.filter(response_id__in=chunk).delete()
            Verbatim.objects.filter(response_id__in=chunk).delete()
    if rebuild:
        schedule_after_commit()


def schedule_after_commit() -> None:
    """Have the pending tagging run once the caller's transaction commits."""
    from metrics.tasks.themes import schedule_tagging

    transaction.on_commit(schedule_tagging)
