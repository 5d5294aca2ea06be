"""The import page: upload, preview (first rows and every problem, nothing stored), confirm, rejected lines."""

import re

import pytest
from django.urls import reverse

from cxplatform.accounts.models import Role
from metrics.models import SurveyResponse
from metrics.views import imports
from tests.cxplatform.factories import UserFactory
from tests.metrics.ingest_data import csv_bytes, csv_row, make_map, upload
from tests.services import postgres_or_skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def voc_map(db):
    return make_map()


PAGE = reverse("metrics:response-import")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "UPLOAD_DIR", tmp_path / "uploads")


def upload_file(client, data: bytes):
    """Upload and follow to the preview page; returns (preview response, its url)."""
    response = client.post(PAGE, {"file": upload(data)})
    assert response.status_code == 302, response.content
    return client.get(response.url), response.url


def test_the_page_shows_the_columns_and_an_example(editor_client, voc_map):
    response = editor_client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    for column in ["metric", "score", "journey", "touchpoint", "channel", "responded_at", "external_id"]:
        assert f"<code>{column}</code>" in html
    assert f"nps;9;{voc_map.journey.pk};" in html  # the example uses a real journey
    assert 'type="file"' in html and 'name="file"' in html


@pytest.mark.parametrize("role", [Role.MANAGER, Role.PROCESS_OWNER])
def test_others_neither_see_the_page_nor_its_link(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"file": upload(b"metric")}).status_code == 403
    assert PAGE not in client.get(reverse("home")).content.decode()


def test_cx_editors_see_the_link_in_the_navigation(editor_client):
    assert f'href="{PAGE}"' in editor_client.get(reverse("home")).content.decode()


def test_the_preview_shows_the_first_rows_and_every_problem_and_stores_nothing(editor_client, voc_map):
    rows = [csv_row(voc_map, comment=f"row {i}") for i in range(14)]
    rows[1]["score"] = "11"
    rows[12]["journey"] = "987654"
    response, _url = upload_file(editor_client, csv_bytes(rows, delimiter=";"))
    html = response.content.decode()
    assert response.status_code == 200
    body_rows = re.findall(r"<td>row (\d+)</td>", html)
    assert body_rows == [str(i) for i in range(10)]  # the first 10 rows
    assert "11 is out of range for nps (0 to 10)." in html
    assert "Unknown journey 987654." in html
    assert "2 problems" in html
    assert "Import 12 responses, skip the others" in html
    assert not SurveyResponse.objects.exists()


def test_confirming_imports_the_valid_rows_and_offers_the_skipped_lines(editor_client, voc_map):
    rows = [csv_row(voc_map), csv_row(voc_map, score="11"), csv_row(voc_map, metric="csat", score="1")]
    _preview, url = upload_file(editor_client, csv_bytes(rows))
    response = editor_client.post(url, {"skip_invalid": "on"}, follow=True)
    html = response.content.decode()
    assert SurveyResponse.objects.count() == 2
    assert "Imported 2 responses." in html
    assert "1 line skipped" in html
    link = re.search(r'href="([^"]+rejected\.csv)"', html).group(1)
    download = editor_client.get(link)
    assert download.status_code == 200
    content = b"".join(download.streaming_content).decode("utf-8-sig")
    assert content.splitlines()[1].endswith("line 3: score: 11 is out of range for nps (0 to 10).")


def test_confirming_a_clean_file_imports_everything(editor_client, voc_map):
    _preview, url = upload_file(editor_client, csv_bytes([csv_row(voc_map, external_id=str(i)) for i in range(3)]))
    response = editor_client.post(url, follow=True)
    assert "Imported 3 responses." in response.content.decode()
    assert "3 responses stored" in response.content.decode()
    assert SurveyResponse.objects.count() == 3
    assert editor_client.get(url).status_code == 404  # the upload is gone once imported


def test_a_file_that_cannot_be_read_shows_why(editor_client, voc_map):
    response, _url = upload_file(editor_client, csv_bytes([["x"]], header=["metric", "stars"]))
    html = response.content.decode()
    assert "This file cannot be imported" in html
    assert "Wrong header (unknown columns: &#x27;stars&#x27;" in html
    assert "Import" not in re.sub(r"<h2[^>]*>Import</h2>|Import responses|import", "", html.split("<main")[1])


def test_an_upload_belongs_to_the_session_that_made_it(client, editor_client, voc_map, outsider):
    _preview, url = upload_file(editor_client, csv_bytes([csv_row(voc_map)]))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_discarding_an_upload_removes_it(editor_client, voc_map):
    _preview, url = upload_file(editor_client, csv_bytes([csv_row(voc_map)]))
    editor_client.post(f"{url}cancel/")
    assert editor_client.get(url).status_code == 404
    assert not list((imports.UPLOAD_DIR).glob("*.csv"))


def test_the_upload_page_runs_a_fixed_number_of_queries(editor_client, voc_map, django_assert_num_queries):
    # session, user, the example's journey and touchpoint
    with django_assert_num_queries(3):
        editor_client.get(PAGE)


@pytest.mark.parametrize("count", [2, 200])
def test_the_preview_runs_a_fixed_number_of_queries(editor_client, voc_map, django_assert_num_queries, count):
    postgres_or_skip()  # the count is Postgres's: COPY, locks (SQLite stages in batches, without locks)
    rows = [csv_row(voc_map, external_id=str(i)) for i in range(count)]
    rows[0]["score"] = "99"
    _preview, url = upload_file(editor_client, csv_bytes(rows))
    # session, user, savepoint, journeys, touchpoints, the touchpoints' keys and aliases, channels, staging (drop, create, COPY), checks (work_mem,
    # analyze, repeated ids, the sources and their lock, stored ids, references and their locks: journey, touchpoint,
    # channel), index of the rejected lines, the first problems, rollback and release savepoint
    with django_assert_num_queries(24):
        response = editor_client.get(url)
    assert f"Import {count - 1} response" in response.content.decode()
