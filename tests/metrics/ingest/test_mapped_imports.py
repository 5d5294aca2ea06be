"""Files with their own header (CSV or .xlsx) through a column mapping: the wide split, problems by the file's own
lines and headers, all or nothing, skip-invalid's error file, presets on the page, the command and the API, and
workbooks that cannot be read."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from metrics.ingest.mapping import Mapping, propose
from metrics.ingest.matching import Matcher
from metrics.models import ImportPreset, SurveyResponse
from metrics.services.response_imports import (
    IngestRefused,
    read_table,
    responses_check_table,
    responses_import_table,
)
from metrics.views import imports
from tests.metrics.ingest.mapped_data import DUTCH_WIDE, claim_map, csv_of, dutch_rows, xlsx_of
from tests.services import postgres_or_skip

pytestmark = pytest.mark.django_db
PAGE = reverse("metrics:response-import")
API = "/api/v1/responses/import/"


@pytest.fixture
def claims(db):
    return claim_map()


@pytest.fixture
def when():
    return (timezone.now() - timedelta(days=2)).replace(microsecond=0, tzinfo=None)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "UPLOAD_DIR", tmp_path / "uploads")


def dutch_mapping(data: bytes, name: str) -> Mapping:
    """The proposed mapping of a file, as the mapping step preselects it."""
    table = read_table(io.BytesIO(data), name)
    return propose(table.names, [cells for _line, cells in table.samples()], Matcher.load())


def named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


# The wide split


def test_a_wide_xlsx_row_becomes_one_response_per_metric_linked_by_the_respondent(claims, when):
    _journey, phone, online = claims
    data = xlsx_of(DUTCH_WIDE, dutch_rows(when))
    result = responses_import_table(file=io.BytesIO(data), name="export.xlsx", mapping=dutch_mapping(data, "x.xlsx"))
    assert result.created == 6
    first = {r.metric: r for r in SurveyResponse.objects.filter(respondent="K-1001")}
    assert {metric: r.score for metric, r in first.items()} == {"nps": 3, "csat": 2, "ces": 6}
    assert {r.touchpoint_id for r in first.values()} == {phone.pk}
    assert {r.external_id for r in first.values()} == {"A-1-nps", "A-1-csat", "A-1-ces"}
    assert first["nps"].comment == "Niemand belde terug" and first["csat"].comment == first["ces"].comment == ""
    assert first["nps"].responded_at == timezone.make_aware(when)  # the Excel date cell, local time
    assert SurveyResponse.objects.filter(respondent="K-1002", touchpoint=online).count() == 3


def test_without_a_respondent_column_each_row_gets_a_stable_generated_key(claims, when):
    header = [name for name in DUTCH_WIDE if name != "Klantnummer"]
    rows = [[cell for i, cell in enumerate(row) if i != 1] for row in dutch_rows(when)]
    data = csv_of(header, [[when.strftime("%d-%m-%Y %H:%M"), *row[1:]] for row in rows])
    mapping = dutch_mapping(data, "x.csv")
    check = responses_check_table(file=io.BytesIO(data), mapping=mapping)
    assert check.mapped.generated_respondents
    keys = {record["respondent"] for line, record in check.mapped.preview if line == 2}
    assert len(keys) == 1 and keys.pop().endswith("-2")
    responses_import_table(file=io.BytesIO(data), mapping=mapping)
    again = responses_check_table(file=io.BytesIO(data), mapping=mapping)
    assert again.duplicates == 6 and again.created == 0  # same keys, same external ids: nothing new
    assert SurveyResponse.objects.values("respondent").distinct().count() == 2


def test_a_blank_score_cell_makes_no_response_and_a_row_without_any_score_is_a_problem(claims, when):
    rows = dutch_rows(when)
    rows[0][4] = None  # no CSAT answer
    rows[1][3] = rows[1][4] = rows[1][5] = None
    data = xlsx_of(DUTCH_WIDE, rows)
    check = responses_check_table(file=io.BytesIO(data), mapping=dutch_mapping(data, "x.xlsx"))
    assert check.created == 2
    assert [(p.position, p.field, p.message) for p in check.problems] == [
        (3, DUTCH_WIDE[3], "No score in this row (none of the score columns has a value).")
    ]


# Problems by the file's own lines and headers


def test_problems_name_the_original_line_and_column_header(claims, when):
    rows = dutch_rows(when, count=4)
    rows[1][4] = 9  # CSAT out of range, second data row
    rows[3][2] = "Claim by fone"
    data = xlsx_of(DUTCH_WIDE, rows, blank_rows=[1])  # a blank row after the first: sheet lines 2, 4, 5, 6
    check = responses_check_table(file=io.BytesIO(data), mapping=dutch_mapping(data, "x.xlsx"))
    assert [(p.position, p.field, p.message) for p in check.problems] == [
        (4, "Tevredenheid", "9 is out of range for csat (1 to 5)."),
        (6, "Contactmoment", "“Claim by fone” is not a touchpoint of Report a claim — did you mean “Claim by phone”?"),
    ]
    assert check.rejected == 2
    assert check.created == 6  # rows 2 and 5, three responses each
    unmatched = list(check.mapped.unmatched.values())
    assert [(u.value, u.suggestion, u.lines) for u in unmatched] == [("Claim by fone", "Claim by phone", 1)]


def test_a_repeated_response_id_names_the_original_line_it_repeats(claims, when):
    rows = dutch_rows(when, count=3)
    rows[2][7] = "A-1"
    data = xlsx_of(DUTCH_WIDE, rows, blank_rows=[2])
    check = responses_check_table(file=io.BytesIO(data), mapping=dutch_mapping(data, "x.xlsx"))
    messages = {(p.position, p.field, p.message) for p in check.problems}
    assert (5, "Antwoord ID", "external_id “A-1-nps” of source “csv” is repeated: it is already on line 2.") in messages


# All or nothing, skip-invalid


def test_one_bad_row_stores_nothing_and_every_problem_is_named(claims, when):
    rows = dutch_rows(when, count=3)
    rows[1][3] = 11
    rows[2][2] = "Parking"
    data = xlsx_of(DUTCH_WIDE, rows)
    with pytest.raises(IngestRefused) as refused:
        responses_import_table(file=io.BytesIO(data), name="x.xlsx", mapping=dutch_mapping(data, "x.xlsx"))
    assert [(p.position, p.field) for p in refused.value.problems] == [(3, DUTCH_WIDE[3]), (4, "Contactmoment")]
    assert refused.value.rejected == 2
    assert not SurveyResponse.objects.exists()


def test_skip_invalid_stores_the_rest_and_writes_the_rejected_rows_as_they_were(claims, when):
    rows = dutch_rows(when, count=3)
    rows[2][2] = "Parking"
    data = csv_of(DUTCH_WIDE, [[when.strftime("%d-%m-%Y %H:%M"), *row[1:]] for row in rows])
    errors = io.StringIO()
    result = responses_import_table(
        file=io.BytesIO(data), mapping=dutch_mapping(data, "x.csv"), skip_invalid=True, error_csv=errors
    )
    assert (result.created, result.rejected) == (6, 1)
    lines = errors.getvalue().lstrip("\ufeff").splitlines()
    assert lines[0].split(";") == [*DUTCH_WIDE, "error"]
    assert lines[1].startswith(f"{when.strftime('%d-%m-%Y %H:%M')};K-1003;Parking;3;4;3;;A-3;")
    assert lines[1].endswith("line 4: Contactmoment: “Parking” is not a touchpoint of Report a claim.")


def test_a_standard_csv_without_a_mapping_takes_the_tuned_path_as_before(claims, when):
    journey, phone, _online = claims
    header = ["metric", "score", "journey", "touchpoint", "responded_at"]
    data = csv_of(header, [["nps", "8", str(journey.pk), str(phone.pk), when.isoformat()]], delimiter=",")
    assert responses_import_table(file=io.BytesIO(data)).created == 1


def test_touchpoint_names_in_a_long_csv_import(claims, when):
    _journey, phone, online = claims
    header = ["Date", "Journey", "Touchpoint", "Metric", "Score", "Channel"]
    rows = [
        [when.isoformat(), "Report a claim", "Claim by phone", "NPS", "7", "Telefoon"],
        [when.isoformat(), "report a claim", "claim online", "csat", "5", "web"],
    ]
    data = csv_of(header, rows, delimiter=",", bom=False)
    mapping = dutch_mapping(data, "x.csv")
    assert mapping.columns == {
        "Date": "responded_at", "Journey": "journey", "Touchpoint": "touchpoint", "Metric": "metric",
        "Score": "score", "Channel": "channel",
    }  # fmt: skip
    responses_import_table(file=io.BytesIO(data), mapping=mapping)
    stored = SurveyResponse.objects.order_by("metric")
    assert [(r.metric, r.touchpoint_id, r.channel.slug) for r in stored] == [
        ("csat", online.pk, "web"),
        ("nps", phone.pk, "phone"),
    ]


def test_a_value_mapped_by_hand_is_used(claims, when):
    _journey, phone, _online = claims
    rows = dutch_rows(when, count=1)
    rows[0][2] = "Telefonische melding"
    data = xlsx_of(DUTCH_WIDE, rows)
    mapping = dutch_mapping(data, "x.xlsx")
    mapping.values = {"touchpoint": {"telefonische melding": phone.pk}}
    assert responses_import_table(file=io.BytesIO(data), name="x.xlsx", mapping=mapping).created == 3
    assert set(SurveyResponse.objects.values_list("touchpoint_id", flat=True)) == {phone.pk}


# Workbooks that cannot be read


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a zip at all", "The file is not an Excel workbook (.xlsx) that can be read"),
        (xlsx_of([], []), "The first sheet is empty: its first row must name the columns."),
        (b"PK\x03\x04broken", "The file is not an Excel workbook (.xlsx) that can be read"),
    ],
    ids=["not-a-zip", "empty-sheet", "broken-zip"],
)
def test_a_bad_workbook_is_a_clear_400(editor_client, claims, data, message):
    response = editor_client.post(API, {"file": named(data, "export.xlsx")})
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]
    assert not SurveyResponse.objects.exists()


def test_a_bad_workbook_on_the_page_says_why(editor_client, claims):
    response = editor_client.post(PAGE, {"file": named(b"not a zip", "export.xlsx")}, follow=True)
    html = response.content.decode()
    assert "This file cannot be imported" in html
    assert "The file is not an Excel workbook (.xlsx) that can be read" in html


# The page


def upload(client, data: bytes, name: str, **extra):
    return client.post(PAGE, {"file": named(data, name), **extra})


def mapping_post(response_html: str) -> dict[str, str]:
    """The mapping form's fields as proposed (the selected option of each select)."""
    posted = {}
    for select, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', response_html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        posted[select] = chosen.group(1) if chosen else ""
    return posted


