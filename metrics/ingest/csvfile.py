"""Reading a survey-response CSV as a stream: UTF-8 with or without BOM, comma or semicolon (Dutch Excel writes
semicolons), header names = the API's field names. Line numbers are spreadsheet rows: the header is line 1.
Read and written through cxplatform.lib.csv_files: a cell our error CSV wrote as '=SUM(1) reads as =SUM(1)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from cxplatform.lib import csv_files

from .records import FIELDS, REQUIRED

# An error CSV (the rejected lines plus this column) can be corrected and imported again as it is.
ERROR_COLUMN = "error"


class FileRefused(Exception):
    """The file as a whole cannot be read: not UTF-8, empty, wrong header. `line` is where it was noticed."""

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.field = field


@dataclass(frozen=True)
class Header:
    names: list[str]  # as written in the file
    columns: list[str]  # normalised (lower case, trimmed)
    delimiter: str


def sniff_delimiter(line: str) -> str:
    """The separator of the header line: the header holds only field names, so counting is enough."""
    return ";" if line.count(";") > line.count(",") else ","


def check_header(names: Sequence[str]) -> list[str]:
    columns = [name.strip().lower() for name in names]
    known = {*FIELDS, ERROR_COLUMN}
    unknown = [name for name, column in zip(names, columns, strict=True) if column not in known]
    missing = [name for name in REQUIRED if name not in columns]
    repeated = sorted({column for column in columns if columns.count(column) > 1})
    problems = []
    if unknown:
        problems.append(_("unknown columns: %(names)s") % {"names": ", ".join(repr(name) for name in unknown)})
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if repeated:
        problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(repeated)})
    if problems:
        raise FileRefused(
            _("Wrong header (%(problems)s). The columns are: %(fields)s; required: %(required)s.")
            % {"problems": "; ".join(problems), "fields": ", ".join(FIELDS), "required": ", ".join(REQUIRED)},
            line=1,
        )
    return columns


class CsvStream:
    """Iterate (line, values) over the data rows of a binary file object; blank lines are skipped.

    `bytes_read` tells how far the reader got (for a progress bar); `header` is known once the stream is open.
    """

    def __init__(self, binary: IO[bytes]) -> None:
        self.binary = binary
        binary.seek(0)
        # newline="" lets the csv module see line breaks inside quoted fields (multi-line comments).
        self.text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="", errors="strict")
        try:
            first = self.text.readline()
        except UnicodeDecodeError as error:
            raise FileRefused(self._not_utf8(error), line=1) from None
        if not first.strip():
            raise FileRefused(_("The file is empty."), line=1)
        delimiter = sniff_delimiter(first)
        names = next(csv_files.reader([first], delimiter=delimiter))
        self.header = Header(names=names, columns=check_header(names), delimiter=delimiter)
        self.reader = csv_files.reader(self.text, delimiter=delimiter, strict=True)

    @property
    def bytes_read(self) -> int:
        return self.binary.tell()

    def _not_utf8(self, error: UnicodeDecodeError) -> str:
        return _("The file is not UTF-8 text (%(reason)s). Save it as “CSV UTF-8” and try again.") % {
            "reason": error.reason
        }

    def numbered(self) -> Iterator[tuple[int, list[str]]]:
        """(line, values) of every row, empty ones included (the fastest way through a big file); iterate
        inside `reading()`."""
        return enumerate(self.reader, start=2)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Turns a decoding or CSV error met while iterating into FileRefused."""
        try:
            yield
        except UnicodeDecodeError as error:
            raise FileRefused(self._not_utf8(error), line=self.reader.line_num + 1) from None
        except csv_files.Error as error:
            raise FileRefused(
                _("The CSV is malformed: %(reason)s.") % {"reason": error}, line=self.reader.line_num
            ) from None

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """Rows of any width (the caller compares with the header's); empty rows are skipped."""
        line = 1
        try:
            for line, row in enumerate(self.reader, start=2):
                if any(row):  # Excel leaves rows of bare separators at the end of a sheet
                    yield line, row
        except UnicodeDecodeError as error:
            raise FileRefused(self._not_utf8(error), line=line + 1) from None
        except csv_files.Error as error:
            raise FileRefused(_("The CSV is malformed: %(reason)s.") % {"reason": error}, line=line + 1) from None

    def close(self) -> None:
        self.text.detach()


def width_message(width: int, found: int) -> str:
    return _("Expected %(width)d values (one per column of the header), found %(found)d.") % {
        "width": width,
        "found": found,
    }


class ErrorCsv:
    """An error CSV: rejected lines as they were read, plus an `error` column; the file's separator, and a BOM so
    that Excel reads the UTF-8. Cells a spreadsheet would run are neutralised; CsvStream restores them."""

    def __init__(self, target: IO[str], header: Header, *, redact: Callable[[str], str] | None = None) -> None:
        self.keep = [i for i, column in enumerate(header.columns) if column != ERROR_COLUMN]
        # The comment as it would be stored (metrics.privacy.redaction): the error file is kept on the server
        # until it is downloaded or swept, and a fixed line imported again stores the same comment.
        self.redact = redact
        self.comment = header.columns.index("comment") if redact is not None and "comment" in header.columns else None
        self.writer = csv_files.CsvWriter(target, delimiter=header.delimiter, bom=True)
        self.writer.writerow([*(header.names[i] for i in self.keep), ERROR_COLUMN])

    def write(self, values: list[str], error: str) -> None:
        at = self.comment
        if at is not None and at < len(values) and values[at] and self.redact is not None:
            values = [*values[:at], self.redact(values[at]), *values[at + 1 :]]
        self.writer.writerow([*(values[i] if i < len(values) else "" for i in self.keep), error])


class RejectedLinesWriter:
    """An ErrorCsv of lines known by number, added in increasing order: the source file is read once more, in
    step (a merge by line number: neither the file nor the rejections are held in memory)."""

    def __init__(self, target: IO[str], source: IO[bytes], *, redact: Callable[[str], str] | None = None) -> None:
        self.stream = CsvStream(source)
        self.rows = iter(self.stream)
        self.out = ErrorCsv(target, self.stream.header, redact=redact)

    def add(self, line: int, error: str) -> None:
        for number, values in self.rows:
            if number == line:
                self.out.write(values, error)
                return

    def close(self) -> None:
        self.stream.close()
