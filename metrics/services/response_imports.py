"""Imports people can do: a CSV or .xlsx file with any header, read through a column mapping (proposed, confirmed
or a saved preset), checked and stored by the same pipeline as a standard CSV (metrics.services.responses).

The mapped rows are written as standard records to a temporary CSV and fed to `responses_check_csv` /
`responses_import_csv`: all or nothing, or skip-invalid, exactly as there. Every problem names the line and the
column header of the person's own file, never a line of the temporary file. A CSV that already has the standard
header and no mapping goes straight to the tuned path, as before.
"""

from __future__ import annotations

import io
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cxplatform.lib import csv_files
from metrics.ingest.csvfile import FileRefused, check_header
from metrics.ingest.mapped import Mapped, RecordWriter, file_digest, translate
from metrics.ingest.mapping import Mapping
from metrics.ingest.matching import Matcher
from metrics.ingest.pipeline import MAX_PROBLEMS, IngestRefused, Problem, ProgressCallback, line_error
from metrics.ingest.tabular import CSV, Table, open_table
from metrics.models import ImportPreset
from metrics.privacy.redaction import default_redactor
from metrics.services.responses import CSV_SOURCE, IngestResult, responses_check_csv, responses_import_csv

PRESET_NAME_MAX = 100  # ImportPreset.name's max_length


class MappingInvalid(Exception):
    """The mapping does not fit the file: (what, message) pairs, what = a target or "columns"."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(message for _what, message in problems))
        self.problems = problems


@dataclass
class TableCheck:
    """What an import of a mapped file would do."""

    created: int = 0  # responses that would be stored
    duplicates: int = 0
    rejected: int = 0  # lines of the file with a problem
    error_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS, by line
    rows_read: int = 0
    mapped: Mapped | None = None
    writer: RecordWriter | None = None


def read_table(file: IO[bytes], name: str = "") -> Table:
    """The file's header; IngestRefused when it cannot be read (not UTF-8, not a workbook, empty)."""
    try:
        return open_table(file, name)
    except FileRefused as refused:
        raise IngestRefused([Problem(refused.line, refused.field, refused.message)]) from None


def is_standard(table: Table) -> bool:
    """A CSV whose header is the API's field names: the tuned path takes it as it is."""
    if table.kind != CSV:
        return False
    try:
        check_header(table.names)
    except FileRefused:
        return False
    return True


def mapping_for(table: Table, mapping: Mapping | None) -> Mapping:
    """The given mapping; without one, a file with the standard header maps onto itself; anything else needs one."""
    if mapping is not None:
        return mapping
    try:
        check_header(table.names)
    except FileRefused as refused:
        message = _(
            "%(problem)s Or map the file's own columns on the import page, save the mapping as a preset and name it "
            "(preset)."
        ) % {"problem": refused.message}
        raise IngestRefused([Problem(1, None, message)]) from None
    return Mapping.identity(table.names)


def _write_records(
    table: Table, mapping: Mapping, matcher: Matcher, preview: int
) -> tuple[IO[bytes], Mapped, RecordWriter]:
    problems = mapping.problems(table.names, matcher)
    if problems:
        raise MappingInvalid(problems)
    writer = RecordWriter(table, mapping, matcher, file_digest=file_digest(table.binary))
    records, mapped = _records_file(writer, preview=preview)
    if mapped.rows_read == 0:
        records.close()
        raise IngestRefused([Problem(2, None, _("The file has a header but no responses."))])
    return records, mapped, writer


def _records_file(
    writer: RecordWriter, *, preview: int, skip_lines: frozenset[int] = frozenset()
) -> tuple[IO[bytes], Mapped]:
    """The records of the table, in a temporary CSV (rewound), and what writing them found."""
    records = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the caller)
    text = io.TextIOWrapper(records, encoding="utf-8", newline="")
    try:
        mapped = writer.write(text, preview=preview, skip_lines=skip_lines)
    except FileRefused as refused:
        text.close()
        raise IngestRefused([Problem(refused.line, refused.field, refused.message)]) from None
    except BaseException:
        text.close()
        raise
    text.flush()
    text.detach()
    records.seek(0)
    return records, mapped


