"""Targets of NPS, CSAT and CES: the rules of setting, changing and removing one (metrics.services.targets), who
may do so, and which target applies to a scope (metrics.selectors.targets)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cxplatform.accounts.models import Role
from cxplatform.lib.versioning import StaleVersion
from metrics.models import Metric, MetricTarget
from metrics.permissions import can_manage_kpis
from metrics.selectors.targets import target_index, target_list
from metrics.services import targets as services
from metrics.services.targets import target_create, target_delete, target_update
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


def make_target(metric: str = Metric.NPS, value: str = "20", **scope) -> MetricTarget:
    """A stored target (bypassing the service): the organisation's unless `journey` or `touchpoint` is given."""
    touchpoint = scope.get("touchpoint")
    journey = scope.get("journey") or (touchpoint.journey if touchpoint else None)
    return MetricTarget.objects.create(metric=metric, value=Decimal(value), journey=journey, touchpoint=touchpoint)


def errors_of(info: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return info.value.message_dict


# Setting a target


def test_a_manager_sets_the_organisation_nps_target(manager):
    target = target_create(metric=Metric.NPS, value=Decimal("20"), user=manager)
    stored = MetricTarget.objects.get()
    assert (stored.metric, stored.value, stored.journey, stored.touchpoint) == (Metric.NPS, Decimal("20"), None, None)
    assert (stored.updated_by, stored.version) == (manager, 1)
    assert target.pk == stored.pk


@pytest.mark.parametrize(
    ("metric", "value"),
    [
        (Metric.NPS, "-100"),
        (Metric.NPS, "100"),
        (Metric.NPS, "0"),
        (Metric.CSAT, "0"),
        (Metric.CSAT, "100"),
        (Metric.CSAT, "82.5"),
        (Metric.CES, "1"),
        (Metric.CES, "7"),
        (Metric.CES, "5.25"),
    ],
)
def test_a_target_on_the_edge_of_its_metrics_scale_is_accepted(metric, value):
    assert target_create(metric=metric, value=Decimal(value)).value == Decimal(value)


@pytest.mark.parametrize(
    ("metric", "value", "range_text"),
    [
        (Metric.NPS, "-100.5", "between -100 and 100"),
        (Metric.NPS, "101", "between -100 and 100"),
        (Metric.CSAT, "-1", "between 0 and 100"),
        (Metric.CSAT, "100.01", "between 0 and 100"),
        (Metric.CES, "0.99", "between 1 and 7"),
        (Metric.CES, "8", "between 1 and 7"),
        (Metric.CES, "80", "between 1 and 7"),  # a CSAT-like figure entered as a CES target
    ],
)
def test_a_target_outside_its_metrics_scale_is_refused_at_the_value(metric, value, range_text):
    with pytest.raises(ValidationError) as info:
        target_create(metric=metric, value=Decimal(value))
    assert list(errors_of(info)) == ["value"]
    assert range_text in errors_of(info)["value"][0]
    assert not MetricTarget.objects.exists()


def test_a_value_with_more_than_two_decimals_is_refused_at_the_value():
    with pytest.raises(ValidationError) as info:
        target_create(metric=Metric.CES, value=Decimal("5.125"))
    assert list(errors_of(info)) == ["value"]


def test_an_unknown_metric_is_refused_at_the_metric():
    with pytest.raises(ValidationError) as info:
        target_create(metric="ltv", value=Decimal("5"))
    assert list(errors_of(info)) == ["metric"]


def test_a_touchpoint_target_takes_its_journey_from_the_touchpoint():
    touchpoint = TouchpointFactory()
    target = target_create(metric=Metric.CSAT, value=Decimal("70"), touchpoint=touchpoint)
    assert MetricTarget.objects.get(pk=target.pk).journey_id == touchpoint.journey_id


def test_it_rejects_a_touchpoint_from_another_journey():
    touchpoint = TouchpointFactory(name="Claim by phone")
    other = JourneyFactory(name="Open an account")
    with pytest.raises(ValidationError) as info:
        target_create(metric=Metric.CSAT, value=Decimal("70"), journey=other, touchpoint=touchpoint)
    assert errors_of(info) == {
        "touchpoint": ["“Claim by phone” is a touchpoint of another journey than “Open an account”."]
    }
    assert not MetricTarget.objects.exists()


def test_a_second_organisation_target_of_a_metric_is_refused_with_a_message_at_the_metric():
    make_target(Metric.NPS, "20")
    with pytest.raises(ValidationError) as info:
        target_create(metric=Metric.NPS, value=Decimal("30"))
    assert list(errors_of(info)) == ["metric"]
    assert "The whole organisation already has a target for NPS" in errors_of(info)["metric"][0]
    assert list(MetricTarget.objects.values_list("value", flat=True)) == [Decimal("20")]


def test_a_second_journey_target_of_a_metric_is_refused_at_the_journey():
    journey = JourneyFactory(name="Report a claim")
    make_target(Metric.CSAT, "75", journey=journey)
    with pytest.raises(ValidationError) as info:
        target_create(metric=Metric.CSAT, value=Decimal("70"), journey=journey)
    assert errors_of(info) == {
        "journey": ["The journey “Report a claim” already has a target for CSAT: change that one instead."]
    }


def test_a_second_touchpoint_target_of_a_metric_is_refused_at_the_touchpoint():
    touchpoint = TouchpointFactory(name="Payment")
    make_target(Metric.CSAT, "85", touchpoint=touchpoint)
    with pytest.raises(ValidationError) as info:
        target_create(metric=Metric.CSAT, value=Decimal("90"), touchpoint=touchpoint)
    assert errors_of(info) == {
        "touchpoint": ["The touchpoint “Payment” already has a target for CSAT: change that one instead."]
    }


def test_one_metric_has_a_target_at_every_level_and_one_scope_a_target_of_every_metric():
    touchpoint = TouchpointFactory()
    for scope in ({}, {"journey": touchpoint.journey}, {"touchpoint": touchpoint}):
        target_create(metric=Metric.NPS, value=Decimal("10"), **scope)
    for metric, value in ((Metric.CSAT, "80"), (Metric.CES, "5")):
        target_create(metric=metric, value=Decimal(value), touchpoint=touchpoint)
    assert MetricTarget.objects.count() == 5


def test_a_duplicate_that_slips_past_the_check_is_refused_like_any_other_and_the_transaction_goes_on(monkeypatch):
    """Two managers setting the same target at the same moment: both pass the check, the database refuses the
    second; that is a ValidationError at the field (a 400 or the form again), not an IntegrityError (a 500)."""
    make_target(Metric.CES, "5")
    monkeypatch.setattr(services, "_validate", lambda target: None)
    with pytest.raises(ValidationError) as info:
        target_create(metric=Metric.CES, value=Decimal("6"))
    assert "already has a target for CES" in errors_of(info)["metric"][0]
    assert MetricTarget.objects.count() == 1  # the connection is still usable


# Changing and removing a target


def test_a_change_based_on_the_current_version_is_saved_with_who_and_when(manager, admin_user):
    target = target_create(metric=Metric.CSAT, value=Decimal("80"), user=manager)
    before = MetricTarget.objects.get().updated_at
    target_update(target=target, expected_version=1, value=Decimal("82.5"), user=admin_user)
    stored = MetricTarget.objects.get()
    assert (stored.value, stored.version, stored.updated_by) == (Decimal("82.5"), 2, admin_user)
    assert stored.updated_at > before


def test_a_change_based_on_an_old_version_is_refused_and_changes_nothing(manager):
    target = make_target(Metric.NPS, "20")
    MetricTarget.objects.filter(pk=target.pk).update(value=Decimal("25"), version=2)  # someone else saved first
    with pytest.raises(StaleVersion) as info:
        target_update(target=target, expected_version=1, value=Decimal("15"), user=manager)
    assert info.value.current.value == Decimal("25")
    assert MetricTarget.objects.get().value == Decimal("25")


def test_a_change_of_a_removed_target_says_it_was_removed():
    target = make_target()
    MetricTarget.objects.all().delete()
    with pytest.raises(StaleVersion) as info:
        target_update(target=target, expected_version=1, value=Decimal("15"))
    assert info.value.current is None


def test_a_change_into_a_scope_that_has_a_target_already_is_refused():
    journey = JourneyFactory(name="Report a claim")
    make_target(Metric.NPS, "10", journey=journey)
    organisation = make_target(Metric.NPS, "20")
    with pytest.raises(ValidationError) as info:
        target_update(target=organisation, expected_version=1, journey=journey)
    assert "already has a target for NPS" in errors_of(info)["journey"][0]
    assert MetricTarget.objects.get(pk=organisation.pk).journey is None


def test_a_change_out_of_range_is_refused_at_the_value():
    target = make_target(Metric.CES, "5")
    with pytest.raises(ValidationError) as info:
        target_update(target=target, expected_version=1, value=Decimal("50"))
    assert list(errors_of(info)) == ["value"]
    assert MetricTarget.objects.get().value == Decimal("5")


def test_moving_a_target_to_a_touchpoint_brings_the_touchpoints_journey():
    target = make_target(Metric.CSAT, "80", journey=JourneyFactory())
    touchpoint = TouchpointFactory()
    target_update(target=target, expected_version=1, touchpoint=touchpoint)
    stored = MetricTarget.objects.get()
    assert (stored.journey_id, stored.touchpoint_id) == (touchpoint.journey_id, touchpoint.pk)


def test_an_unknown_field_is_a_programming_error():
    with pytest.raises(TypeError):
        target_update(target=make_target(), expected_version=1, owner=None)


def test_removing_a_target_based_on_an_old_version_is_refused():
    target = make_target()
    MetricTarget.objects.filter(pk=target.pk).update(version=2)
    with pytest.raises(StaleVersion):
        target_delete(target=target, expected_version=1)
    assert MetricTarget.objects.exists()
    target_delete(target=target, expected_version=2)
    assert not MetricTarget.objects.exists()


# Who may set targets: managers and admins (the pages and the API check it with this rule)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.MANAGER, True), (Role.ADMIN, True), (Role.CX_EDITOR, False), (Role.PROCESS_OWNER, False)],
)
def test_managers_and_admins_manage_targets(role, allowed):
    assert can_manage_kpis(UserFactory(role=role)) is allowed


