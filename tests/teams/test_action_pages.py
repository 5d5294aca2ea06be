"""The improvement-action pages: board, list, matrix, my work, detail, create and edit, with their permissions."""

import datetime
import json

import plotly.graph_objects as go
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cxplatform.accounts.models import Role
from teams.charts import priority_matrix_figure, spread
from teams.models import ActionStatus, ActionTransition, ImprovementAction
from teams.permissions import NOT_AN_EDITOR, NOT_ASSIGNED, NOT_YOUR_ACTION
from teams.services.actions import action_create, action_transition
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import FindingFactory, TouchpointFactory, build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]

HTMX_BOARD = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "action-board"}
TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def journey(db):
    return build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=1, name="Report a claim")


@pytest.fixture
def team(journey):
    return TeamFactory(name="Claims team", journey_groups=[journey.group])


@pytest.fixture
def editor(cx_editor, team):
    """A CX editor in the team that owns the journey's group."""
    MembershipFactory(team=team, user=cx_editor)
    return cx_editor


def make_action(journey, title="Shorter claim form", **fields) -> ImprovementAction:
    fields.setdefault("touchpoint", journey.touchpoints.first())
    return action_create(created_by=None, title=title, journey=journey, **fields)


def move(action: ImprovementAction, *statuses: str) -> ImprovementAction:
    for status in statuses:
        action_transition(action=action, to_status=status, by=None)
    action.refresh_from_db()
    return action


def html_of(response) -> str:
    return response.content.decode()


def says(response, reason) -> bool:
    """The page tells the user `reason` (escaped like any text in a page)."""
    return escape(str(reason)) in html_of(response)


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


# The list


def test_the_list_filters_by_status_and_overdue_and_sorts_by_due_date(client_of, editor, journey):
    late = make_action(journey, "Late", due_date=days(-2))
    soon = make_action(journey, "Soon", due_date=days(3))
    later = move(make_action(journey, "Later", due_date=days(30)), "planned")
    undated = make_action(journey, "Undated")
    late_but_done = move(make_action(journey, "Done late", due_date=days(-9)), "planned", "in_progress", "done")
    client = client_of(editor)

    def titles(**query) -> list[str]:
        return [action.title for action in client.get(reverse("teams:action-list"), query).context["page"]]

    assert titles() == ["Done late", "Late", "Soon", "Later", "Undated"]
    assert titles(sort="-due") == ["Later", "Soon", "Late", "Done late", "Undated"]
    assert titles(status="planned") == ["Later"]
    assert titles(overdue="yes") == ["Late"]
    assert titles(overdue="no") == ["Done late", "Soon", "Later", "Undated"]
    html = html_of(client.get(reverse("teams:action-list")))
    assert "Overdue" in html.split(f'href="/actions/{late.pk}/"')[1].split("</tr>")[0]
    for action in (soon, later, undated, late_but_done):
        assert "badge-overdue" not in html.split(f'href="/actions/{action.pk}/"')[1].split("</tr>")[0]


def test_the_list_pages_through_many_actions(client_of, editor, journey):
    ImprovementAction.objects.bulk_create(
        [ImprovementAction(title=f"Action {i}", journey=journey, due_date=days(i)) for i in range(30)]
    )
    client = client_of(editor)
    first = client.get(reverse("teams:action-list"), {"overdue": "no"})
    second = client.get(reverse("teams:action-list"), {"overdue": "no", "page": 2})

    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 5
    assert "30 actions" in html_of(first)
    assert 'href="?overdue=no&amp;page=2"' in html_of(first)


def test_a_list_without_matches_offers_to_clear_the_filters(client_of, editor, journey):
    make_action(journey)
    html = html_of(client_of(editor).get(reverse("teams:action-list"), {"status": "done"}))
    assert "No actions match these filters" in html


# The prioritisation matrix


