"""Every CSV file the product writes, and reads back: safe to open in a spreadsheet (CSV injection, OWASP).

A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a formula:
`=HYPERLINK("http://evil","Click")` or `+cmd|' /C calc'!A0` typed as a touchpoint name would run on the
machine of whoever opens an export. So `CsvWriter` writes such a text cell with a leading apostrophe, which a
spreadsheet shows as text, and quotes that cell ("'=SUM(1)"); `reader` takes the apostrophe off again, so a
file we wrote imports with the values it was written from.

Numbers stay numbers: an int, float or Decimal (a score of -2, an ROI of -12.5) is written as it is, and so is
text that is exactly a number ("-2", "+3", "-0.125", "-12,5"), because a spreadsheet reads it as that number,
not as a formula; only text that would run ("-2+3", "=1") is neutralised.

The rule is a bijection, so any text survives a write and a read: the writer adds one apostrophe to text that
starts with apostrophes followed by a formula character ("'=x" becomes "''=x"), and the reader takes exactly
one off a cell of that shape. A cell typed by hand as "'=SUM(1)" also reads as "=SUM(1)".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_WOULD_RUN = re.compile(r"'*[=+\-@\t\r]")  # with any apostrophes before: so that reading undoes writing
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_NUMBERS = (int, float, Decimal)

Error = csv.Error


class _Target(Protocol):
    def write(self, text: str, /) -> Any: ...


def would_run(text: str) -> bool:
    """A spreadsheet would run this text as a formula (or it starts with apostrophes before such text)."""
    return _WOULD_RUN.match(text) is not None and _PLAIN_NUMBER.fullmatch(text) is None


def neutralise(text: str) -> str:
    """The text as written in a cell: with an apostrophe in front if a spreadsheet would run it."""
    return "'" + text if would_run(text) else text


def restore(cell: str) -> str:
    """The text a cell was written from: the inverse of `neutralise`."""
    return cell[1:] if _NEUTRALISED.match(cell) else cell


def restore_row(row: list[str]) -> list[str]:
    # Fast path (a million-row import): one join and one search find whether any cell starts with an apostrophe.
    if "\0'" not in "\0" + "\0".join(row):
        return row
    return [restore(cell) for cell in row]


class CsvWriter:
    """Like csv.writer (minimal quoting, "\\r\\n" line ends), with the cells neutralised and quoted (see above).

    `bom` starts the file with a byte-order mark, so that Excel reads the UTF-8 (accents) right.
    """

    def __init__(
        self, target: _Target, *, delimiter: str = ",", lineterminator: str = "\r\n", bom: bool = False
    ) -> None:
        if len(delimiter) != 1 or delimiter in "\"'\r\n":
            raise ValueError(f"not a CSV delimiter: {delimiter!r}")
        self.target = target
        self.delimiter = delimiter
        self.lineterminator = lineterminator
        self._needs_quotes = re.compile(f'[{re.escape(delimiter)}"\r\n]')
        if bom:
            target.write("\ufeff")

    def cell(self, value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, _NUMBERS) and not isinstance(value, bool):
            return str(value)
        text = str(value)
        if would_run(text):
            return "\"'" + text.replace('"', '""') + '"'
        if self._needs_quotes.search(text):
            return '"' + text.replace('"', '""') + '"'
        return text

    def line(self, row: Iterable[object]) -> str:
        cells = [self.cell(value) for value in row]
        if cells == [""]:
            cells = ['""']  # a row of one empty cell is not a blank line (as csv.writer writes it)
        return self.delimiter.join(cells) + self.lineterminator

    def writerow(self, row: Iterable[object]) -> None:
        self.target.write(self.line(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        write = self.target.write
        for row in rows:
            write(self.line(row))


class CsvReader:
    """csv.reader that restores every cell (see `restore`); `line_num` as csv.reader's."""

    def __init__(self, lines: Iterable[str], **fmtparams: Any) -> None:
        self._reader = csv.reader(lines, **fmtparams)

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> Iterator[list[str]]:
        # map, not a generator method: no Python frame per row on the fast path
        return map(restore_row, self._reader)

    def __next__(self) -> list[str]:
        return restore_row(next(self._reader))


def reader(lines: Iterable[str], **fmtparams: Any) -> CsvReader:
    return CsvReader(lines, **fmtparams)
