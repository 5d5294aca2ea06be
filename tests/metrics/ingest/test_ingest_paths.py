"""Which way a CSV import goes on Postgres: straight into the table (metrics.ingest.direct) while the file is read,
or through staging (metrics.ingest.staging) whenever the direct path cannot settle the file alone. Either way the
outcome is the same; these tests pin the hand-over, and that nothing of an abandoned direct attempt remains."""

import io
from datetime import date

import pytest

from metrics.ingest.records import Lookups
from metrics.models import FollowUpCase, SurveyResponse
from metrics.services import responses as service
from metrics.services.responses import IngestRefused, responses_create, responses_import_csv
from tests.metrics.ingest_data import csv_bytes, csv_row, make_map, recent, record
from tests.services import postgres_or_skip

pytestmark = pytest.mark.django_db


@pytest.fixture
def voc_map(db):
    return make_map()


@pytest.fixture(autouse=True)
def _postgres():
    postgres_or_skip()


@pytest.fixture
def staging_path(monkeypatch):
    """Counts the imports that went through staging."""
    calls = []
    real = service.stage_csv

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "stage_csv", spy)
    return calls


def load(data: bytes, **options):
    return responses_import_csv(file=io.BytesIO(data), **options)


def test_a_clean_file_goes_straight_into_the_table(voc_map, staging_path):
    rows = [csv_row(voc_map, external_id=f"x-{i}", score=str(i % 11)) for i in range(300)]
    result = load(csv_bytes(rows))
    assert (result.created, result.duplicates, result.rejected) == (300, 0, 0)
    assert staging_path == []
    assert SurveyResponse.objects.filter(source="csv").count() == 300


def test_with_skip_invalid_the_direct_path_reports_every_rejected_line_in_order(voc_map, staging_path):
    rows = [csv_row(voc_map), csv_row(voc_map, score="12"), csv_row(voc_map), csv_row(voc_map, journey="x")]
    seen = []
    errors = io.StringIO()
    result = load(csv_bytes(rows), skip_invalid=True, on_problem=seen.append, error_csv=errors)
    assert staging_path == []
    assert (result.created, result.rejected) == (2, 2)
    assert [(p.position, p.field) for p in seen] == [(3, "score"), (5, "journey")]
    assert [line.split(",")[-1][:7] for line in errors.getvalue().splitlines()[1:]] == ["line 3:", "line 5:"]


def test_a_repeated_external_id_far_into_the_file_falls_back_and_is_named(voc_map, staging_path):
    rows = [csv_row(voc_map, external_id=f"x-{i}") for i in range(1_500)]
    rows[1_400]["external_id"] = "x-1200"  # beyond the rows looked up before the COPY
    with pytest.raises(IngestRefused) as refused:
        load(csv_bytes(rows))
    assert staging_path == [1]
    assert [(p.position, p.message) for p in refused.value.problems] == [
        (1_402, "external_id “x-1200” of source “csv” is repeated: it is already on line 1202.")
    ]
    assert not SurveyResponse.objects.exists()  # nothing of the abandoned direct attempt


def test_an_external_id_stored_before_falls_back_and_counts_as_a_resend(voc_map, staging_path):
    responses_create(records=record(voc_map, external_id="late", source="csv", responded_at="2024-03-05 10:15"))
    rows = [csv_row(voc_map, external_id=f"x-{i}") for i in range(1_200)]
    rows[1_100]["external_id"] = "late"
    result = load(csv_bytes(rows))
    assert staging_path == [1]
    assert (result.created, result.duplicates) == (1_199, 1)
    assert SurveyResponse.objects.count() == 1_200


def test_a_file_sent_again_goes_to_staging_at_once(voc_map, staging_path):
    data = csv_bytes([csv_row(voc_map, external_id=f"x-{i}") for i in range(50)])
    load(data)
    assert staging_path == []
    result = load(data)
    assert staging_path == [1]
    assert (result.created, result.duplicates) == (0, 50)


def test_the_error_csv_of_an_abandoned_direct_attempt_is_written_again(voc_map, staging_path):
    rows = [csv_row(voc_map, score="12"), *(csv_row(voc_map, external_id=f"x-{i}") for i in range(1_100))]
    rows.append(csv_row(voc_map, external_id="x-1050"))
    errors = io.StringIO()
    result = load(csv_bytes(rows), skip_invalid=True, error_csv=errors)
    assert staging_path == [1]
    assert (result.created, result.rejected) == (1_100, 2)
    lines = errors.getvalue().lstrip("\ufeff").splitlines()
    assert len(lines) == 3  # header and the two rejected lines, once each
    assert lines[1].endswith("line 2: score: 12 is out of range for nps (0 to 10).")
    assert "line 1103: external_id:" in lines[2]


