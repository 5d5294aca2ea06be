"""The API: token and session authentication, the OpenAPI schema and docs, pagination, errors as JSON."""

import pytest
from django.test import Client

from tests.journeys.factories import JourneyGroupFactory
from tests.teams.factories import MembershipFactory, TeamFactory


@pytest.mark.django_db
def test_session_authenticated_writes_need_the_csrf_token(cx_editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cx_editor)
    response = client.post("/api/v1/journey-groups/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.django_db
def test_the_openapi_schema_describes_the_api(editor_client):
    response = editor_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "CX Platform API"
    assert {"/api/v1/journey-groups/", "/api/v1/teams/", "/api/v1/me/"} <= set(schema["paths"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_the_interactive_docs_load_their_files_from_this_server_not_a_cdn(editor_client):
    html = editor_client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert editor_client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200


@pytest.mark.django_db
def test_plotly_is_served_by_the_app_itself_never_a_cdn(editor_client):
    response = editor_client.get("/static/vendor/plotly/plotly.min.js")
    assert response.status_code == 200
    assert b"plotly" in b"".join(response.streaming_content)[:2000].lower()


@pytest.mark.django_db
def test_lists_are_paginated_by_page_number(editor_client):
    JourneyGroupFactory.create_batch(60)
    first = editor_client.get("/api/v1/journey-groups/").json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert first["next"].endswith("/api/v1/journey-groups/?page=2")
    second = editor_client.get(first["next"]).json()
    assert len(second["results"]) == 10 and second["next"] is None
    assert len(editor_client.get("/api/v1/journey-groups/?page_size=5").json()["results"]) == 5


@pytest.mark.django_db
def test_errors_are_json(editor_client):
    missing = editor_client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Not found.", "code": "not_found"}
    no_group = editor_client.get("/api/v1/journey-groups/999999/")
    assert no_group.status_code == 404
    assert no_group.json()["code"] == "not_found"
    bad_page = editor_client.get("/api/v1/journey-groups/?page=99")
    assert bad_page.status_code == 404
    assert bad_page.json()["detail"] == "Invalid page."


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 200])
def test_the_teams_api_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    groups = JourneyGroupFactory.create_batch(2)
    for team in TeamFactory.create_batch(count, journey_groups=groups):
        MembershipFactory(team=team)
    # session, user, count, teams, their journey groups, their memberships+users
    with django_assert_num_queries(6):
        response = editor_client.get("/api/v1/teams/?page_size=500")
    assert len(response.json()["results"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 200])
def test_the_journey_group_api_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    JourneyGroupFactory.create_batch(count)
    # session, user, count, page of groups
    with django_assert_num_queries(4):
        response = editor_client.get("/api/v1/journey-groups/?page_size=500")
    assert response.json()["count"] == count