@dataclass
class _Found:
    """Every problem the pipeline finds in the records (translated), and the original lines they reject."""

    problems: list[Problem] = field(default_factory=list)
    records: set[int] = field(default_factory=set)  # positions in the records' CSV
    lines: set[int] = field(default_factory=set)


def _check_records(records: IO[bytes], mapped: Mapped, writer: RecordWriter) -> tuple[IngestResult, _Found]:
    found = _Found()

    def collect(problem: Problem) -> None:
        if problem.position is not None:
            found.records.add(problem.position)
            found.lines.add(mapped.original_line(problem.position))
        found.problems.append(translate(problem, mapped, writer))

    result = responses_check_csv(file=records, preview_rows=0, line_of=mapped.original_line, on_problem=collect)
    records.seek(0)
    return result, found


def _partly_valid(mapped: Mapped, found: _Found, bad_lines: set[int]) -> int:
    """Valid records of rejected rows (a wide row is stored whole or not at all)."""
    return sum(1 for index, line in enumerate(mapped.origin) if line in bad_lines and index + 2 not in found.records)


def _merge(own: list[Problem], found: list[Problem]) -> list[Problem]:
    """Both lists by original line (this layer's problems first on a line), the first MAX_PROBLEMS."""
    merged = sorted([*own, *found], key=lambda problem: problem.position or 0)
    return merged[:MAX_PROBLEMS]


def responses_check_table(
    *, file: IO[bytes], name: str = "", mapping: Mapping, preview: int = 10, matcher: Matcher | None = None
) -> TableCheck:
    """Everything an import through `mapping` would find, storing nothing. Raises MappingInvalid (the mapping does
    not fit the file) or IngestRefused (the file cannot be read)."""
    table = read_table(file, name)
    matcher = matcher or Matcher.load()
    records, mapped, writer = _write_records(table, mapping, matcher, preview)
    check = TableCheck(rows_read=mapped.rows_read, mapped=mapped, writer=writer)
    try:
        found = _Found()
        if mapped.records:
            result, found = _check_records(records, mapped, writer)
            check.duplicates = result.duplicates
            bad_lines = found.lines | mapped.problem_lines
            check.created = max(result.created - _partly_valid(mapped, found, bad_lines), 0)
        check.error_count = len(found.problems) + len(mapped.problems)
        check.problems = _merge(mapped.problems, found.problems)
        check.rejected = len(found.lines | mapped.problem_lines)
    finally:
        records.close()
    return check


