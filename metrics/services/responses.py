"""Survey responses in: a list of objects (the API) or a CSV file (upload, API, management command).

All or nothing: a record with any problem stores nothing and every problem is named (CSV line or list index,
field, message), unless `skip_invalid` asks to store the valid rows of a file and report the others. A record
whose (source, external_id) is already stored with the same values is an idempotent re-send: counted as a
duplicate, not stored again. In the same transaction as the rows: the KPI snapshots of the days they touch are
marked stale (a recompute is enqueued on commit) and follow-up cases are opened for detractors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record
from metrics.ingest.csvfile import FileRefused, Header
from metrics.ingest.direct import Direct, Fallback, import_direct
from metrics.ingest.pipeline import (
    MAX_ITEMS,
    MAX_PROBLEMS,
    IngestRefused,
    LineOf,
    Problem,
    ProgressCallback,
    Staged,
    report,
    stage_csv,
    stage_items,
)
from metrics.models import SurveyResponse
from metrics.privacy.redaction import redactor_for
from metrics.services.followups import followups_open_for
from metrics.services.recompute_requests import recompute_request
from metrics.themes.tagging import INGEST_TAG_LIMIT, schedule_after_commit, tag_ingested

API_SOURCE = "api"
CSV_SOURCE = "csv"

__all__ = [
    "MAX_ITEMS",
    "IngestRefused",
    "IngestResult",
    "Problem",
    "responses_check_csv",
    "responses_create",
    "responses_import_csv",
]


@dataclass
class IngestResult:
    created: int = 0
    duplicates: int = 0
    rejected: int = 0  # lines (or items) skipped with skip_invalid, or that a check found
    error_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS
    followups_opened: int = 0
    id: int | None = None  # a single record: the id it is stored as
    rows_read: int = 0
    header: Header | None = None
    preview: list[tuple[int, list[str]]] = field(default_factory=list)
    error_csv_rows: int = 0


def _after_store(*, created: int, ranges: Mapping[int, tuple[date, date]], after_id: int, received_at: datetime) -> int:
    """In the ingest's transaction: mark the touched snapshots stale, open follow-up cases for the new rows
    (those with a larger id than before and this ingest's stamp) and tag their comments with their themes: now
    for a small ingest (its figures are right at once), by the worker after commit for a big one. Returns the
    cases opened."""
    if not created:
        return 0
    recompute_request(ranges=ranges)
    opened = followups_open_for(responses=SurveyResponse.objects.filter(pk__gt=after_id, created_at=received_at))
    if created <= INGEST_TAG_LIMIT:
        tag_ingested(after_id=after_id, received_at=received_at, created=created)
    else:
        schedule_after_commit()
    return opened


def _store(staged: Staged) -> IngestResult:
    received_at = timezone.now()
    stored = staged.staging.store(received_at=received_at)
    opened = _after_store(
        created=stored.created, ranges=stored.ranges, after_id=stored.after_id, received_at=received_at
    )
    return IngestResult(
        created=stored.created,
        # Valid rows that a concurrent ingest stored first are re-sends too.
        duplicates=staged.counts.duplicates + staged.counts.valid - stored.created,
        rejected=staged.counts.rejected,
        error_count=staged.error_count,
        followups_opened=opened,
        id=_single_id(stored.after_id, received_at) if stored.created == 1 else None,
        rows_read=staged.rows_read,
        header=staged.header,
    )


def _redact(kinds: Iterable[str] | None) -> Callable[[str], str] | None:
    """The comment redactor of an ingest: a source's kinds, or settings.PII_REDACT (the API, the file imports);
    None when nothing is to be redacted, so that the fast path does not even call it."""
    redactor = redactor_for(kinds)
    return redactor if redactor else None


def _record_import(result: IngestResult, source: str) -> IngestResult:
    """The ingest's one audit row (its rows are written in bulk, past the model signals): counts, no content."""
    record(
        audit_actions.IMPORT,
        object_type="metrics.surveyresponse",
        detail={
            "source": source,
            "created": result.created,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
            "followups_opened": result.followups_opened,
        },
    )
    return result


def _single_id(after_id: int, received_at: datetime) -> int | None:
    return SurveyResponse.objects.filter(pk__gt=after_id, created_at=received_at).values_list("pk", flat=True).first()


def _refuse(
    staged: Staged, *, noun: str, on_problem: Callable[[Problem], None] | None, line_of: LineOf | None = None
) -> IngestRefused:
    problems = report(staged, noun=noun, on_problem=on_problem, line_of=line_of)
    return IngestRefused(problems, error_count=staged.error_count, rejected=staged.counts.rejected)


def _file_refused(refused: FileRefused) -> IngestRefused:
    return IngestRefused([Problem(position=refused.line, field=refused.field, message=refused.message)])


@transaction.atomic
def responses_create(
    *, records: Any, default_source: str = API_SOURCE, redact_kinds: Iterable[str] | None = None
) -> IngestResult:
    """One object or a list of up to MAX_ITEMS objects with the fields of metrics.ingest.records.FIELDS.
    Raises IngestRefused (positions are list indexes) and stores nothing when any object has a problem.
    Comments are redacted of `redact_kinds` (default settings.PII_REDACT) before anything is stored."""
    single = isinstance(records, dict)
    items: Sequence[Any] = [records] if single else records
    if not isinstance(items, list):
        raise IngestRefused([Problem(None, None, _("Send one response object or a list of them."))])
    if not items:
        raise IngestRefused([Problem(None, None, _("The list is empty: send at least one response."))])
    if len(items) > MAX_ITEMS:
        message = _("Too many responses in one request: %(count)d (at most %(max)d). Send them in batches.") % {
            "count": len(items),
            "max": MAX_ITEMS,
        }
        raise IngestRefused([Problem(None, None, message)])
    staged = stage_items(items, default_source=default_source, redact=_redact(redact_kinds))
    if staged.counts.rejected:
        raise _refuse(staged, noun="item", on_problem=None)
    result = _store(staged)
    if single and result.id is None and result.duplicates:
        result.id = staged.staging.stored_id(position=0)
    staged.staging.drop()
    return _record_import(result, default_source)


@transaction.atomic
def responses_import_csv(
    *,
    file: IO[bytes],
    skip_invalid: bool = False,
    error_csv: IO[str] | None = None,
    on_progress: ProgressCallback | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    default_source: str = CSV_SOURCE,
    line_of: LineOf | None = None,
    redact_kinds: Iterable[str] | None = None,
) -> IngestResult:
    """Import a CSV file (a seekable binary file object). Streams: memory does not grow with the file.

    Any rejected line refuses the whole file (IngestRefused, nothing stored) unless `skip_invalid`: then the
    valid lines are stored and the rejected ones written to `error_csv` (as they were, plus an `error` column).
    Every problem goes to `on_problem`, in line order; `on_progress(bytes_read, rows_read)` follows the reading.
    Comments are redacted of `redact_kinds` (default settings.PII_REDACT) before anything is stored.
    """
    redact = _redact(redact_kinds)
    if connection.vendor == "postgresql":
        direct = _import_direct(
            file=file, skip_invalid=skip_invalid, error_csv=error_csv, on_progress=on_progress,
            default_source=default_source, redact=redact,
        )  # fmt: skip
        if direct is not None:
            result, loaded = direct
            try:
                if on_problem is not None:
                    loaded.replay(on_problem)
            finally:
                loaded.close()
            return _record_import(result, default_source)
    try:
        staged = stage_csv(file, default_source=default_source, on_progress=on_progress, redact=redact)
    except FileRefused as refused:
        raise _file_refused(refused) from None
    if staged.counts.rejected and not skip_invalid:
        raise _refuse(staged, noun="line", on_problem=on_problem, line_of=line_of)
    result = _store(staged)
    if staged.counts.rejected:
        result.problems = report(
            staged, noun="line", on_problem=on_problem, error_csv=error_csv, source_file=file if error_csv else None,
            line_of=line_of,
        )  # fmt: skip
        result.error_csv_rows = staged.counts.rejected if error_csv is not None else 0
    staged.staging.drop()
    return _record_import(result, default_source)


def _import_direct(
    *,
    file: IO[bytes],
    skip_invalid: bool,
    error_csv: IO[str] | None,
    on_progress: ProgressCallback | None,
    default_source: str,
    redact: Callable[[str], str] | None,
) -> tuple[IngestResult, Direct] | None:
    """The direct path (metrics.ingest.direct) in a savepoint; None when it falls back to the staging path."""
    received_at = timezone.now()
    error_start = error_csv.tell() if error_csv is not None else 0
    try:
        with transaction.atomic():
            direct = import_direct(
                file,
                default_source=default_source,
                received_at=received_at,
                skip_invalid=skip_invalid,
                limit=MAX_PROBLEMS,
                on_progress=on_progress,
                error_csv=error_csv,
                redact=redact,
            )
            opened = _after_store(
                created=direct.created, ranges=direct.ranges, after_id=direct.after_id, received_at=received_at
            )
    except Fallback:
        if error_csv is not None:  # the staging path writes it again
            error_csv.seek(error_start)
            error_csv.truncate()
        return None
    except FileRefused as refused:
        raise _file_refused(refused) from None
    result = IngestResult(
        created=direct.created,
        rejected=direct.rejected,
        error_count=direct.error_count,
        problems=direct.problems,
        followups_opened=opened,
        rows_read=direct.rows_read,
        header=direct.header,
        error_csv_rows=direct.rejected if error_csv is not None else 0,
    )
    return result, direct


def responses_check_csv(
    *,
    file: IO[bytes],
    preview_rows: int = 10,
    on_progress: ProgressCallback | None = None,
    line_of: LineOf | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> IngestResult:
    """Everything an import would find, without storing anything: the counts, the problems (the first
    MAX_PROBLEMS) and the first rows of the file as read. Raises IngestRefused for an unreadable file."""
    with transaction.atomic():
        try:
            staged = stage_csv(file, default_source=CSV_SOURCE, on_progress=on_progress, preview_rows=preview_rows)
        except FileRefused as refused:
            raise _file_refused(refused) from None
        result = IngestResult(
            created=staged.counts.valid,
            duplicates=staged.counts.duplicates,
            rejected=staged.counts.rejected,
            error_count=staged.error_count,
            problems=report(staged, noun="line", limit=MAX_PROBLEMS, line_of=line_of, on_problem=on_problem),
            rows_read=staged.rows_read,
            header=staged.header,
            preview=staged.preview[:preview_rows],
        )
        # A check stores nothing: roll the staging back with everything else.
        transaction.set_rollback(True)
    return result