# Which target applies


def test_the_most_specific_target_applies():
    touchpoint = TouchpointFactory()
    journey = touchpoint.journey
    other_touchpoint = TouchpointFactory(stage__journey=journey)
    other_journey = JourneyFactory()
    make_target(Metric.CSAT, "80")
    make_target(Metric.CSAT, "75", journey=journey)
    make_target(Metric.CSAT, "70", touchpoint=touchpoint)
    index = target_index()
    assert index.get(Metric.CSAT, journey_id=journey.pk, touchpoint_id=touchpoint.pk) == Decimal("70")
    assert index.get(Metric.CSAT, journey_id=journey.pk, touchpoint_id=other_touchpoint.pk) == Decimal("75")
    assert index.get(Metric.CSAT, journey_id=journey.pk) == Decimal("75")
    assert index.get(Metric.CSAT, journey_id=other_journey.pk) == Decimal("80")
    assert index.get(Metric.CSAT) == Decimal("80")


def test_a_target_applies_to_its_own_metric_only_and_without_one_there_is_none():
    touchpoint = TouchpointFactory()
    make_target(Metric.CES, "5.5", touchpoint=touchpoint)
    index = target_index()
    assert index.get(Metric.CES, journey_id=touchpoint.journey_id, touchpoint_id=touchpoint.pk) == Decimal("5.5")
    assert index.get(Metric.CSAT, journey_id=touchpoint.journey_id, touchpoint_id=touchpoint.pk) is None
    assert index.get(Metric.CES, journey_id=touchpoint.journey_id) is None


