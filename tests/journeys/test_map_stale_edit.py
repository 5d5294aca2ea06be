"""A stale edit in the map's editor dialog merges field by field: the fields only the user changed are saved onto
the current version; a field both changed keeps the dialog open (409) with the user's input, based on the current
version, and both values to choose from. Nothing the user typed is lost."""

import html
import json
import re

import pytest
from django.urls import reverse

from journeys import services
from journeys.models import Finding, Stage, Touchpoint
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import (
    ChannelFactory,
    FindingFactory,
    JourneyFactory,
    StageFactory,
    TouchpointFactory,
)

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
        "channel": str(touchpoint.channel_id or ""),
        "owner": str(touchpoint.owner_id or ""),
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


def test_a_stale_card_edit_of_a_field_nobody_else_changed_is_merged_and_saved(editor_client, touchpoint):
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    Touchpoint.objects.filter(pk=touchpoint.pk).update(emotion=-2, version=2)  # they changed the emotion only

    response = editor_client.post(url, touchpoint_data(touchpoint, description=LONG, **opened), **HTMX)

    assert response.status_code == 200  # the board: saved, no choice to make
    content = response.content.decode()
    assert "Touchpoint “Welcome email” saved. Merged with someone else’s change to: Designed emotion." in content
    touchpoint.refresh_from_db()
    assert (touchpoint.emotion, touchpoint.description.strip(), touchpoint.version) == (-2, LONG.strip(), 3)


def test_a_stale_stage_edit_in_the_dialog_merges_their_name_and_my_goal(editor_client):
    stage = StageFactory(name="Apply", customer_goal="Get an account")
    url = reverse("journeys:stage-edit", args=[stage.journey_id, stage.pk])
    opened = opened_form(editor_client, url)
    Stage.objects.filter(pk=stage.pk).update(name="Application", version=2)

    response = editor_client.post(url, {"name": "Apply", "customer_goal": "Open it in ten minutes", **opened}, **HTMX)

    assert response.status_code == 200
    stage.refresh_from_db()
    assert (stage.name, stage.customer_goal, stage.version) == ("Application", "Open it in ten minutes", 3)


def test_a_stale_finding_edit_in_the_dialog_merges_their_severity_and_my_text(editor_client):
    finding = FindingFactory(text="Slow", severity=3)
    url = reverse("journeys:finding-edit", args=[finding.journey_id, finding.pk])
    opened = opened_form(editor_client, url)
    Finding.objects.filter(pk=finding.pk).update(severity=5, version=2)
    data = {"kind": finding.kind, "text": "Slow on the phone", "source": finding.source, "severity": "3", **opened}

    response = editor_client.post(url, data, **HTMX)

    assert response.status_code == 200
    finding.refresh_from_db()
    assert (finding.text, finding.severity, finding.version) == ("Slow on the phone", 5, 3)


def test_a_stale_finding_edit_of_the_same_field_asks_to_choose(editor_client):
    finding = FindingFactory(text="Slow", severity=3, kind="pain_point")
    url = reverse("journeys:finding-edit", args=[finding.journey_id, finding.pk])
    opened = opened_form(editor_client, url)
    Finding.objects.filter(pk=finding.pk).update(severity=5, kind="insight", version=2)
    data = {"kind": "opportunity", "text": "Slow", "source": finding.source, "severity": "1", **opened}

    response = editor_client.post(url, data, **HTMX)

    assert response.status_code == 409
    rows = conflict_rows(response.content.decode())
    assert set(rows) == {"kind", "severity"}
    assert rows["severity"] == {"theirs": ["5"], "yours": "1", "checked": "yours"}
    assert ">5 critical<" in response.content.decode() and ">1 minor<" in response.content.decode()
    assert Finding.objects.get(pk=finding.pk).severity == 5


def test_choice_fields_people_and_booleans_merge_when_each_changed_other_ones(editor_client, touchpoint):
    web, phone = ChannelFactory(slug="web"), ChannelFactory(slug="phone")
    Touchpoint.objects.filter(pk=touchpoint.pk).update(channel=web, is_moment_of_truth=True)
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    emma = UserFactory(first_name="Emma", last_name="de Vries")
    # They: another channel and an owner. Me: not a moment of truth any more, and another emotion.
    Touchpoint.objects.filter(pk=touchpoint.pk).update(channel=phone, owner=emma, version=2)

    mine = touchpoint_data(touchpoint, emotion="-1", channel=str(web.pk), **opened)  # the checkbox unticked
    response = editor_client.post(url, mine, **HTMX)

    assert response.status_code == 200
    touchpoint.refresh_from_db()
    assert (touchpoint.channel, touchpoint.owner, touchpoint.is_moment_of_truth, touchpoint.emotion) == (
        phone,
        emma,
        False,
        -1,
    )


