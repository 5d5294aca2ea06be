"""Deletes that name a version refuse a stale one: API (409 with the object as it is now) and pages (the
confirmation again, saying what changed). Improvement actions, targets, custom KPIs and business cases.

A delete without a version still deletes, as before (clients written before versions); the pages always send one.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse

from metrics.models import BusinessCase, CustomKpi, Metric, MetricTarget
from teams.models import ImprovementAction
from tests.metrics.factories import BusinessCaseFactory, CustomKpiFactory
from tests.stale_forms import hidden_value
from tests.teams.factories import ActionFactory

pytestmark = pytest.mark.django_db


@dataclass
class Kind:
    """One kind of versioned object: how to make one, how someone else changes it, and where it is deleted."""

    model: type[Model]
    api: str
    page: str  # the URL name of the delete page
    make: Any
    change: dict  # the field someone else changes, and its new value
    shown: str  # how the confirmation shows that new value

    def page_url(self, obj) -> str:
        return reverse(self.page, args=[obj.action_id if self.model is BusinessCase else obj.pk])


KINDS = {
    "action": Kind(
        ImprovementAction,
        "/api/v1/actions/",
        "teams:action-delete",
        lambda: ActionFactory(title="Photo upload"),
        {"title": "Photo upload from the app"},
        "Photo upload from the app",
    ),
    "target": Kind(
        MetricTarget,
        "/api/v1/targets/",
        "metrics:target-delete",
        lambda: MetricTarget.objects.create(metric=Metric.NPS, value=Decimal("20")),
        {"value": Decimal("25")},
        "25",
    ),
    "kpi": Kind(
        CustomKpi,
        "/api/v1/kpis/",
        "metrics:kpi-delete",
        lambda: CustomKpiFactory(name="Complaints"),
        {"name": "Complaints per 1,000 claims"},
        "Complaints per 1,000 claims",
    ),
    "business_case": Kind(
        BusinessCase,
        "/api/v1/business-cases/",
        "metrics:business-case-delete",
        lambda: BusinessCaseFactory(notes=""),
        {"notes": "Agreed with finance"},
        "Agreed with finance",
    ),
}


@pytest.fixture(params=list(KINDS))
def kind(request) -> Kind:
    return KINDS[request.param]


def changed_by_someone_else(kind: Kind, obj) -> None:
    kind.model.objects.filter(pk=obj.pk).update(version=2, **kind.change)


# The API


def test_a_stale_api_delete_is_refused_with_the_object_as_it_is_now(client_of, admin_user, kind):
    obj = kind.make()
    changed_by_someone_else(kind, obj)
    response = client_of(admin_user).delete(f"{kind.api}{obj.pk}/?version=1")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version"
    assert (body["current"]["id"], body["current"]["version"]) == (obj.pk, 2)
    assert kind.model.objects.filter(pk=obj.pk).exists()


def test_an_api_delete_of_the_current_version_deletes(client_of, admin_user, kind):
    obj = kind.make()
    changed_by_someone_else(kind, obj)
    assert client_of(admin_user).delete(f"{kind.api}{obj.pk}/?version=2").status_code == 204
    assert not kind.model.objects.filter(pk=obj.pk).exists()


def test_the_version_may_come_in_the_body(client_of, admin_user, kind):
    obj = kind.make()
    changed_by_someone_else(kind, obj)
    client = client_of(admin_user)
    assert client.delete(f"{kind.api}{obj.pk}/", {"version": 1}, "application/json").status_code == 409
    assert client.delete(f"{kind.api}{obj.pk}/", {"version": 2}, "application/json").status_code == 204


def test_after_a_refusal_a_delete_without_a_version_deletes_as_before(client_of, admin_user, kind):
    obj = kind.make()
    changed_by_someone_else(kind, obj)
    client = client_of(admin_user)
    assert client.delete(f"{kind.api}{obj.pk}/?version=1").status_code == 409
    assert client.delete(f"{kind.api}{obj.pk}/").status_code == 204  # no version: no check, as before
    assert not kind.model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("version", ["abc", "0", "-1", "1.5"])
def test_an_api_delete_with_a_bad_version_is_a_400_naming_it(client_of, admin_user, kind, version):
    obj = kind.make()
    response = client_of(admin_user).delete(f"{kind.api}{obj.pk}/?version={version}")
    assert response.status_code == 400
    assert "version" in response.json()
    assert kind.model.objects.filter(pk=obj.pk).exists()


def test_the_schema_documents_the_version_of_a_delete_and_its_409(client_of, admin_user, kind):
    paths = client_of(admin_user).get("/api/schema/?format=json").json()["paths"]
    delete = paths[f"{kind.api}{{id}}/"]["delete"]
    [version] = [p for p in delete["parameters"] if p["name"] == "version"]
    assert (version["in"], version.get("required", False), version["schema"]["type"]) == ("query", False, "integer")
    assert {"204", "400", "409"} <= set(delete["responses"])


# The pages


def test_a_stale_page_delete_asks_again_saying_what_changed(client_of, admin_user, kind):
    obj = kind.make()
    url = kind.page_url(obj)
    client = client_of(admin_user)
    page = client.get(url).content.decode()
    version, opened = hidden_value(page, "version"), hidden_value(page, "_base")
    assert version == "1"
    changed_by_someone_else(kind, obj)

    response = client.post(url, {"version": version, "_base": opened})

    assert response.status_code == 409
    content = response.content.decode()
    assert "Nothing is deleted" in content and 'aria-live="assertive"' in content
    assert kind.shown in content
    assert kind.model.objects.filter(pk=obj.pk).exists()
    # Asked again, now about the current version: confirming deletes.
    assert hidden_value(content, "version") == "2"
    assert client.post(url, {"version": "2", "_base": hidden_value(content, "_base")}).status_code == 302
    assert not kind.model.objects.filter(pk=obj.pk).exists()


def test_a_page_delete_with_a_bad_version_is_a_400(client_of, admin_user, kind):
    obj = kind.make()
    assert client_of(admin_user).post(kind.page_url(obj), {"version": "x"}).status_code == 400
    assert kind.model.objects.filter(pk=obj.pk).exists()
