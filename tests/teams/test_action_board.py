"""The improvement-action board: its columns and cards, filters, moves by drag and drop or menu, who may move what.

The journey, team and editor fixtures are in conftest.py; the helpers in action_data.py.
"""

import pytest
from django.urls import reverse

from cxplatform.accounts.models import Role
from teams.models import ActionStatus, ActionTransition
from teams.permissions import NOT_ASSIGNED
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import build_map
from tests.teams.action_data import days, html_of, make_action, many_actions, move, says
from tests.teams.factories import TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

HTMX_BOARD = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "action-board"}


# The board


def test_the_board_shows_each_action_in_its_status_column_with_what_a_card_needs(
    client_of, editor, journey, process_owner
):
    touchpoint = journey.touchpoints.first()
    late = make_action(journey, "Call back within a day", assignee=process_owner, due_date=days(-3), impact=4, effort=1)
    planned = move(make_action(journey, "Explain the claim steps", due_date=days(10), impact=2, effort=4), "planned")

    response = client_of(editor).get(reverse("teams:actions"))

    assert response.status_code == 200
    columns = {column.status: column.actions for column in response.context["columns"]}
    assert list(columns) == ["proposed", "planned", "in_progress", "done", "dropped"]
    assert columns["proposed"] == [late] and columns["planned"] == [planned]
    html = html_of(response)
    card = html[html.index(f'id="action-{late.pk}"') :]
    card = card[: card.index("</li>")]
    assert "Call back within a day" in card
    assert f"Report a claim · {touchpoint.name}" in card
    assert "Priya" in card
    assert "Overdue" in card and "Quick win" in card
    assert "Impact <b>4</b>" in card and "Effort <b>1</b>" in card
    assert "Overdue" not in html[html.index(f'id="action-{planned.pk}"') :].split("</li>")[0]


def test_an_empty_board_says_where_actions_come_from(client_of, cx_editor):
    html = html_of(client_of(cx_editor).get(reverse("teams:actions")))
    assert "No improvement actions yet" in html
    assert reverse("teams:action-create") in html


def test_the_board_filters_by_team_journey_and_assignee(client_of, editor, journey, team, process_owner):
    other_journey = build_map(stages=1, touchpoints_per_stage=1, name="Open an account")
    other_team = TeamFactory(journey_groups=[other_journey.group])
    mine = make_action(journey, "Mine", assignee=process_owner)
    theirs = make_action(other_journey, "Theirs", team=other_team)
    client = client_of(editor)

    def shown(**query) -> set[int]:
        columns = client.get(reverse("teams:actions"), query).context["columns"]
        return {action.pk for column in columns for action in column.actions}

    assert shown() == {mine.pk, theirs.pk}
    assert shown(team=team.pk) == {mine.pk}
    assert shown(journey=other_journey.pk) == {theirs.pk}
    assert shown(assignee=process_owner.pk) == {mine.pk}
    # The tabs carry the filter over to the list and the matrix.
    html = html_of(client.get(reverse("teams:actions"), {"team": team.pk}))
    assert f'href="{reverse("teams:action-list")}?team={team.pk}"' in html


def test_dragging_a_card_to_an_allowed_column_moves_it_and_answers_with_the_board(client_of, editor, journey):
    action = make_action(journey)

    response = client_of(editor).post(
        reverse("teams:action-transition", args=[action.pk]), {"to_status": "planned"}, **HTMX_BOARD
    )

    assert response.status_code == 200
    assert response.templates[0].name == "teams/_action_board.html"
    assert "“Shorter claim form” is now: Planned." in html_of(response)
    action.refresh_from_db()
    assert action.status == ActionStatus.PLANNED
    transition = ActionTransition.objects.get(action=action)
    assert (transition.from_status, transition.to_status, transition.by) == ("proposed", "planned", editor)
    columns = {column.status: column.actions for column in response.context["columns"]}
    assert columns["planned"] == [action]


