"""Any table of survey answers, as a header and numbered rows: a CSV file (any header, comma, semicolon or tab;
UTF-8 with or without BOM) or an Excel workbook (.xlsx, its first sheet, read with openpyxl in read-only mode).

Line numbers are the spreadsheet's row numbers (the header is line 1), so that a problem names the line a
person sees in Excel. Cells come out as text, as a CSV holds them: a date cell of Excel as an ISO date-time
(local time), a whole number stored as 9.0 as "9".
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from cxplatform.lib import csv_files

from .csvfile import FileRefused

XLSX = "xlsx"
CSV = "csv"
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (";", ",", "\t")


def kind_of(binary: IO[bytes], name: str = "") -> str:
    """xlsx for a zip (a workbook) or a file called .xlsx, else csv."""
    binary.seek(0)
    start = binary.read(4)
    binary.seek(0)
    if start == ZIP_MAGIC or name.lower().endswith((".xlsx", ".xlsm")):
        return XLSX
    return CSV


def cell_text(value: Any) -> str:
    """A cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip() if isinstance(value, str) else str(value)


def sniff(line: str) -> str:
    """The separator that splits the header line into the most columns (quotes respected). On a tie the semicolon:
    Dutch Excel separates with it, and Dutch questions hold commas ("Hoe waarschijnlijk, op een schaal ...")."""
    best, most = ",", 1
    for delimiter in DELIMITERS:
        try:
            count = len(next(csv_files.reader([line], delimiter=delimiter)))
        except (csv_files.Error, StopIteration):
            continue
        if count > most:
            best, most = delimiter, count
    return best


@dataclass
class Table:
    """A header (as written) and a way to read the numbered rows again (the file is read once per pass)."""

    names: list[str]
    kind: str
    delimiter: str
    binary: IO[bytes]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells as text) of every row with a value; cells padded or cut to the header's width."""
        width = len(self.names)
        for line, cells in self._xlsx_rows() if self.kind == XLSX else self._csv_rows():
            if not any(cells):
                continue
            if len(cells) < width:
                cells = [*cells, *[""] * (width - len(cells))]
            yield line, cells

    def samples(self, count: int = 20) -> list[tuple[int, list[str]]]:
        found = []
        for row in self.rows():
            found.append(row)
            if len(found) >= count:
                break
        return found

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        self.binary.seek(0)
        text = io.TextIOWrapper(self.binary, encoding="utf-8-sig", newline="", errors="strict")
        try:
            reader = csv_files.reader(text, delimiter=self.delimiter, strict=True)
            line = 1
            try:
                next(reader)  # the header
                for line, cells in enumerate(reader, start=2):
                    yield line, [cell.strip() for cell in cells]
            except UnicodeDecodeError as error:
                raise FileRefused(not_utf8(error), line=line + 1) from None
            except csv_files.Error as error:
                raise FileRefused(_("The CSV is malformed: %(reason)s.") % {"reason": error}, line=line + 1) from None
        finally:
            text.detach()

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        workbook = open_workbook(self.binary)
        line = 1
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            next(rows, None)
            for line, cells in enumerate(rows, start=2):
                yield line, [cell_text(cell) for cell in cells]
        except FileRefused:
            raise
        except Exception as error:  # a damaged sheet shows only while it is read
            raise FileRefused(
                _("The Excel workbook cannot be read past line %(line)d (%(reason)s). Save it again as .xlsx or CSV.")
                % {"line": line, "reason": type(error).__name__},
                line=line + 1,
            ) from None
        finally:
            workbook.close()


def not_utf8(error: UnicodeDecodeError) -> str:
    return _("The file is not UTF-8 text (%(reason)s). Save it as “CSV UTF-8” and try again.") % {
        "reason": error.reason
    }


def open_workbook(binary: IO[bytes]):
    import openpyxl  # only when a workbook comes in

    binary.seek(0)
    try:
        workbook = openpyxl.load_workbook(binary, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise FileRefused(
            _("The file is not an Excel workbook (.xlsx) that can be read (%(reason)s). Save it as .xlsx or CSV.")
            % {"reason": str(error) or type(error).__name__},
            line=None,
            field="file",
        ) from None
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise FileRefused(
            _("The Excel workbook cannot be read (%(reason)s). Save it again as .xlsx or CSV.")
            % {"reason": type(error).__name__},
            field="file",
        ) from None
    if not workbook.worksheets:
        workbook.close()
        raise FileRefused(_("The workbook has no sheet."), field="file")
    return workbook


def _header_names(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def open_table(binary: IO[bytes], name: str = "") -> Table:
    """The header of a CSV or .xlsx file; FileRefused when it cannot be read or holds nothing."""
    if kind_of(binary, name) == XLSX:
        workbook = open_workbook(binary)
        try:
            first = next(workbook.worksheets[0].iter_rows(values_only=True, max_row=1), None)
        except Exception as error:  # a damaged sheet
            raise FileRefused(
                _("The Excel workbook cannot be read (%(reason)s). Save it again as .xlsx or CSV.")
                % {"reason": type(error).__name__},
                field="file",
            ) from None
        finally:
            workbook.close()
        names = _header_names([cell_text(cell) for cell in first or ()])
        if not names:
            raise FileRefused(_("The first sheet is empty: its first row must name the columns."), line=1)
        return Table(names=names, kind=XLSX, delimiter=",", binary=binary)
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="", errors="strict")
    try:
        first = text.readline()
    except UnicodeDecodeError as error:
        raise FileRefused(not_utf8(error), line=1) from None
    finally:
        text.detach()
    if not first.strip():
        raise FileRefused(_("The file is empty."), line=1)
    delimiter = sniff(first.rstrip("\r\n"))
    try:
        names = [cell.strip() for cell in next(csv_files.reader([first], delimiter=delimiter))]
    except (csv_files.Error, StopIteration):
        raise FileRefused(_("The header line cannot be read."), line=1) from None
    return Table(names=_header_names(names), kind=CSV, delimiter=delimiter, binary=binary)


def table_from_path(path: Path, name: str = "") -> tuple[Table, IO[bytes]]:
    binary = path.open("rb")
    try:
        return open_table(binary, name or path.name), binary
    except BaseException:
        binary.close()
        raise
