"""POST /api/v1/responses/ (one object or a list, all or nothing) and GET /api/v1/responses/ (filtered list)."""

from datetime import UTC, date, datetime

import pytest

from cxplatform.accounts.models import Role
from metrics.models import FollowUpCase, KpiSnapshot, SurveyResponse
from tests.cxplatform.factories import UserFactory
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.ingest_data import make_map, recent, record

URL = "/api/v1/responses/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def voc_map(db):
    return make_map()


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_one_object_is_stored_with_its_local_day_and_its_id_is_answered(editor_client, voc_map):
    body = record(voc_map, respondent="r-17", comment="Snel geholpen", external_id="sv-1", source="survey-tool")
    response = post(editor_client, body)
    assert response.status_code == 201, response.json()
    stored = SurveyResponse.objects.get()
    assert response.json() == {"created": 1, "duplicates": 0, "id": stored.pk}
    assert (stored.metric, stored.score, stored.journey, stored.touchpoint, stored.channel) == (
        "nps",
        9,
        voc_map.journey,
        voc_map.touchpoint,
        voc_map.web,
    )
    assert stored.responded_at == datetime(2024, 3, 5, 9, 15, tzinfo=UTC)
    assert stored.day == date(2024, 3, 5)
    assert (stored.respondent, stored.comment, stored.source, stored.external_id) == (
        "r-17",
        "Snel geholpen",
        "survey-tool",
        "sv-1",
    )


def test_the_source_defaults_to_api(editor_client, voc_map):
    post(editor_client, record(voc_map))
    assert SurveyResponse.objects.get().source == "api"


def test_a_list_is_stored_at_once(editor_client, voc_map):
    items = [record(voc_map, score=score, metric="nps") for score in range(11)]
    items.append(record(voc_map, metric="ces", score=6, touchpoint=None, channel=None))
    response = post(editor_client, items)
    assert response.status_code == 201
    assert response.json() == {"created": 12, "duplicates": 0}
    assert SurveyResponse.objects.count() == 12


def test_one_bad_item_among_ten_thousand_stores_nothing(editor_client, voc_map):
    items = [record(voc_map, score=i % 11, external_id=f"e-{i}") for i in range(10_000)]
    items[6_543]["touchpoint"] = voc_map.foreign_touchpoint.pk
    response = post(editor_client, items)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [
        {
            "index": 6_543,
            "field": "touchpoint",
            "message": f"Touchpoint {voc_map.foreign_touchpoint.pk} belongs to journey {voc_map.other_journey.pk}, "
            f"not to journey {voc_map.journey.pk}.",
        }
    ]
    assert body["error_count"] == 1
    assert not SurveyResponse.objects.exists()


def test_every_problem_is_named_with_its_index_and_field(editor_client, voc_map):
    items = [
        record(voc_map),
        record(voc_map, score=11),
        record(voc_map, journey=987_654),
        record(voc_map, responded_at="31-02-2024"),
        record(voc_map, metric="csat", score=0, colour="red"),
        "not an object",
    ]
    response = post(editor_client, items)
    assert response.status_code == 400
    errors = [(e["index"], e["field"]) for e in response.json()["errors"]]
    assert errors == [(1, "score"), (2, "journey"), (3, "responded_at"), (4, "colour"), (4, "score"), (5, None)]
    assert response.json()["errors"][0]["message"] == "11 is out of range for nps (0 to 10)."
    assert not SurveyResponse.objects.exists()


def test_more_than_ten_thousand_items_are_refused_with_a_clear_message(editor_client, voc_map):
    response = post(editor_client, [record(voc_map)] * 10_001)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        "Too many responses in one request: 10001 (at most 10000). Send them in batches."
    )
    assert not SurveyResponse.objects.exists()


def test_an_empty_list_is_refused(editor_client, voc_map):
    response = post(editor_client, [])
    assert response.status_code == 400
    assert "empty" in response.json()["errors"][0]["message"]