def test_a_forbidden_move_is_refused_with_the_message_and_the_card_stays_where_it_was(client_of, editor, journey):
    action = make_action(journey)

    response = client_of(editor).post(
        reverse("teams:action-transition", args=[action.pk]), {"to_status": "done"}, **HTMX_BOARD
    )

    assert response.status_code == 422
    assert "An action that is “Proposed” cannot become “Done”; it can become: Dropped, Planned." in html_of(response)
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED
    assert not ActionTransition.objects.exists()
    columns = {column.status: column.actions for column in response.context["columns"]}
    assert columns["proposed"] == [action] and columns["done"] == []


def test_the_board_answer_keeps_the_filters(client_of, editor, journey, team):
    kept = make_action(journey, "Kept")
    other = build_map(stages=1, touchpoints_per_stage=1)
    make_action(other, "Filtered out", team=TeamFactory(journey_groups=[other.group]))
    url = reverse("teams:action-transition", args=[kept.pk]) + f"?team={team.pk}"

    response = client_of(editor).post(url, {"to_status": "planned"}, **HTMX_BOARD)

    shown = [action.title for column in response.context["columns"] for action in column.actions]
    assert shown == ["Kept"]


def test_a_move_without_javascript_redirects_back_with_the_message(client_of, editor, journey):
    action = make_action(journey)
    url = reverse("teams:action-transition", args=[action.pk])
    client = client_of(editor)

    response = client.post(url, {"to_status": "in_progress", "next": reverse("teams:actions")}, follow=True)

    assert response.redirect_chain == [(reverse("teams:actions"), 302)]
    assert "cannot become “In progress”" in html_of(response)
    # An address elsewhere is not followed.
    response = client.post(url, {"to_status": "planned", "next": "https://evil.example/"})
    assert response.url == reverse("teams:action", args=[action.pk])


def test_a_manager_cannot_move_an_action_and_is_told_why(client_of, manager, journey):
    action = make_action(journey)
    url = reverse("teams:action-transition", args=[action.pk])
    client = client_of(manager)

    response = client.post(url, {"to_status": "planned"})
    assert response.status_code == 403
    assert says(response, NOT_ASSIGNED)

    response = client.post(url, {"to_status": "planned"}, **HTMX_BOARD)
    assert response.status_code == 403
    assert says(response, NOT_ASSIGNED) and 'id="action-board"' in html_of(response)
    action.refresh_from_db()
    assert action.status == ActionStatus.PROPOSED


def test_a_process_owner_moves_the_actions_assigned_to_them_and_no_others(client_of, process_owner, journey):
    theirs = make_action(journey, assignee=process_owner)
    someone_elses = make_action(journey, assignee=UserFactory(role=Role.PROCESS_OWNER))
    client = client_of(process_owner)

    refused = client.post(reverse("teams:action-transition", args=[someone_elses.pk]), {"to_status": "planned"})
    moved = client.post(reverse("teams:action-transition", args=[theirs.pk]), {"to_status": "planned"})

    assert refused.status_code == 403 and says(refused, NOT_ASSIGNED)
    assert moved.status_code == 302
    theirs.refresh_from_db()
    someone_elses.refresh_from_db()
    assert (theirs.status, someone_elses.status) == ("planned", "proposed")


def test_only_cards_the_user_may_move_can_be_dragged_or_moved_from_their_menu(client_of, journey, process_owner):
    theirs = make_action(journey, "Theirs", assignee=process_owner)
    other = make_action(journey, "Other")

    html = html_of(client_of(process_owner).get(reverse("teams:actions")))

    def card(action) -> str:
        return html[html.index(f'id="action-{action.pk}"') :].split("</li>")[0]

    assert "data-can-move" in card(theirs) and "Move to…" in card(theirs)
    assert "data-can-move" not in card(other) and "Move to…" not in card(other)
    assert 'data-next="planned dropped' in card(theirs)
    assert "New action" not in html  # process owners do not create actions


# Fixed query counts


@pytest.mark.parametrize("count", [2, 200])
def test_the_board_runs_a_fixed_number_of_queries(
    client_of, editor, journey, process_owner, count, django_assert_num_queries
):
    many_actions(journey, count, process_owner)
    client = client_of(editor)
    # session, user, the editor's teams (for who may move which card), actions (+journey, touchpoint, team,
    # assignee), the filters' choices: teams, journeys, assignees
    with django_assert_num_queries(7):
        response = client.get(reverse("teams:actions"))
    assert sum(len(column.actions) for column in response.context["columns"]) == count
