"""The one CSV writer and reader: what a spreadsheet would run is neutralised, and reading undoes exactly that."""

import csv
import io
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from cxplatform.lib import csv_files
from cxplatform.lib.csv_files import CsvWriter

REPO = Path(__file__).resolve().parents[2]

# The OWASP examples: each would run as a formula when the file is opened in a spreadsheet.
FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tTab first",
    "\rCarriage return first",
]


def written(*rows, **options) -> str:
    out = io.StringIO()
    CsvWriter(out, **options).writerows(rows)
    return out.getvalue()


def read_back(text: str, **options) -> list[list[str]]:
    return list(csv_files.reader(io.StringIO(text, newline=""), **options))


def as_a_spreadsheet_reads_it(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe_and_quotes(text):
    body = written(["before", text, "after"])
    assert body == "before,\"'" + text.replace('"', '""') + '",after\r\n'
    assert as_a_spreadsheet_reads_it(body) == [["before", "'" + text, "after"]]


@pytest.mark.parametrize("text", FORMULAS)
def test_reading_gives_the_text_back(text):
    assert read_back(written([text, 1])) == [[text, "1"]]


def test_numbers_stay_numbers():
    body = written([-2, -12.5, Decimal("-3.50"), 0, "-2", "+3", "-0.125", "-12,5", "-2+3"])
    assert as_a_spreadsheet_reads_it(body) == [["-2", "-12.5", "-3.50", "0", "-2", "+3", "-0.125", "-12,5", "'-2+3"]]


def test_none_is_an_empty_cell_and_other_values_are_their_text():
    assert written([None, True, "a"], [""]) == ',True,a\r\n""\r\n'


def test_a_file_of_ordinary_text_is_what_csv_writer_writes():
    rows = [["journey", 'naïve, quoted "name"', "multi\nline", " spaced ", "", 3, 2.5], ["x;y", "'quoted'"]]
    for delimiter in (",", ";"):
        expected = io.StringIO()
        csv.writer(expected, delimiter=delimiter).writerows(rows)
        assert written(*rows, delimiter=delimiter) == expected.getvalue()


def test_a_byte_order_mark_starts_the_file_when_asked():
    assert written(["a"], bom=True) == "\ufeffa\r\n"


def test_a_semicolon_file_quotes_semicolons_not_commas():
    assert written(["a;b", "c,d", "=1;2"], delimiter=";") == '"a;b";c,d;"\'=1;2"\r\n'
    assert read_back(written(["a;b", "c,d", "=1;2"], delimiter=";"), delimiter=";") == [["a;b", "c,d", "=1;2"]]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("'=SUM(1)", "=SUM(1)"),  # written by us, or typed so in a spreadsheet
        ("''=SUM(1)", "'=SUM(1)"),  # exactly one apostrophe comes off
        ("'-2", "-2"),  # an older export neutralised negative numbers as text
        ("'quoted'", "'quoted'"),  # an apostrophe before ordinary text stays
        ("'", "'"),
        ("don't", "don't"),
    ],
)
def test_the_reader_takes_off_one_apostrophe_before_a_formula_character_only(cell, text):
    assert csv_files.restore(cell) == text
    assert read_back(f"x,{cell}\r\n") == [["x", text]]


def test_any_text_survives_a_write_and_a_read():
    rng = random.Random(12)
    alphabet = ["'", "=", "+", "-", "@", "\t", "\r", "\n", '"', ",", ";", "1", "2", ".", " ", "a", "é", "\0"]
    texts = ["", "'", "''", "'=x", "''-y", "'-2", "-", "+", "@", "-2", "-2.", ".5", "-,5"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 7))) for _ in range(3000)]
    rows = [texts[i : i + 5] for i in range(0, len(texts), 5)]
    for delimiter in (",", ";"):
        assert read_back(written(*rows, delimiter=delimiter), delimiter=delimiter) == rows
        for row in as_a_spreadsheet_reads_it(written(*rows)):
            for cell in row:
                # What reaches the spreadsheet never starts with a formula character, but for a plain number.
                assert not cell.startswith(csv_files.FORMULA_STARTS) or re.fullmatch(r"[+-]\d*[.,]?\d*", cell)


# Files the product writes or reads, outside the writer itself: none may use the csv module's writer or reader,
# or they would write a formula cell as it is, or read ours back with its apostrophe.
DIRECT_USE = re.compile(r"\bcsv\.(writer|DictWriter|reader|DictReader)\b|^\s*(import csv|from csv import)", re.M)
PRODUCT = ["cxplatform", "journeys", "teams", "metrics"]


def test_every_csv_the_product_writes_or_reads_goes_through_the_one_writer_and_reader():
    sources = [path for package in PRODUCT for path in (REPO / package).rglob("*.py")]
    assert len(sources) > 50  # the scan sees the source tree
    offenders = [
        f"{path.relative_to(REPO)}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sources
        if path != REPO / "cxplatform" / "lib" / "csv_files.py"
        for text in [path.read_text(encoding="utf-8")]
        for match in DIRECT_USE.finditer(text)
    ]
    assert offenders == []
