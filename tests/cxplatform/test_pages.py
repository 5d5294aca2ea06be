"""The base layout, the navigation, messages and the pages behind it, with pinned query counts."""

import pytest
from django.urls import reverse

from tests.teams.factories import TeamFactory


@pytest.mark.django_db
def test_the_layout_shows_the_navigation_and_who_is_logged_in(editor_client):
    html = editor_client.get(reverse("home")).content.decode()
    for label, url in [("Journeys", "/journeys/"), ("Teams", "/teams/"), ("Actions", "/actions/"), ("Dashboard", "/")]:
        assert f'href="{url}"' in html and f">{label}</a>" in html
    assert "Emma" in html and "CX editor" in html
    assert 'name="language" value="nl"' in html


@pytest.mark.django_db
def test_the_current_page_is_marked_in_the_navigation(editor_client):
    html = editor_client.get(reverse("teams:index")).content.decode()
    assert 'href="/teams/" aria-current="page"' in html
    assert 'href="/journeys/" aria-current="page"' not in html


@pytest.mark.django_db
def test_user_text_is_escaped(editor_client):
    TeamFactory(name="<script>alert('x')</script>")
    html = editor_client.get(reverse("teams:index")).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


@pytest.mark.django_db
def test_empty_pages_say_what_to_do(editor_client):
    assert "No journeys yet" in editor_client.get(reverse("journeys:index")).content.decode()
    assert "No teams yet" in editor_client.get(reverse("teams:index")).content.decode()
    assert "No improvement actions yet" in editor_client.get(reverse("teams:actions")).content.decode()


@pytest.mark.django_db
def test_an_unknown_page_shows_a_friendly_404(editor_client):
    response = editor_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_the_profile_page_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries):
    editor_client.post(reverse("token-create"), {"name": "CI", "access": "read_only", "expires": "30"})
    # session, user, tokens, two-factor status (app and recovery codes in one), the user's sessions, then the session
    # is saved without the shown key (savepoint, update, release). Issue 16 added the two-factor and sessions
    # sections: one query each.
    with django_assert_num_queries(8):
        response = editor_client.get(reverse("profile"))
    assert "Copy it now: for safety it is shown only this once." in response.content.decode()
