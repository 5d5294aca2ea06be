"""Nothing lost by editing a map: what responses, actions or cases depend on is archived, never deleted."""

import json
from datetime import date

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from journeys import services
from journeys.models import Finding, Journey, Stage, Touchpoint
from journeys.selectors import touchpoint_list
from metrics.models import FollowUpCase, SurveyResponse
from tests.journeys.factories import FindingFactory, JourneyFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import CustomKpiFactory, KpiMeasurementFactory, SurveyResponseFactory
from tests.metrics.ingest_data import make_map, record
from tests.teams.factories import ActionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_the_editor_owns_every_journey_group")]
JSON = "application/json"


@pytest.fixture
def claim():
    """“Report a claim”: a stage with a measured touchpoint (3 responses, 1 follow-up case, 1 action) and an
    unmeasured one, and a second stage without anything depending on it."""
    journey = JourneyFactory(name="Report a claim")
    reporting = StageFactory(journey=journey, name="Reporting", position=0)
    empty_stage = StageFactory(journey=journey, name="Waiting", position=1)
    phone = TouchpointFactory(stage=reporting, name="Claim by phone", position=0)
    letter = TouchpointFactory(stage=reporting, name="Claim by letter", position=1)
    form = TouchpointFactory(stage=reporting, name="Online form", position=2)
    responses = [SurveyResponseFactory(touchpoint=phone, score=score) for score in (9, 3, 7)]
    FollowUpCase.objects.create(response=responses[1], touchpoint=phone, due_date=date(2026, 1, 5))
    ActionFactory(journey=journey, touchpoint=phone, title="Call back within a day")
    FindingFactory(stage=reporting, touchpoint=phone, text="Long wait on the phone")
    return journey, reporting, empty_stage, phone, letter, form


def test_deleting_a_journey_with_responses_is_refused_with_409_naming_what_depends_on_it(editor_client, claim):
    journey, *_ = claim
    SurveyResponse.objects.bulk_create(SurveyResponseFactory.build_batch(12_301, journey=journey))  # and 3: 12,304
    response = editor_client.delete(f"/api/v1/journeys/{journey.pk}/?version={journey.version}")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "has_dependents"
    assert body["detail"] == (
        "Report a claim has 12,304 survey responses, 1 improvement action and 1 follow-up case: archive it instead."
    )
    assert SurveyResponse.objects.filter(journey=journey).count() == 12_304
    assert Journey.objects.filter(pk=journey.pk).exists()


def test_deleting_a_touchpoint_with_responses_is_refused_and_its_responses_keep_it(editor_client, claim):
    _journey, _reporting, _empty, phone, _letter, _form = claim
    response = editor_client.delete(f"/api/v1/touchpoints/{phone.pk}/?version={phone.version}")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Claim by phone has 3 survey responses")
    assert SurveyResponse.objects.filter(touchpoint=phone).count() == 3


def test_a_touchpoint_without_dependents_is_still_deleted(editor_client, claim):
    *_rest, letter, form = claim
    assert editor_client.delete(f"/api/v1/touchpoints/{letter.pk}/?version=1").status_code == 204
    assert not Touchpoint.all_objects.filter(pk=letter.pk).exists()
    form.refresh_from_db()
    assert form.position == 1


def test_a_stage_whose_touchpoint_has_dependents_is_refused_and_an_empty_one_deleted(editor_client, claim):
    _journey, reporting, empty_stage, *_ = claim
    refused = editor_client.delete(f"/api/v1/stages/{reporting.pk}/?version=1")
    assert refused.status_code == 409
    assert "3 survey responses" in refused.json()["detail"]
    assert editor_client.delete(f"/api/v1/stages/{empty_stage.pk}/?version=1").status_code == 204