def test_the_same_external_id_twice_in_a_list_refuses_the_later_item_naming_the_earlier(editor_client, voc_map):
    items = [record(voc_map, external_id="sv-9"), record(voc_map, score=3), record(voc_map, external_id="sv-9")]
    response = post(editor_client, items)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": 2,
            "field": "external_id",
            "message": "external_id “sv-9” of source “api” is repeated: it is already on item 0.",
        }
    ]
    assert not SurveyResponse.objects.exists()


def test_the_same_external_id_from_two_sources_is_two_responses(editor_client, voc_map):
    items = [record(voc_map, external_id="7", source="a"), record(voc_map, external_id="7", source="b")]
    assert post(editor_client, items).json() == {"created": 2, "duplicates": 0}


def test_an_idempotent_resend_creates_no_duplicate(editor_client, voc_map):
    first = post(editor_client, record(voc_map, external_id="sv-1")).json()
    again = post(editor_client, record(voc_map, external_id="sv-1", comment="sent twice"))
    assert again.status_code == 200
    assert again.json() == {"created": 0, "duplicates": 1, "id": first["id"]}
    assert SurveyResponse.objects.count() == 1


def test_a_resend_in_a_list_counts_as_duplicate_beside_new_items(editor_client, voc_map):
    post(editor_client, record(voc_map, external_id="sv-1"))
    response = post(editor_client, [record(voc_map, external_id="sv-1"), record(voc_map, external_id="sv-2")])
    assert response.status_code == 201
    assert response.json() == {"created": 1, "duplicates": 1}
    assert SurveyResponse.objects.count() == 2


def test_an_external_id_stored_with_different_values_is_refused(editor_client, voc_map):
    stored = post(editor_client, record(voc_map, external_id="sv-1", score=9)).json()
    response = post(editor_client, [record(voc_map, external_id="sv-2"), record(voc_map, external_id="sv-1", score=4)])
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": 1,
            "field": "external_id",
            "message": "external_id “sv-1” of source “api” is already stored with different values "
            f"(response {stored['id']}).",
        }
    ]
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PROCESS_OWNER, Role.MANAGER])
def test_only_cx_editors_and_admins_post_responses(client, voc_map, role):
    client.force_login(UserFactory(role=role))
    response = post(client, record(voc_map))
    assert response.status_code == 403
    assert response.json()["detail"] == "Only CX editors and admins can load survey responses."
    assert not SurveyResponse.objects.exists()


def test_an_admin_posts_responses(client, admin_user, voc_map):
    client.force_login(admin_user)
    assert post(client, record(voc_map)).status_code == 201


def test_anonymous_requests_get_401(client, voc_map):
    assert post(client, record(voc_map)).status_code == 401
    assert client.get(URL).status_code == 401
    assert client.post(f"{URL}import/", {}).status_code == 401


def test_ingest_marks_the_touched_journey_days_for_recompute(editor_client, voc_map, monkeypatch):
    requested = []
    monkeypatch.setattr("metrics.services.responses.recompute_request", lambda *, ranges: requested.append(ranges))
    items = [
        record(voc_map, responded_at="2024-03-05T23:30:00Z"),  # 6 March in Amsterdam
        record(voc_map, responded_at="01-02-2024"),
        record(voc_map, journey=voc_map.other_journey.pk, touchpoint=None, responded_at="2024-04-01"),
    ]
    post(editor_client, items)
    assert requested == [
        {voc_map.journey.pk: (date(2024, 2, 1), date(2024, 3, 6)), voc_map.other_journey.pk: (date(2024, 4, 1),) * 2}
    ]


def test_nothing_is_marked_for_recompute_when_nothing_is_stored(editor_client, voc_map, monkeypatch):
    requested = []
    monkeypatch.setattr("metrics.services.responses.recompute_request", lambda *, ranges: requested.append(ranges))
    post(editor_client, record(voc_map, external_id="x"))
    post(editor_client, record(voc_map, external_id="x"))  # a re-send: nothing new
    post(editor_client, record(voc_map, score=99))  # refused
    assert len(requested) == 1


