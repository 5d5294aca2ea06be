"""The teams API on the organisation: departments, teams, memberships and mandates; filters; query counts; the
OpenAPI schema of the teams endpoints.

Who may write what is in tests/teams/test_permissions_api.py; here the personas are the ones allowed. The team
fixture is in conftest.py.
"""

import datetime

import pytest

from teams.models import Department, Mandate, MandateStatus, MemberRole, Membership, Team
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyGroupFactory
from tests.teams.factories import MandateFactory, MembershipFactory, TeamFactory

JSON = "application/json"
pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# Organisation


def test_an_admin_creates_renames_and_deletes_a_department(admin_client):
    created = admin_client.post("/api/v1/departments/", {"name": "Customer service", "slug": "service"}, JSON)
    assert created.status_code == 201, created.json()
    url = f"/api/v1/departments/{created.json()['id']}/"

    assert admin_client.patch(url, {"name": "Service"}, content_type=JSON).json()["name"] == "Service"
    duplicate = admin_client.post("/api/v1/departments/", {"name": "Service", "slug": "other"}, content_type=JSON)
    assert duplicate.status_code == 400
    assert "name" in duplicate.json()

    assert admin_client.delete(url).status_code == 204
    assert not Department.objects.exists()


def test_an_admin_creates_a_team_owning_journey_groups_given_by_id(admin_client):
    becoming, staying = JourneyGroupFactory(slug="becoming"), JourneyGroupFactory(slug="staying")
    created = admin_client.post(
        "/api/v1/teams/",
        {"name": "Onboarding", "slug": "onboarding", "journey_groups": [becoming.pk]},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    assert created.json()["journey_groups"] == [becoming.pk]
    assert created.json()["members"] == []
    url = f"/api/v1/teams/{created.json()['id']}/"

    edited = admin_client.patch(url, {"journey_groups": [becoming.pk, staying.pk]}, content_type=JSON)
    assert edited.status_code == 200, edited.json()
    assert sorted(edited.json()["journey_groups"]) == sorted([becoming.pk, staying.pk])
    renamed = admin_client.patch(url, {"name": "Onboarding team"}, content_type=JSON)
    assert renamed.json()["name"] == "Onboarding team"
    assert len(renamed.json()["journey_groups"]) == 2  # left alone when not sent

    unknown = admin_client.patch(url, {"journey_groups": [999999]}, content_type=JSON)
    assert unknown.status_code == 400
    assert "journey_groups" in unknown.json()

    assert admin_client.delete(url).status_code == 204
    assert not Team.objects.exists()


def test_an_admin_manages_memberships_and_they_filter_by_team_and_user(admin_client, process_owner, cx_editor):
    claims, sales = TeamFactory(name="Claims"), TeamFactory(name="Sales")
    MembershipFactory(team=sales, user=cx_editor)

    created = admin_client.post(
        "/api/v1/memberships/",
        {"team": claims.pk, "user": process_owner.pk, "role": "process_owner", "allocation": 30},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    assert created.json()["role_display"] == "Process owner"
    assert created.json()["user_name"] == str(process_owner)
    url = f"/api/v1/memberships/{created.json()['id']}/"

    twice = admin_client.post(
        "/api/v1/memberships/", {"team": claims.pk, "user": process_owner.pk, "role": "coach"}, content_type=JSON
    )
    assert twice.status_code == 400
    too_much = admin_client.patch(url, {"allocation": 150}, content_type=JSON)
    assert too_much.status_code == 400 and "allocation" in too_much.json()
    assert admin_client.patch(url, {"allocation": 50}, content_type=JSON).json()["allocation"] == 50

    def team_names(query: str) -> list[str]:
        return sorted(row["team_name"] for row in admin_client.get(f"/api/v1/memberships/?{query}").json()["results"])

    assert team_names(f"team={claims.pk}") == ["Claims"]
    assert team_names(f"user={cx_editor.pk}") == ["Sales"]

    assert admin_client.delete(url).status_code == 204
    assert not Membership.objects.filter(team=claims).exists()


# Mandates


def test_a_team_editor_proposes_a_mandate_and_a_manager_approves_it_once(editor_client, client, team, manager):
    proposed = editor_client.post(
        "/api/v1/mandates/",
        {
            "team": team.pk,
            "budget": "50000.00",
            "time_percent": 20,
            "priority": "high",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "status": "approved",  # ignored: a mandate starts as proposed
            "sponsor": manager.pk,
        },
        content_type=JSON,
    )
    assert proposed.status_code == 201, proposed.json()
    body = proposed.json()
    assert body["status"] == "proposed" and body["status_display"] == "Proposed"
    assert body["team_name"] == "Claims" and body["sponsor_name"] == str(manager)
    assert body["priority_display"] == "High"

    client.force_login(manager)
    url = f"/api/v1/mandates/{body['id']}/decide/"
    approved = client.post(url, {"approve": True, "note": "Go"}, content_type=JSON)
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by_name"] == str(manager)
    assert approved.json()["decision_note"] == "Go"

    again = client.post(url, {"approve": False}, content_type=JSON)
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This mandate was already approved."]}
    assert Mandate.objects.get().status == MandateStatus.APPROVED


def test_an_invalid_mandate_is_refused_naming_the_field(editor_client, team):
    response = editor_client.post(
        "/api/v1/mandates/",
        {"team": team.pk, "budget": "-1", "hours": 10, "starts_on": "2026-12-31", "ends_on": "2026-01-01"},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "budget" in response.json()
    no_time = editor_client.post(
        "/api/v1/mandates/",
        {"team": team.pk, "budget": "100", "starts_on": "2026-01-01", "ends_on": "2026-01-31"},
        content_type=JSON,
    )
    assert no_time.status_code == 400
    assert "hours" in no_time.json()
    assert not Mandate.objects.exists()


def test_a_decision_needs_approve(client, manager):
    client.force_login(manager)
    mandate = MandateFactory()
    response = client.post(f"/api/v1/mandates/{mandate.pk}/decide/", {"note": "?"}, content_type=JSON)
    assert response.status_code == 400
    assert "approve" in response.json()
    assert Mandate.objects.get().status == MandateStatus.PROPOSED


def test_mandates_filter_by_team_and_status_and_cannot_be_edited(editor_client, team):
    other = TeamFactory()
    MandateFactory(team=team, budget=1)
    MandateFactory(team=team, budget=2, status=MandateStatus.APPROVED)
    MandateFactory(team=other, budget=3)

    def budgets(query: str) -> list[str]:
        response = editor_client.get(f"/api/v1/mandates/?{query}")
        assert response.status_code == 200, response.json()
        return sorted(row["budget"] for row in response.json()["results"])

    assert budgets("") == ["1.00", "2.00", "3.00"]
    assert budgets(f"team={team.pk}") == ["1.00", "2.00"]
    assert budgets(f"team={team.pk}&status=proposed") == ["1.00"]
    assert editor_client.get("/api/v1/mandates/?status=maybe").status_code == 400
    mandate = Mandate.objects.first()
    assert editor_client.patch(f"/api/v1/mandates/{mandate.pk}/", {}, content_type=JSON).status_code == 405
    assert editor_client.delete(f"/api/v1/mandates/{mandate.pk}/").status_code == 405


# Fixed query counts


@pytest.mark.parametrize("count", [2, 200])
def test_the_mandates_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, manager, count):
    team = TeamFactory()
    Mandate.objects.bulk_create(
        [
            Mandate(
                team=team,
                sponsor=manager,
                decided_by=manager,
                budget=i,
                hours=10,
                starts_on=datetime.date(2026, 1, 1),
                ends_on=datetime.date(2026, 12, 31),
                status=MandateStatus.APPROVED,
            )
            for i in range(count)
        ]
    )
    # session, user, count, mandates (+team, sponsor, decider)
    with django_assert_num_queries(4):
        response = editor_client.get("/api/v1/mandates/?page_size=500")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [2, 200])
def test_the_teams_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    groups = JourneyGroupFactory.create_batch(2)
    teams = TeamFactory.create_batch(count, journey_groups=groups)
    users = UserFactory.create_batch(2)
    Membership.objects.bulk_create([Membership(team=t, user=u, role=MemberRole.ANALYST) for t in teams for u in users])
    # session, user, count, teams, their journey groups, their memberships+users
    with django_assert_num_queries(6):
        response = editor_client.get("/api/v1/teams/?page_size=500")
    rows = response.json()["results"]
    assert len(rows) == count
    assert len(rows[0]["journey_groups"]) == 2 and len(rows[0]["members"]) == 2


@pytest.mark.parametrize("count", [2, 200])
def test_the_memberships_list_runs_a_fixed_number_of_queries(editor_client, django_assert_num_queries, count):
    team = TeamFactory()
    users = UserFactory.create_batch(count)
    Membership.objects.bulk_create([Membership(team=team, user=u, role=MemberRole.ANALYST) for u in users])
    # session, user, count, memberships (+team, user)
    with django_assert_num_queries(4):
        response = editor_client.get("/api/v1/memberships/?page_size=500")
    assert len(response.json()["results"]) == count


def test_the_openapi_schema_documents_the_teams_endpoints(editor_client):
    paths = editor_client.get("/api/schema/?format=json").json()["paths"]
    assert {
        "/api/v1/departments/",
        "/api/v1/teams/",
        "/api/v1/memberships/",
        "/api/v1/mandates/",
        "/api/v1/mandates/{id}/decide/",
        "/api/v1/actions/",
        "/api/v1/actions/{id}/transition/",
        "/api/v1/actions/{id}/transitions/",
        "/api/v1/actions/{id}/comments/",
    } <= set(paths)
    assert "409" in paths["/api/v1/actions/{id}/"]["patch"]["responses"]
    assert {p["name"] for p in paths["/api/v1/actions/"]["get"]["parameters"]} >= {"overdue", "status", "assignee"}