def test_a_touchpoint_with_a_measured_custom_kpi_is_archived_not_deleted(editor_client, claim):
    *_rest, letter, _form = claim
    kpi = CustomKpiFactory(touchpoint=letter, journey=None)
    KpiMeasurementFactory(kpi=kpi)
    response = editor_client.delete(f"/api/v1/touchpoints/{letter.pk}/?version=1")
    assert response.status_code == 409
    assert response.json()["detail"] == "Claim by letter has 1 measured custom KPI: archive it instead."
    assert kpi.measurements.count() == 1


def test_the_database_refuses_to_delete_what_responses_or_actions_name(claim):
    journey, _reporting, _empty, phone, *_ = claim
    with pytest.raises(ProtectedError):
        phone.delete()
    with pytest.raises(ProtectedError):
        journey.delete()
    plain = TouchpointFactory(name="Nothing here")
    SurveyResponseFactory(touchpoint=plain)
    with pytest.raises(ProtectedError):
        plain.delete()


def test_an_archived_touchpoint_leaves_the_map_lists_and_pickers_and_comes_back(editor_client, claim):
    journey, _reporting, _empty, phone, _letter, _form = claim
    url = f"/api/v1/touchpoints/{phone.pk}/"
    archived = editor_client.post(f"{url}archive/", {"version": 1}, content_type=JSON)
    assert archived.status_code == 200, archived.content
    # Gone from the map, the touchpoint list and its positions; its responses still name it.
    board = editor_client.get(f"/api/v1/journeys/{journey.pk}/map/").json()
    assert [t["name"] for t in board["stages"][0]["touchpoints"]] == ["Claim by letter", "Online form"]
    assert [t["position"] for t in board["stages"][0]["touchpoints"]] == [0, 1]
    assert editor_client.get(url).status_code == 404
    assert phone.pk not in {t.pk for t in touchpoint_list()}
    assert SurveyResponse.objects.filter(touchpoint_id=phone.pk).count() == 3
    # Its finding left the map with it.
    assert not board["stages"][0]["findings"]
    # In the archive, restorable by an editor: back last in its stage.
    listed = editor_client.get(f"/api/v1/touchpoints/archived/?journey={journey.pk}").json()
    assert [row["name"] for row in listed["results"]] == ["Claim by phone"]
    version = listed["results"][0]["version"]
    restored = editor_client.post(f"{url}restore/", {"version": version}, content_type=JSON)
    assert restored.status_code == 200
    assert restored.json()["position"] == 2
    assert editor_client.get(url).status_code == 200
    assert Finding.objects.filter(touchpoint=phone).count() == 1


def test_archiving_a_journey_archives_its_map_and_restoring_brings_it_back(editor_client, claim):
    journey, _reporting, _empty_stage, _phone, letter, _form = claim
    # A touchpoint archived on its own before stays archived when the journey comes back.
    services.touchpoint_archive(touchpoint=letter, expected_version=1)
    url = f"/api/v1/journeys/{journey.pk}/"
    assert editor_client.post(f"{url}archive/", {"version": 1}, content_type=JSON).status_code == 200
    assert editor_client.get(url).status_code == 404
    assert journey.pk not in [row["id"] for row in editor_client.get("/api/v1/journeys/").json()["results"]]
    assert not Touchpoint.objects.filter(journey=journey).exists()
    archived = editor_client.get("/api/v1/journeys/archived/").json()["results"]
    assert [row["name"] for row in archived] == ["Report a claim"]
    restored = editor_client.post(f"{url}restore/", {"version": archived[0]["version"]}, content_type=JSON)
    assert restored.status_code == 200
    assert set(Touchpoint.objects.filter(journey=journey).values_list("name", flat=True)) == {
        "Claim by phone",
        "Online form",
    }
    assert Stage.objects.filter(journey=journey).count() == 2


