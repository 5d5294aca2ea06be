"""The map editor page, findings: added, edited and deleted on the map. The journey fixture is in conftest.py."""

import pytest
from django.urls import reverse

from journeys.models import Finding
from tests.journeys.factories import FindingFactory, StageFactory
from tests.journeys.map_page_data import HTMX

# These tests are about the map editor; which journeys an editor owns is tested in test_map_ownership.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("editors_edit_every_group")]


# Findings


def test_an_editor_adds_a_pain_point_on_a_touchpoint(editor_client, journey):
    stage = journey.stages.get(name="Apply")
    touchpoint = stage.touchpoints.get(name="Fill in the form")
    url = reverse("journeys:finding-create", args=[journey.pk, stage.pk])
    form = editor_client.get(url + "?kind=opportunity", **HTMX).content.decode()
    assert '<option value="opportunity" selected>' in form
    data = {"kind": "pain_point", "touchpoint": touchpoint.pk, "text": "Too many fields", "source": "survey"}
    response = editor_client.post(url, {**data, "severity": "4"}, **HTMX)
    assert response.status_code == 200
    assert "Too many fields" in response.content.decode()
    finding = Finding.objects.get(text="Too many fields")
    assert (finding.stage, finding.touchpoint, finding.severity) == (stage, touchpoint, 4)


def test_a_finding_needs_text(editor_client, journey):
    stage = journey.stages.first()
    url = reverse("journeys:finding-create", args=[journey.pk, stage.pk])
    response = editor_client.post(url, {"kind": "insight", "text": "", "source": "other", "severity": 3}, **HTMX)
    assert response.status_code == 422
    assert 'id="id_text-error"' in response.content.decode()


def test_an_editor_edits_and_deletes_a_finding(editor_client, journey):
    finding = FindingFactory(touchpoint=journey.touchpoints.first(), text="Slow")
    edit = reverse("journeys:finding-edit", args=[journey.pk, finding.pk])
    data = {"kind": "pain_point", "text": "Very slow", "source": "complaint", "severity": 5, "version": 1}
    assert editor_client.post(edit, data, **HTMX).status_code == 200
    finding.refresh_from_db()
    assert (finding.text, finding.severity, finding.version) == ("Very slow", 5, 2)

    stale = editor_client.post(edit, {**data, "text": "Stale"}, **HTMX)
    assert stale.status_code == 409
    assert "Very slow" in stale.content.decode()

    delete = reverse("journeys:finding-delete", args=[journey.pk, finding.pk])
    assert editor_client.post(delete, {"version": 1}, **HTMX).status_code == 409
    assert editor_client.post(delete, {"version": 2}, **HTMX).status_code == 200
    assert not Finding.objects.filter(pk=finding.pk).exists()


def test_a_stage_of_another_journey_cannot_be_reached_through_this_one(editor_client, journey):
    other = StageFactory(name="Not yours")
    url = reverse("journeys:stage-edit", args=[journey.pk, other.pk])
    response = editor_client.post(url, {"name": "Mine now", "version": 1}, **HTMX)
    assert response.status_code == 409
    other.refresh_from_db()
    assert other.name == "Not yours"