def test_after_the_commit_the_snapshots_hold_the_new_responses(
    editor_client, voc_map, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(editor_client, [record(voc_map, score=10), record(voc_map, score=3)])
    day = KpiSnapshot.objects.get(journey=voc_map.journey, period="day", touchpoint_id=voc_map.touchpoint.pk)
    assert (day.period_start, day.n, day.high, day.low) == (date(2024, 3, 5), 2, 1, 1)


def test_a_recent_detractor_at_a_touchpoint_opens_a_case_for_its_owner(editor_client, voc_map):
    response = post(editor_client, [record(voc_map, score=2, responded_at=recent()), record(voc_map, score=10)])
    assert response.status_code == 201
    case = FollowUpCase.objects.get()
    assert case.response.score == 2
    assert case.owner == voc_map.touchpoint.owner


# The list


@pytest.fixture
def spread(voc_map):
    """Responses to filter: one per (metric, touchpoint, channel, source, respondent, day) variation."""
    make = SurveyResponseFactory
    return {
        "plain": make(journey=voc_map.journey, responded_at=datetime(2024, 3, 1, 12, tzinfo=UTC)),
        "touchpoint": make(touchpoint=voc_map.touchpoint, responded_at=datetime(2024, 3, 2, 12, tzinfo=UTC)),
        "phone": make(journey=voc_map.journey, channel=voc_map.phone, responded_at=datetime(2024, 3, 3, tzinfo=UTC)),
        "csat": make(journey=voc_map.journey, metric="csat", score=4, responded_at=datetime(2024, 3, 4, tzinfo=UTC)),
        "survey": make(journey=voc_map.journey, source="survey-tool", responded_at=datetime(2024, 3, 5, tzinfo=UTC)),
        "r1": make(journey=voc_map.journey, respondent="r1", responded_at=datetime(2024, 3, 6, 12, tzinfo=UTC)),
        "other": make(journey=voc_map.other_journey, responded_at=datetime(2024, 3, 7, 12, tzinfo=UTC)),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("touchpoint={touchpoint}", {"touchpoint"}),
        ("channel=phone", {"phone"}),
        ("metric=csat", {"csat"}),
        ("source=survey-tool", {"survey"}),
        ("respondent=r1", {"r1"}),
        ("journey={other}", {"other"}),
        ("from=2024-03-02&to=2024-03-03", {"touchpoint", "phone"}),
    ],
)
def test_the_list_filters(client, manager, voc_map, spread, query, expected):
    client.force_login(manager)  # everyone reads responses
    query = query.format(touchpoint=voc_map.touchpoint.pk, other=voc_map.other_journey.pk)
    assert ids(client.get(f"{URL}?{query}")) == {spread[name].pk for name in expected}


def test_the_list_is_newest_first_with_the_channel_key(editor_client, voc_map, spread):
    rows = editor_client.get(URL).json()["results"]
    assert [row["id"] for row in rows][:2] == [spread["other"].pk, spread["r1"].pk]
    phone = next(row for row in rows if row["id"] == spread["phone"].pk)
    assert phone["channel"] == "phone" and phone["journey"] == voc_map.journey.pk and phone["day"] == "2024-03-03"


def test_a_bad_filter_value_is_a_400(editor_client, voc_map):
    assert editor_client.get(f"{URL}?from=yesterday").status_code == 400


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_runs_a_fixed_number_of_queries(editor_client, voc_map, django_assert_num_queries, count):
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                metric="nps",
                score=i % 11,
                journey=voc_map.journey,
                touchpoint=voc_map.touchpoint,
                channel=voc_map.web,
                responded_at=datetime(2024, 3, 1, tzinfo=UTC),
                day=date(2024, 3, 1),
            )
            for i in range(count)
        ]
    )
    # session, user, count, responses (+ channel)
    with django_assert_num_queries(4):
        response = editor_client.get(f"{URL}?page_size=500")
    assert len(response.json()["results"]) == count