@transaction.atomic
def responses_import_table(
    *,
    file: IO[bytes],
    name: str = "",
    mapping: Mapping | None = None,
    skip_invalid: bool = False,
    error_csv: IO[str] | None = None,
    on_progress: ProgressCallback | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    default_source: str = CSV_SOURCE,
) -> IngestResult:
    """Import a CSV or .xlsx file through `mapping` (None: the file must have the standard header). All or nothing
    (IngestRefused, nothing stored) unless `skip_invalid`: then the valid rows are stored and the rejected ones
    written to `error_csv` as they were in the file, plus an `error` column. Problems name the file's own lines."""
    table = read_table(file, name)
    if mapping is None and is_standard(table):
        return responses_import_csv(
            file=file, skip_invalid=skip_invalid, error_csv=error_csv, on_progress=on_progress,
            on_problem=on_problem, default_source=default_source,
        )  # fmt: skip
    mapping = mapping_for(table, mapping)
    matcher = Matcher.load()
    try:
        records, mapped, writer = _write_records(table, mapping, matcher, preview=0)
    except MappingInvalid as invalid:
        raise IngestRefused([Problem(None, what, message) for what, message in invalid.problems]) from None
    found: list[Problem] = []

    def collect(problem: Problem) -> None:
        found.append(translate(problem, mapped, writer))

    try:
        if mapped.problems and not skip_invalid:
            # Nothing will be stored: still name every problem, this layer's and the pipeline's.
            checked = _check_records(records, mapped, writer)[1] if mapped.records else _Found()
            problems = _merge(mapped.problems, checked.problems)
            _tell(on_problem, problems)
            lines = checked.lines | mapped.problem_lines
            raise IngestRefused(problems, error_count=len(mapped.problems) + len(checked.problems), rejected=len(lines))
        if skip_invalid and writer.wide and mapped.records:
            # A wide row is stored whole or not at all: find the rejected rows first, then leave them out.
            checked = _check_records(records, mapped, writer)[1]
            if checked.lines:
                records.close()
                records, mapped = _records_file(writer, preview=0, skip_lines=frozenset(checked.lines))
                mapped.problems = [*checked.problems, *mapped.problems]
                mapped.problem_lines |= checked.lines
        if not mapped.records:
            result = IngestResult(rows_read=mapped.rows_read)
        else:
            try:
                result = responses_import_csv(
                    file=records, skip_invalid=skip_invalid, on_problem=collect, default_source=default_source,
                    line_of=mapped.original_line,
                )  # fmt: skip
            except IngestRefused as refused:
                problems = _merge(mapped.problems, found or [translate(p, mapped, writer) for p in refused.problems])
                _tell(on_problem, problems)
                lines = {problem.position for problem in problems if problem.position is not None}
                raise IngestRefused(problems, error_count=refused.error_count, rejected=len(lines)) from None
    finally:
        records.close()
    problems = sorted([*mapped.problems, *found], key=lambda problem: problem.position or 0)
    _tell(on_problem, problems)
    by_line: dict[int, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.position is not None:
            by_line[problem.position].append(problem)
    result.problems = problems[:MAX_PROBLEMS]
    result.error_count = len(problems)
    result.rejected = len(by_line)
    result.rows_read = mapped.rows_read
    if error_csv is not None and by_line:
        write_rejected_rows(table, by_line, error_csv, mapping=mapping)
        result.error_csv_rows = len(by_line)
    return result


def _tell(on_problem: Callable[[Problem], None] | None, problems: list[Problem]) -> None:
    if on_problem is not None:
        for problem in problems:
            on_problem(problem)


def write_rejected_rows(
    table: Table, by_line: dict[int, list[Problem]], target: IO[str], *, mapping: Mapping | None = None
) -> None:
    """The rejected rows as they were in the file (its header, its cells), plus an `error` column; the comment
    columns of `mapping` redacted as they would be stored (settings.PII_REDACT): the file stays on the server
    until it is downloaded or swept."""
    redactor = default_redactor()
    comments = (
        {i for i, name in enumerate(table.names) if mapping.columns.get(name) == "comment"}
        if mapping is not None and redactor
        else set()
    )
    writer = csv_files.CsvWriter(target, delimiter=table.delimiter if table.kind == CSV else ";", bom=True)
    writer.writerow([*table.names, "error"])
    width = len(table.names)
    for line, cells in table.rows():
        problems = by_line.get(line)
        if problems:
            pairs = [(problem.field, problem.message) for problem in problems]
            row = [redactor(cell) if i in comments and cell else cell for i, cell in enumerate(cells[:width])]
            writer.writerow([*row, line_error(line, pairs)])


# Presets


def preset_mapping(name: str) -> Mapping:
    """The mapping of a preset by name; ValidationError keyed "preset" when there is none."""
    preset = ImportPreset.objects.filter(name=name.strip()).first() if name and name.strip() else None
    if preset is None:
        known = ", ".join(ImportPreset.objects.values_list("name", flat=True)) or _("none yet")
        raise ValidationError(
            {"preset": _("There is no import preset “%(name)s” (presets: %(known)s).") % {"name": name, "known": known}}
        )
    return Mapping.from_json(preset.mapping)


def import_preset_save(*, name: str, mapping: Mapping, user: Any) -> ImportPreset:
    """A new preset; ValidationError keyed "preset_name" for a blank, too long or taken name."""
    name = name.strip()
    if not name:
        raise ValidationError({"preset_name": _("Give the preset a name.")})
    if len(name) > PRESET_NAME_MAX:
        raise ValidationError({"preset_name": _("At most %(max)d characters.") % {"max": PRESET_NAME_MAX}})
    try:
        with transaction.atomic():
            return ImportPreset.objects.create(name=name, mapping=mapping.as_json(), created_by=user)
    except IntegrityError:
        raise ValidationError(
            {"preset_name": _("A preset called “%(name)s” exists already: choose another name.") % {"name": name}}
        ) from None


@transaction.atomic
def import_preset_delete(*, preset: ImportPreset) -> None:
    preset.delete()
