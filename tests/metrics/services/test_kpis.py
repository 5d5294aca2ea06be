"""Custom KPIs: the status against the target, the services, and measurements from CSV files."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cxplatform.lib.versioning import StaleVersion
from metrics.models import CustomKpi, Direction, KpiMeasurement, KpiStatus
from metrics.selectors.custom_kpis import kpi_detail, kpi_list, measurement_list
from metrics.services.kpi_csv import ImportRefused, measurements_import_csv
from metrics.services.kpis import (
    MeasurementInput,
    MeasurementsRejected,
    kpi_create,
    kpi_delete,
    kpi_update,
    measurement_record,
    measurements_record,
)
from tests.journeys.factories import JourneyFactory, TouchpointFactory
from tests.metrics.factories import CustomKpiFactory, KpiMeasurementFactory

pytestmark = pytest.mark.django_db


def status_of(kpi: CustomKpi) -> str:
    return kpi_detail(pk=kpi.pk).status


# Status against the target


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", KpiStatus.ON_TRACK),
        ("100", KpiStatus.ON_TRACK),  # meets the target exactly
        ("95", KpiStatus.AT_RISK),  # misses by exactly 5% of 100: still at risk
        ("99.9999", KpiStatus.AT_RISK),
        ("94.9999", KpiStatus.OFF_TRACK),  # just beyond the band
        ("0", KpiStatus.OFF_TRACK),
    ],
)
def test_the_status_of_a_higher_is_better_kpi(value, expected):
    kpi = CustomKpiFactory(direction=Direction.HIGHER, target=Decimal("100"), tolerance=Decimal("5"))
    KpiMeasurementFactory(kpi=kpi, value=Decimal(value))
    assert status_of(kpi) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1.5", KpiStatus.ON_TRACK),
        ("2", KpiStatus.ON_TRACK),  # meets the target exactly
        ("2.2", KpiStatus.AT_RISK),  # above by exactly 10% of 2
        ("2.2001", KpiStatus.OFF_TRACK),
        ("5", KpiStatus.OFF_TRACK),
    ],
)
def test_the_status_of_a_lower_is_better_kpi(value, expected):
    """A complaint rate of at most 2%, with a 10% band: up to 2.2% is at risk."""
    kpi = CustomKpiFactory(direction=Direction.LOWER, target=Decimal("2"), tolerance=Decimal("10"))
    KpiMeasurementFactory(kpi=kpi, value=Decimal(value))
    assert status_of(kpi) == expected


def test_the_band_is_a_share_of_the_size_of_a_negative_target():
    """Target -10 (a net score), higher is better, 10% band: -11 is at risk, -11.5 off track."""
    kpi = CustomKpiFactory(direction=Direction.HIGHER, target=Decimal("-10"), tolerance=Decimal("10"))
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("-11"))
    assert status_of(kpi) == KpiStatus.AT_RISK
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 2, 1), value=Decimal("-11.5"))
    assert status_of(kpi) == KpiStatus.OFF_TRACK


def test_a_zero_tolerance_leaves_no_at_risk_band():
    kpi = CustomKpiFactory(target=Decimal("50"), tolerance=Decimal("0"))
    KpiMeasurementFactory(kpi=kpi, value=Decimal("49.99"))
    assert status_of(kpi) == KpiStatus.OFF_TRACK


def test_a_kpi_without_measurements_has_no_data():
    kpi = CustomKpiFactory()
    row = kpi_detail(pk=kpi.pk)
    assert row.status == KpiStatus.NO_DATA
    assert row.latest_value is None and row.latest_period is None


def test_the_status_follows_the_latest_period_not_the_latest_recorded():
    kpi = CustomKpiFactory(target=Decimal("100"))
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 3, 1), value=Decimal("50"))
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("120"))  # history, entered later
    row = kpi_detail(pk=kpi.pk)
    assert (row.latest_period, row.latest_value, row.status) == (date(2025, 3, 1), Decimal("50"), KpiStatus.OFF_TRACK)


def test_the_list_can_be_filtered_on_status_in_the_database():
    on_track, off_track, empty = CustomKpiFactory(), CustomKpiFactory(), CustomKpiFactory()
    KpiMeasurementFactory(kpi=on_track, value=Decimal("100"))
    KpiMeasurementFactory(kpi=off_track, value=Decimal("10"))
    assert list(kpi_list().filter(status=KpiStatus.OFF_TRACK)) == [off_track]
    assert list(kpi_list().filter(status=KpiStatus.NO_DATA)) == [empty]


def test_each_measurement_shows_its_own_status_against_the_target():
    kpi = CustomKpiFactory(target=Decimal("100"))
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("90"))
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 2, 1), value=Decimal("97"))
    assert [(m.period_start.month, m.status) for m in measurement_list(kpi=kpi)] == [
        (2, KpiStatus.AT_RISK),
        (1, KpiStatus.OFF_TRACK),
    ]


# Defining KPIs


def test_a_touchpoint_kpi_takes_its_journey_from_the_touchpoint():
    touchpoint = TouchpointFactory()
    kpi = kpi_create(name="Form conversion", unit="%", target=Decimal("60"), touchpoint=touchpoint)
    assert kpi.journey == touchpoint.journey


def test_it_rejects_a_touchpoint_from_another_journey():
    touchpoint = TouchpointFactory()
    with pytest.raises(ValidationError) as error:
        kpi_create(name="Conversion", unit="%", target=Decimal("60"), journey=JourneyFactory(), touchpoint=touchpoint)
    assert "touchpoint" in error.value.message_dict
    assert not CustomKpi.objects.exists()


def test_it_rejects_a_tolerance_above_100_percent():
    with pytest.raises(ValidationError) as error:
        kpi_create(name="Retention", unit="%", target=Decimal("90"), tolerance=Decimal("150"))
    assert "tolerance" in error.value.message_dict


def test_an_edit_based_on_an_old_version_is_refused_and_changes_nothing():
    kpi = kpi_create(name="Retention", unit="%", target=Decimal("90"))
    kpi_update(kpi=CustomKpi.objects.get(pk=kpi.pk), expected_version=1, target=Decimal("92"))
    with pytest.raises(StaleVersion) as stale:
        kpi_update(kpi=CustomKpi.objects.get(pk=kpi.pk), expected_version=1, target=Decimal("80"))
    assert "Someone else changed this" in str(stale.value.message)
    kpi.refresh_from_db()
    assert (kpi.target, kpi.version) == (Decimal("92"), 2)


def test_an_edit_changes_only_the_fields_it_is_given_and_none_clears_the_scope():
    touchpoint = TouchpointFactory()
    kpi = kpi_create(name="Retention", unit="%", target=Decimal("90"), touchpoint=touchpoint)
    kpi_update(kpi=kpi, expected_version=1, unit="pct")
    stored = CustomKpi.objects.get(pk=kpi.pk)
    assert (stored.unit, stored.target, stored.touchpoint, stored.journey) == (
        "pct",
        Decimal("90"),
        touchpoint,
        touchpoint.journey,
    )

    kpi_update(kpi=stored, expected_version=2, touchpoint=None, journey=None)
    stored = CustomKpi.objects.get(pk=kpi.pk)
    assert (stored.unit, stored.touchpoint, stored.journey) == ("pct", None, None)


def test_deleting_a_kpi_deletes_its_measurements():
    kpi = KpiMeasurementFactory().kpi
    kpi_delete(kpi=kpi)
    assert not KpiMeasurement.objects.exists()


# Recording measurements


def test_recording_a_period_again_replaces_its_value():
    kpi = CustomKpiFactory()
    measurement_record(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("80"), note="first count")
    measurement_record(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("82.5"), note="corrected")
    stored = KpiMeasurement.objects.get(kpi=kpi)
    assert (stored.value, stored.note) == (Decimal("82.5"), "corrected")


def test_a_batch_with_one_bad_item_stores_nothing_and_names_every_bad_item():
    kpi = CustomKpiFactory()
    items = [
        MeasurementInput(date(2025, 1, 1), Decimal("10")),
        MeasurementInput(date(2025, 2, 1), Decimal("123456789012")),  # more than 10 digits before the point
        MeasurementInput(date(2025, 3, 1), Decimal("12"), note="x" * 201),
        MeasurementInput(date(2025, 1, 1), Decimal("11")),  # the same period twice
    ]
    with pytest.raises(MeasurementsRejected) as rejected:
        measurements_record(kpi=kpi, items=items)
    assert [(p.index, p.field) for p in rejected.value.problems] == [(1, "value"), (2, "note"), (3, "period_start")]
    assert "item 0" in rejected.value.problems[2].message
    assert not KpiMeasurement.objects.exists()


def test_a_bad_single_measurement_is_refused_at_its_field():
    with pytest.raises(ValidationError) as error:
        measurement_record(kpi=CustomKpiFactory(), period_start=date(2025, 1, 1), value=Decimal("NaN"))
    assert "value" in error.value.message_dict


# CSV import


def import_csv(kpi: CustomKpi, text: str, encoding: str = "utf-8"):
    return measurements_import_csv(kpi=kpi, file=text.encode(encoding))


def refusal(kpi: CustomKpi, text: str, encoding: str = "utf-8") -> list[tuple[int | None, str]]:
    with pytest.raises(ImportRefused) as refused:
        import_csv(kpi, text, encoding)
    assert not KpiMeasurement.objects.filter(kpi=kpi).exists()
    return [(p.line, p.field) for p in refused.value.problems]


def stored(kpi: CustomKpi) -> list[tuple[date, Decimal, str]]:
    return list(
        KpiMeasurement.objects.filter(kpi=kpi).order_by("period_start").values_list("period_start", "value", "note")
    )


def test_a_comma_separated_file_with_iso_dates_is_recorded():
    kpi = CustomKpiFactory()
    result = import_csv(kpi, "period,value,note\n2025-01-01,81.5,after the campaign\n2025-02-01,83,\n")
    assert (result.recorded, result.replaced) == (2, 0)
    assert stored(kpi) == [
        (date(2025, 1, 1), Decimal("81.5"), "after the campaign"),
        (date(2025, 2, 1), Decimal("83"), ""),
    ]


def test_a_dutch_excel_file_with_bom_semicolons_decimal_commas_and_day_first_dates_is_recorded():
    kpi = CustomKpiFactory()
    result = import_csv(kpi, "Period;Value;Note\r\n31-01-2025;12,5;januari\r\n28-02-2025;13;\r\n;;\r\n", "utf-8-sig")
    assert result.recorded == 2
    assert stored(kpi) == [(date(2025, 1, 31), Decimal("12.5"), "januari"), (date(2025, 2, 28), Decimal("13"), "")]


def test_cells_neutralised_against_formulas_are_read_as_the_text_behind_the_apostrophe():
    kpi = CustomKpiFactory()
    text = "period,value,note\n2025-01-01,'-12.5,\"'=SUM(1)\"\n2025-02-01,-3,'-2+3 after the campaign\n"
    assert import_csv(kpi, text).recorded == 2
    assert stored(kpi) == [
        (date(2025, 1, 1), Decimal("-12.5"), "=SUM(1)"),
        (date(2025, 2, 1), Decimal("-3"), "-2+3 after the campaign"),
    ]


def test_an_import_replaces_the_values_of_periods_already_recorded():
    kpi = CustomKpiFactory()
    KpiMeasurementFactory(kpi=kpi, period_start=date(2025, 1, 1), value=Decimal("1"))
    result = import_csv(kpi, "period,value\n2025-01-01,2\n2025-02-01,3\n")
    assert (result.recorded, result.replaced) == (2, 1)
    assert [value for _, value, _ in stored(kpi)] == [Decimal("2"), Decimal("3")]


def test_an_empty_file_is_refused():
    assert refusal(CustomKpiFactory(), "") == [(None, "file")]


def test_a_file_with_only_a_header_is_refused():
    assert refusal(CustomKpiFactory(), "period,value\n") == [(None, "file")]


def test_a_wrong_header_is_refused_at_line_1():
    kpi = CustomKpiFactory()
    with pytest.raises(ImportRefused) as refused:
        import_csv(kpi, "date,amount\n2025-01-01,3\n")
    assert [(p.line, p.field) for p in refused.value.problems] == [(1, "header")]
    assert "period,value" in str(refused.value.problems[0])


def test_a_bad_date_is_refused_with_its_line_and_reason():
    kpi = CustomKpiFactory()
    with pytest.raises(ImportRefused) as refused:
        import_csv(kpi, "period,value\n2025-01-01,1\n2025/02/01,2\n31-02-2025,3\n")
    problems = refused.value.problems
    assert [(p.line, p.field) for p in problems] == [(3, "period"), (4, "period")]
    assert "2025-03-31 or 31-03-2025" in problems[0].message
    assert "not a day of the calendar" in problems[1].message
    assert not KpiMeasurement.objects.exists()


def test_a_bad_number_is_refused_with_its_line_and_reason():
    problems = refusal(CustomKpiFactory(), "period,value\n2025-01-01,twelve\n2025-02-01,\n2025-03-01,1e5\n")
    assert problems == [(2, "value"), (3, "value"), (4, "value")]


def test_a_decimal_comma_is_refused_in_a_comma_separated_file():
    """Quoted, "12,5" could mean twelve and a half or twelve thousand five hundred: refused, not guessed."""
    assert refusal(CustomKpiFactory(), 'period,value\n2025-01-01,"12,5"\n') == [(2, "value")]


def test_one_bad_line_among_many_stores_nothing():
    kpi = CustomKpiFactory()
    rows = [f"{date.fromordinal(date(2020, 1, 1).toordinal() + i).isoformat()},{i}" for i in range(1000)]
    rows[700] = "2021-12-01,12%"
    assert refusal(kpi, "period,value\n" + "\n".join(rows) + "\n") == [(702, "value")]


def test_a_period_twice_in_one_file_is_refused_at_the_second_line():
    kpi = CustomKpiFactory()
    with pytest.raises(ImportRefused) as refused:
        import_csv(kpi, "period,value\n2025-01-01,1\n01-01-2025,2\n")
    problem = refused.value.problems[0]
    assert (problem.line, problem.field) == (3, "period")
    assert "line 2" in problem.message


def test_a_line_without_a_period_says_so():
    kpi = CustomKpiFactory()
    with pytest.raises(ImportRefused) as refused:
        import_csv(kpi, "period;value\n;12,5\n")
    assert str(refused.value.problems[0]) == "Line 2, period: The period is missing."


def test_a_line_with_more_columns_than_the_header_is_refused():
    assert refusal(CustomKpiFactory(), "period,value\n2025-01-01,1,extra\n") == [(2, "file")]


def test_a_file_that_is_not_utf8_is_refused_with_the_line():
    kpi = CustomKpiFactory()
    with pytest.raises(ImportRefused) as refused:
        measurements_import_csv(kpi=kpi, file="period;value;note\n2025-01-01;1;café\n".encode("latin-1"))
    assert refused.value.problems[0].line == 2
    assert "UTF-8" in refused.value.problems[0].message
