"""A stale edit in the map's editor dialog keeps what the user typed: the dialog stays open (409) with the
user's input, based on the current version, and lists the fields someone else changed, theirs beside yours."""

import html
import json
import re

import pytest
from django.urls import reverse

from journeys import services
from journeys.models import Finding, Stage, Touchpoint
from tests.journeys.factories import FindingFactory, JourneyFactory, StageFactory, TouchpointFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LONG = "The customer reads the welcome email on a phone, so the links must work in the app. " * 5


@pytest.fixture(autouse=True)
def editors_edit_every_group(settings):
    settings.JOURNEY_EDIT_POLICY = None


@pytest.fixture
def touchpoint() -> Touchpoint:
    stage = StageFactory(journey=JourneyFactory(name="Open an account"), name="Apply")
    return TouchpointFactory(stage=stage, name="Welcome email", emotion=1, description="Sent after signing")


def opened_form(client, url: str) -> dict:
    """The edit form as the dialog opened it: its hidden inputs (the version and the values it started from)."""
    content = client.get(url, **HTMX).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', content))
    return {key: html.unescape(value) for key, value in hidden.items()}


def hidden_value(content: str, name: str) -> str:
    return html.unescape(re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', content).group(1))


def conflict_rows(content: str) -> dict[str, dict]:
    """The fields the stale-edit panel lists: input name -> {"theirs": raw, "yours": raw, "checked": choice}."""
    rows = {}
    for name, values, body in re.findall(
        r'<tr data-stale-field="([^"]+)" data-values="([^"]*)">(.*?)</tr>', content, flags=re.S
    ):
        checked = re.search(r'value="(theirs|yours)" checked', body)
        rows[name] = {**json.loads(html.unescape(values)), "checked": checked.group(1) if checked else None}
    return rows


def touchpoint_data(touchpoint: Touchpoint, **changes) -> dict:
    data = {
        "name": touchpoint.name,
        "emotion": str(touchpoint.emotion),
        "description": touchpoint.description,
        "customer_expectation": touchpoint.customer_expectation,
    }
    return {**data, **changes}


def test_a_stale_card_edit_keeps_the_dialog_open_with_the_typed_text_and_what_changed(editor_client, touchpoint):
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    assert opened["version"] == "1"
    # Someone else saves the card first: a new name and description.
    services.touchpoint_update(
        touchpoint=Touchpoint.objects.get(pk=touchpoint.pk),
        expected_version=1,
        name="Welcome email and app tour",
        description="Theirs",
    )

    mine = touchpoint_data(touchpoint, name="Welcome mail", description=LONG, **opened)
    response = editor_client.post(url, mine, **HTMX)

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#map-editor-body"  # the dialog, not the board: it stays open
    content = response.content.decode()
    assert 'role="alert" aria-live="assertive"' in content
    assert "Someone else changed this in the meantime" in content
    assert html.escape(LONG.strip()) in content  # the long text typed is still in the form
    assert hidden_value(content, "version") == "2"  # saving again is based on the current version
    rows = conflict_rows(content)
    assert set(rows) == {"name", "description"}  # only the fields that differ
    assert rows["name"] == {"theirs": "Welcome email and app tour", "yours": "Welcome mail", "checked": "yours"}
    assert rows["description"]["theirs"] == "Theirs" and rows["description"]["checked"] == "yours"
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.description) == ("Welcome email and app tour", "Theirs")

    # Choosing theirs for the name, keeping my description, and saving again succeeds.
    again = {**mine, "name": rows["name"]["theirs"], "version": "2", "_base": hidden_value(content, "_base")}
    assert editor_client.post(url, again, **HTMX).status_code == 200
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.description.strip(), touchpoint.version) == (
        "Welcome email and app tour",
        LONG.strip(),
        3,
    )


def test_a_field_only_someone_else_changed_takes_their_value_and_mine_stays(editor_client, touchpoint):
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    Touchpoint.objects.filter(pk=touchpoint.pk).update(emotion=-2, version=2)  # they changed the emotion only

    response = editor_client.post(url, touchpoint_data(touchpoint, description=LONG, **opened), **HTMX)

    assert response.status_code == 409
    content = response.content.decode()
    rows = conflict_rows(content)
    assert set(rows) == {"emotion"}  # my description is mine alone: no choice to make
    assert rows["emotion"] == {"theirs": ["-2"], "yours": "1", "checked": "theirs"}
    assert re.search(r'<option value="-2" selected>', content)  # the form holds their emotion
    assert html.escape(LONG.strip()) in content