def test_an_xlsx_with_dutch_headers_goes_through_the_mapping_step_to_the_preview_and_imports(
    editor_client, claims, when
):
    data = xlsx_of(DUTCH_WIDE, dutch_rows(when))
    response = upload(editor_client, data, "enquete.xlsx")
    assert response.status_code == 302 and response.url.endswith("/mapping/")
    page = editor_client.get(response.url)
    html = page.content.decode()
    assert "Map the columns" in html and "Niemand belde terug" in html  # a sample of each column
    posted = mapping_post(html)
    assert posted["column-3"] == "nps" and posted["column-4"] == "csat" and posted["column-2"] == "touchpoint"
    preview = editor_client.post(response.url, posted, follow=True)
    html = preview.content.decode()
    assert "The first 6 responses as they will be stored" in html
    assert "Claim by phone" in html and "Import 6 responses" in html
    assert not SurveyResponse.objects.exists()
    done = editor_client.post(preview.redirect_chain[-1][0], follow=True)
    assert "Imported 6 responses." in done.content.decode()
    assert SurveyResponse.objects.count() == 6


def test_the_mapping_step_says_what_is_missing(editor_client, claims, when):
    data = xlsx_of(DUTCH_WIDE, dutch_rows(when))
    url = upload(editor_client, data, "enquete.xlsx").url
    posted = {**mapping_post(editor_client.get(url).content.decode()), "column-0": ""}
    response = editor_client.post(url, posted)
    assert response.status_code == 200
    assert "Choose the column that holds the date of the answer." in response.content.decode()