GHOST = 987_654_321


@pytest.fixture
def ghost_touchpoint(monkeypatch, voc_map):
    """A touchpoint of the journey that the ingest read, but that was deleted before the ingest locked it (a
    concurrent delete, which in a test's single transaction cannot be anything but this)."""
    real = Lookups.load.__func__

    def load_with_ghost(cls, **kwargs):
        lookups = real(cls, **kwargs)
        lookups.touchpoint_journey[GHOST] = voc_map.journey.pk
        return lookups

    monkeypatch.setattr(Lookups, "load", classmethod(load_with_ghost))
    return GHOST


def test_a_touchpoint_deleted_during_a_list_ingest_refuses_its_items(voc_map, ghost_touchpoint):
    with pytest.raises(IngestRefused) as refused:
        responses_create(records=[record(voc_map, touchpoint=None), record(voc_map, touchpoint=ghost_touchpoint)])
    assert [(p.position, p.field, p.message) for p in refused.value.problems] == [
        (1, "touchpoint", f"Touchpoint {GHOST} was deleted while the responses were being loaded.")
    ]
    assert not SurveyResponse.objects.exists()


def test_a_touchpoint_deleted_during_a_direct_import_falls_back_and_is_refused(voc_map, ghost_touchpoint, staging_path):
    with pytest.raises(IngestRefused) as refused:
        load(csv_bytes([csv_row(voc_map)] * 3 + [csv_row(voc_map, touchpoint=str(ghost_touchpoint))]))
    assert staging_path == [1]
    assert [(p.position, p.field) for p in refused.value.problems] == [(5, "touchpoint")]
    assert not SurveyResponse.objects.exists()


def test_with_skip_invalid_the_lines_of_a_deleted_touchpoint_are_skipped(voc_map, ghost_touchpoint):
    result = load(csv_bytes([csv_row(voc_map), csv_row(voc_map, touchpoint=str(ghost_touchpoint))]), skip_invalid=True)
    assert (result.created, result.rejected) == (1, 1)
    assert SurveyResponse.objects.get().touchpoint == voc_map.touchpoint


def test_the_direct_path_marks_the_touched_journey_days_for_recompute(voc_map, monkeypatch, staging_path):
    requested = []
    monkeypatch.setattr(service, "recompute_request", lambda *, ranges: requested.append(ranges))
    rows = [
        csv_row(voc_map, responded_at="2024-03-05T23:30:00Z"),  # 6 March in Amsterdam
        csv_row(voc_map, responded_at="01-02-2024"),
        csv_row(voc_map, journey=str(voc_map.other_journey.pk), touchpoint="", responded_at="2024-04-01 08:00"),
    ]
    load(csv_bytes(rows))
    assert staging_path == []
    assert requested == [
        {voc_map.journey.pk: (date(2024, 2, 1), date(2024, 3, 6)), voc_map.other_journey.pk: (date(2024, 4, 1),) * 2}
    ]


def test_the_direct_path_opens_follow_up_cases_for_the_new_detractors(voc_map, staging_path):
    rows = [csv_row(voc_map, score="3", responded_at=recent()), csv_row(voc_map, score="10", responded_at=recent())]
    result = load(csv_bytes(rows))
    assert staging_path == []
    assert result.followups_opened == 1
    assert FollowUpCase.objects.get().owner == voc_map.touchpoint.owner


@pytest.mark.parametrize("path", ["direct", "staging"])
def test_either_way_the_error_csv_defuses_formulas_and_reads_back_unchanged(voc_map, staging_path, path):
    rows = [csv_row(voc_map, score="12", comment="=SUM(1)", respondent="\tTab first", external_id="bad")]
    rows += [csv_row(voc_map, external_id=f"x-{i}") for i in range(1_100)]
    if path == "staging":
        rows.append(csv_row(voc_map, external_id="x-1050"))  # repeated beyond the probe: staging names it
    errors = io.StringIO()
    load(csv_bytes(rows), skip_invalid=True, error_csv=errors)
    assert staging_path == ([1] if path == "staging" else [])
    first = errors.getvalue().lstrip("\ufeff").splitlines()[1]
    assert first.startswith("nps,12,") and ',"\'=SUM(1)",' in first

    fixed = errors.getvalue().replace("nps,12,", "nps,3,").encode()
    load(fixed, skip_invalid=True)
    assert SurveyResponse.objects.filter(external_id="bad").values_list("comment", "respondent").get() == (
        "=SUM(1)",
        "Tab first",  # a text's blanks are trimmed on import, the tab as any other
    )
