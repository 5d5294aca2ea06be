"""The error pages look like the product, in the user's language, and show nothing of its insides (DEBUG is off
in tests, as in production and `make run`)."""

import pytest
from django.urls import reverse
from django.utils import translation

from cxplatform import views

# What Django's debug 404 page shows: every URL pattern of the site.
DEBUG_PAGE_WORDS = ("URLconf", "Using the URLconf", "api/v1/", "<int:", "DEBUG = True")


def assert_branded(html: str) -> None:
    assert 'class="brand"' in html and "img/logo" in html and "css/app" in html
    assert not any(word in html for word in DEBUG_PAGE_WORDS)


@pytest.mark.django_db
def test_a_missing_journey_shows_the_branded_404_without_the_url_patterns(editor_client):
    response = editor_client.get("/journeys/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert_branded(html)
    assert "Journeys" in html  # the signed-in user keeps the main navigation


@pytest.mark.django_db
def test_an_anonymous_visitor_sees_the_brand_and_a_way_to_log_in_on_a_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_branded(html)
    assert f'href="{reverse("login")}"' in html


@pytest.mark.django_db
def test_the_404_page_speaks_dutch(editor_client):
    response = editor_client.get("/journeys/999999/", headers={"accept-language": "nl"})
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_page_shows_the_branded_403(client_of, process_owner):
    response = client_of(process_owner).get(reverse("metrics:response-import"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Not allowed</h1>" in html
    assert_branded(html)


@pytest.mark.django_db
def test_the_500_page_is_branded_and_needs_no_database(rf, django_assert_num_queries):
    # It is shown when something failed, perhaps the database itself: it must not query.
    with django_assert_num_queries(0):
        response = views.handler500(rf.get("/journeys/1/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert_branded(html)


@pytest.mark.django_db
def test_the_500_page_is_in_the_language_of_the_request(rf):
    with translation.override("nl"):
        html = views.handler500(rf.get("/")).content.decode()
    assert '<html lang="nl">' in html


@pytest.mark.django_db
def test_an_error_in_a_page_answers_the_branded_500_without_the_traceback(editor_client, monkeypatch):
    def broken():
        raise RuntimeError("secret-internal-detail")

    monkeypatch.setattr("journeys.views.pages.journey_list", broken)
    editor_client.raise_request_exception = False
    response = editor_client.get(reverse("journeys:index"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html and "secret-internal-detail" not in html
    assert_branded(html)
