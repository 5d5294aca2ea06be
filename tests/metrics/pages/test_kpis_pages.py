"""The KPI pages: the list with statuses, one KPI with its measurements, recording and uploading, the forms."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from metrics.models import CustomKpi, KpiMeasurement
from metrics.permissions import NOT_A_KPI_MANAGER, NOT_A_MEASURER
from tests.journeys.factories import JourneyFactory, TouchpointFactory
from tests.metrics.factories import CustomKpiFactory, KpiMeasurementFactory

pytestmark = pytest.mark.django_db
LIST = reverse("metrics:kpi-list")


def html_of(response) -> str:
    return response.content.decode()


def row_of(html: str, name: str) -> str:
    row = html[html.index(name) :]
    return row[: row.index("</tr>")]


# The list


def test_the_list_shows_each_kpi_with_its_scope_latest_value_target_and_status_in_words(client_of, process_owner):
    touchpoint = TouchpointFactory(name="Claim form", stage__journey__name="Report a claim")
    kpi = CustomKpiFactory(name="Claim form conversion", journey=touchpoint.journey, touchpoint=touchpoint, unit="%")
    KpiMeasurementFactory(kpi=kpi, value=Decimal("96.5"))
    CustomKpiFactory(name="Customers")

    html = html_of(client_of(process_owner).get(LIST))

    row = row_of(html, "Claim form conversion")
    assert "Report a claim · Claim form" in row
    assert "96.5 %" in row and "100 %" in row
    assert "At risk" in row
    assert "No measurement yet" in row_of(html, "Customers")
    assert "Whole organisation" in row_of(html, "Customers")
    assert reverse("metrics:kpi-create") not in html


def test_a_manager_is_offered_to_define_the_first_kpi(client_of, manager):
    html = html_of(client_of(manager).get(LIST))
    assert "No KPIs yet" in html
    assert reverse("metrics:kpi-create") in html


def test_the_list_filters_by_status(client_of, manager):
    off = CustomKpiFactory(name="Churn rate")
    KpiMeasurementFactory(kpi=off, value=Decimal("1"))
    CustomKpiFactory(name="Lifetime value")
    response = client_of(manager).get(LIST, {"status": "off_track"})
    assert [kpi.name for kpi in response.context["page"]] == ["Churn rate"]


def test_the_navigation_links_to_the_kpis_after_the_dashboard(client_of, process_owner):
    html = html_of(client_of(process_owner).get(reverse("dashboard")))
    assert html.index(f'href="{LIST}"') > html.index(">Dashboard<")


def test_kpi_names_are_escaped(client_of, manager):
    CustomKpiFactory(name="<script>alert(1)</script>")
    html = html_of(client_of(manager).get(LIST))
    assert "<script>alert(1)</script>" not in html
    assert escape("<script>alert(1)</script>") in html


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_page_runs_a_fixed_number_of_queries(client_of, manager, django_assert_num_queries, count):
    touchpoint = TouchpointFactory()
    kpis = CustomKpi.objects.bulk_create(
        [
            CustomKpi(name=f"KPI {i:03}", unit="%", target=Decimal("50"), owner=manager, touchpoint=touchpoint)
            for i in range(count)
        ]
    )
    KpiMeasurement.objects.bulk_create(
        [KpiMeasurement(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("60")) for kpi in kpis]
    )
    client = client_of(manager)
    # session, user, count, KPIs of the page (+owner, journey, touchpoint, channel; latest value and status
    # as subqueries), the journeys of the filter
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert len(response.context["page"]) == min(count, 25)
    assert "On track" in html_of(response)


# One KPI


def test_the_kpi_page_lists_its_measurements_latest_first_with_their_status(client_of, process_owner):
    kpi = CustomKpiFactory(name="Retention", target=Decimal("90"), unit="%")
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("80"), note="before the change")
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 2, 1), value=Decimal("91"))
    response = client_of(process_owner).get(reverse("metrics:kpi", args=[kpi.pk]))
    assert [m.value for m in response.context["page"]] == [Decimal("91"), Decimal("80")]
    html = html_of(response)
    assert "before the change" in html and "Off track" in html
    assert "Record a measurement" not in html  # a process owner reads only
    assert reverse("metrics:kpi-edit", args=[kpi.pk]) not in html


def test_a_cx_editor_records_a_measurement_and_records_the_period_again(client_of, cx_editor):
    kpi = CustomKpiFactory()
    client = client_of(cx_editor)
    url = reverse("metrics:kpi-measurement", args=[kpi.pk])
    response = client.post(url, {"period_start": "2025-03-01", "value": "88", "note": ""})
    assert response.status_code == 302
    client.post(url, {"period_start": "2025-03-01", "value": "89.5", "note": "recount"})
    assert list(KpiMeasurement.objects.values_list("value", "note")) == [(Decimal("89.5"), "recount")]


def test_a_bad_measurement_is_shown_at_its_field(client_of, cx_editor):
    kpi = CustomKpiFactory()
    response = client_of(cx_editor).post(
        reverse("metrics:kpi-measurement", args=[kpi.pk]), {"period_start": "", "value": "abc"}
    )
    assert response.status_code == 422
    assert set(response.context["measurement_form"].errors) == {"period_start", "value"}


def test_a_process_owner_cannot_record_a_measurement(client_of, process_owner):
    kpi = CustomKpiFactory()
    response = client_of(process_owner).post(
        reverse("metrics:kpi-measurement", args=[kpi.pk]), {"period_start": "2025-03-01", "value": "1"}
    )
    assert response.status_code == 403
    assert escape(str(NOT_A_MEASURER)) in html_of(response)
    assert not KpiMeasurement.objects.exists()


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("kpi.csv", text.encode("utf-8"), content_type="text/csv")


def test_an_uploaded_csv_file_is_recorded(client_of, manager):
    kpi = CustomKpiFactory()
    response = client_of(manager).post(
        reverse("metrics:kpi-import", args=[kpi.pk]), {"file": csv_file("period;value\n01-01-2025;7,25\n")}, follow=True
    )
    assert "1 measurements recorded" in html_of(response)
    assert KpiMeasurement.objects.get().value == Decimal("7.25")


def test_an_uploaded_csv_file_with_bad_lines_shows_every_line_and_stores_nothing(client_of, manager):
    kpi = CustomKpiFactory()
    text = "period,value\n2025-01-01,1\n2025-02-30,2\n2025-03-01,\n"
    response = client_of(manager).post(reverse("metrics:kpi-import", args=[kpi.pk]), {"file": csv_file(text)})
    assert response.status_code == 422
    html = html_of(response)
    assert "Nothing was stored: 2 problems in the file." in html
    assert "Line 3, period" in html and "Line 4, value" in html
    assert not KpiMeasurement.objects.exists()


# Define, edit, delete


def test_a_manager_defines_a_kpi_with_the_form(client_of, manager):
    journey = JourneyFactory()
    response = client_of(manager).post(
        reverse("metrics:kpi-create"),
        {
            "name": "Customer lifetime value",
            "kind": "customer",
            "unit": "€",
            "direction": "higher",
            "target": "1200",
            "tolerance": "5",
            "owner": manager.pk,
            "journey": journey.pk,
        },
    )
    kpi = CustomKpi.objects.get()
    assert response.status_code == 302 and response.url == reverse("metrics:kpi", args=[kpi.pk])
    assert (kpi.target, kpi.owner, kpi.journey) == (Decimal("1200"), manager, journey)


def test_the_form_shows_a_touchpoint_of_another_journey_at_the_touchpoint_field(client_of, manager):
    response = client_of(manager).post(
        reverse("metrics:kpi-create"),
        {
            "name": "Conversion",
            "kind": "touchpoint",
            "unit": "%",
            "direction": "higher",
            "target": "10",
            "tolerance": "5",
            "journey": JourneyFactory().pk,
            "touchpoint": TouchpointFactory().pk,
        },
    )
    assert response.status_code == 422
    assert "touchpoint" in response.context["form"].errors
    assert not CustomKpi.objects.exists()


def test_a_process_owner_cannot_open_the_kpi_form(client_of, process_owner):
    response = client_of(process_owner).get(reverse("metrics:kpi-create"))
    assert response.status_code == 403
    assert escape(str(NOT_A_KPI_MANAGER)) in html_of(response)


def test_a_stale_edit_shows_the_kpi_as_it_is_now_and_saves_nothing(client_of, manager):
    kpi = CustomKpiFactory(name="Retention", target=Decimal("90"))
    CustomKpi.objects.filter(pk=kpi.pk).update(target=Decimal("95"), version=2)  # someone else saved first
    form = {"name": "Retention", "kind": "customer", "unit": "%", "direction": "higher", "tolerance": "5"}
    response = client_of(manager).post(
        reverse("metrics:kpi-edit", args=[kpi.pk]), {**form, "target": "70", "version": 1}
    )
    assert response.status_code == 409
    assert "Someone else changed this in the meantime" in html_of(response)
    assert response.context["form"].initial["target"] == Decimal("95")
    assert CustomKpi.objects.get().target == Decimal("95")


def test_deleting_a_kpi_asks_for_confirmation_first(client_of, manager):
    kpi = KpiMeasurementFactory().kpi
    client = client_of(manager)
    url = reverse("metrics:kpi-delete", args=[kpi.pk])
    confirm = html_of(client.get(url))
    assert "Its 1 measurement is deleted too" in confirm
    assert CustomKpi.objects.exists()
    assert client.post(url).url == LIST
    assert not CustomKpi.objects.exists()


@pytest.mark.parametrize("count", [2, 200])
def test_the_kpi_page_runs_a_fixed_number_of_queries(client_of, cx_editor, django_assert_num_queries, count):
    kpi = CustomKpiFactory(owner=cx_editor, touchpoint=TouchpointFactory())
    KpiMeasurement.objects.bulk_create(
        [KpiMeasurement(kpi=kpi, period_start=date.fromordinal(730000 + i), value=Decimal(i)) for i in range(count)]
    )
    client = client_of(cx_editor)
    # session, user, the KPI (+owner, journey, touchpoint, channel; latest value and status), count of its
    # measurements, the page of measurements (status of each computed in the same query)
    with django_assert_num_queries(5):
        response = client.get(reverse("metrics:kpi", args=[kpi.pk]))
    assert len(response.context["page"]) == min(count, 24)
