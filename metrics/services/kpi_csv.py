"""A KPI's measurements from a CSV file: columns period,value[,note], one line per period.

What spreadsheets write is accepted: UTF-8 with or without a byte-order mark, comma or semicolon separated
(Dutch Excel writes semicolons, and then a decimal comma: "12,5"), dates as 2025-03-31 or 31-03-2025.
The import is all or nothing: one bad line and nothing is stored, and every bad line is reported with its
number (the header is line 1) and the reason. A cell a spreadsheet would run, which our CSV files write as
'-2+3, reads as -2+3 (cxplatform.lib.csv_files).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cxplatform.lib import csv_files
from metrics.models import CustomKpi, KpiMeasurement
from metrics.services.kpis import MeasurementInput, measurement_problems, measurements_record

MAX_BYTES = 2 * 1024 * 1024  # a KPI has a value per period: years of them fit in far less
COLUMNS = ["period", "value", "note"]
ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DUTCH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@dataclass(frozen=True)
class LineProblem:
    """Why line `line` (1 is the header; None: the whole file) was refused, and at which column."""

    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return str(self.message)
        return _("Line %(line)s, %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


class ImportRefused(ValidationError):
    """The file was refused; nothing was stored. `problems` lists every bad line."""

    def __init__(self, problems: list[LineProblem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems], code="invalid_file")


@dataclass(frozen=True)
class ImportResult:
    recorded: int
    replaced: int  # of which periods already had a value


def parse_day(text: str) -> date:
    """2025-03-31 or 31-03-2025; raises ValueError with the reason."""
    text = text.strip()
    if match := ISO_DAY.fullmatch(text):
        year, month, day = match.groups()
    elif match := DUTCH_DAY.fullmatch(text):
        day, month, year = match.groups()
    else:
        raise ValueError(_("“%(text)s” is not a date: write 2025-03-31 or 31-03-2025.") % {"text": text})
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(_("“%(text)s” is not a day of the calendar.") % {"text": text}) from None


def parse_amount(text: str, *, decimal_comma: bool) -> Decimal:
    """A plain number with a decimal point, or (in a semicolon-separated file) a decimal comma: "12,5"."""
    cleaned = text.strip()
    if decimal_comma and "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not NUMBER.fullmatch(cleaned):
        hint = _("write 12.5 or, in a semicolon-separated file, 12,5") if decimal_comma else _("write 12.5")
        raise ValueError(_("“%(text)s” is not a number: %(hint)s.") % {"text": text.strip(), "hint": hint})
    return Decimal(cleaned)


def _read(file: IO[bytes] | bytes) -> str:
    raw = file if isinstance(file, bytes) else file.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ImportRefused([LineProblem(None, "file", _("The file is larger than 2 MB."))])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        message = _("This is not UTF-8 text. Save the file as “CSV UTF-8”.")
        raise ImportRefused([LineProblem(line, "file", message)]) from None


def _header(first_line: str) -> tuple[str, list[str]]:
    """The separator and the column names, from the header line."""
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    names = [name.strip().lower() for name in next(csv_files.reader([first_line], delimiter=separator))]
    while names and not names[-1]:
        names.pop()  # Excel writes a separator after the last column when a later line is longer
    if names not in (COLUMNS[:2], COLUMNS):
        found = separator.join(names)
        raise ImportRefused(
            [
                LineProblem(
                    1,
                    "header",
                    _("The first line must name the columns period,value or period,value,note (found “%(found)s”).")
                    % {"found": found},
                )
            ]
        )
    return separator, names


def parse_measurements(text: str) -> tuple[list[MeasurementInput], list[int], list[LineProblem]]:
    """The measurements of the file, the line number of each, and every problem found."""
    if not text.strip():
        raise ImportRefused([LineProblem(None, "file", _("The file is empty."))])
    first_line = text.splitlines()[0]
    separator, names = _header(first_line)
    reader = csv_files.reader(io.StringIO(text, newline=""), delimiter=separator)
    next(reader)
    items: list[MeasurementInput] = []
    lines: list[int] = []
    problems: list[LineProblem] = []
    line = reader.line_num + 1
    for row in reader:
        start, line = line, reader.line_num + 1
        while row and not row[-1].strip():
            row.pop()
        if not row:
            continue  # blank lines, also at the end
        if len(row) > len(names):
            problems.append(
                LineProblem(
                    start,
                    "file",
                    _("%(found)s columns where the header has %(expected)s.")
                    % {"found": len(row), "expected": len(names)},
                )
            )
            continue
        cells = dict(zip(names, [*row, "", ""], strict=False))
        item_problems = []
        if not cells["period"].strip():
            item_problems.append(LineProblem(start, "period", _("The period is missing.")))
        else:
            try:
                period = parse_day(cells["period"])
            except ValueError as error:
                item_problems.append(LineProblem(start, "period", str(error)))
        if not cells["value"].strip():
            item_problems.append(LineProblem(start, "value", _("The value is missing.")))
        else:
            try:
                value = parse_amount(cells["value"], decimal_comma=separator == ";")
            except ValueError as error:
                item_problems.append(LineProblem(start, "value", str(error)))
        if item_problems:
            problems.extend(item_problems)
            continue
        items.append(MeasurementInput(period_start=period, value=value, note=cells.get("note", "").strip()))
        lines.append(start)
    if not items and not problems:
        problems.append(LineProblem(None, "file", _("The file has no measurements below its header line.")))
    return items, lines, problems


@transaction.atomic
def measurements_import_csv(*, kpi: CustomKpi, file: IO[bytes] | bytes) -> ImportResult:
    """Record every line of the CSV file as a measurement of `kpi`, or none: raises ImportRefused listing every
    bad line (its number, the column and the reason) before anything is written."""
    items, lines, problems = parse_measurements(_read(file))
    for problem in measurement_problems(items, describe=lambda index: _("line %(line)s") % {"line": lines[index]}):
        column = "period" if problem.field == "period_start" else problem.field
        problems.append(LineProblem(lines[problem.index], column, problem.message))
    if problems:
        raise ImportRefused(sorted(problems, key=lambda problem: problem.line or 0))
    periods = [item.period_start for item in items]
    replaced = KpiMeasurement.objects.filter(kpi=kpi, period_start__in=periods).count()
    measurements_record(kpi=kpi, items=items)
    return ImportResult(recorded=len(items), replaced=replaced)
