"""The direct path of a CSV import on Postgres: valid rows are COPYed straight into metrics_surveyresponse while
the file is read, so that the server's insert runs beside Python's parsing (on the other core) instead of after
it: about half the time of staging first (bench/import_bench.py).

It is optimistic. Whatever it cannot settle alone raises Fallback, and the caller rolls back to its savepoint and
takes the staging path (metrics.ingest.staging), which names every problem: a line with a problem (unless
skip_invalid), an external_id already stored or repeated in the file (the unique index refuses the COPY), a
journey, touchpoint or channel deleted meanwhile. A file sent again as a whole shows in its first rows, which are
looked up before the COPY starts, and goes to the staging path at once.
"""

from __future__ import annotations

import gc
import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO

import psycopg
from django.db import connection
from django.utils.translation import gettext as _

from cxplatform.lib import csv_files

from .csvfile import CsvStream, ErrorCsv, FileRefused, Header, width_message
from .fastpath import fast_cleaner
from .pipeline import Problem, line_error
from .records import Lookups, RecordCleaner, RecordError
from .staging import REFERENCES, RESPONSES, STORED_COLUMNS, STORED_TYPES, lock_existing

PROGRESS_EVERY = 25_000  # rows between two progress reports
PROBE = 1_000  # the first rows, whose external ids are looked up before the COPY (a file sent again)


class Fallback(Exception):
    """The direct path cannot settle this file: take the staging path."""


@dataclass
class Direct:
    created: int = 0
    ranges: dict[int, tuple[date, date]] = field(default_factory=dict)
    after_id: int = 0
    rows_read: int = 0
    rejected: int = 0
    error_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first `limit`
    header: Header | None = None
    spool: IO[str] | None = None  # every problem, to be replayed in line order once the import stands

    def replay(self, on_problem: Callable[[Problem], None]) -> None:
        if self.spool is None:
            return
        self.spool.seek(0)
        for position, field_name, message in csv_files.reader(self.spool):
            on_problem(Problem(int(position), field_name or None, message))

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


def import_direct(
    binary: IO[bytes],
    *,
    default_source: str,
    received_at: datetime,
    skip_invalid: bool,
    limit: int,
    on_progress: Callable[[int, int], None] | None = None,
    error_csv: IO[str] | None = None,
    redact: Callable[[str], str] | None = None,
) -> Direct:
    """Store the valid rows of a CSV file; raises Fallback (roll back to the savepoint) or FileRefused."""
    stream = CsvStream(binary)
    try:
        return _import(
            stream,
            default_source=default_source,
            received_at=received_at,
            skip_invalid=skip_invalid,
            limit=limit,
            on_progress=on_progress,
            error_csv=error_csv,
            redact=redact,
        )
    finally:
        stream.close()


def _import(
    stream: CsvStream, *, default_source, received_at, skip_invalid, limit, on_progress, error_csv, redact
) -> Direct:
    header = stream.header
    width = len(header.columns)
    cleaner = RecordCleaner(
        columns=header.columns, lookups=Lookups.load(), default_source=default_source, redact=redact
    )
    clean = fast_cleaner(cleaner, received_at=received_at)
    explain = cleaner.explain
    rows = stream.numbered()
    with stream.reading():
        first = list(itertools.islice(rows, PROBE))
    result = Direct(header=header)
    cells: set[tuple[int, int | None, int | None]] = set()  # (journey, touchpoint, channel) referred to
    days: set[tuple[int, date]] = set()  # (journey, local day) stored
    add_cell, add_day = cells.add, days.add
    with connection.cursor() as cursor:
        _probe(cursor, header, first, default_source)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {RESPONSES}")  # noqa: S608
        (result.after_id,) = cursor.fetchone()
        result.spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115  Direct.close
        problems_out = csv_files.CsvWriter(result.spool)
        rejected_out = ErrorCsv(error_csv, header, redact=redact) if error_csv is not None else None
        created = line = 0
        # Nothing below makes reference cycles: pausing the cyclic collector spares it walking a million rows.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with (
                stream.reading(),
                cursor.copy(f"COPY {RESPONSES} ({', '.join(STORED_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(STORED_TYPES)
                write = copy.write_row
                for line, values in itertools.chain(first, rows):
                    if len(values) == width:
                        try:
                            row = clean(values, line)
                        except RecordError:
                            if not any(values):
                                continue
                            problems = explain(values)
                        else:
                            write(row)
                            add_cell((row[2], row[3], row[4]))
                            add_day((row[2], row[6]))
                            created += 1
                            if not created % PROGRESS_EVERY and on_progress is not None:
                                on_progress(stream.bytes_read, line - 1)
                            continue
                    elif not any(values):
                        continue
                    else:
                        problems = [(None, width_message(width, len(values)))]
                    if not skip_invalid:
                        raise Fallback("a line with a problem: the staging path names them all")
                    result.rejected += 1
                    result.error_count += len(problems)
                    for field_name, message in problems:
                        problems_out.writerow([line, field_name or "", message])
                        if len(result.problems) < limit:
                            result.problems.append(Problem(line, field_name, message))
                    if rejected_out is not None:
                        rejected_out.write(values, line_error(line, problems))
        except psycopg.errors.UniqueViolation:
            result.close()
            raise Fallback("an external_id already stored or repeated in the file") from None
        except BaseException:
            result.close()
            raise
        finally:
            if collecting:
                gc.enable()
        try:
            if not created and not result.rejected:
                raise FileRefused(_("The file has a header but no responses."), line=2)
            if on_progress is not None:
                on_progress(stream.bytes_read, line - 1)
            _lock_references(cursor, cells)
        except BaseException:
            result.close()
            raise
    result.created, result.rows_read = created, created + result.rejected
    for journey_id, when in days:
        first_day, last_day = result.ranges.get(journey_id, (when, when))
        result.ranges[journey_id] = (min(first_day, when), max(last_day, when))
    return result


def _probe(cursor, header: Header, first: list[tuple[int, list[str]]], default_source: str) -> None:
    """A file sent again: some of its first external ids are stored already."""
    if "external_id" not in header.columns:
        return
    at_id = header.columns.index("external_id")
    at_source = header.columns.index("source") if "source" in header.columns else None
    pairs = []
    for _number, values in first:
        if len(values) != len(header.columns) or not values[at_id].strip():
            continue
        source = (values[at_source].strip() if at_source is not None else "") or default_source
        pairs.append((source, values[at_id].strip()))
        if len(pairs) == PROBE:
            break
    if not pairs:
        return
    cursor.execute(
        f"SELECT 1 FROM {RESPONSES} WHERE external_id <> '' AND (source, external_id) IN "  # noqa: S608
        f"({', '.join(['(%s, %s)'] * len(pairs))}) LIMIT 1",
        [value for pair in pairs for value in pair],
    )
    if cursor.fetchone():
        raise Fallback("a file sent again: the staging path counts the re-sent responses")


def _lock_references(cursor, cells: set[tuple[int, int | None, int | None]]) -> None:
    """The foreign-key triggers' work, once (see metrics.ingest.staging): lock what the rows refer to; a
    reference deleted since the lookups were read sends the file to the staging path, which names the lines."""
    for position, (_name, table) in enumerate(REFERENCES):
        ids = sorted({cell[position] for cell in cells if cell[position] is not None})
        if ids and len(lock_existing(cursor, table, ids)) < len(ids):
            raise Fallback("a journey, touchpoint or channel was deleted meanwhile")
