"""The dashboard's custom KPIs (metrics.selectors.dashboard_work.custom_kpi_overview): latest values and statuses,
the scope filters, and a query count that does not grow with the KPIs. The world fixture is in conftest.py.
"""

from decimal import Decimal

import pytest

from metrics.selectors.dashboard_work import custom_kpi_overview
from tests.metrics.dashboard_work_data import day
from tests.metrics.factories import CustomKpiFactory, KpiMeasurementFactory

pytestmark = pytest.mark.django_db


# Custom KPIs


def kpi_names(**scope) -> list[str]:
    return [row["name"] for row in custom_kpi_overview(**scope)["rows"]]


def test_each_custom_kpi_shows_its_latest_value_and_status_and_the_statuses_are_counted(django_assert_num_queries):
    on_track = CustomKpiFactory(name="Retention", unit="%", target=Decimal("90"))
    KpiMeasurementFactory(kpi=on_track, period_start=day(4, 1), value=Decimal("80"))
    KpiMeasurementFactory(kpi=on_track, period_start=day(5, 1), value=Decimal("91"))  # the latest counts
    at_risk = CustomKpiFactory(name="Customers", unit="customers", target=Decimal("1000"))
    KpiMeasurementFactory(kpi=at_risk, period_start=day(5, 1), value=Decimal("960"))  # within 5%
    off_track = CustomKpiFactory(name="Complaints", unit="#", direction="lower", target=Decimal("10"))
    KpiMeasurementFactory(kpi=off_track, period_start=day(5, 1), value=Decimal("20"))
    CustomKpiFactory(name="Lifetime value", unit="€")

    with django_assert_num_queries(1):  # the KPIs with their latest measurement and status
        overview = custom_kpi_overview()

    rows = {row["name"]: row for row in overview["rows"]}
    assert list(rows) == ["Complaints", "Customers", "Lifetime value", "Retention"]
    retention = rows["Retention"]
    assert (retention["unit"], retention["direction"], retention["direction_label"]) == (
        "%",
        "higher",
        "Higher is better",
    )
    assert (retention["target"], retention["latest_value"], retention["latest_period"]) == (
        Decimal("90"),
        Decimal("91"),
        day(5, 1),
    )
    assert (retention["status"], retention["status_label"]) == ("on_track", "On track")
    assert rows["Customers"]["status"] == "at_risk"
    assert (rows["Complaints"]["status"], rows["Complaints"]["direction"]) == ("off_track", "lower")
    assert (rows["Lifetime value"]["status"], rows["Lifetime value"]["latest_value"]) == ("no_data", None)
    assert [(s["status"], s["count"]) for s in overview["by_status"]] == [
        ("on_track", 1),
        ("at_risk", 1),
        ("off_track", 1),
        ("no_data", 1),
    ]
    assert overview["total"] == 4


def test_custom_kpis_follow_the_group_and_journey_and_organisation_wide_ones_stay(world):
    CustomKpiFactory(name="Retention")  # organisation-wide
    CustomKpiFactory(name="Accounts opened", journey=world.account)
    CustomKpiFactory(name="Moves handled", journey=world.move)
    CustomKpiFactory(name="Claims paid", journey=world.claim)

    assert kpi_names() == ["Accounts opened", "Claims paid", "Moves handled", "Retention"]
    assert kpi_names(group_id=world.becoming.pk) == ["Accounts opened", "Moves handled", "Retention"]
    assert kpi_names(group_id=world.being.pk) == ["Claims paid", "Retention"]
    assert kpi_names(journey_id=world.move.pk) == ["Moves handled", "Retention"]
    assert kpi_names(group_id=world.being.pk, journey_id=world.move.pk) == ["Retention"]


def test_custom_kpis_follow_their_own_channel_or_their_touchpoints(world):
    CustomKpiFactory(name="Retention")  # organisation-wide, no channel: always shown
    CustomKpiFactory(name="Web conversion", channel=world.web)
    CustomKpiFactory(name="App conversion", channel=world.app)
    CustomKpiFactory(name="Sign-up completion", journey=world.account, touchpoint=world.account_web)
    CustomKpiFactory(name="Onboarding completion", journey=world.account, touchpoint=world.account_app)
    CustomKpiFactory(name="Accounts opened", journey=world.account)  # no channel: not a channel's KPI

    web = kpi_names(channel_id=world.web.pk)
    assert web == ["Retention", "Sign-up completion", "Web conversion"]
    assert kpi_names(channel_id=world.app.pk) == ["App conversion", "Onboarding completion", "Retention"]
    row = next(r for r in custom_kpi_overview(channel_id=world.web.pk)["rows"] if r["name"] == "Sign-up completion")
    assert (row["channel"], row["journey"], row["touchpoint"]) == ("Web", "Open an account", "Sign-up form")


def test_the_custom_kpi_query_count_does_not_grow_with_the_kpis(world, django_assert_num_queries):
    def make(count: int):
        for i in range(count):
            kpi = CustomKpiFactory(journey=world.account, touchpoint=world.account_web, owner=None)
            KpiMeasurementFactory(kpi=kpi, value=Decimal(90 + i % 20))

    make(2)
    with django_assert_num_queries(1):
        assert custom_kpi_overview(journey_id=world.account.pk, channel_id=world.web.pk)["total"] == 2
    make(60)
    with django_assert_num_queries(1):
        assert custom_kpi_overview(journey_id=world.account.pk, channel_id=world.web.pk)["total"] == 62