def test_unmatched_touchpoints_are_offered_for_mapping_in_the_preview(editor_client, claims, when):
    _journey, phone, _online = claims
    rows = dutch_rows(when)
    rows[0][2] = "Claim by fone"
    url = upload(editor_client, xlsx_of(DUTCH_WIDE, rows), "enquete.xlsx").url
    preview = editor_client.post(url, mapping_post(editor_client.get(url).content.decode()), follow=True)
    html = preview.content.decode()
    assert "did you mean “Claim by phone”?" in html
    assert f'<option value="{phone.pk}" selected>Claim by phone</option>' in html  # the suggestion preselected
    token = url.split("/")[-3]
    after = editor_client.post(
        reverse("metrics:response-import-values", args=[token]),
        {"raw-1": "Claim by fone", "value-1": str(phone.pk)},
        follow=True,
    )
    assert "Import 6 responses" in after.content.decode() and "problem" not in after.content.decode().split("<main")[
        1
    ].split("Import 6")[0].lower().replace("problems", "")


def test_a_mapping_saved_as_a_preset_skips_the_mapping_step_next_time(editor_client, claims, when, cx_editor):
    data = xlsx_of(DUTCH_WIDE, dutch_rows(when))
    url = upload(editor_client, data, "week-1.xlsx").url
    posted = {**mapping_post(editor_client.get(url).content.decode()), "save_preset": "on", "preset_name": "Claims NL"}
    editor_client.post(url, posted)
    preset = ImportPreset.objects.get()
    assert (preset.name, preset.created_by) == ("Claims NL", cx_editor)
    assert preset.mapping["columns"]["Tevredenheid"] == "csat"
    page = editor_client.get(PAGE).content.decode()
    assert "Claims NL" in page
    response = upload(editor_client, data, "week-2.xlsx", preset=str(preset.pk))
    assert response.url.endswith(response.url.split("/")[-2] + "/")  # the preview, not the mapping step
    assert "/mapping/" not in response.url
    assert "Import 6 responses" in editor_client.get(response.url).content.decode()
    # the same name again is refused at its field
    again = upload(editor_client, data, "week-3.xlsx").url
    posted = {
        **mapping_post(editor_client.get(again).content.decode()),
        "save_preset": "on",
        "preset_name": "Claims NL",
    }
    assert "A preset called “Claims NL” exists already" in editor_client.post(again, posted).content.decode()


