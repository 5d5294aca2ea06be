"""The teams API on improvement actions: create, read, edit, delete, filters, transitions, comments, emails to
the assignee, and the list's query count.

Who may write what is in tests/teams/test_permissions_api.py; here the personas are the ones allowed. The team and
journey fixtures are in conftest.py.
"""

import datetime

import pytest
from django.utils import timezone

from cxplatform.accounts.models import Role
from teams.models import ActionComment, ActionStatus, ImprovementAction
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import FindingFactory, JourneyFactory, TouchpointFactory
from tests.teams.factories import ActionFactory, TeamFactory

JSON = "application/json"
pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


def titles(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return sorted(row["title"] for row in response.json()["results"])


# Improvement actions


def test_a_cx_editor_creates_reads_edits_and_deletes_an_action(editor_client, cx_editor, team, process_owner):
    finding = FindingFactory(touchpoint=TouchpointFactory(stage__journey__group=team.journey_groups.get()))

    created = editor_client.post(
        "/api/v1/actions/",
        {"title": "Shorter claim form", "finding": finding.pk, "impact": 4, "effort": 2, "assignee": process_owner.pk},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["journey"], body["stage"], body["touchpoint"]) == (
        finding.journey_id,
        finding.stage_id,
        finding.touchpoint_id,
    )
    assert body["team"] == team.pk and body["team_name"] == "Claims"
    assert body["status"] == "proposed" and body["status_display"] == "Proposed"
    assert body["is_quick_win"] is True and body["is_overdue"] is False
    assert body["version"] == 1
    assert body["assignee_name"] == str(process_owner) and body["created_by_name"] == str(cx_editor)

    url = f"/api/v1/actions/{body['id']}/"
    assert editor_client.get(url).json()["title"] == "Shorter claim form"

    edited = editor_client.patch(url, {"version": 1, "effort": 4, "sprint": "2026-S3"}, content_type=JSON)
    assert edited.status_code == 200, edited.json()
    assert edited.json()["is_quick_win"] is False
    assert edited.json()["version"] == 2

    put = editor_client.put(url, {**edited.json(), "title": "Short claim form"}, content_type=JSON)
    assert put.status_code == 200, put.json()
    assert put.json()["title"] == "Short claim form" and put.json()["version"] == 3

    assert editor_client.delete(url).status_code == 204
    assert not ImprovementAction.objects.exists()


def test_an_edit_without_a_version_is_refused_naming_the_version(editor_client, team, journey):
    action = ActionFactory(journey=journey, team=team, title="Shorter form")
    response = editor_client.patch(f"/api/v1/actions/{action.pk}/", {"title": "Renamed"}, content_type=JSON)
    assert response.status_code == 400
    assert "version" in response.json()
    assert ImprovementAction.objects.get().title == "Shorter form"


def test_a_stale_action_edit_gets_409_with_the_current_action_and_changes_nothing(editor_client, team, journey):
    action = ActionFactory(journey=journey, team=team, title="Shorter form")
    url = f"/api/v1/actions/{action.pk}/"
    assert editor_client.patch(url, {"version": 1, "title": "A shorter form"}, content_type=JSON).status_code == 200

    stale = editor_client.patch(url, {"version": 1, "title": "The shortest form"}, content_type=JSON)

    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["current"]["title"] == "A shorter form"
    assert stale.json()["current"]["version"] == 2
    assert ImprovementAction.objects.get().title == "A shorter form"


def test_the_status_cannot_be_changed_by_an_edit(editor_client, team, journey):
    action = ActionFactory(journey=journey, team=team)
    url = f"/api/v1/actions/{action.pk}/"

    response = editor_client.patch(url, {"version": 1, "status": "done"}, content_type=JSON)

    assert response.status_code == 400
    assert "transition/" in response.json()["status"][0]
    assert ImprovementAction.objects.get().status == ActionStatus.PROPOSED
    # Sending the status it already has (a PUT of what was read) is fine.
    unchanged = editor_client.patch(url, {"version": 1, "status": "proposed", "title": "Same"}, content_type=JSON)
    assert unchanged.status_code == 200, unchanged.json()
    created = editor_client.post(
        "/api/v1/actions/", {"title": "Done already", "journey": journey.pk, "status": "done"}, content_type=JSON
    )
    assert created.status_code == 400 and "status" in created.json()


def test_it_rejects_a_touchpoint_of_another_journey_naming_the_field(editor_client, journey):
    elsewhere = TouchpointFactory()
    response = editor_client.post(
        "/api/v1/actions/", {"title": "Fix", "journey": journey.pk, "touchpoint": elsewhere.pk}, content_type=JSON
    )
    assert response.status_code == 400
    assert "another journey" in response.json()["touchpoint"][0]
    assert not ImprovementAction.objects.exists()


def test_it_rejects_an_assignee_who_is_not_a_process_owner(editor_client, journey, manager):
    response = editor_client.post(
        "/api/v1/actions/", {"title": "Fix", "journey": journey.pk, "assignee": manager.pk}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["assignee"] == ["Actions are assigned to process owners."]


def test_actions_filter_by_team_journey_touchpoint_assignee_status_and_overdue(editor_client, team, journey):
    today = timezone.localdate()
    other_journey = JourneyFactory()
    touchpoint = TouchpointFactory(stage__journey=journey)
    owner = UserFactory(role=Role.PROCESS_OWNER)
    ActionFactory(title="Late", journey=journey, team=team, due_date=today - datetime.timedelta(days=1))
    ActionFactory(title="Late but done", journey=journey, team=team, due_date=today - datetime.timedelta(days=9))
    ImprovementAction.objects.filter(title="Late but done").update(status=ActionStatus.DONE)
    ActionFactory(title="Due today", journey=journey, touchpoint=touchpoint, stage=touchpoint.stage, due_date=today)
    ActionFactory(title="Elsewhere", journey=other_journey, assignee=owner)

    def listed(query: str) -> list[str]:
        return titles(editor_client.get(f"/api/v1/actions/?{query}"))

    assert listed("") == ["Due today", "Elsewhere", "Late", "Late but done"]
    assert listed(f"team={team.pk}") == ["Late", "Late but done"]
    assert listed(f"journey={other_journey.pk}") == ["Elsewhere"]
    assert listed(f"touchpoint={touchpoint.pk}") == ["Due today"]
    assert listed(f"assignee={owner.pk}") == ["Elsewhere"]
    assert listed("status=done") == ["Late but done"]
    assert listed("overdue=true") == ["Late"]
    assert listed("overdue=false") == ["Due today", "Elsewhere", "Late but done"]
    assert listed(f"overdue=true&journey={other_journey.pk}") == []
    assert listed("search=today") == ["Due today"]
    rows = {row["title"]: row for row in editor_client.get("/api/v1/actions/").json()["results"]}
    assert rows["Late"]["is_overdue"] is True and rows["Late but done"]["is_overdue"] is False
    assert editor_client.get("/api/v1/actions/?status=finished").status_code == 400


# Transitions and comments


def test_the_assignee_moves_an_action_and_the_move_is_recorded(client, process_owner, team, journey):
    action = ActionFactory(journey=journey, team=team, assignee=process_owner, status=ActionStatus.PLANNED)
    client.force_login(process_owner)

    response = client.post(f"/api/v1/actions/{action.pk}/transition/", {"status": "in_progress"}, content_type=JSON)

    assert response.status_code == 200, response.json()
    assert response.json()["action"]["status"] == "in_progress"
    assert response.json()["action"]["status_display"] == "In progress"
    transition = response.json()["transition"]
    assert (transition["from_status"], transition["to_status"]) == ("planned", "in_progress")
    assert transition["by"] == process_owner.pk and transition["by_name"] == str(process_owner)
    assert transition["at"]

    done = client.post(f"/api/v1/actions/{action.pk}/transition/", {"status": "done"}, content_type=JSON)
    assert done.json()["action"]["progress"] == 100
    history = client.get(f"/api/v1/actions/{action.pk}/transitions/").json()
    assert [(t["from_status"], t["to_status"], t["by"]) for t in history] == [
        ("planned", "in_progress", process_owner.pk),
        ("in_progress", "done", process_owner.pk),
    ]


def test_a_forbidden_move_is_refused_with_the_allowed_ones_and_nothing_changes(editor_client, team, journey):
    action = ActionFactory(journey=journey, team=team)
    url = f"/api/v1/actions/{action.pk}/transition/"

    response = editor_client.post(url, {"status": "done"}, content_type=JSON)

    assert response.status_code == 400
    assert response.json() == {
        "status": ["An action that is “Proposed” cannot become “Done”; it can become: Dropped, Planned."]
    }
    assert ImprovementAction.objects.get().status == ActionStatus.PROPOSED
    assert editor_client.get(f"/api/v1/actions/{action.pk}/transitions/").json() == []
    unknown = editor_client.post(url, {"status": "finished"}, content_type=JSON)
    assert unknown.status_code == 400 and "status" in unknown.json()


def test_comments_are_added_and_listed_and_an_empty_one_is_refused(client, process_owner, team, journey):
    action = ActionFactory(journey=journey, team=team, assignee=process_owner)
    client.force_login(process_owner)
    url = f"/api/v1/actions/{action.pk}/comments/"

    added = client.post(url, {"text": "  Waiting for IT  "}, content_type=JSON)
    assert added.status_code == 201, added.json()
    assert added.json()["text"] == "Waiting for IT"
    assert added.json()["author_name"] == str(process_owner)

    empty = client.post(url, {"text": "   "}, content_type=JSON)
    assert empty.status_code == 400
    assert "text" in empty.json()
    assert ActionComment.objects.count() == 1
    assert [c["text"] for c in client.get(url).json()] == ["Waiting for IT"]


# Emails to the assignee


def test_the_assignee_is_emailed_when_an_action_is_created_for_them_and_when_reassigned(
    editor_client, journey, process_owner, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        created = editor_client.post(
            "/api/v1/actions/",
            {"title": "Shorter claim form", "journey": journey.pk, "assignee": process_owner.pk},
            content_type=JSON,
        )
    assert created.status_code == 201, created.json()
    assert [m.to for m in mailoutbox] == [[process_owner.email]]
    assert "Shorter claim form" in mailoutbox[0].subject
    assert f"/actions/{created.json()['id']}/" in mailoutbox[0].body

    url = f"/api/v1/actions/{created.json()['id']}/"
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.patch(url, {"version": 1, "sprint": "S1"}, content_type=JSON)
    assert len(mailoutbox) == 1  # same assignee: no new email

    other_owner = UserFactory(role=Role.PROCESS_OWNER, email="other-owner@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        reassigned = editor_client.patch(url, {"version": 2, "assignee": other_owner.pk}, content_type=JSON)
    assert reassigned.status_code == 200, reassigned.json()
    assert [m.to for m in mailoutbox] == [[process_owner.email], ["other-owner@example.org"]]


def test_a_refused_action_sends_no_email(
    editor_client, journey, manager, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/api/v1/actions/",
            {"title": "Fix", "journey": journey.pk, "assignee": manager.pk},
            content_type=JSON,
        )
    assert response.status_code == 400
    assert mailoutbox == []


# Fixed query counts


@pytest.mark.parametrize("count", [2, 200])
def test_the_actions_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, journey, count):
    touchpoint = TouchpointFactory(stage__journey=journey)
    team = TeamFactory()
    owner = UserFactory(role=Role.PROCESS_OWNER)
    ImprovementAction.objects.bulk_create(
        [
            ImprovementAction(
                title=f"Action {i}",
                journey=journey,
                stage=touchpoint.stage,
                touchpoint=touchpoint,
                team=team,
                assignee=owner,
                created_by=owner,
                due_date=timezone.localdate(),
            )
            for i in range(count)
        ]
    )
    # session, user, count, actions (+journey, stage, touchpoint, team, assignee, creator; is_overdue computed)
    with django_assert_num_queries(4):
        response = editor_client.get("/api/v1/actions/?page_size=500")
    rows = response.json()["results"]
    assert len(rows) == count
    assert rows[0]["touchpoint_name"] == touchpoint.name and rows[0]["assignee_name"] == str(owner)
