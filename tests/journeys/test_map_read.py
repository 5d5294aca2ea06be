"""The map editor page, reading: stages, touchpoints and findings in order, escaping, a manager's read-only map
refused every write, and the page's query counts. The journey fixture is in conftest.py.
"""

import json

import pytest
from django.urls import reverse

from journeys.models import Finding, FindingKind, Stage, Touchpoint
from journeys.permissions import CANNOT_EDIT_REASON
from tests.journeys.factories import FindingFactory, JourneyFactory, PersonaFactory, TouchpointFactory, build_map
from tests.journeys.map_page_data import HTMX, map_url, names_in_order, stage_names, touchpoint_names

# These tests are about the map editor; which journeys an editor owns is tested in test_map_ownership.py.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("editors_edit_every_group")]


# Reading the map


def test_the_map_shows_stages_and_touchpoints_in_order(editor_client, journey):
    response = editor_client.get(map_url(journey))
    assert response.status_code == 200
    content = response.content.decode()
    assert stage_names(content) == ["Orientation", "Apply"]
    assert touchpoint_names(content) == [
        "Compare on website",
        "Call the advice line",
        "Fill in the form",
        "Welcome email",
    ]
    assert "Find the right account" in content  # the customer goal lane
    assert "Clear prices" in content  # the expectations lane
    assert "Moment of truth" in content
    assert 'id="emotion-curve-data"' in content


def test_the_header_shows_state_personas_and_links_a_future_state_to_its_current_state(editor_client, journey):
    future = JourneyFactory(name="Open an account, redesigned", state="future", current_state=journey)
    future.personas.set([PersonaFactory(name="Starter Sam")])
    content = editor_client.get(map_url(future)).content.decode()
    assert "Future state" in content
    assert "Starter Sam" in content
    assert f'href="{map_url(journey)}"' in content


def test_findings_show_in_their_lanes(editor_client, journey):
    touchpoint = Touchpoint.objects.get(name="Fill in the form")
    FindingFactory(touchpoint=touchpoint, kind=FindingKind.PAIN_POINT, text="The form asks for things twice")
    FindingFactory(touchpoint=None, stage=touchpoint.stage, kind=FindingKind.OPPORTUNITY, text="Prefill from ID")
    FindingFactory(touchpoint=None, stage=touchpoint.stage, kind=FindingKind.INSIGHT, text="Most apply at night")
    content = editor_client.get(map_url(journey)).content.decode()
    assert names_in_order(
        content, ["Pain points", "The form asks for things twice", "Opportunities", "Prefill from ID", "Insights"]
    )
    assert "Most apply at night" in content


def test_an_empty_journey_invites_the_first_stage(editor_client):
    content = editor_client.get(map_url(JourneyFactory())).content.decode()
    assert "This map has no stages yet" in content
    assert "Add the first stage" in content


def test_an_unknown_journey_is_not_found(editor_client):
    assert editor_client.get("/journeys/999999/").status_code == 404


def test_a_touchpoint_name_with_a_script_tag_is_escaped_everywhere(editor_client, journey):
    TouchpointFactory(stage=journey.stages.first(), name="<script>alert(1)</script>")
    content = editor_client.get(map_url(journey)).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content  # the card and the aria-labels
    # The figure JSON in its script tag cannot close the tag early.
    data = content.split('id="emotion-curve-data" type="application/json">')[1].split("</script>")[0]
    assert "<" not in data
    ticks = json.loads(data)["layout"]["xaxis"]["ticktext"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ticks  # Plotly shows the entities as text


# Read only


def test_a_manager_sees_the_map_without_edit_controls(client, manager, journey):
    client.force_login(manager)
    content = client.get(map_url(journey)).content.decode()
    assert "Compare on website" in content
    assert "hx-post" not in content
    assert "Add a stage" not in content
    assert "map-editor" not in content


@pytest.mark.parametrize(
    "name, args",
    [
        ("journeys:stage-create", lambda j: [j.pk]),
        ("journeys:stage-edit", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:stage-delete", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:stage-move", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:touchpoint-create", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:touchpoint-edit", lambda j: [j.pk, j.touchpoints.first().pk]),
        ("journeys:touchpoint-delete", lambda j: [j.pk, j.touchpoints.first().pk]),
        ("journeys:touchpoint-move", lambda j: [j.pk, j.touchpoints.first().pk]),
        ("journeys:finding-create", lambda j: [j.pk, j.stages.first().pk]),
        ("journeys:map-reorder", lambda j: [j.pk]),
    ],
)
def test_a_manager_is_refused_every_write_with_the_reason(client, manager, journey, name, args):
    client.force_login(manager)
    response = client.post(reverse(name, args=args(journey)), {"name": "Hijacked", "version": 1}, **HTMX)
    assert response.status_code == 403
    assert str(CANNOT_EDIT_REASON) in response.content.decode()
    assert not Stage.objects.filter(name="Hijacked").exists()
    assert not Touchpoint.objects.filter(name="Hijacked").exists()


def test_a_manager_cannot_edit_or_delete_a_finding(client, manager, journey):
    finding = FindingFactory(touchpoint=journey.touchpoints.first())
    client.force_login(manager)
    edit = reverse("journeys:finding-edit", args=[journey.pk, finding.pk])
    delete = reverse("journeys:finding-delete", args=[journey.pk, finding.pk])
    assert client.post(edit, {"text": "x", "version": 1}).status_code == 403
    assert client.post(delete, {"version": 1}).status_code == 403
    assert Finding.objects.filter(pk=finding.pk, text=finding.text).exists()


# Queries


@pytest.mark.parametrize("touchpoints_per_stage", [1, 100])
def test_the_map_page_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, touchpoints_per_stage):
    journey = build_map(stages=2, touchpoints_per_stage=touchpoints_per_stage, findings_per_touchpoint=1)
    journey.personas.set([PersonaFactory(), PersonaFactory()])
    assert journey.touchpoints.count() == 2 * touchpoints_per_stage  # 2 and 200
    # session, user, journey (+group, chain owner, current state), personas, stages, touchpoints
    # (+channel, owner), findings (+touchpoint); the measured scores (settings.MAP_MEASURES): snapshot cells
    # per touchpoint, targets, the touchpoints' top complaints (theme mentions). With responses of two sizes:
    # tests/journeys/test_map_measures.py.
    with django_assert_num_queries(10):
        response = editor_client.get(map_url(journey))
    assert response.status_code == 200


def test_a_write_answers_with_the_board_in_a_fixed_number_of_queries(editor_client, django_assert_num_queries):
    journey = build_map(stages=3, touchpoints_per_stage=50)
    stage = journey.stages.first()
    url = reverse("journeys:stage-edit", args=[journey.pk, stage.pk])
    # session, user, journey (permission), stage; the service: savepoint, the stage's key unique (journeys'
    # check, then the model's constraint: savepoint, query, release), journey exists (full_clean), update, its
    # history (the row, its latest history row, the new one), release; then the board: journey, personas,
    # stages, touchpoints, findings, measured cells, targets, top complaints; and the audit row of the update
    # (cxplatform.audit)
    with django_assert_num_queries(24):
        response = editor_client.post(url, {"name": "Renamed", "version": 1}, **HTMX)
    assert response.status_code == 200
