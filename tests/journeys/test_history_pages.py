"""A journey's History page: the timeline in plain words, its filters, who may see it and who may go back in it,
the undo from the map, named versions and their comparison; a fixed number of queries."""

import re

import pytest
from django.urls import reverse

from journeys import services
from journeys.models import Journey, Stage, Touchpoint
from journeys.services.recording import acting
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import FindingFactory, JourneyFactory, StageFactory, TouchpointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_the_editor_owns_every_journey_group")]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def claim(cx_editor):
    journey = JourneyFactory(name="Report a claim")
    report = StageFactory(journey=journey, name="Report the claim")
    assess = StageFactory(journey=journey, name="Assessment")
    TouchpointFactory(stage=report, name="Claim by phone")
    TouchpointFactory(stage=report, name="Call the helpdesk", description="Waits ten minutes")
    TouchpointFactory(stage=assess, name="Expert visit")
    return journey


def history_url(journey, **query):
    url = reverse("journeys:history", args=[journey.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def part(model, name):
    return model.objects.get(name=name)


def test_the_timeline_says_in_plain_words_who_moved_changed_and_deleted_what(editor_client, claim):
    phone, helpdesk = part(Touchpoint, "Claim by phone"), part(Touchpoint, "Call the helpdesk")
    assess = part(Stage, "Assessment")
    editor_client.post(
        reverse("journeys:touchpoint-move", args=[claim.pk, phone.pk]),
        {"direction": "right", "structure_version": claim.structure_version},
    )
    edit = reverse("journeys:touchpoint-edit", args=[claim.pk, helpdesk.pk])
    data = {"name": "Call the helpdesk", "description": "Answers at once", "emotion": 0, "version": helpdesk.version}
    assert editor_client.post(edit, data).status_code == 302
    editor_client.post(reverse("journeys:stage-delete", args=[claim.pk, assess.pk]), {"version": assess.version})

    text = text_of(editor_client.get(history_url(claim)))
    assert "Emma" in text
    assert "moved “Claim by phone” from Report the claim to Assessment" in text
    assert "changed the description of “Call the helpdesk” from “Waits ten minutes” to “Answers at once”" in text
    assert "deleted the stage “Assessment”" in text
    # Newest first: the delete before the edit before the move.
    assert text.index("deleted the stage") < text.index("changed the description") < text.index("moved “Claim")
    # The shifts the move caused are not news.
    assert "moved “Call the helpdesk”" not in text


def test_the_timeline_filters_by_person_and_by_part(client_of, cx_editor, claim):
    noor = UserFactory(username="noor", first_name="Noor", last_name="Bakker")
    phone, helpdesk = part(Touchpoint, "Claim by phone"), part(Touchpoint, "Call the helpdesk")
    with acting(cx_editor):
        services.touchpoint_update(touchpoint=phone, expected_version=phone.version, description="By Emma")
    with acting(noor):
        services.touchpoint_update(touchpoint=helpdesk, expected_version=helpdesk.version, description="By Noor")
    client = client_of(cx_editor)
    by_noor = text_of(client.get(history_url(claim, person=noor.pk)))
    assert "By Noor" in by_noor and "By Emma" not in by_noor
    on_phone = text_of(client.get(history_url(claim, object=f"touchpoint:{phone.pk}")))
    assert "By Emma" in on_phone and "By Noor" not in on_phone
    stages_only = text_of(client.get(history_url(claim, object="stage")))
    assert "By Emma" not in stages_only and "added the stage “Assessment”" in stages_only


def test_a_filter_that_is_not_in_the_lists_is_a_400_naming_the_field(editor_client, claim):
    response = editor_client.get(history_url(claim, object="touchpoint:999999"))
    assert response.status_code == 400
    assert "Part of the map: Select a valid choice" in text_of(response)


def test_a_signed_out_or_inactive_person_cannot_see_the_history(client, claim):
    assert client.get(history_url(claim)).status_code == 302  # to the login page
    client.force_login(UserFactory(is_active=False))
    response = client.get(history_url(claim))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_reader_sees_the_history_but_a_cx_editor_not_allowed_on_the_journey_cannot_restore(
    client_of, outsider, claim
):
    stage = part(Stage, "Assessment")
    services.stage_delete(stage=stage, expected_version=stage.version)
    client = client_of(outsider)
    response = client.get(history_url(claim))
    assert response.status_code == 200
    assert "Restore" not in text_of(response).replace("Restore the map", "")
    deletion = Stage.history.get(id=stage.pk, history_type="-")
    url = reverse("journeys:history-part-restore", args=[claim.pk, "stage", deletion.history_id])
    assert client.post(url).status_code == 403
    assert client.post(reverse("journeys:undo", args=[claim.pk])).status_code == 403
    restore = reverse("journeys:history-restore", args=[claim.pk])
    assert client.post(restore, {"at": deletion.history_date.isoformat()}).status_code == 403
    assert not Stage.objects.filter(pk=stage.pk).exists()


def test_an_editor_restores_a_deleted_touchpoint_from_the_timeline_at_its_place(editor_client, claim):
    phone = part(Touchpoint, "Claim by phone")
    editor_client.post(reverse("journeys:touchpoint-delete", args=[claim.pk, phone.pk]), {"version": phone.version})
    page = editor_client.get(history_url(claim)).content.decode()
    deletion = Touchpoint.history.get(id=phone.pk, history_type="-")
    url = reverse("journeys:history-part-restore", args=[claim.pk, "touchpoint", deletion.history_id])
    assert url in page
    response = editor_client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("journeys:map", args=[claim.pk])
    report = part(Stage, "Report the claim")
    assert list(report.touchpoints.values_list("name", flat=True)) == ["Claim by phone", "Call the helpdesk"]
    assert "brought back the touchpoint “Claim by phone”" in text_of(editor_client.get(history_url(claim)))


def test_restoring_a_touchpoint_whose_stage_is_gone_says_to_restore_the_stage_first(editor_client, claim):
    assess = part(Stage, "Assessment")
    editor_client.post(reverse("journeys:stage-delete", args=[claim.pk, assess.pk]), {"version": assess.version})
    deletion = Touchpoint.history.get(name="Expert visit", history_type="-")
    url = reverse("journeys:history-part-restore", args=[claim.pk, "touchpoint", deletion.history_id])
    response = editor_client.post(url, follow=True)
    assert "its stage “Assessment” is no longer on the map. Restore the stage first." in text_of(response)


def test_the_whole_journey_is_restored_to_a_moment_after_a_confirmation(editor_client, claim):
    phone = part(Touchpoint, "Claim by phone")
    moment = Touchpoint.history.filter(id=phone.pk).latest("history_id").history_date
    editor_client.post(reverse("journeys:touchpoint-delete", args=[claim.pk, phone.pk]), {"version": phone.version})
    url = reverse("journeys:history-restore", args=[claim.pk])
    confirm = editor_client.get(url, {"at": moment.isoformat()})
    assert confirm.status_code == 200
    assert "Comes back" in text_of(confirm) and "Claim by phone" in text_of(confirm)
    assert not Touchpoint.objects.filter(pk=phone.pk).exists()  # nothing happens on the confirmation page
    assert editor_client.post(url, {"at": moment.isoformat()}).status_code == 302
    assert Touchpoint.objects.get(pk=phone.pk).position == 0


def test_a_bad_moment_is_a_400_naming_the_field(editor_client, claim):
    response = editor_client.get(reverse("journeys:history-restore", args=[claim.pk]), {"at": "yesterday-ish"})
    assert response.status_code == 400


def test_undo_from_the_map_reverts_ones_own_last_change_and_answers_with_the_board(editor_client, claim):
    helpdesk = part(Touchpoint, "Call the helpdesk")
    edit = reverse("journeys:touchpoint-edit", args=[claim.pk, helpdesk.pk])
    editor_client.post(edit, {"name": "Helpdesk", "emotion": 0, "version": helpdesk.version}, **HTMX)
    response = editor_client.post(reverse("journeys:undo", args=[claim.pk]), **HTMX)
    assert response.status_code == 200
    assert "Undone: Emma" in response.content.decode()
    assert Touchpoint.objects.get(pk=helpdesk.pk).name == "Call the helpdesk"


def test_undo_refuses_with_a_clear_message_when_someone_else_changed_it_since(editor_client, cx_editor, claim):
    helpdesk = part(Touchpoint, "Call the helpdesk")
    with acting(cx_editor):
        services.touchpoint_update(touchpoint=helpdesk, expected_version=helpdesk.version, name="Helpdesk")
    with acting(UserFactory(first_name="Noor", last_name="Bakker")):
        services.touchpoint_update(touchpoint=helpdesk, expected_version=helpdesk.version, name="Noor's helpdesk")
    response = editor_client.post(reverse("journeys:undo", args=[claim.pk]), **HTMX)
    assert response.status_code == 409
    assert "Noor Bakker changed “Noor&#x27;s helpdesk” after you" in response.content.decode()
    assert Touchpoint.objects.get(pk=helpdesk.pk).name == "Noor's helpdesk"


def test_named_versions_are_listed_and_compared_with_now(editor_client, claim):
    url = reverse("journeys:history-version-create", args=[claim.pk])
    assert editor_client.post(url, {"name": "Workshop 12 March"}).status_code == 302
    phone = part(Touchpoint, "Claim by phone")
    editor_client.post(reverse("journeys:touchpoint-delete", args=[claim.pk, phone.pk]), {"version": phone.version})
    page = text_of(editor_client.get(history_url(claim)))
    assert "Workshop 12 March" in page
    version = claim.named_versions.get()
    compare = editor_client.get(
        reverse("journeys:history-compare", args=[claim.pk]), {"a": f"v{version.pk}", "b": "now"}
    )
    text = text_of(compare)
    assert compare.status_code == 200
    assert "Workshop 12 March: Report a claim" in text and "Now: Report a claim" in text
    assert "1 removed" in text and "Claim by phone" in text


def test_naming_a_version_without_a_name_is_a_400(editor_client, claim):
    response = editor_client.post(reverse("journeys:history-version-create", args=[claim.pk]), {"name": ""})
    assert response.status_code == 400


@pytest.mark.parametrize("edits", [1, 40])
def test_the_history_page_runs_a_fixed_number_of_queries(editor_client, cx_editor, django_assert_num_queries, edits):
    journey = Journey.objects.get(pk=JourneyFactory(name="Busy").pk)
    stage = StageFactory(journey=journey, name="Stage")
    touchpoint = TouchpointFactory(stage=stage, name="Card")
    finding = FindingFactory(touchpoint=touchpoint, text="Slow")
    for index in range(edits):
        with acting(cx_editor):
            services.touchpoint_update(touchpoint=touchpoint, expected_version=touchpoint.version, name=f"Card {index}")
            services.stage_update(stage=stage, expected_version=stage.version, name=f"Stage {index}")
            services.finding_update(finding=finding, expected_version=finding.version, text=f"Slow {index}")
            services.journey_update(journey=journey, expected_version=journey.version, name=f"Busy {index}")
    # session, user, journey; filter choices: people (union), their names, stages, touchpoints; the page:
    # count, ids (union); per kind (4) its rows and their previous rows; names: stages, channels; named
    # versions; may the user edit it (the edit policy: their teams, those teams' journey groups)
    with django_assert_num_queries(22):
        response = editor_client.get(history_url(journey))
    assert response.status_code == 200


def test_archiving_and_a_journeys_own_fields_are_in_the_timeline(editor_client, cx_editor, claim):
    phone = part(Touchpoint, "Claim by phone")
    with acting(cx_editor):
        services.touchpoint_archive(touchpoint=phone, expected_version=phone.version)
        services.journey_update(journey=claim, expected_version=claim.version, description="Within a day")
    text = text_of(editor_client.get(history_url(claim)))
    assert "archived the touchpoint “Claim by phone”" in text
    assert "changed the description of “Report a claim” from “" in text and "to “Within a day”" in text


def test_a_restore_tells_the_live_map(editor_client, claim, monkeypatch):
    announced = []
    monkeypatch.setattr("journeys.live.journey_changed", lambda journey_id, **kwargs: announced.append(journey_id))
    phone = part(Touchpoint, "Claim by phone")
    editor_client.post(reverse("journeys:touchpoint-delete", args=[claim.pk, phone.pk]), {"version": phone.version})
    deletion = Touchpoint.history.get(id=phone.pk, history_type="-")
    editor_client.post(reverse("journeys:history-part-restore", args=[claim.pk, "touchpoint", deletion.history_id]))
    editor_client.post(reverse("journeys:undo", args=[claim.pk]), **HTMX)
    assert announced == [claim.pk, claim.pk]


def test_a_part_from_before_history_shows_its_first_change_as_a_change(editor_client, claim):
    """Parts the demo seeding wrote (history paused), or that existed before history was recorded, get a hidden
    baseline; their first edit is then news in the timeline, from the old value to the new one."""
    from journeys.services import recording

    with recording.paused():
        seeded = services.touchpoint_create(stage=part(Stage, "Assessment"), name="Loss adjuster visit")
    Touchpoint.history.filter(id=seeded.pk).delete()  # as the demo leaves it: no history at all
    assert recording.record_baselines([claim.pk]) == 1
    assert recording.record_baselines([claim.pk]) == 0  # only what has none

    edit = reverse("journeys:touchpoint-edit", args=[claim.pk, seeded.pk])
    data = {"name": "Visit by the loss adjuster", "emotion": 0, "version": seeded.version}
    assert editor_client.post(edit, data).status_code == 302

    text = text_of(editor_client.get(history_url(claim)))
    assert "renamed the touchpoint “Loss adjuster visit” to “Visit by the loss adjuster”" in text