def test_the_matrix_plots_the_open_actions_and_lists_the_quick_wins(client_of, editor, journey):
    quick = make_action(journey, "Quick", impact=5, effort=1)
    make_action(journey, "Big", impact=5, effort=5)
    move(make_action(journey, "Finished quick", impact=5, effort=1), "planned", "in_progress", "done")

    response = client_of(editor).get(reverse("teams:action-matrix"))

    assert [action.title for action in response.context["actions"]] == ["Quick", "Big"]
    assert response.context["quick_wins"] == [quick]
    html = html_of(response)
    for name in ("Quick wins", "Major projects", "Fill-ins", "Thankless tasks"):
        assert name in html
    figure = json.loads(html.split('id="priority-matrix-data" type="application/json">')[1].split("</script>")[0])
    go.Figure(figure)  # a figure Plotly accepts, validated in full
    titles = [point[0] for trace in figure["data"] for point in trace["customdata"]]
    assert sorted(titles) == ["Big", "Quick"]
    urls = [point[-1] for trace in figure["data"] for point in trace["customdata"]]
    assert reverse("teams:action", args=[quick.pk]) in urls


def test_equal_points_in_the_matrix_are_spread_so_each_is_visible(journey):
    actions = [make_action(journey, f"Same {i}", impact=4, effort=2) for i in range(5)]
    figure = priority_matrix_figure(actions, detail_url=lambda action: f"/actions/{action.pk}/").to_dict()
    (trace,) = figure["data"]
    points = set(zip(trace["x"], trace["y"], strict=True))
    assert len(points) == 5
    assert all(1.6 <= x <= 2.4 and 3.6 <= y <= 4.4 for x, y in points)
    assert spread(1) == [(0.0, 0.0)]
    # The same every time: the page does not jump around on reload.
    assert priority_matrix_figure(actions, detail_url=str).to_dict()["data"][0]["x"] == trace["x"]


def test_the_matrix_without_open_actions_says_so(client_of, editor):
    html = html_of(client_of(editor).get(reverse("teams:action-matrix")))
    assert "No open actions to prioritise" in html
    assert "plotly.min.js" not in html


# My work


def test_my_work_shows_my_open_actions_overdue_first_then_by_due_date(client_of, process_owner, journey):
    make_action(journey, "Someone else's", assignee=UserFactory(role=Role.PROCESS_OWNER), due_date=days(-5))
    make_action(journey, "Undated", assignee=process_owner)
    make_action(journey, "Next month", assignee=process_owner, due_date=days(30))
    make_action(journey, "Tomorrow", assignee=process_owner, due_date=days(1))
    make_action(journey, "Late by a day", assignee=process_owner, due_date=days(-1))
    make_action(journey, "Late by a week", assignee=process_owner, due_date=days(-7))
    move(make_action(journey, "Done", assignee=process_owner, due_date=days(-9)), "planned", "in_progress", "done")

    response = client_of(process_owner).get(reverse("teams:my-work"))

    titles = [action.title for action in response.context["actions"]]
    assert titles == ["Late by a week", "Late by a day", "Tomorrow", "Next month", "Undated"]
    html = html_of(response)
    assert html.count('class="badge badge-overdue"') == 2
    assert f"?assignee={process_owner.pk}&amp;status=done" in html


def test_the_assignee_moves_and_reports_progress_from_my_work(client_of, process_owner, journey):
    action = make_action(journey, assignee=process_owner)
    client = client_of(process_owner)
    my_work_url = reverse("teams:my-work")

    html = html_of(client.get(my_work_url))
    assert 'name="to_status" value="planned"' in html and 'name="to_status" value="dropped"' in html

    response = client.post(
        reverse("teams:action-transition", args=[action.pk]), {"to_status": "planned", "next": my_work_url}
    )
    assert response.url == my_work_url
    action.refresh_from_db()  # the move made a new version; "My work" shows the form with it
    response = client.post(
        reverse("teams:action-progress", args=[action.pk]),
        {"progress": 40, "version": action.version, "next": my_work_url},
        follow=True,
    )
    assert "Progress of “Shorter claim form” is now 40%." in html_of(response)
    action.refresh_from_db()
    assert (action.status, action.progress) == ("planned", 40)


def test_a_stale_progress_report_is_refused_and_overwrites_nothing(client_of, process_owner, editor, journey):
    action = make_action(journey, assignee=process_owner)
    client_of(editor).post(
        reverse("teams:action-edit", args=[action.pk]),
        {"title": "Renamed", "impact": 3, "effort": 3, "progress": 10, "version": action.version}
        | {"expected_investment": 0, "expected_gains": 0, "assignee": process_owner.pk},
    )

    response = client_of(process_owner).post(
        reverse("teams:action-progress", args=[action.pk]), {"progress": 90, "version": action.version}, follow=True
    )

    assert "Someone else changed this in the meantime" in html_of(response)
    action.refresh_from_db()
    assert (action.title, action.progress) == ("Renamed", 10)


