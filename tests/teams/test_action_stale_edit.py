"""A stale edit of an improvement action keeps what the user typed, beside what someone else changed."""

import pytest
from django.urls import reverse

from teams.models import ImprovementAction
from teams.services.actions import action_create, action_update
from tests.journeys.factories import build_map
from tests.stale_forms import conflict_rows, hidden_value, resend
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db
LONG = "As a customer, I want to upload photos of the damage from my phone, so that I need not mail them. " * 4


@pytest.fixture
def editor(cx_editor):
    journey = build_map(stages=1, touchpoints_per_stage=1, name="Report a claim")
    MembershipFactory(team=TeamFactory(name="Claims team", journey_groups=[journey.group]), user=cx_editor)
    cx_editor.journey = journey
    return cx_editor


def edit_data(action: ImprovementAction, opened: str, **changes) -> dict:
    data = {
        "title": action.title,
        "description": action.description,
        "assignee": "",
        "team": action.team_id or "",
        "impact": action.impact,
        "effort": action.effort,
        "progress": action.progress,
        "due_date": "",
        "sprint": action.sprint,
        "expected_investment": action.expected_investment,
        "expected_gains": action.expected_gains,
        "version": action.version,
        "_base": opened,
    }
    return data | changes


def test_a_stale_action_edit_keeps_my_description_and_offers_their_title(client_of, editor):
    action = action_create(created_by=None, title="Photo upload", journey=editor.journey, description="Short")
    url = reverse("teams:action-edit", args=[action.pk])
    client = client_of(editor)
    opened = hidden_value(client.get(url).content.decode(), "_base")
    action_update(action=ImprovementAction.objects.get(pk=action.pk), expected_version=1, title="Upload photos")

    response = client.post(url, edit_data(action, opened, description=LONG))

    assert response.status_code == 409
    content = response.content.decode()
    assert "Someone else changed this in the meantime" in content and 'aria-live="assertive"' in content
    assert LONG.strip() in content.replace("&#x27;", "'")
    assert conflict_rows(content) == {
        "title": {"theirs": "Upload photos", "yours": "Photo upload", "checked": "theirs"}
    }
    assert hidden_value(content, "version") == "2"
    assert ImprovementAction.objects.get(pk=action.pk).description == "Short"  # nothing saved yet

    assert client.post(url, resend(response)).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.description.strip(), action.version) == ("Upload photos", LONG.strip(), 3)


def test_when_both_changed_a_field_i_choose_per_field(client_of, editor):
    action = action_create(created_by=None, title="Photo upload", journey=editor.journey, description="Short")
    url = reverse("teams:action-edit", args=[action.pk])
    client = client_of(editor)
    opened = hidden_value(client.get(url).content.decode(), "_base")
    action_update(
        action=ImprovementAction.objects.get(pk=action.pk), expected_version=1, title="Theirs", description="Their text"
    )

    response = client.post(url, edit_data(action, opened, title="Mine", description="My text"))

    rows = conflict_rows(response.content.decode())
    assert {name: row["checked"] for name, row in rows.items()} == {"title": "yours", "description": "yours"}
    assert client.post(url, resend(response, title="theirs")).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.description) == ("Theirs", "My text")


def test_a_stale_progress_report_keeps_the_number_typed(client_of, editor, process_owner):
    action = action_create(created_by=None, title="Photo upload", journey=editor.journey, assignee=process_owner)
    url = reverse("teams:action", args=[action.pk])
    client = client_of(process_owner)
    opened = hidden_value(client.get(url).content.decode(), "_base")
    ImprovementAction.objects.filter(pk=action.pk).update(progress=40, version=2)  # someone else reported 40%

    response = client.post(
        reverse("teams:action-progress", args=[action.pk]), {"progress": 90, "version": 1, "_base": opened}
    )

    assert response.status_code == 409
    content = response.content.decode()
    assert 'name="progress" id="id_progress" min="0" max="100" step="5" value="90"' in content
    assert conflict_rows(content) == {"progress": {"theirs": "40", "yours": "90", "checked": "yours"}}
    again = client.post(reverse("teams:action-progress", args=[action.pk]), resend(response, "progress_form"))
    assert again.status_code == 302
    assert ImprovementAction.objects.get(pk=action.pk).progress == 90