def test_a_stale_stage_edit_in_the_dialog_keeps_my_goal(editor_client):
    stage = StageFactory(name="Apply", customer_goal="Get an account")
    url = reverse("journeys:stage-edit", args=[stage.journey_id, stage.pk])
    opened = opened_form(editor_client, url)
    Stage.objects.filter(pk=stage.pk).update(name="Application", version=2)

    response = editor_client.post(url, {"name": "Apply", "customer_goal": "Open it in ten minutes", **opened}, **HTMX)

    assert response.status_code == 409
    content = response.content.decode()
    assert "Open it in ten minutes" in content
    assert conflict_rows(content)["name"] == {"theirs": "Application", "yours": "Apply", "checked": "theirs"}
    again = {"name": "Application", "customer_goal": "Open it in ten minutes", "version": "2"}
    assert editor_client.post(url, again, **HTMX).status_code == 200
    stage.refresh_from_db()
    assert (stage.name, stage.customer_goal) == ("Application", "Open it in ten minutes")


def test_a_stale_finding_edit_in_the_dialog_keeps_my_text(editor_client):
    finding = FindingFactory(text="Slow", severity=3)
    url = reverse("journeys:finding-edit", args=[finding.journey_id, finding.pk])
    opened = opened_form(editor_client, url)
    Finding.objects.filter(pk=finding.pk).update(severity=5, version=2)
    data = {"kind": finding.kind, "text": "Slow on the phone", "source": finding.source, "severity": "3", **opened}

    response = editor_client.post(url, data, **HTMX)

    assert response.status_code == 409
    content = response.content.decode()
    assert "Slow on the phone" in content
    assert set(conflict_rows(content)) == {"severity"}


def test_saving_a_card_someone_else_deleted_keeps_the_dialog_open_with_the_typed_text(editor_client, touchpoint):
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    Touchpoint.objects.filter(pk=touchpoint.pk).delete()

    response = editor_client.post(url, touchpoint_data(touchpoint, description=LONG, **opened), **HTMX)

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#map-editor-body"  # the dialog stays open
    content = response.content.decode()
    assert "Someone else deleted or archived this in the meantime" in content
    assert html.escape(LONG.strip()) in content  # what was typed, to copy
    assert ">Save<" not in content  # nothing to save it to
    assert not Touchpoint.all_objects.filter(pk=touchpoint.pk).exists()  # and nothing brought back


def test_saving_a_card_someone_else_archived_keeps_the_typed_text_and_changes_nothing(editor_client, touchpoint):
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    services.touchpoint_archive(touchpoint=Touchpoint.objects.get(pk=touchpoint.pk), expected_version=1)

    response = editor_client.post(url, touchpoint_data(touchpoint, name="Welcome mail", **opened), **HTMX)

    assert response.status_code == 409
    assert 'value="Welcome mail"' in response.content.decode()
    assert Touchpoint.all_objects.get(pk=touchpoint.pk).name == "Welcome email"


@pytest.mark.parametrize("kind", ["stage", "finding"])
def test_saving_a_stage_or_finding_someone_else_deleted_keeps_the_typed_text(editor_client, kind):
    if kind == "stage":
        part = StageFactory(name="Apply", customer_goal="Get an account")
        data = {"name": "Apply", "customer_goal": "Open it in ten minutes"}
    else:
        part = FindingFactory(text="Slow", severity=3)
        data = {"kind": part.kind, "text": "Open it in ten minutes", "source": part.source, "severity": "3"}
    url = reverse(f"journeys:{kind}-edit", args=[part.journey_id, part.pk])
    opened = opened_form(editor_client, url)
    type(part).objects.filter(pk=part.pk).delete()

    response = editor_client.post(url, {**data, **opened}, **HTMX)

    assert response.status_code == 409
    assert "Open it in ten minutes" in response.content.decode()


def test_opening_the_dialog_of_a_card_someone_else_deleted_answers_with_the_board(editor_client, touchpoint):
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    Touchpoint.objects.filter(pk=touchpoint.pk).delete()
    response = editor_client.get(url, **HTMX)
    assert response.status_code == 409
    assert "Someone else deleted this in the meantime" in response.content.decode()