def test_progress_is_refused_to_someone_not_assigned(client_of, process_owner, journey):
    action = make_action(journey)
    response = client_of(process_owner).post(
        reverse("teams:action-progress", args=[action.pk]), {"progress": 50, "version": action.version}
    )
    assert response.status_code == 403 and says(response, NOT_ASSIGNED)


# One action


def test_the_action_page_shows_what_it_addresses_its_history_and_its_next_steps(client_of, editor, journey):
    finding = journey.findings.first()
    action = make_action(journey, finding=finding, description="As a claimant I want…", sprint="2025-S14")
    move(action, "planned")
    action.expected_investment, action.expected_gains = 1000, 3000
    action.save()

    response = client_of(editor).get(reverse("teams:action", args=[action.pk]))

    html = html_of(response)
    map_url = reverse("journeys:map", args=[journey.pk])
    assert f'href="{map_url}"' in html
    assert f'href="{map_url}#tp-{finding.touchpoint_id}"' in html
    assert f'href="{map_url}#stage-{finding.stage_id}"' in html
    assert f'href="{map_url}#finding-{finding.pk}"' in html
    assert "As a claimant I want…" in html and "2025-S14" in html
    assert "200%" in html  # expected ROI: (3000 − 1000) / 1000
    assert "Proposed → <b>Planned</b>" in html
    assert [status for status, _label in response.context["next_statuses"]] == ["proposed", "in_progress", "dropped"]
    assert reverse("teams:action-edit", args=[action.pk]) in html
    assert reverse("teams:action-delete", args=[action.pk]) in html


def test_a_manager_reads_an_action_but_sees_no_controls(client_of, manager, journey):
    action = make_action(journey)
    response = client_of(manager).get(reverse("teams:action", args=[action.pk]))
    html = html_of(response)
    assert response.status_code == 200 and "Shorter claim form" in html
    assert response.context["next_statuses"] == []
    assert reverse("teams:action-edit", args=[action.pk]) not in html
    assert 'name="to_status"' not in html and "Add comment" not in html


def test_the_assignee_comments_on_an_action(client_of, process_owner, journey):
    action = make_action(journey, assignee=process_owner)
    client = client_of(process_owner)
    url = reverse("teams:action-comment", args=[action.pk])

    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 422 and "This field is required." in html_of(empty)

    response = client.post(url, {"text": "Waiting for <IT>"}, follow=True)
    html = html_of(response)
    assert "Comment added." in html and "Waiting for &lt;IT&gt;" in html
    assert action.comments.get().author == process_owner


def test_a_comment_is_refused_to_someone_not_assigned(client_of, manager, journey):
    action = make_action(journey)
    response = client_of(manager).post(reverse("teams:action-comment", args=[action.pk]), {"text": "Hi"})
    assert response.status_code == 403 and says(response, NOT_ASSIGNED)
    assert not action.comments.exists()


def test_an_unknown_action_is_not_found(client_of, editor):
    assert client_of(editor).get(reverse("teams:action", args=[999])).status_code == 404


# Create


def test_a_new_action_from_a_finding_is_prefilled_and_saved_against_it(client_of, editor, journey, team):
    owner = UserFactory(role=Role.PROCESS_OWNER, first_name="Olga")
    finding = journey.findings.first()
    finding.text = "Customers cannot find the claim form"
    finding.save()
    finding.touchpoint.owner = owner
    finding.touchpoint.save()
    url = reverse("teams:action-create") + f"?finding={finding.pk}"
    client = client_of(editor)

    form = client.get(url).context["form"]
    assert form.initial["title"] == "Customers cannot find the claim form"
    assert form.initial["team"] == team and form.initial["assignee"] == owner
    assert "journey" not in form.fields

    response = client.post(
        url,
        {"title": "Put the claim form on the home page", "description": "As a claimant…", "assignee": owner.pk}
        | {"team": team.pk, "impact": 4, "effort": 2, "due_date": days(14).isoformat(), "sprint": "S1"}
        | {"expected_investment": "500", "expected_gains": "2500"},
    )

    action = ImprovementAction.objects.get()
    assert response.status_code == 302 and response.url == reverse("teams:action", args=[action.pk])
    assert (action.journey, action.stage, action.touchpoint, action.finding) == (
        journey,
        finding.stage,
        finding.touchpoint,
        finding,
    )
    assert (action.assignee, action.team, action.created_by, action.due_date) == (owner, team, editor, days(14))
    assert action.is_quick_win


