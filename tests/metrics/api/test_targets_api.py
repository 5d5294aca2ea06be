"""/api/v1/targets/: everyone reads, managers and admins set, change and remove; one target per metric and scope;
stale edits are a 409; filters; a fixed number of queries; documented in the OpenAPI schema."""

from decimal import Decimal

import pytest

from cxplatform.accounts.models import Role
from metrics.models import Metric, MetricTarget
from metrics.permissions import NOT_A_KPI_MANAGER
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory, TouchpointFactory
from tests.metrics.services.test_targets import make_target

JSON = "application/json"
API = "/api/v1/targets/"
pytestmark = pytest.mark.django_db


def url_of(target: MetricTarget) -> str:
    return f"{API}{target.pk}/"


# Setting targets: managers and admins


def test_a_manager_sets_the_organisation_nps_target(client_of, manager):
    response = client_of(manager).post(API, {"metric": "nps", "value": "20"}, JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["metric"], data["metric_display"], data["scope"], data["value"]) == (
        "nps",
        "NPS",
        "organisation",
        "20.00",
    )
    assert (data["journey"], data["touchpoint"], data["version"]) == (None, None, 1)
    assert (data["updated_by"], data["updated_by_name"]) == (manager.pk, manager.get_full_name())
    assert MetricTarget.objects.get().updated_by == manager


def test_a_touchpoint_target_takes_its_journey_from_the_touchpoint(client_of, admin_user):
    touchpoint = TouchpointFactory(name="Claim by phone")
    response = client_of(admin_user).post(API, {"metric": "csat", "value": "70", "touchpoint": touchpoint.pk}, JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["scope"], data["journey"], data["touchpoint_name"]) == (
        "touchpoint",
        touchpoint.journey_id,
        "Claim by phone",
    )


