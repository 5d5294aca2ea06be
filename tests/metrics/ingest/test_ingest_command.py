"""manage.py import_responses FILE.csv [--skip-invalid] [--check]."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from metrics.models import SurveyResponse
from tests.metrics.ingest_data import csv_bytes, csv_row, make_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def voc_map(db):
    return make_map()


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_responses", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, rows, **options):
    path = tmp_path / "responses.csv"
    path.write_bytes(csv_bytes(rows, **options))
    return path


def test_it_imports_a_file_and_prints_a_summary_and_a_progress_bar(tmp_path, voc_map):
    path = write(tmp_path, [csv_row(voc_map, external_id=str(i)) for i in range(3)], delimiter=";", bom=True)
    out, err = run(str(path))
    assert SurveyResponse.objects.count() == 3
    assert "Imported 3 responses (0 already stored, 0 lines rejected) from 3 lines" in out
    assert "[##############################] 100%" in err and "rows/s" in err
    assert not (tmp_path / "responses.errors.csv").exists()


def test_a_bad_line_stores_nothing_prints_every_rejected_line_and_exits_non_zero(tmp_path, voc_map):
    rows = [csv_row(voc_map), csv_row(voc_map, score="11"), csv_row(voc_map), csv_row(voc_map, journey="x")]
    path = write(tmp_path, rows)
    err = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_responses", str(path), stdout=io.StringIO(), stderr=err)
    assert refused.value.returncode == 1  # manage.py exits with it (BaseCommand.run_from_argv)
    printed = err.getvalue() + str(refused.value)
    assert "line 3: score: 11 is out of range for nps (0 to 10)." in printed
    assert "line 5: journey: 'x' is neither a journey id nor a journey key." in printed
    assert "Nothing was imported: 2 rejected lines (2 problems)." in printed
    assert not SurveyResponse.objects.exists()


def test_skip_invalid_stores_the_rest_and_writes_the_error_csv_beside_the_file(tmp_path, voc_map):
    rows = [csv_row(voc_map), csv_row(voc_map, score="11"), csv_row(voc_map, metric="ces", score="7")]
    path = write(tmp_path, rows)
    out, err = run(str(path), "--skip-invalid", "--no-progress")
    assert SurveyResponse.objects.count() == 2
    assert "line 3: score: 11 is out of range" in err
    error_csv = tmp_path / "responses.errors.csv"
    assert f"The rejected lines are in {error_csv}." in out
    lines = error_csv.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].endswith(",external_id,error")
    assert lines[1].startswith("nps,11,") and lines[1].endswith("line 3: score: 11 is out of range for nps (0 to 10).")
    assert len(lines) == 2


def test_a_wrong_header_is_printed_and_refused(tmp_path, voc_map):
    path = write(tmp_path, [["nps", "9"]], header=["metric", "grade"])
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(str(path), "--no-progress")


def test_an_empty_file_is_refused(tmp_path, voc_map):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_responses", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 1: The file is empty." in err.getvalue()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        run(str(tmp_path / "nope.csv"))


def test_check_reports_without_storing(tmp_path, voc_map):
    path = write(tmp_path, [csv_row(voc_map), csv_row(voc_map, score="-1")])
    with pytest.raises(CommandError, match="cannot be imported as it is"):
        run(str(path), "--check", "--no-progress")
    assert not SurveyResponse.objects.exists()
    path = write(tmp_path, [csv_row(voc_map)])
    out, _err = run(str(path), "--check", "--no-progress")
    assert "Check only: 1 responses would be stored" in out
    assert not SurveyResponse.objects.exists()


def test_the_error_csv_defuses_formulas_and_imports_again_unchanged_once_fixed(tmp_path, voc_map):
    rows = [
        csv_row(voc_map, comment='=HYPERLINK("http://x","y")'),
        csv_row(voc_map, score="11", comment="-2+3", respondent="+cmd|' /C calc'!A0", external_id="a"),
        csv_row(voc_map, score="-2", comment="@SUM(A1)", respondent="'=already quoted", external_id="b"),
    ]
    path = write(tmp_path, rows)
    run(str(path), "--skip-invalid", "--no-progress")
    error_csv = tmp_path / "responses.errors.csv"
    text = error_csv.read_text(encoding="utf-8-sig")

    # What a spreadsheet opening the error file sees: no cell that runs; the scores still numbers.
    opened = {row["external_id"]: row for row in csv.DictReader(io.StringIO(text, newline=""))}
    assert (opened["a"]["score"], opened["a"]["comment"], opened["a"]["respondent"]) == (
        "11",
        "'-2+3",
        "'+cmd|' /C calc'!A0",
    )
    # A cell neutralised by hand (or by another program) reads as the text behind the apostrophe.
    assert (opened["b"]["score"], opened["b"]["comment"], opened["b"]["respondent"]) == (
        "-2",
        "'@SUM(A1)",
        "'=already quoted",
    )

    # Fixed (the scores) and imported again: the texts are stored as they were in the first file.
    error_csv.write_text(text.replace("nps,11,", "nps,9,").replace("nps,-2,", "nps,7,"), encoding="utf-8-sig")
    run(str(error_csv), "--no-progress")
    stored = dict(SurveyResponse.objects.exclude(external_id="").values_list("external_id", "comment"))
    assert stored == {"a": "-2+3", "b": "@SUM(A1)"}
    assert SurveyResponse.objects.get(external_id="a").respondent == "+cmd|' /C calc'!A0"
    assert SurveyResponse.objects.get(external_id="b").respondent == "=already quoted"
    assert SurveyResponse.objects.get(external_id="").comment == '=HYPERLINK("http://x","y")'