def test_a_new_action_from_a_touchpoint_is_prefilled_from_it(client_of, editor, journey, team):
    touchpoint = TouchpointFactory(stage=journey.stages.last(), name="Claim status e-mail", owner=UserFactory())
    url = reverse("teams:action-create") + f"?touchpoint={touchpoint.pk}"
    client = client_of(editor)

    form = client.get(url).context["form"]
    # The touchpoint's owner is a CX editor, not a process owner: nobody is proposed.
    assert form.initial == {"title": "Improve “Claim status e-mail”", "team": team, "assignee": None}

    client.post(
        url,
        {"title": "Send the status e-mail daily", "impact": 3, "effort": 3}
        | {"expected_investment": 0, "expected_gains": 0},
    )
    action = ImprovementAction.objects.get()
    assert (action.journey, action.stage, action.touchpoint, action.finding) == (
        journey,
        touchpoint.stage,
        touchpoint,
        None,
    )


def test_a_new_action_without_a_source_asks_for_the_journey_and_shows_errors_at_the_field(
    client_of, editor, journey, manager
):
    response = client_of(editor).post(
        reverse("teams:action-create"),
        {"title": "", "impact": 9, "effort": 3, "assignee": manager.pk, "expected_investment": -1}
        | {"expected_gains": 0},
    )

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"title", "journey", "impact", "assignee", "expected_investment"}
    html = html_of(response)
    assert 'id="id_title-error"' in html and 'id="id_assignee-error"' in html
    assert not ImprovementAction.objects.exists()


def test_an_unknown_finding_is_not_found(client_of, editor):
    assert client_of(editor).get(reverse("teams:action-create") + "?finding=999").status_code == 404
    assert client_of(editor).get(reverse("teams:action-create") + "?touchpoint=x").status_code == 404


@pytest.mark.parametrize("persona", ["manager", "process_owner"])
def test_only_cx_editors_and_admins_create_actions(client_of, persona, request, journey):
    user = request.getfixturevalue(persona)
    finding = FindingFactory(touchpoint=journey.touchpoints.first())
    client = client_of(user)
    for response in (
        client.get(reverse("teams:action-create") + f"?finding={finding.pk}"),
        client.post(reverse("teams:action-create"), {"title": "X", "journey": journey.pk}),
    ):
        assert response.status_code == 403 and says(response, NOT_AN_EDITOR)
    assert not ImprovementAction.objects.exists()


# Edit and delete


def edit_data(action: ImprovementAction, **changes) -> dict:
    data = {
        "title": action.title,
        "description": action.description,
        "assignee": action.assignee_id or "",
        "team": action.team_id or "",
        "impact": action.impact,
        "effort": action.effort,
        "progress": action.progress,
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "sprint": action.sprint,
        "expected_investment": action.expected_investment,
        "expected_gains": action.expected_gains,
        "version": action.version,
    }
    return data | changes


def test_the_team_edits_an_action(client_of, editor, journey, process_owner):
    action = make_action(journey)
    client = client_of(editor)
    assert client.get(reverse("teams:action-edit", args=[action.pk])).context["form"]["version"].value() == 1

    response = client.post(
        reverse("teams:action-edit", args=[action.pk]), edit_data(action, title="Renamed", assignee=process_owner.pk)
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.assignee, action.version) == ("Renamed", process_owner, 2)


def test_a_stale_edit_is_refused_keeps_mine_beside_theirs_and_overwrites_nothing(client_of, editor, journey):
    action = make_action(journey, title="Original")
    stale = edit_data(action, title="Mine")
    client = client_of(editor)
    client.post(reverse("teams:action-edit", args=[action.pk]), edit_data(action, title="Theirs"))

    response = client.post(reverse("teams:action-edit", args=[action.pk]), stale)

    assert response.status_code == 409
    html = html_of(response)
    assert "Someone else changed this in the meantime" in html
    assert 'value="Mine"' in html and "Theirs" in html  # mine in the form, theirs beside it
    assert response.context["form"]["version"].value() == "2"
    action.refresh_from_db()
    assert (action.title, action.version) == ("Theirs", 2)


