"""comments/ in the API: filter by object; anyone who can read the journey comments; only the author edits (with
the version); the author or an admin deletes."""

import pytest
from django.urls import reverse

from journeys.comments import services
from journeys.comments.models import Comment
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import FindingFactory, StageFactory, TouchpointFactory
from tests.teams.factories import ActionFactory

LIST = reverse("api:comment-list")


def detail(comment):
    return reverse("api:comment-detail", args=[comment.pk])


@pytest.fixture
def touchpoint(db):
    return TouchpointFactory(name="Call us")


def test_an_outsider_comments_and_mentions(client_of, outsider, manager, touchpoint):
    response = client_of(outsider).post(
        LIST,
        {"kind": "touchpoint", "object_id": touchpoint.pk, "text": "Ask @manager"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["journey"] == touchpoint.journey_id
    assert body["mentions"] == ["manager"]
    assert body["version"] == 1 and body["resolved"] is False
    assert manager.notifications.count() == 1


def test_a_comment_on_nothing_is_a_400_naming_the_field(editor_client):
    response = editor_client.post(
        LIST, {"kind": "touchpoint", "object_id": 999999, "text": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "object_id" in response.json()
    response = editor_client.post(
        LIST, {"kind": "planet", "object_id": 1, "text": "x"}, content_type="application/json"
    )
    assert response.status_code == 400 and "kind" in response.json()
    response = editor_client.post(
        LIST, {"kind": "journey", "object_id": 1, "text": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and "text" in response.json()


def test_signed_out_and_inactive_users_are_refused(client, touchpoint):
    payload = {"kind": "touchpoint", "object_id": touchpoint.pk, "text": "x"}
    assert client.post(LIST, payload, content_type="application/json").status_code == 401
    client.force_login(UserFactory(is_active=False))
    assert client.post(LIST, payload, content_type="application/json").status_code in (401, 403)
    assert not Comment.objects.exists()


def test_the_list_filters_by_object(editor_client, cx_editor, touchpoint):
    stage = StageFactory(journey=touchpoint.journey)
    finding = FindingFactory(stage=stage)
    action = ActionFactory(journey=touchpoint.journey)
    for kind, pk in [
        ("touchpoint", touchpoint.pk),
        ("stage", stage.pk),
        ("finding", finding.pk),
        ("action", action.pk),
        ("journey", touchpoint.journey_id),
    ]:
        services.comment_add(author=cx_editor, kind=kind, object_id=pk, text=kind)
    for name, pk in [
        ("touchpoint", touchpoint.pk),
        ("stage", stage.pk),
        ("finding", finding.pk),
        ("action", action.pk),
        ("about_journey", touchpoint.journey_id),
    ]:
        texts = [c["text"] for c in editor_client.get(LIST, {name: pk}).json()["results"]]
        assert texts == [name.replace("about_", "")]
    assert editor_client.get(LIST, {"journey": touchpoint.journey_id}).json()["count"] == 5


def test_only_the_author_edits_with_the_version(client_of, cx_editor, outsider, touchpoint):
    comment = services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="Mine")
    refused = client_of(outsider).patch(detail(comment), {"text": "No", "version": 1}, content_type="application/json")
    assert refused.status_code == 403
    client = client_of(cx_editor)
    assert client.patch(detail(comment), {"text": "Better"}, content_type="application/json").status_code == 400
    ok = client.patch(detail(comment), {"text": "Better", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok.json()["edited_at"]
    stale = client.patch(detail(comment), {"text": "Stale", "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current"]["text"] == "Better"
    moved = client.patch(detail(comment), {"kind": "journey", "version": 2}, content_type="application/json")
    assert moved.status_code == 400


def test_the_author_or_an_admin_deletes(client_of, cx_editor, outsider, admin_user, touchpoint):
    comment = services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="x")
    assert client_of(outsider).delete(detail(comment)).status_code == 403
    assert client_of(admin_user).delete(detail(comment)).status_code == 204
    assert not Comment.objects.exists()


@pytest.mark.parametrize("count", [2, 40])
def test_the_list_runs_a_fixed_number_of_queries(editor_client, touchpoint, django_assert_num_queries, count):
    for n in range(count):
        services.comment_add(author=UserFactory(), kind="touchpoint", object_id=touchpoint.pk, text=f"@cx-editor {n}")
    # session, user, count, comments (+thread, author), mentions
    with django_assert_num_queries(5):
        response = editor_client.get(LIST, {"touchpoint": touchpoint.pk})
    assert response.json()["count"] == count


def test_a_comment_on_a_deleted_touchpoint_can_still_be_edited_and_deleted(editor_client, cx_editor, touchpoint):
    comment = services.comment_add(author=cx_editor, kind="touchpoint", object_id=touchpoint.pk, text="Before")
    touchpoint.delete()
    response = editor_client.patch(detail(comment), {"text": "After", "version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["text"] == "After"
    assert editor_client.delete(detail(comment)).status_code == 204
