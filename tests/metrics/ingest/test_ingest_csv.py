"""CSV files of responses: POST /api/v1/responses/import/ and the service behind every CSV path."""

import io
from datetime import UTC, date, datetime

import pytest

from metrics.models import SurveyResponse
from metrics.services.responses import IngestRefused, responses_check_csv, responses_import_csv
from tests.cxplatform.factories import UserFactory
from tests.metrics.ingest_data import csv_bytes, csv_row, make_map, upload

URL = "/api/v1/responses/import/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def voc_map(db):
    return make_map()


def send(client, data: bytes, **fields):
    return client.post(URL, {"file": upload(data), **fields})


def test_a_dutch_excel_file_with_bom_semicolons_and_dd_mm_yyyy_is_imported(editor_client, voc_map):
    data = csv_bytes(
        [
            csv_row(voc_map, responded_at="05-03-2024 10:15", comment="Goed; snel", respondent="r-1"),
            csv_row(voc_map, metric="csat", score="2", responded_at="6-3-2024", touchpoint="", channel=""),
        ],
        delimiter=";",
        bom=True,
    )
    response = send(editor_client, data)
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "created": 2,
        "duplicates": 0,
        "rejected": 0,
        "error_count": 0,
        "errors": [],
        "followups_opened": 0,
    }
    first, second = SurveyResponse.objects.order_by("responded_at")
    assert first.responded_at == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert (first.comment, first.respondent, first.source, first.channel) == ("Goed; snel", "r-1", "csv", voc_map.web)
    assert (second.metric, second.score, second.day, second.touchpoint) == ("csat", 2, date(2024, 3, 6), None)


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(editor_client, voc_map):
    data = csv_bytes(
        [["2024-03-05", str(voc_map.journey.pk), "4", "ces"]], header=["responded_at", "journey", "score", "METRIC"]
    )
    assert send(editor_client, data).status_code == 201
    assert SurveyResponse.objects.get().metric == "ces"


def test_an_empty_file_is_refused(editor_client, voc_map):
    response = send(editor_client, b"")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"line": 1, "field": None, "message": "The file is empty."}]


def test_a_header_without_rows_is_refused(editor_client, voc_map):
    response = send(editor_client, csv_bytes([]))
    assert response.json()["errors"][0]["message"] == "The file has a header but no responses."


def test_a_wrong_header_names_the_unknown_and_missing_columns(editor_client, voc_map):
    data = csv_bytes([["nps", "9", "1"]], header=["metric", "rating", "journey"])
    response = send(editor_client, data)
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert message.startswith("Wrong header (unknown columns: 'rating'; missing columns: score, responded_at).")
    assert "required: metric, score, journey, responded_at" in message
    assert response.json()["errors"][0]["line"] == 1


def test_a_file_that_is_not_utf8_is_refused(editor_client, voc_map):
    data = csv_bytes([csv_row(voc_map, comment="caf\u00e9")]).replace("é".encode(), "é".encode("latin-1"))
    response = send(editor_client, data)
    assert response.status_code == 400
    assert "not UTF-8" in response.json()["errors"][0]["message"]


def test_one_bad_line_among_ten_thousand_stores_nothing(editor_client, voc_map):
    rows = [csv_row(voc_map, score=str(i % 11), external_id=f"e-{i}") for i in range(10_000)]
    rows[4_321]["responded_at"] = "31-02-2024"
    response = send(editor_client, csv_bytes(rows))
    assert response.status_code == 400
    body = response.json()
    assert body["error_count"] == 1
    assert body["errors"] == [
        {
            "line": 4_323,  # the header is line 1, the first row line 2
            "field": "responded_at",
            "message": "'31-02-2024' is not a date (use YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][+01:00], DD-MM-YYYY "
            "[HH:MM[:SS]]).",
        }
    ]
    assert not SurveyResponse.objects.exists()


def test_every_rejected_line_is_reported_with_its_number_and_reason(editor_client, voc_map):
    rows = [
        csv_row(voc_map, external_id="a"),
        csv_row(voc_map, score="11"),
        csv_row(voc_map, journey="987654"),
        csv_row(voc_map, touchpoint=str(voc_map.foreign_touchpoint.pk)),
        csv_row(voc_map, external_id="a"),
        ["nps", "9"],
    ]
    response = send(editor_client, csv_bytes(rows))
    assert response.status_code == 400
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [
        (3, "score"),
        (4, "journey"),
        (5, "touchpoint"),
        (6, "external_id"),
        (7, None),
    ]
    messages = [e["message"] for e in response.json()["errors"]]
    assert messages[3] == "external_id “a” of source “csv” is repeated: it is already on line 2."
    assert messages[4] == "Expected 10 values (one per column of the header), found 2."


def test_the_error_list_is_capped_but_the_total_is_given(editor_client, voc_map):
    rows = [csv_row(voc_map, score="42") for _ in range(1_200)]
    body = send(editor_client, csv_bytes(rows)).json()
    assert body["error_count"] == 1_200
    assert len(body["errors"]) == 1_000


