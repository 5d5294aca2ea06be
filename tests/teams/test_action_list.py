"""The improvement-action list and prioritisation matrix: filters, sorting, paging, the quick wins."""

import json

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from teams.charts import priority_matrix_figure, spread
from teams.models import ImprovementAction
from tests.teams.action_data import days, html_of, make_action, many_actions, move

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


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


# Fixed query counts


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