def test_a_box_they_unticked_stays_unticked_when_i_left_it_alone(editor_client, touchpoint):
    Touchpoint.objects.filter(pk=touchpoint.pk).update(is_moment_of_truth=True)
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    Touchpoint.objects.filter(pk=touchpoint.pk).update(is_moment_of_truth=False, version=2)

    mine = touchpoint_data(touchpoint, name="Welcome mail", is_moment_of_truth="on", **opened)
    assert editor_client.post(url, mine, **HTMX).status_code == 200
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.is_moment_of_truth) == ("Welcome mail", False)


def test_the_same_field_changed_by_both_asks_to_choose_and_saves_nothing_until_then(editor_client, touchpoint):
    app, phone = ChannelFactory(slug="app"), ChannelFactory(slug="phone")
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    # They: a new description, the channel app, and the emotion.
    Touchpoint.objects.filter(pk=touchpoint.pk).update(description="Theirs", channel=app, emotion=-2, version=2)

    # Me: another description, the channel phone, and a new name.
    mine = touchpoint_data(touchpoint, name="Welcome mail", description=LONG, channel=str(phone.pk), **opened)
    response = editor_client.post(url, mine, **HTMX)

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#map-editor-body"
    content = response.content.decode()
    rows = conflict_rows(content)
    assert set(rows) == {"description", "channel"}  # the name is mine alone, the emotion theirs alone
    assert rows["channel"] == {"theirs": [str(app.pk)], "yours": str(phone.pk), "checked": "yours"}
    assert ">Saved by someone else<" in content and ">Yours<" in content
    assert ">Theirs<" in content and html.escape(LONG.strip()) in content  # both texts shown
    assert ">App<" in content and ">Phone<" in content
    assert "Taken from their change, no choice needed: Designed emotion" in content
    assert 'value="Welcome mail"' in content  # my other change is kept in the form
    assert re.search(r'<option value="-2" selected>', content)  # their other change is taken
    assert hidden_value(content, "version") == "2"
    touchpoint.refresh_from_db()  # nothing applied until I choose
    assert (touchpoint.name, touchpoint.description, touchpoint.channel, touchpoint.version) == (
        "Welcome email",
        "Theirs",
        app,
        2,
    )

    # I take theirs for the description and keep my channel: saved against the current version.
    again = {**mine, "description": "Theirs", "version": "2", "_base": hidden_value(content, "_base"), "emotion": "-2"}
    assert editor_client.post(url, again, **HTMX).status_code == 200
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.description, touchpoint.channel, touchpoint.emotion, touchpoint.version) == (
        "Welcome mail",
        "Theirs",
        phone,
        -2,
        3,
    )


def test_the_same_value_typed_by_both_is_no_conflict(editor_client, touchpoint):
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    Touchpoint.objects.filter(pk=touchpoint.pk).update(name="Welcome mail", version=2)

    response = editor_client.post(url, touchpoint_data(touchpoint, name="Welcome mail", emotion="2", **opened), **HTMX)

    assert response.status_code == 200
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.emotion, touchpoint.version) == ("Welcome mail", 2, 3)


def test_an_edit_does_not_undo_a_move_made_meanwhile(editor_client):
    journey = JourneyFactory()
    apply, decide = StageFactory(journey=journey, name="Apply"), StageFactory(journey=journey, name="Decide")
    card = TouchpointFactory(stage=apply, name="Call us")
    TouchpointFactory(stage=decide, name="Sign")
    url = reverse("journeys:touchpoint-edit", args=[journey.pk, card.pk])
    opened = opened_form(editor_client, url)
    journey.refresh_from_db()
    # Someone else moves the card to the second stage, on top.
    services.touchpoint_move(
        touchpoint=card, stage=decide, position=0, expected_structure_version=journey.structure_version
    )

    response = editor_client.post(url, touchpoint_data(card, name="Call us now", **opened), **HTMX)

    assert response.status_code == 200
    card.refresh_from_db()
    assert (card.name, card.stage, card.position) == ("Call us now", decide, 0)


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


def test_a_change_saved_by_someone_else_while_mine_is_being_saved_is_merged_too(editor_client, touchpoint, monkeypatch):
    url = reverse("journeys:touchpoint-edit", args=[touchpoint.journey_id, touchpoint.pk])
    opened = opened_form(editor_client, url)
    real_update = services.touchpoint_update
    calls = []

    def someone_else_first(**kwargs):
        calls.append(kwargs["expected_version"])
        if len(calls) == 1:  # between my read and my write, someone else saves the emotion
            Touchpoint.objects.filter(pk=touchpoint.pk).update(emotion=-2, version=2)
        return real_update(**kwargs)

    monkeypatch.setattr(services, "touchpoint_update", someone_else_first)
    response = editor_client.post(url, touchpoint_data(touchpoint, name="Welcome mail", **opened), **HTMX)

    assert response.status_code == 200
    assert calls == [1, 2]
    touchpoint.refresh_from_db()
    assert (touchpoint.name, touchpoint.emotion, touchpoint.version) == ("Welcome mail", -2, 3)