def test_a_preset_is_deleted_after_a_confirmation(editor_client, claims):
    preset = ImportPreset.objects.create(name="Old export", mapping={})
    url = reverse("metrics:import-preset-delete", args=[preset.pk])
    confirm = editor_client.get(url).content.decode()
    assert "Delete the preset “Old export”?" in confirm and "autofocus" in confirm
    assert ImportPreset.objects.exists()
    editor_client.post(url)
    assert not ImportPreset.objects.exists()


def test_others_cannot_use_or_delete_presets(client, claims, process_owner):
    preset = ImportPreset.objects.create(name="Old export", mapping={})
    client.force_login(process_owner)
    assert client.post(reverse("metrics:import-preset-delete", args=[preset.pk])).status_code == 403
    assert client.post(API, {"file": named(b"x", "a.csv"), "preset": "Old export"}).status_code == 403
    assert ImportPreset.objects.exists()


@pytest.mark.parametrize("count", [2, 200])
def test_the_mapping_page_runs_a_fixed_number_of_queries(editor_client, claims, when, django_assert_num_queries, count):
    url = upload(editor_client, xlsx_of(DUTCH_WIDE, dutch_rows(when, count=count)), "enquete.xlsx").url
    # session, user, journeys, touchpoints, channels
    with django_assert_num_queries(5):
        assert editor_client.get(url).status_code == 200


@pytest.mark.parametrize("count", [2, 200])
def test_the_mapped_preview_runs_a_fixed_number_of_queries(
    editor_client, claims, when, django_assert_num_queries, count
):
    postgres_or_skip()
    rows = dutch_rows(when, count=count)
    rows[1][3] = 12
    url = upload(editor_client, xlsx_of(DUTCH_WIDE, rows), "enquete.xlsx").url
    preview = editor_client.post(url, mapping_post(editor_client.get(url).content.decode())).url
    # session, user, journeys, touchpoints, channels (the matcher), then the check of the standard CSV path (its
    # lookups, staging, checks, problems, rollback)
    with django_assert_num_queries(25):
        response = editor_client.get(preview)
    assert f"Import {3 * (count - 1)} responses, skip the others" in response.content.decode()


# The command and the API


def test_the_command_imports_an_xlsx_through_a_preset(tmp_path, claims, when):
    data = xlsx_of(DUTCH_WIDE, dutch_rows(when))
    ImportPreset.objects.create(name="Claims NL", mapping=dutch_mapping(data, "x.xlsx").as_json())
    path = tmp_path / "week.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_responses", str(path), "--preset", "Claims NL", stdout=out, stderr=io.StringIO())
    assert "Imported 6 responses" in out.getvalue()
    assert SurveyResponse.objects.count() == 6


