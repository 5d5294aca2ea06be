"""/api/v1/kpis/ and /api/v1/kpis/{id}/measurements/: who may do what, batches all or nothing, CSV upload."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve

from cxplatform.accounts.models import Role
from metrics.api.kpis import CustomKpiViewSet
from metrics.models import CustomKpi, KpiKind, KpiMeasurement, KpiStatus
from metrics.permissions import NOT_A_KPI_MANAGER, NOT_A_MEASURER
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import ChannelFactory, JourneyFactory, TouchpointFactory
from tests.metrics.factories import CustomKpiFactory, KpiMeasurementFactory

JSON = "application/json"
API = "/api/v1/kpis/"
pytestmark = pytest.mark.django_db


def measurements_url(kpi: CustomKpi) -> str:
    return f"{API}{kpi.pk}/measurements/"


def new_kpi(**fields) -> dict:
    return {"name": "Retention", "unit": "%", "target": "90", "direction": "higher", **fields}


# Defining KPIs: managers and admins


def test_a_manager_defines_a_touchpoint_kpi_with_the_channel_by_slug(client_of, manager):
    touchpoint = TouchpointFactory()
    ChannelFactory(slug="app")
    body = new_kpi(
        name="App conversion",
        kind=KpiKind.TOUCHPOINT,
        touchpoint=touchpoint.pk,
        channel="app",
        owner=manager.pk,
        tolerance="10",
    )
    response = client_of(manager).post(API, body, JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["journey"], data["channel"], data["owner_name"]) == (
        touchpoint.journey_id,
        "app",
        "Martin " + manager.last_name,
    )
    assert (data["status"], data["latest_value"], data["version"]) == (KpiStatus.NO_DATA, None, 1)


@pytest.mark.parametrize("role", [Role.PROCESS_OWNER, Role.CX_EDITOR])
def test_others_cannot_define_a_kpi(client_of, role):
    response = client_of(UserFactory(role=role)).post(API, new_kpi(), JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == str(NOT_A_KPI_MANAGER)
    assert not CustomKpi.objects.exists()


def test_a_process_owner_cannot_change_or_delete_a_kpi(client_of, process_owner):
    kpi = CustomKpiFactory()
    client = client_of(process_owner)
    assert client.patch(f"{API}{kpi.pk}/", {"target": "1", "version": 1}, JSON).status_code == 403
    assert client.delete(f"{API}{kpi.pk}/").status_code == 403
    assert CustomKpi.objects.get().target == Decimal("100")


def test_an_unknown_channel_slug_is_refused_at_the_channel_field(client_of, manager):
    response = client_of(manager).post(API, new_kpi(channel="pigeon"), JSON)
    assert response.status_code == 400
    assert "channel" in response.json()


def test_a_touchpoint_of_another_journey_is_refused(client_of, manager):
    body = new_kpi(journey=JourneyFactory().pk, touchpoint=TouchpointFactory().pk)
    response = client_of(manager).post(API, body, JSON)
    assert response.status_code == 400
    assert "another journey" in response.json()["touchpoint"][0]


def test_a_stale_edit_is_a_409_with_the_kpi_as_it_is(client_of, manager):
    kpi = CustomKpiFactory(name="Retention")
    client = client_of(manager)
    assert client.patch(f"{API}{kpi.pk}/", {"target": "95", "version": 1}, JSON).status_code == 200
    response = client.patch(f"{API}{kpi.pk}/", {"target": "80", "version": 1}, JSON)
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert response.json()["current"]["target"] == "95.0000"


def test_an_edit_without_a_version_is_refused(client_of, manager):
    kpi = CustomKpiFactory()
    response = client_of(manager).patch(f"{API}{kpi.pk}/", {"target": "95"}, JSON)
    assert response.status_code == 400
    assert "version" in response.json()


def test_an_admin_deletes_a_kpi(client_of, admin_user):
    kpi = CustomKpiFactory()
    assert client_of(admin_user).delete(f"{API}{kpi.pk}/").status_code == 204
    assert not CustomKpi.objects.exists()


# Reading KPIs: everyone


def test_the_list_shows_each_kpi_with_its_latest_value_and_status(client_of, process_owner):
    kpi = CustomKpiFactory(name="NPS of new customers", target=Decimal("30"), tolerance=Decimal("10"))
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("35"))
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 2, 1), value=Decimal("28"))
    row = client_of(process_owner).get(API).json()["results"][0]
    assert (row["latest_value"], row["latest_period"]) == ("28.0000", "2025-02-01")
    assert (row["status"], row["status_display"]) == (KpiStatus.AT_RISK, "At risk")


def test_the_list_filters_by_journey_kind_and_status(client_of, manager):
    journey = JourneyFactory()
    on_journey = CustomKpiFactory(name="On journey", journey=journey, kind=KpiKind.TOUCHPOINT)
    elsewhere = CustomKpiFactory(name="Elsewhere")
    KpiMeasurementFactory(kpi=elsewhere, value=Decimal("1"))
    client = client_of(manager)

    def names(**query) -> list[str]:
        response = client.get(API, query)
        assert response.status_code == 200, response.json()
        return [row["name"] for row in response.json()["results"]]

    assert names(journey=journey.pk) == [on_journey.name]
    assert names(kind=KpiKind.CUSTOMER) == [elsewhere.name]
    assert names(status=KpiStatus.OFF_TRACK) == [elsewhere.name]
    assert names(status=KpiStatus.NO_DATA) == [on_journey.name]


def test_the_summary_path_is_never_read_as_a_kpi_id():
    try:
        match = resolve("/api/v1/kpis/summary/")
    except Resolver404:
        return
    assert getattr(match.func, "cls", None) is not CustomKpiViewSet


@pytest.mark.parametrize("count", [2, 200])
def test_the_kpi_list_runs_a_fixed_number_of_queries(client_of, manager, django_assert_num_queries, count):
    journey = JourneyFactory()
    touchpoint = TouchpointFactory(stage__journey=journey)
    kpis = CustomKpi.objects.bulk_create(
        [
            CustomKpi(
                name=f"KPI {i}", unit="%", target=Decimal("50"), owner=manager, journey=journey, touchpoint=touchpoint
            )
            for i in range(count)
        ]
    )
    KpiMeasurement.objects.bulk_create(
        [KpiMeasurement(kpi=kpi, period_start=date(2025, m, 1), value=Decimal(m * 10)) for kpi in kpis for m in (1, 2)]
    )
    client = client_of(manager)
    # session, user, count, KPIs (+owner, journey, touchpoint, channel; latest value and status as subqueries)
    with django_assert_num_queries(4):
        response = client.get(f"{API}?page_size=500")
    rows = response.json()["results"]
    assert len(rows) == count
    assert {row["status"] for row in rows} == {KpiStatus.OFF_TRACK}  # 20 against a target of 50


# Measurements


def test_a_cx_editor_records_one_measurement(client_of, cx_editor):
    kpi = CustomKpiFactory()
    response = client_of(cx_editor).post(measurements_url(kpi), {"period_start": "2025-01-01", "value": "97.5"}, JSON)
    assert response.status_code == 201, response.json()
    assert (response.json()["value"], response.json()["status"]) == ("97.5000", KpiStatus.AT_RISK)
    assert KpiMeasurement.objects.get().value == Decimal("97.5")


def test_a_list_of_measurements_is_recorded_and_a_period_sent_again_is_replaced(client_of, manager):
    kpi = CustomKpiFactory()
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("1"))
    body = [
        {"period_start": "2025-01-01", "value": "101"},
        {"period_start": "2025-02-01", "value": "102", "note": "Q1"},
    ]
    response = client_of(manager).post(measurements_url(kpi), body, JSON)
    assert response.status_code == 201, response.json()
    assert sorted(row["value"] for row in response.json()) == ["101.0000", "102.0000"]
    assert sorted(KpiMeasurement.objects.values_list("value", flat=True)) == [Decimal("101"), Decimal("102")]


def test_a_list_with_bad_items_stores_nothing_and_reports_each_by_index_and_field(client_of, manager):
    kpi = CustomKpiFactory()
    body = [
        {"period_start": "2025-01-01", "value": "1"},
        {"period_start": "31-01-2025", "value": "2"},
        {"period_start": "2025-03-01", "value": "lots"},
        {"period_start": "2025-01-01", "value": "4"},
        "not an object",
    ]
    response = client_of(manager).post(measurements_url(kpi), body, JSON)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["index"], e["field"]) for e in errors] == [
        (1, "period_start"),
        (2, "value"),
        (3, "period_start"),  # 2025-01-01 is item 0 already
        (4, "non_field_errors"),
    ]
    assert all(e["message"] for e in errors)
    assert "item 0" in errors[2]["message"]
    assert not KpiMeasurement.objects.exists()


def test_a_period_twice_in_one_list_is_refused_at_the_second_item(client_of, manager):
    kpi = CustomKpiFactory()
    body = [{"period_start": "2025-01-01", "value": "1"}, {"period_start": "2025-01-01", "value": "2"}]
    response = client_of(manager).post(measurements_url(kpi), body, JSON)
    assert response.status_code == 400
    assert [(e["index"], e["field"]) for e in response.json()["errors"]] == [(1, "period_start")]
    assert not KpiMeasurement.objects.exists()


def test_a_process_owner_reads_measurements_but_cannot_record_them(client_of, process_owner):
    kpi = CustomKpiFactory()
    KpiMeasurementFactory(kpi=kpi)
    client = client_of(process_owner)
    assert client.get(measurements_url(kpi)).json()["count"] == 1
    response = client.post(measurements_url(kpi), {"period_start": "2025-06-01", "value": "1"}, JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == str(NOT_A_MEASURER)
    assert KpiMeasurement.objects.count() == 1


def test_measurements_are_listed_latest_first_in_pages(client_of, process_owner):
    kpi = CustomKpiFactory()
    KpiMeasurement.objects.bulk_create(
        [KpiMeasurement(kpi=kpi, period_start=date(2024, 1, 1) + timedelta(days=i), value=i) for i in range(60)]
    )
    page = client_of(process_owner).get(measurements_url(kpi), {"page_size": 10}).json()
    assert page["count"] == 60
    assert [row["period_start"] for row in page["results"][:2]] == ["2024-02-29", "2024-02-28"]
    assert page["next"]


def upload(text: str, name: str = "values.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def test_a_csv_file_is_imported(client_of, cx_editor):
    kpi = CustomKpiFactory()
    response = client_of(cx_editor).post(
        f"{measurements_url(kpi)}import/", {"file": upload("period;value\n31-01-2025;12,5\n28-02-2025;13\n")}
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"recorded": 2, "replaced": 0}
    assert sorted(KpiMeasurement.objects.values_list("value", flat=True)) == [Decimal("12.5"), Decimal("13")]


def test_a_bad_csv_file_is_refused_line_by_line_and_nothing_is_stored(client_of, cx_editor):
    kpi = CustomKpiFactory()
    text = "period,value\n2025-01-01,1\n2025-13-01,2\n2025-03-01,three\n"
    response = client_of(cx_editor).post(f"{measurements_url(kpi)}import/", {"file": upload(text)})
    assert response.status_code == 400
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(3, "period"), (4, "value")]
    assert not KpiMeasurement.objects.exists()


def test_an_import_without_a_file_says_which_field_to_send(client_of, cx_editor):
    response = client_of(cx_editor).post(f"{measurements_url(CustomKpiFactory())}import/", {})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_file"
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(None, "file")]


def test_a_process_owner_cannot_import(client_of, process_owner):
    kpi = CustomKpiFactory()
    response = client_of(process_owner).post(
        f"{measurements_url(kpi)}import/", {"file": upload("period,value\n2025-01-01,1\n")}
    )
    assert response.status_code == 403
    assert not KpiMeasurement.objects.exists()


@pytest.mark.parametrize("count", [2, 200])
def test_the_measurement_list_runs_a_fixed_number_of_queries(client_of, manager, django_assert_num_queries, count):
    kpi = CustomKpiFactory()
    KpiMeasurement.objects.bulk_create(
        [KpiMeasurement(kpi=kpi, period_start=date(2020, 1, 1) + timedelta(days=i), value=i) for i in range(count)]
    )
    client = client_of(manager)
    # session, user, the KPI, count, the measurements (with their status)
    with django_assert_num_queries(5):
        response = client.get(f"{measurements_url(kpi)}?page_size=500")
    assert response.json()["count"] == count
