"""Reading any table: CSV (comma, semicolon, tab; with or without BOM) and .xlsx into a header and numbered rows."""

import io
from datetime import date, datetime

import pytest

from metrics.ingest.csvfile import FileRefused
from metrics.ingest.tabular import CSV, XLSX, cell_text, open_table, sniff
from tests.metrics.ingest.mapped_data import csv_of, xlsx_of


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [
        ("Datum;Hoe waarschijnlijk, op een schaal van 0-10, raadt u ons aan?;Toelichting", ";"),
        ('Date,"How likely are you to recommend us; 0-10?",Comment', ","),
        ("Date\tNPS\tComment", "\t"),
        ("OnlyOneColumn", ","),
    ],
)
def test_the_separator_is_the_one_that_splits_the_header(line, delimiter):
    assert sniff(line) == delimiter


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2025, 3, 5, 14, 30, 0, 123), "2025-03-05 14:30:00"),
        (date(2025, 3, 5), "2025-03-05"),
        (9.0, "9"),
        (7.5, "7.5"),
        (None, ""),
        ("  Snel geregeld ", "Snel geregeld"),
        (True, "1"),
    ],
)
def test_cells_read_as_the_text_a_csv_would_hold(value, text):
    assert cell_text(value) == text


@pytest.mark.parametrize("bom", [True, False])
def test_a_csv_with_any_header_reads_as_header_and_numbered_rows(bom):
    data = csv_of(["Datum", "Cijfer", "Opmerking"], [["05-03-2025", "9", "Top"], [], ["06-03-2025", "3"]], bom=bom)
    table = open_table(io.BytesIO(data), "export.csv")
    assert (table.kind, table.delimiter, table.names) == (CSV, ";", ["Datum", "Cijfer", "Opmerking"])
    assert list(table.rows()) == [(2, ["05-03-2025", "9", "Top"]), (4, ["06-03-2025", "3", ""])]


def test_a_workbook_keeps_the_sheet_row_numbers_and_typed_cells():
    data = xlsx_of(
        ["Ingevuld op", "NPS"], [[datetime(2025, 3, 5, 9, 0), 9], [datetime(2025, 3, 6), 10.0]], blank_rows=[1]
    )
    table = open_table(io.BytesIO(data), "enquete.xlsx")
    assert table.kind == XLSX and table.names == ["Ingevuld op", "NPS"]
    assert list(table.rows()) == [(2, ["2025-03-05 09:00:00", "9"]), (4, ["2025-03-06 00:00:00", "10"])]


def test_a_workbook_is_known_by_its_bytes_whatever_its_name():
    data = xlsx_of(["Datum"], [["05-03-2025"]])
    assert open_table(io.BytesIO(data), "export.csv").kind == XLSX


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.csv", "The file is empty."),
        ("Datum;NPS\n".encode("utf-16"), "a.csv", "The file is not UTF-8 text"),
        (b"plain text", "a.xlsx", "The file is not an Excel workbook (.xlsx) that can be read"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(data, name, message):
    with pytest.raises(FileRefused) as refused:
        open_table(io.BytesIO(data), name)
    assert message in refused.value.message