def test_removing_a_touchpoints_target_lets_its_journeys_apply():
    touchpoint = TouchpointFactory()
    make_target(Metric.NPS, "15", journey=touchpoint.journey)
    target = target_create(metric=Metric.NPS, value=Decimal("30"), touchpoint=touchpoint)
    scope = {"journey_id": touchpoint.journey_id, "touchpoint_id": touchpoint.pk}
    assert target_index().get(Metric.NPS, **scope) == Decimal("30")
    target_delete(target=target, expected_version=1)
    assert target_index().get(Metric.NPS, **scope) == Decimal("15")


@pytest.mark.parametrize("count", [2, 50])
def test_the_index_and_the_list_read_every_target_in_one_query(count):
    touchpoints = [TouchpointFactory() for _ in range(count)]
    user = UserFactory(role=Role.MANAGER)
    MetricTarget.objects.bulk_create(
        [
            MetricTarget(metric=m, value=Decimal(5), journey=t.journey, touchpoint=t, updated_by=user)
            for t in touchpoints
            for m in (Metric.CSAT, Metric.CES)
        ]
    )
    with CaptureQueriesContext(connection) as queries:
        index = target_index()
        rows = [(t.journey.name, t.touchpoint.stage.name, t.updated_by.username) for t in target_list()]
    assert len(queries) == 2
    assert len(index.touchpoints) == len(rows) == 2 * count
