"""Records in, staging filled, problems named: the mechanics shared by the API list and the CSV paths.

metrics.services.responses decides what happens next (refuse, store, recompute, open follow-up cases) inside
its transaction; everything here runs inside that transaction too.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from .csvfile import CsvStream, FileRefused, Header, RejectedLinesWriter, width_message
from .fastpath import fast_cleaner
from .records import FIELDS, Lookups, RecordCleaner, RecordError, StagingRow
from .staging import CONFLICT, REPEATED, VANISHED, Counts, Rejection, Staging

MAX_ITEMS = 10_000
# A file sent over HTTP (the upload page, the API) is checked and stored within a request; larger files go
# through manage.py import_responses.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_PROBLEMS = 1000  # listed in an answer; the total is always given
PREVIEW_ROWS = 10
PROGRESS_EVERY = 25_000  # rows between two progress reports
_NO_VALUES = (None,) * 11

ProgressCallback = Callable[[int, int], None]  # (bytes read, rows read)


@dataclass(frozen=True)
class Problem:
    position: int | None  # CSV line (header = 1) or list index; None for the file or the request as a whole
    field: str | None
    message: str


class IngestRefused(Exception):
    """Nothing was stored. `problems` lists the first MAX_PROBLEMS; `error_count` counts them all."""

    def __init__(self, problems: list[Problem], *, error_count: int | None = None, rejected: int | None = None):
        super().__init__(problems[0].message if problems else "")
        self.problems = problems
        self.error_count = len(problems) if error_count is None else error_count
        self.rejected = rejected if rejected is not None else len({p.position for p in problems})


@dataclass
class Staged:
    """What staging found, before anything is stored."""

    staging: Staging
    counts: Counts
    header: Header | None = None
    preview: list[tuple[int, list[str]]] = field(default_factory=list)  # the first rows of a file, as read
    rows_read: int = 0
    redact: Callable[[str], str] | None = None  # the comments' redactor, for the error CSV too

    @property
    def error_count(self) -> int:
        return self.counts.problems


class _Tally:
    """What the rows' own checks found while staging: valid rows, rejected positions, problems."""

    def __init__(self, write: Callable[[StagingRow], None]) -> None:
        self.write = write
        self.valid = self.rejected = self.problems = 0

    def reject(self, position: int, problems: list[tuple[str | None, str]]) -> None:
        for field_name, message in problems:
            self.write((position, *_NO_VALUES, field_name or "", message))
        self.rejected += 1
        self.problems += len(problems)

    def check(self, staging: Staging) -> Counts:
        return staging.check(valid=self.valid, rejected=self.rejected, problems=self.problems)


def stage_csv(
    binary: IO[bytes],
    *,
    default_source: str,
    on_progress: ProgressCallback | None = None,
    preview_rows: int = PREVIEW_ROWS,
    redact: Callable[[str], str] | None = None,
) -> Staged:
    """Read, check and stage every data row of a CSV file object. Raises FileRefused for an unreadable file."""
    stream = CsvStream(binary)
    try:
        header = stream.header
        cleaner = RecordCleaner(
            columns=header.columns, lookups=Lookups.load(), default_source=default_source, redact=redact
        )
        width = len(header.columns)
        staging = Staging()
        staging.create()
        rows = iter(stream)  # without empty rows: the preview shows the first rows with values
        with stream.reading():
            preview = list(itertools.islice(rows, preview_rows))
        clean = fast_cleaner(cleaner)
        read = 0
        # As on the direct path: nothing here makes reference cycles, the cyclic collector may rest.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with stream.reading(), staging.writer() as write:
                tally = _Tally(write)
                for line, values in itertools.chain(preview, rows):
                    read += 1
                    if len(values) == width:
                        try:
                            write(clean(values, line))
                        except RecordError:
                            tally.reject(line, cleaner.explain(values))
                        else:
                            tally.valid += 1
                    else:
                        tally.reject(line, [(None, width_message(width, len(values)))])
                    if not read % PROGRESS_EVERY and on_progress is not None:
                        on_progress(stream.bytes_read, read)
        finally:
            if collecting:
                gc.enable()
        if on_progress is not None:
            on_progress(stream.bytes_read, read)
        if read == 0:
            staging.drop()
            raise FileRefused(_("The file has a header but no responses."), line=2)
        return Staged(
            staging=staging, counts=tally.check(staging), header=header, preview=preview, rows_read=read, redact=redact
        )
    finally:
        stream.close()


