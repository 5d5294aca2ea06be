"""One improvement action's page: what it addresses, its history and next steps, comments; user text escaped on every action page."""

import pytest
from django.urls import reverse

from teams.permissions import NOT_ASSIGNED
from tests.teams.action_data import html_of, make_action, move, says

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


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