def test_the_command_names_the_original_lines_and_an_unknown_preset(tmp_path, claims, when):
    rows = dutch_rows(when)
    rows[1][5] = 8
    data = xlsx_of(DUTCH_WIDE, rows)
    ImportPreset.objects.create(name="Claims NL", mapping=dutch_mapping(data, "x.xlsx").as_json())
    path = tmp_path / "week.xlsx"
    path.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_responses", str(path), "--preset", "Claims NL", stdout=io.StringIO(), stderr=err)
    assert "line 3: Hoeveel moeite kostte het?: 8 is out of range for ces (1 to 7)." in err.getvalue()
    with pytest.raises(CommandError, match="There is no import preset “Claims EN”"):
        call_command("import_responses", str(path), "--preset", "Claims EN", stdout=io.StringIO())
    assert not SurveyResponse.objects.exists()


def test_the_api_imports_an_xlsx_through_a_preset(editor_client, claims, when):
    data = xlsx_of(DUTCH_WIDE, dutch_rows(when))
    ImportPreset.objects.create(name="Claims NL", mapping=dutch_mapping(data, "x.xlsx").as_json())
    response = editor_client.post(API, {"file": named(data, "week.xlsx"), "preset": "Claims NL"})
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 6


def test_the_api_refuses_an_unknown_preset_naming_the_field(editor_client, claims, when):
    data = xlsx_of(DUTCH_WIDE, dutch_rows(when))
    response = editor_client.post(API, {"file": named(data, "week.xlsx"), "preset": "Nope"})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "preset" and "There is no import preset “Nope”" in error["message"]


def test_the_api_refuses_an_xlsx_with_its_own_header_without_a_preset(editor_client, claims, when):
    data = xlsx_of(DUTCH_WIDE, dutch_rows(when))
    response = editor_client.post(API, {"file": named(data, "week.xlsx")})
    assert response.status_code == 400
    assert "save the mapping as a preset" in response.json()["errors"][0]["message"]


def test_the_schema_documents_the_preset_and_xlsx(editor_client):
    schema = editor_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "import preset" in schema and ".xlsx" in schema


def test_skip_invalid_leaves_a_wide_row_with_one_bad_score_out_whole(claims, when):
    rows = dutch_rows(when, count=3)
    rows[1][5] = 9  # CES out of range; the row's NPS and CSAT are fine
    data = xlsx_of(DUTCH_WIDE, rows)
    mapping = dutch_mapping(data, "x.xlsx")
    assert responses_check_table(file=io.BytesIO(data), name="x.xlsx", mapping=mapping).created == 6
    errors = io.StringIO()
    result = responses_import_table(
        file=io.BytesIO(data), name="x.xlsx", mapping=mapping, skip_invalid=True, error_csv=errors
    )
    assert (result.created, result.rejected) == (6, 1)
    assert not SurveyResponse.objects.filter(respondent="K-1002").exists()
    assert "line 3: Hoeveel moeite kostte het?: 9 is out of range for ces (1 to 7)." in errors.getvalue()


@pytest.mark.parametrize("count", [2, 200])
def test_the_upload_page_lists_the_presets_in_a_fixed_number_of_queries(
    editor_client, claims, cx_editor, django_assert_num_queries, count
):
    ImportPreset.objects.bulk_create(
        ImportPreset(name=f"Preset {n:03}", mapping={"columns": {"Datum": "responded_at"}}, created_by=cx_editor)
        for n in range(count)
    )
    # session, user, the presets with who saved them, the example's journey and touchpoint
    with django_assert_num_queries(4):
        html = editor_client.get(PAGE).content.decode()
    assert html.count('href="/responses/import/presets/') == count
    assert f'<option value="{ImportPreset.objects.get(name="Preset 001").pk}">Preset 001</option>' in html


def test_the_command_checks_through_a_preset_without_storing(tmp_path, claims, when):
    rows = dutch_rows(when, count=3)
    rows[2][2] = "Claim by fone"
    data = xlsx_of(DUTCH_WIDE, rows)
    ImportPreset.objects.create(name="Claims NL", mapping=dutch_mapping(data, "x.xlsx").as_json())
    path = tmp_path / "week.xlsx"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="cannot be imported as it is"):
        call_command("import_responses", str(path), "--preset", "Claims NL", "--check", stdout=out, stderr=err)
    assert "Check only: 6 responses would be stored, 0 are already stored, 1 lines would be rejected." in out.getvalue()
    assert "line 4: Contactmoment: “Claim by fone” is not a touchpoint of Report a claim" in err.getvalue()
    assert not SurveyResponse.objects.exists()