def stage_items(items: Sequence[Any], *, default_source: str, redact: Callable[[str], str] | None = None) -> Staged:
    """Check and stage the objects of an API request (at most MAX_ITEMS, checked by the caller)."""
    known = set(FIELDS)
    prepared: list[tuple[int, list[Any] | None, list[tuple[str | None, str]]]] = []
    journey_ids: set[int] = set()
    touchpoint_ids: set[int] = set()
    journey_keys: set[str] = set()
    touchpoint_keyed = False
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            prepared.append((index, None, [(None, _("Expected an object with the response's fields."))]))
            continue
        unknown = [(field_label(name), _("Unknown field.")) for name in item if name not in known]
        values = [item.get(name) for name in FIELDS]
        prepared.append((index, values, unknown))
        for ids, value in ((journey_ids, values[2]), (touchpoint_ids, values[3])):
            if type(value) is int:
                ids.add(value)
            elif isinstance(value, str) and value.strip().isdigit():
                ids.add(int(value))
        if isinstance(values[2], str) and not values[2].strip().isdigit():
            journey_keys.add(values[2].strip().lower())
        if isinstance(values[3], str) and values[3].strip() and not values[3].strip().isdigit():
            touchpoint_keyed = True
    lookups = Lookups.load(
        journey_ids=journey_ids,
        touchpoint_ids=touchpoint_ids,
        journey_keys=journey_keys,
        with_touchpoint_keys=touchpoint_keyed,
    )
    cleaner = RecordCleaner(columns=FIELDS, lookups=lookups, default_source=default_source, redact=redact)
    staging = Staging()
    staging.create()
    with staging.writer() as write:
        tally = _Tally(write)
        for index, values, problems in prepared:
            if values is not None:
                try:
                    row = cleaner.clean(values, index)
                except RecordError:
                    problems = [*problems, *cleaner.explain(values)]
                else:
                    if not problems:
                        write(row)
                        tally.valid += 1
                        continue
            tally.reject(index, problems)
    return Staged(staging=staging, counts=tally.check(staging), rows_read=len(items))


def field_label(name: str) -> str:
    """A field name as it can be stored and shown: a NUL character (which Postgres text cannot hold) spelled out
    as its JSON escape."""
    return name.replace("\x00", "\\u0000")


LineOf = Callable[[int], int]  # a line of the CSV read -> the line of the file a person sees (a mapped import)


def describe(rejection: Rejection, *, noun: str, line_of: LineOf | None = None) -> Problem:
    """A rejection with its message (those found in SQL are worded here, translated)."""
    if rejection.kind == REPEATED:
        where = _("line %(n)d") if noun == "line" else _("item %(n)d")
        ref = rejection.ref if line_of is None or rejection.ref is None else line_of(rejection.ref)
        message = _("external_id “%(id)s” of source “%(source)s” is repeated: it is already on %(where)s.") % {
            "id": rejection.external_id,
            "source": rejection.source,
            "where": where % {"n": ref},
        }
    elif rejection.kind == CONFLICT:
        message = _(
            "external_id “%(id)s” of source “%(source)s” is already stored with different values (response %(ref)d)."
        ) % {"id": rejection.external_id, "source": rejection.source, "ref": rejection.ref}
    elif rejection.kind == VANISHED:
        message = {
            "journey": _("Journey %(id)d was deleted while the responses were being loaded."),
            "touchpoint": _("Touchpoint %(id)d was deleted while the responses were being loaded."),
            "channel": _("Channel %(id)d was deleted while the responses were being loaded."),
        }[rejection.field or "journey"] % {"id": rejection.ref}
    else:
        message = rejection.message or ""
    return Problem(position=rejection.position, field=rejection.field or None, message=message)


def report(
    staged: Staged,
    *,
    noun: str,
    limit: int = MAX_PROBLEMS,
    on_problem: Callable[[Problem], None] | None = None,
    error_csv: IO[str] | None = None,
    source_file: IO[bytes] | None = None,
    line_of: LineOf | None = None,
) -> list[Problem]:
    """The first `limit` problems; all of them go to `on_problem`, and the rejected lines to `error_csv`.

    Only what is asked for is read: without a callback or an error CSV, the staging is read up to `limit`.
    """
    everything = on_problem is not None or error_csv is not None
    listed: list[Problem] = []
    writer = (
        RejectedLinesWriter(error_csv, source_file, redact=staged.redact)
        if error_csv is not None and source_file
        else None
    )
    try:
        rejections = staged.staging.rejections(limit=None if everything else limit)
        for problems in _by_position(rejections, noun=noun, line_of=line_of):
            if writer is not None:
                pairs = [(problem.field, problem.message) for problem in problems]
                writer.add(problems[0].position, line_error(problems[0].position, pairs))
            for problem in problems:
                if len(listed) < limit:
                    listed.append(problem)
                if on_problem is not None:
                    on_problem(problem)
    finally:
        if writer is not None:
            writer.close()
    return listed


def _by_position(rejections: Iterable[Rejection], *, noun: str, line_of: LineOf | None) -> Iterator[list[Problem]]:
    for _position, group in itertools.groupby(rejections, key=lambda rejection: rejection.position):
        yield [describe(rejection, noun=noun, line_of=line_of) for rejection in group]


def line_error(line: int, problems: list[tuple[str | None, str]]) -> str:
    """The `error` cell of a rejected line in an error CSV."""
    parts = [f"{field_name}: {message}" if field_name else message for field_name, message in problems]
    return _("line %(line)d: %(problems)s") % {"line": line, "problems": " | ".join(parts)}
