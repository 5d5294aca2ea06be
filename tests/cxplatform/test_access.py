"""Every page requires login; the API answers anonymous requests with 401 as JSON."""

import pytest
from django.urls import reverse

from tests.cxplatform.factories import PASSWORD

PAGES = ["home", "journeys:index", "teams:index", "teams:actions", "profile"]
API_URLS = [
    "/api/v1/",
    "/api/v1/me/",
    "/api/v1/journey-groups/",
    "/api/v1/departments/",
    "/api/v1/teams/",
    "/api/schema/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.django_db
def test_the_api_docs_page_sends_anonymous_visitors_to_login(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/api/docs/"


@pytest.mark.django_db
def test_the_admin_requires_login_too(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", API_URLS)
def test_anonymous_api_requests_get_401_as_json(client, url):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_the_login_page_and_health_are_open(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("health")).status_code == 200


@pytest.mark.django_db
def test_a_user_logs_in_and_lands_on_the_page_they_asked_for(client, cx_editor):
    response = client.post(
        reverse("login"), {"username": "cx-editor", "password": PASSWORD, "next": "/teams/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/teams/"
    assert b"Emma" in response.content


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message(client, cx_editor):
    response = client.post(reverse("login"), {"username": "cx-editor", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logging_out_takes_a_post_and_ends_the_session(editor_client):
    assert editor_client.get(reverse("logout")).status_code == 405
    response = editor_client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You have been logged out." in response.content.decode()
    assert editor_client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_logout_without_a_csrf_token_is_refused(cx_editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cx_editor)
    assert client.post(reverse("logout")).status_code == 403
    assert client.get(reverse("home")).status_code == 200