def test_archiving_and_restoring_a_stage_keeps_the_order_of_the_rest(editor_client, claim):
    _journey, reporting, empty_stage, *_ = claim
    response = editor_client.post(f"/api/v1/stages/{reporting.pk}/archive/", {"version": 1}, content_type=JSON)
    assert response.status_code == 200
    empty_stage.refresh_from_db()
    assert empty_stage.position == 0
    assert not Touchpoint.objects.filter(stage=reporting).exists()
    response = editor_client.post(f"/api/v1/stages/{reporting.pk}/restore/", {"version": 2}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["position"] == 1
    assert list(Touchpoint.objects.filter(stage=reporting).order_by("position").values_list("name", flat=True)) == [
        "Claim by phone",
        "Claim by letter",
        "Online form",
    ]


def test_a_stale_archive_or_restore_is_refused_with_409(editor_client, claim):
    *_rest, phone, _letter, _form = claim
    stale = editor_client.post(f"/api/v1/touchpoints/{phone.pk}/archive/", {"version": 7}, content_type=JSON)
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 1
    assert Touchpoint.objects.filter(pk=phone.pk).exists()


def test_a_process_owner_can_neither_archive_nor_restore(client_of, process_owner, claim):
    journey, *_ = claim
    client = client_of(process_owner)
    assert client.post(f"/api/v1/journeys/{journey.pk}/archive/", {"version": 1}, content_type=JSON).status_code == 403
    assert Journey.objects.filter(pk=journey.pk).exists()


def test_the_journey_list_keeps_its_query_count_with_archived_journeys(editor_client, django_assert_num_queries):
    for index in range(3):
        JourneyFactory(name=f"Journey {index}")
    url = "/api/v1/journeys/"
    with django_assert_num_queries(5) as first:
        editor_client.get(url)
    for index in range(20):
        journey = JourneyFactory(name=f"Old {index}")
        services.journey_archive(journey=journey, expected_version=1)
    with django_assert_num_queries(len(first.captured_queries)):
        body = editor_client.get(url).json()
    assert body["count"] == 3


# The pages

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_delete_page_offers_archiving_a_journey_with_dependents_and_refuses_the_delete(editor_client, claim):
    journey, *_ = claim
    url = reverse("journeys:delete", args=[journey.pk])
    page = editor_client.get(url).content.decode()
    assert "Report a claim has 3 survey responses, 1 improvement action and 1 follow-up case" in page
    assert reverse("journeys:archive", args=[journey.pk]) in page
    refused = editor_client.post(url, {"version": journey.version})
    assert refused.status_code == 409
    assert "archive it instead" in refused.content.decode()
    assert Journey.objects.filter(pk=journey.pk).exists()
    archived = editor_client.post(reverse("journeys:archive", args=[journey.pk]), {"version": journey.version})
    assert archived.status_code == 302
    assert journey not in editor_client.get(reverse("journeys:index")).context["page"].object_list
    archive_page = editor_client.get(reverse("journeys:archived")).content.decode()
    assert "Report a claim" in archive_page
    restore = editor_client.post(reverse("journeys:restore", args=[journey.pk]), {"version": journey.version + 1})
    assert restore.status_code == 302
    assert journey in editor_client.get(reverse("journeys:index")).context["page"].object_list


def test_a_stale_delete_page_answers_409_with_the_journey_as_it_is_now(editor_client):
    journey = JourneyFactory(name="Open an account")
    services.journey_update(journey=journey, expected_version=1, name="Open a savings account")
    response = editor_client.post(reverse("journeys:delete", args=[journey.pk]), {"version": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Open a savings account" in page
    assert 'name="version" value="2"' in page  # confirming again is based on what is shown now
    assert Journey.objects.filter(pk=journey.pk).exists()
    assert editor_client.post(reverse("journeys:delete", args=[journey.pk]), {"version": 2}).status_code == 302
    assert not Journey.all_objects.filter(pk=journey.pk).exists()


def test_the_map_refuses_to_delete_a_measured_touchpoint_and_offers_to_archive_it(editor_client, claim):
    journey, _reporting, _empty, phone, *_ = claim
    url = reverse("journeys:touchpoint-delete", args=[journey.pk, phone.pk])
    refused = editor_client.post(url, {"version": phone.version}, **HTMX)
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "Claim by phone has 3 survey responses, 1 improvement action and 1 follow-up case" in page
    archive_url = reverse("journeys:touchpoint-archive", args=[journey.pk, phone.pk])
    assert f'hx-post="{archive_url}"' in page
    archived = editor_client.post(archive_url, {"version": phone.version}, **HTMX)
    assert archived.status_code == 200
    assert "Claim by phone" not in editor_client.get(reverse("journeys:map", args=[journey.pk])).content.decode()
    listed = editor_client.get(reverse("journeys:map-archive", args=[journey.pk])).content.decode()
    assert "Claim by phone" in listed
    restore_url = reverse("journeys:touchpoint-restore", args=[journey.pk, phone.pk])
    assert editor_client.post(restore_url, {"version": phone.version + 1}).status_code == 302
    assert "Claim by phone" in editor_client.get(reverse("journeys:map", args=[journey.pk])).content.decode()


def test_a_stage_is_archived_from_the_map_with_its_touchpoints(editor_client, claim):
    journey, reporting, *_ = claim
    refused = editor_client.post(
        reverse("journeys:stage-delete", args=[journey.pk, reporting.pk]), {"version": 1}, **HTMX
    )
    assert refused.status_code == 409
    archived = editor_client.post(
        reverse("journeys:stage-archive", args=[journey.pk, reporting.pk]), {"version": 1}, **HTMX
    )
    assert archived.status_code == 200
    assert "Claim by letter" not in editor_client.get(reverse("journeys:map", args=[journey.pk])).content.decode()
    assert not Stage.objects.filter(pk=reporting.pk).exists()
    assert "Reporting" in editor_client.get(reverse("journeys:map-archive", args=[journey.pk])).content.decode()


@pytest.mark.parametrize("archived", [0, 30])
def test_the_journey_list_page_runs_the_same_queries_with_archived_journeys(
    editor_client, django_assert_num_queries, archived
):
    JourneyFactory.create_batch(3)
    for journey in JourneyFactory.create_batch(archived):
        services.journey_archive(journey=journey, expected_version=1)
    # session, user, count, page of journeys (+group, owner, sizes), personas, filter options: groups, personas
    with django_assert_num_queries(7):
        response = editor_client.get(reverse("journeys:index"))
    assert response.context["page"].paginator.count == 3


def test_a_future_state_whose_current_state_is_archived_has_nothing_to_compare(editor_client, claim):
    journey, *_ = claim
    future = services.journey_create_future_state(journey=journey)
    services.journey_archive(journey=journey, expected_version=journey.version)
    assert editor_client.get(reverse("journeys:compare", args=[future.pk])).status_code == 404
    page = editor_client.get(reverse("journeys:map", args=[future.pk])).content.decode()
    assert reverse("journeys:compare", args=[future.pk]) not in page


@pytest.mark.parametrize("body", [None, [], "x", {"version": "one"}, {"version": 0}, {}])
def test_a_bad_archive_body_is_a_400_naming_the_field(editor_client, claim, body):
    *_rest, letter, _form = claim
    response = editor_client.post(f"/api/v1/touchpoints/{letter.pk}/archive/", json.dumps(body), content_type=JSON)
    assert response.status_code == 400
    assert Touchpoint.objects.filter(pk=letter.pk).exists()


def test_answers_that_still_come_in_for_an_archived_touchpoint_are_kept(editor_client):
    voc_map = make_map()
    touchpoint = voc_map.touchpoint
    services.touchpoint_archive(touchpoint=touchpoint, expected_version=touchpoint.version)
    response = editor_client.post("/api/v1/responses/", record(voc_map), content_type=JSON)
    assert response.status_code == 201, response.json()
    assert SurveyResponse.objects.get().touchpoint_id == touchpoint.pk