@pytest.mark.parametrize("role", [Role.PROCESS_OWNER, Role.CX_EDITOR])
def test_others_cannot_set_a_target(client_of, role):
    response = client_of(UserFactory(role=role)).post(API, {"metric": "nps", "value": "20"}, JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == str(NOT_A_KPI_MANAGER)
    assert not MetricTarget.objects.exists()


def test_a_process_owner_cannot_change_or_remove_a_target(client_of, process_owner):
    target = make_target(Metric.NPS, "20")
    client = client_of(process_owner)
    assert client.patch(url_of(target), {"value": "50", "version": 1}, JSON).status_code == 403
    assert client.put(url_of(target), {"metric": "nps", "value": "50", "version": 1}, JSON).status_code == 403
    assert client.delete(url_of(target)).status_code == 403
    assert MetricTarget.objects.get().value == Decimal("20")


@pytest.mark.parametrize(
    ("body", "field", "text"),
    [
        ({"metric": "csat", "value": "120"}, "value", "between 0 and 100"),
        ({"metric": "ces", "value": "0.5"}, "value", "between 1 and 7"),
        ({"metric": "nps", "value": "-150"}, "value", "between -100 and 100"),
        ({"metric": "nps", "value": "12.345"}, "value", "decimal places"),
        ({"metric": "nps"}, "value", "required"),
        ({"metric": "ltv", "value": "1"}, "metric", "not a valid choice"),
        ({"metric": "nps", "value": "1", "journey": 999999}, "journey", "does not exist"),
    ],
)
def test_a_bad_target_is_refused_at_its_field(client_of, manager, body, field, text):
    response = client_of(manager).post(API, body, JSON)
    assert response.status_code == 400
    assert text in response.json()[field][0], response.json()
    assert not MetricTarget.objects.exists()


def test_a_touchpoint_of_another_journey_is_refused(client_of, manager):
    body = {"metric": "csat", "value": "70", "journey": JourneyFactory().pk, "touchpoint": TouchpointFactory().pk}
    response = client_of(manager).post(API, body, JSON)
    assert response.status_code == 400
    assert "is a touchpoint of another journey" in response.json()["touchpoint"][0]


def test_a_second_target_of_the_same_scope_is_a_400_that_says_so_not_a_500(client_of, manager):
    journey = JourneyFactory(name="Report a claim")
    make_target(Metric.CSAT, "75", journey=journey)
    response = client_of(manager).post(API, {"metric": "csat", "value": "70", "journey": journey.pk}, JSON)
    assert response.status_code == 400
    assert response.json()["journey"] == [
        "The journey “Report a claim” already has a target for CSAT: change that one instead."
    ]
    assert MetricTarget.objects.count() == 1


# Changing and removing


def test_a_change_is_saved_and_the_version_moves_on(client_of, manager):
    target = make_target(Metric.CES, "5")
    response = client_of(manager).patch(url_of(target), {"value": "5.5", "version": 1}, JSON)
    assert response.status_code == 200, response.json()
    assert (response.json()["value"], response.json()["version"]) == ("5.50", 2)
    assert MetricTarget.objects.get().updated_by == manager


def test_a_stale_change_is_a_409_with_the_target_as_it_is(client_of, manager):
    target = make_target(Metric.NPS, "20")
    client = client_of(manager)
    assert client.patch(url_of(target), {"value": "25", "version": 1}, JSON).status_code == 200
    response = client.patch(url_of(target), {"value": "15", "version": 1}, JSON)
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    assert (response.json()["current"]["value"], response.json()["current"]["version"]) == ("25.00", 2)
    assert MetricTarget.objects.get().value == Decimal("25")


def test_a_change_without_a_version_is_refused(client_of, manager):
    target = make_target()
    response = client_of(manager).patch(url_of(target), {"value": "25"}, JSON)
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_change_out_of_range_is_refused_at_the_value(client_of, manager):
    target = make_target(Metric.CSAT, "80")
    response = client_of(manager).patch(url_of(target), {"value": "180", "version": 1}, JSON)
    assert response.status_code == 400
    assert "between 0 and 100" in response.json()["value"][0]
    assert MetricTarget.objects.get().value == Decimal("80")


def test_an_admin_removes_a_target(client_of, admin_user):
    target = make_target()
    assert client_of(admin_user).delete(url_of(target)).status_code == 204
    assert not MetricTarget.objects.exists()


# Reading: everyone


def test_everyone_reads_the_targets_with_their_scope(client_of, process_owner):
    touchpoint = TouchpointFactory(name="Payment", stage__journey__name="Report a claim")
    make_target(Metric.CSAT, "85", touchpoint=touchpoint)
    client = client_of(process_owner)
    rows = client.get(API).json()["results"]
    assert [(r["scope"], r["journey_name"], r["touchpoint_name"], r["value"]) for r in rows] == [
        ("touchpoint", "Report a claim", "Payment", "85.00")
    ]
    assert client.get(f"{API}{rows[0]['id']}/").json()["metric"] == "csat"


def test_the_list_filters_by_metric_journey_touchpoint_and_scope(client_of, manager):
    touchpoint = TouchpointFactory()
    journey = touchpoint.journey
    organisation = make_target(Metric.NPS, "20")
    on_journey = make_target(Metric.NPS, "25", journey=journey)
    on_touchpoint = make_target(Metric.CSAT, "70", touchpoint=touchpoint)
    elsewhere = make_target(Metric.CES, "5", journey=JourneyFactory())
    client = client_of(manager)

    def ids(**query) -> set[int]:
        response = client.get(API, query)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(metric="nps") == {organisation.pk, on_journey.pk}
    assert ids(journey=journey.pk) == {on_journey.pk, on_touchpoint.pk}
    assert ids(touchpoint=touchpoint.pk) == {on_touchpoint.pk}
    assert ids(scope="organisation") == {organisation.pk}
    assert ids(scope="journey") == {on_journey.pk, elsewhere.pk}
    assert ids(scope="touchpoint", metric="csat") == {on_touchpoint.pk}
    assert client.get(API, {"scope": "galaxy"}).status_code == 400


def test_anonymous_requests_get_401(client):
    assert client.get(API, HTTP_ACCEPT=JSON).status_code == 401


@pytest.mark.parametrize("count", [2, 100])
def test_the_target_list_runs_a_fixed_number_of_queries(client_of, manager, django_assert_num_queries, count):
    touchpoints = [TouchpointFactory() for _ in range(count)]
    MetricTarget.objects.bulk_create(
        [
            MetricTarget(metric=m, value=Decimal(5), journey=t.journey, touchpoint=t, updated_by=manager)
            for t in touchpoints
            for m in (Metric.CSAT, Metric.CES)
        ]
    )
    client = client_of(manager)
    # session, user, count, targets (+journey, touchpoint, stage, who changed it)
    with django_assert_num_queries(4):
        response = client.get(f"{API}?page_size=500")
    rows = response.json()["results"]
    assert len(rows) == 2 * count
    assert all(row["updated_by_name"] == manager.get_full_name() for row in rows)


def test_the_openapi_schema_documents_the_targets(client_of, process_owner):
    paths = client_of(process_owner).get("/api/schema/?format=json").json()["paths"]
    assert {"/api/v1/targets/", "/api/v1/targets/{id}/"} <= set(paths)
    assert "409" in paths["/api/v1/targets/{id}/"]["patch"]["responses"]
    parameters = {p["name"] for p in paths["/api/v1/targets/"]["get"]["parameters"]}
    assert {"metric", "journey", "touchpoint", "scope"} <= parameters
