"""Input no client should send, answered with a 400 that names the field, never a server error (issue 11)."""

import json

import pytest

from cxplatform.accounts.models import Role
from metrics.models import CaseStatus, FollowUpCase, SurveyResponse
from metrics.services.followups import followups_open_for
from tests.cxplatform.factories import UserFactory
from tests.metrics.ingest_data import make_map, recent, record
from tests.teams.factories import ActionFactory

pytestmark = pytest.mark.django_db
RESPONSES = "/api/v1/responses/"


@pytest.fixture
def voc_map(db):
    return make_map()


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def problems(response) -> list[tuple[int | None, str | None]]:
    return [(error["index"], error["field"]) for error in response.json()["errors"]]


@pytest.mark.parametrize("field", ["metric", "channel"])
@pytest.mark.parametrize("value", [{"nps": 1}, ["web"], {}, []], ids=["object", "list", "empty-object", "empty-list"])
def test_a_metric_or_channel_sent_as_an_object_or_a_list_is_refused_by_name(editor_client, voc_map, field, value):
    response = post_json(editor_client, RESPONSES, record(voc_map, **{field: value}))
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_responses"
    assert problems(response) == [(0, field)]
    assert not SurveyResponse.objects.exists()


def test_in_a_list_the_item_with_the_unhashable_value_is_named(editor_client, voc_map):
    items = [record(voc_map), record(voc_map, channel={"slug": "web"}), record(voc_map, metric=["nps"])]
    response = post_json(editor_client, RESPONSES, items)
    assert response.status_code == 400, response.content
    assert problems(response) == [(1, "channel"), (2, "metric")]


def test_a_field_name_with_a_nul_character_is_refused_as_an_unknown_field(editor_client, voc_map):
    body = record(voc_map)
    body["comm\x00ent"] = "Quick help"
    response = post_json(editor_client, RESPONSES, body)
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["index"] == 0
    assert error["field"] == "comm\\u0000ent"  # the NUL spelled out: it cannot be stored, nor read in a log
    assert "Unknown field" in error["message"]
    assert not SurveyResponse.objects.exists()


@pytest.fixture
def case_url(voc_map):
    SurveyResponse.objects.create(
        metric="nps",
        score=2,
        journey=voc_map.journey,
        touchpoint=voc_map.touchpoint,
        responded_at=recent(),
        day=recent()[:10],
        source="test",
    )
    followups_open_for(responses=SurveyResponse.objects.all())
    return f"/api/v1/followups/{FollowUpCase.objects.get().pk}/"


@pytest.mark.parametrize("body", ["null", "1", "true", '"owner"'])
def test_a_followup_patch_whose_body_is_not_an_object_is_refused(client_of, case_url, body):
    admin = UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    response = client_of(admin).patch(case_url, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "non_field_errors" in response.json()
    assert FollowUpCase.objects.get().status == CaseStatus.OPEN


@pytest.mark.parametrize("body", ["null", "1", "true"])
def test_an_assignee_patch_of_an_action_whose_body_is_not_an_object_is_refused(client_of, body):
    assignee = UserFactory(role=Role.PROCESS_OWNER)
    action = ActionFactory(assignee=assignee, progress=10)
    response = client_of(assignee).patch(f"/api/v1/actions/{action.pk}/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "non_field_errors" in response.json()
    action.refresh_from_db()
    assert action.progress == 10


def test_a_lone_surrogate_in_text_is_refused_and_a_surrogate_pair_is_stored(editor_client, voc_map):
    lone = json.dumps(record(voc_map)).replace('"metric"', '"comment": "\\ud800", "metric"')
    response = editor_client.post(RESPONSES, lone, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"
    pair = json.dumps(record(voc_map, comment="Top 👍"))  # ensure_ascii: the emoji as \ud83d\udc4d
    response = editor_client.post(RESPONSES, pair, content_type="application/json")
    assert response.status_code == 201, response.content
    assert SurveyResponse.objects.get().comment == "Top 👍"


@pytest.mark.parametrize(
    "query",
    [{"channel": "w\x00b"}, {"group": "a\x00b"}, {"group": "²"}],
    ids=["nul-channel", "nul-group", "superscript-digit"],
)
def test_the_summary_refuses_a_key_it_cannot_look_up_by_name(editor_client, query):
    response = editor_client.get("/api/v1/kpis/summary/", query)
    assert response.status_code == 400, response.content
    assert list(response.json()) == list(query)


def test_a_search_with_a_nul_character_is_refused_by_name(editor_client):
    response = editor_client.get("/api/v1/channels/", {"search": "w\x00b"})
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["search"]


def test_a_summary_of_days_before_any_period_is_empty_not_an_error(editor_client):
    response = editor_client.get("/api/v1/kpis/summary/", {"to": "0536-04-01", "group_by": "month"})
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []
