"""Where each role lands after login, on "/" and behind the logo: a process owner on "My work", the actions
they carry out; everyone else on the dashboard. A page asked for (?next=) wins."""

import pytest
from django.urls import reverse

from cxplatform.accounts.models import Role
from tests.cxplatform.factories import PASSWORD, UserFactory

MY_WORK = reverse("teams:my-work")


def log_in(client, username: str, **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD, **extra}, follow=True)


@pytest.mark.django_db
def test_a_process_owner_lands_on_my_work_after_login(client, process_owner):
    response = log_in(client, "process-owner")
    assert response.redirect_chain[-1][0] == MY_WORK
    assert "The open improvement actions assigned to you" in response.content.decode()


@pytest.mark.django_db
def test_a_process_owner_sent_to_login_from_the_front_page_lands_on_my_work(client, process_owner):
    response = log_in(client, "process-owner", next="/")
    assert response.redirect_chain[-1][0] == MY_WORK


@pytest.mark.django_db
def test_a_process_owner_who_asked_for_a_page_lands_on_it(client, process_owner):
    response = log_in(client, "process-owner", next="/teams/")
    assert response.redirect_chain[-1][0] == "/teams/"


@pytest.mark.django_db
def test_the_logo_takes_a_process_owner_to_my_work_and_the_dashboard_stays_a_click_away(client_of, process_owner):
    client = client_of(process_owner)
    page = client.get(reverse("dashboard"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<a class="brand" href="/">' in html
    assert f'href="{reverse("dashboard")}" aria-current="page">Dashboard<' in html
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == MY_WORK


@pytest.mark.django_db
def test_a_dashboard_link_with_filters_still_shows_the_dashboard_to_a_process_owner(client_of, process_owner):
    response = client_of(process_owner).get("/", {"period": "last_90_days"})
    assert response.status_code == 200
    assert "metrics/dashboard.html" in [template.name for template in response.templates]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CX_EDITOR, Role.MANAGER, Role.ADMIN])
def test_the_other_roles_land_on_the_dashboard(client, role):
    UserFactory(username="someone", role=role)
    response = log_in(client, "someone")
    assert response.redirect_chain[-1][0] == "/"
    assert response.status_code == 200
    assert "metrics/dashboard.html" in [template.name for template in response.templates]