@pytest.mark.parametrize("persona", ["manager", "process_owner", "cx_editor"])
def test_only_the_actions_team_and_admins_edit_or_delete_it(client_of, persona, request, journey, team):
    """The cx_editor here is in no team: CX editors manage the actions of their own team only."""
    user = request.getfixturevalue(persona)
    action = make_action(journey, assignee=user if persona == "process_owner" else None)
    client = client_of(user)
    for response in (
        client.get(reverse("teams:action-edit", args=[action.pk])),
        client.post(reverse("teams:action-edit", args=[action.pk]), edit_data(action, title="Hijacked")),
        client.post(reverse("teams:action-delete", args=[action.pk])),
    ):
        assert response.status_code == 403 and says(response, NOT_YOUR_ACTION)
    action.refresh_from_db()
    assert action.title == "Shorter claim form"


def test_an_admin_edits_any_action(client_of, admin_user, journey):
    action = make_action(journey)
    response = client_of(admin_user).post(reverse("teams:action-edit", args=[action.pk]), edit_data(action, effort=1))
    assert response.status_code == 302


def test_deleting_an_action_asks_first(client_of, editor, journey):
    action = make_action(journey)
    client = client_of(editor)

    confirm = client.get(reverse("teams:action-delete", args=[action.pk]))
    assert "Delete “Shorter claim form”?" in html_of(confirm)
    assert ImprovementAction.objects.exists()

    response = client.post(reverse("teams:action-delete", args=[action.pk]), follow=True)
    assert "Improvement action “Shorter claim form” deleted." in html_of(response)
    assert not ImprovementAction.objects.exists()


# Escaping


def test_user_text_is_escaped_on_every_page(client_of, editor, journey, process_owner):
    script = "<script>alert('x')</script>"
    action = make_action(journey, title=script, description=script, assignee=process_owner, impact=5, effort=1)
    client = client_of(editor)
    for url in (
        reverse("teams:actions"),
        reverse("teams:action-list"),
        reverse("teams:action-matrix"),
        reverse("teams:action", args=[action.pk]),
        reverse("teams:action-edit", args=[action.pk]),
    ):
        html = html_of(client.get(url))
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert" in html, url
    html = html_of(client_of(process_owner).get(reverse("teams:my-work")))
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


# Fixed query counts


def many_actions(journey, count: int, assignee) -> None:
    touchpoints = list(journey.touchpoints.all())
    teams = TeamFactory.create_batch(2, journey_groups=[journey.group])
    statuses = ActionStatus.values
    ImprovementAction.objects.bulk_create(
        [
            ImprovementAction(
                title=f"Action {i}",
                journey=journey,
                touchpoint=touchpoints[i % len(touchpoints)],
                stage_id=touchpoints[i % len(touchpoints)].stage_id,
                team=teams[i % 2],
                assignee=assignee if i % 2 else UserFactory(role=Role.PROCESS_OWNER),
                status=statuses[i % len(statuses)] if i > 1 else ActionStatus.PROPOSED,
                due_date=days(i - count // 2) if i % 3 else None,
                impact=i % 5 + 1,
                effort=(i * 3) % 5 + 1,
            )
            for i in range(count)
        ]
    )
    assert ImprovementAction.objects.count() == count


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


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_runs_a_fixed_number_of_queries(
    client_of, editor, journey, process_owner, count, django_assert_num_queries
):
    many_actions(journey, count, process_owner)
    client = client_of(editor)
    # session, user, count, page of actions (+journey, touchpoint, team, assignee), the filters' choices:
    # teams, journeys, assignees
    with django_assert_num_queries(7):
        response = client.get(reverse("teams:action-list"))
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [2, 200])
def test_my_work_runs_a_fixed_number_of_queries(client_of, journey, process_owner, count, django_assert_num_queries):
    many_actions(journey, count, process_owner)
    client = client_of(process_owner)
    # session, user, my open actions (+journey, touchpoint, team, assignee)
    with django_assert_num_queries(3):
        response = client.get(reverse("teams:my-work"))
    assert len(response.context["actions"]) >= 1
