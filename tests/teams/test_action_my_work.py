"""My work: the assignee's open actions, moving them and reporting progress."""

import pytest
from django.urls import reverse

from cxplatform.accounts.models import Role
from teams.permissions import NOT_ASSIGNED
from tests.cxplatform.factories import UserFactory
from tests.teams.action_data import days, html_of, make_action, many_actions, move, says

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


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


# Fixed query counts


@pytest.mark.parametrize("count", [2, 200])
def test_my_work_runs_a_fixed_number_of_queries(client_of, journey, process_owner, count, django_assert_num_queries):
    many_actions(journey, count, process_owner)
    client = client_of(process_owner)
    # session, user, my open actions (+journey, touchpoint, team, assignee)
    with django_assert_num_queries(3):
        response = client.get(reverse("teams:my-work"))
    assert len(response.context["actions"]) >= 1