def test_an_external_id_stored_with_different_values_is_refused(editor_client, voc_map):
    send(editor_client, csv_bytes([csv_row(voc_map, external_id="x-1", source="tool")]))
    stored = SurveyResponse.objects.get()
    response = send(editor_client, csv_bytes([csv_row(voc_map, external_id="x-1", source="tool", score="3")]))
    assert response.json()["errors"][0]["message"] == (
        f"external_id “x-1” of source “tool” is already stored with different values (response {stored.pk})."
    )


def test_importing_the_same_file_again_stores_nothing_new(editor_client, voc_map):
    data = csv_bytes([csv_row(voc_map, external_id=f"x-{i}") for i in range(5)])
    send(editor_client, data)
    again = send(editor_client, data)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["duplicates"]) == (0, 5)
    assert SurveyResponse.objects.count() == 5


def test_skip_invalid_stores_the_valid_lines_and_lists_the_others(editor_client, voc_map):
    rows = [csv_row(voc_map), csv_row(voc_map, score="11"), csv_row(voc_map, metric="csat", score="5")]
    response = send(editor_client, csv_bytes(rows), skip_invalid="true")
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["rejected"], body["error_count"]) == (2, 1, 1)
    assert body["errors"][0]["line"] == 3
    assert SurveyResponse.objects.count() == 2


def test_multi_line_comments_and_empty_trailing_rows_are_fine(editor_client, voc_map):
    rows = [csv_row(voc_map, comment="Line one\nline two, with a comma"), [""] * 10, [""] * 10]
    assert send(editor_client, csv_bytes(rows)).status_code == 201
    assert SurveyResponse.objects.get().comment == "Line one\nline two, with a comma"


def test_a_large_upload_that_django_keeps_on_disk_is_read_too(editor_client, voc_map, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # larger uploads become temporary files
    rows = [csv_row(voc_map, external_id=f"e-{i}", comment="x" * 50) for i in range(100)]
    response = send(editor_client, csv_bytes(rows))
    assert response.status_code == 201
    assert response.json()["created"] == 100


def test_a_missing_file_field_is_a_clear_400(editor_client, voc_map):
    response = editor_client.post(URL, {})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_only_cx_editors_and_admins_import(client, voc_map):
    client.force_login(UserFactory(role="manager"))
    assert send(client, csv_bytes([csv_row(voc_map)])).status_code == 403
    client.force_login(UserFactory(role="process_owner"))
    assert send(client, csv_bytes([csv_row(voc_map)])).status_code == 403
    assert not SurveyResponse.objects.exists()


def test_skip_invalid_writes_the_rejected_lines_as_they_were_to_the_error_csv(voc_map):
    rows = [
        csv_row(voc_map, comment="fine"),
        csv_row(voc_map, score="12", comment="Te laat; echt"),
        csv_row(voc_map, journey="0", responded_at="gisteren"),
    ]
    errors = io.StringIO()
    result = responses_import_csv(file=io.BytesIO(csv_bytes(rows, delimiter=";")), skip_invalid=True, error_csv=errors)
    assert (result.created, result.rejected) == (1, 2)
    lines = errors.getvalue().lstrip("\ufeff").splitlines()
    assert (
        lines[0] == "metric;score;journey;touchpoint;channel;responded_at;respondent;comment;source;external_id;error"
    )
    tp = voc_map.touchpoint.pk
    assert lines[1] == (
        f"nps;12;{voc_map.journey.pk};{tp};web;2024-03-05 10:15;;Te laat; echt;;;line 3: score: 12 is out of range "
        "for nps (0 to 10)."
    ).replace("Te laat; echt", '"Te laat; echt"')
    assert lines[2].startswith(f"nps;9;0;{tp};web;gisteren;;;;;line 4: journey: Unknown journey 0. | responded_at:")


def test_an_error_csv_once_corrected_imports_as_it_is(voc_map):
    corrected = csv_bytes(
        [csv_row(voc_map, score="10") | {"error": "line 3: score: 12 is out of range for nps (0 to 10)."}],
        header=[*csv_row(voc_map), "error"],
    )
    assert responses_import_csv(file=io.BytesIO(corrected)).created == 1


def test_a_check_counts_and_lists_without_storing(voc_map):
    SurveyResponse.objects.create(
        metric="nps", score=9, journey=voc_map.journey, touchpoint=voc_map.touchpoint, source="csv", external_id="old",
        responded_at=datetime(2024, 3, 5, 9, 15, tzinfo=UTC), day=date(2024, 3, 5),
    )  # fmt: skip
    rows = [csv_row(voc_map, external_id="old"), csv_row(voc_map), csv_row(voc_map, score="99")]
    result = responses_check_csv(file=io.BytesIO(csv_bytes(rows)))
    assert (result.created, result.duplicates, result.rejected, result.error_count) == (1, 1, 1, 1)
    assert [line for line, _values in result.preview] == [2, 3, 4]
    assert SurveyResponse.objects.count() == 1


def test_a_refusal_keeps_the_problems_in_line_order(voc_map):
    rows = [csv_row(voc_map, score="99") for _ in range(3)]
    with pytest.raises(IngestRefused) as refused:
        responses_import_csv(file=io.BytesIO(csv_bytes(rows)))
    assert [problem.position for problem in refused.value.problems] == [2, 3, 4]
    assert refused.value.rejected == 3
