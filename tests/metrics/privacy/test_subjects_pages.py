"""The respondent data pages: search (posted, the key never in a URL), results with counts and pages, the JSON
download, the confirmation that says what an erasure does, and admins only."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from metrics.models import CaseStatus, FollowUpCase, SurveyResponse
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.privacy.people import JAN_EMAIL, JAN_KEY, build_people

pytestmark = pytest.mark.django_db

SEARCH = reverse("metrics:privacy-respondents")
EXPORT_QUERIES = 12


@pytest.fixture
def people(client):
    return build_people(client)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def search(client, key: str) -> str:
    """Post a search; the URL of its results."""
    response = client.post(SEARCH, {"key": key})
    assert response.status_code == 302, response.content
    return response["Location"]


def token_urls(token: str) -> list[str]:
    return [
        reverse("metrics:privacy-subject", args=[token]),
        reverse("metrics:privacy-subject-export", args=[token]),
        reverse("metrics:privacy-subject-erase", args=[token]),
    ]


@pytest.mark.parametrize("persona", ["cx_editor", "manager", "process_owner"])
def test_only_admins_reach_the_respondent_pages(people, admin_client, client_of, request, persona):
    token = search(admin_client, JAN_KEY).rstrip("/").split("/")[-1]
    client = client_of(request.getfixturevalue(persona))  # the same test client, now as someone else
    assert client.get(SEARCH).status_code == 403
    assert client.post(SEARCH, {"key": JAN_KEY}).status_code == 403
    for url in token_urls(token):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code in (403, 405), url  # 405: a page that only reads
    assert SurveyResponse.objects.filter(respondent=JAN_KEY).count() == 2  # nothing erased


def test_a_visitor_is_sent_to_the_login(client):
    response = client.get(SEARCH)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_search_page_explains_how_an_email_is_matched(admin_client):
    html = admin_client.get(SEARCH).content.decode()
    assert 'method="post"' in html
    assert "hidden field" in html and "respondent key" in html
    assert "audit trail" in html


def test_the_results_show_everything_with_counts_and_never_put_the_key_in_a_url(people, admin_client):
    url = search(admin_client, JAN_EMAIL)
    assert "jansen" not in url.lower() and "1042" not in url
    html = admin_client.get(url).content.decode()
    assert "4 survey responses" in html
    assert "Nobody called me back about my car" in html
    assert "Second letter never arrived" in html
    assert "Report a claim" in html and "Claim by phone" in html
    assert "1 follow-up case" in html and "Open" in html
    assert "2 survey deliveries" in html
    assert "C-1042" in html  # the key the source mapped to the address
    assert "Waited an hour" not in html  # someone else's
    assert 'href="' + reverse("metrics:privacy-subject-erase", args=[url.rstrip("/").split("/")[-1]]) in html


def test_the_results_escape_what_customers_wrote(admin_client):
    SurveyResponseFactory(respondent="K-1", comment="<script>alert(1)</script>")
    html = admin_client.get(search(admin_client, "k-1")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_nothing_found_says_so_and_offers_no_erasure(admin_client):
    html = admin_client.get(search(admin_client, "nobody@example.nl")).content.decode()
    assert "Nothing is stored under this key or address." in html
    assert "Erase" not in html


@pytest.mark.parametrize("bad", ["", "   ", "x" * 300, "a\x00b"])
def test_a_bad_search_gets_400_naming_the_field(admin_client, bad):
    response = admin_client.post(SEARCH, {"key": bad})
    assert response.status_code == 400
    assert 'id="id_key-error"' in response.content.decode()


def test_a_forgotten_search_is_404(admin_client):
    assert admin_client.get(reverse("metrics:privacy-subject", args=["not-a-token"])).status_code == 404


def test_the_results_page_in_pages_with_the_same_queries_for_2_and_60_responses(
    admin_client, django_assert_num_queries
):
    for _ in range(2):
        SurveyResponseFactory(respondent="K-9", comment="x")
    url = search(admin_client, "K-9")
    # session, user; the subject: the responses' links, the deliveries, the webhook deliveries, two counts;
    # the sections: responses count and page, cases count and page (no rows: no page query), deliveries and
    # webhook deliveries (no ids: none).
    with django_assert_num_queries(10):
        first = admin_client.get(url)
    for _ in range(58):
        SurveyResponseFactory(respondent="K-9", comment="x")
    with django_assert_num_queries(10):
        html = admin_client.get(url).content.decode()
    assert "60 survey responses" in html and "Page 1 of 3" in html
    assert first.status_code == 200
    html = admin_client.get(url + "?responses=3").content.decode()
    assert "Page 3 of 3" in html


def test_the_export_is_json_named_after_the_day(people, admin_client):
    url = search(admin_client, JAN_KEY)
    response = admin_client.get(url + "export/")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="personal-data-20') and disposition.endswith('.json"')
    assert "1042" not in disposition
    data = json.loads(response.content)
    assert len(data["survey_responses"]) == 3
    assert data["followup_cases"][0]["status"] == "open"


def test_the_confirmation_says_exactly_what_happens_and_erasing_needs_the_post(people, admin_client):
    url = search(admin_client, JAN_EMAIL)
    html = admin_client.get(url + "erase/").content.decode()
    assert "4 survey responses lose their respondent key" in html
    assert "2 comments are removed" in html
    assert "1 follow-up case is closed with the outcome “Erased on request”" in html
    assert "1 of them still open" in html
    assert "The payloads of 2 survey deliveries are emptied" in html
    assert "The scores stay" in html
    assert "cannot be undone" in html
    assert SurveyResponse.objects.filter(respondent=JAN_KEY).count() == 2  # the GET erased nothing

    response = admin_client.post(url + "erase/", follow=True)
    assert response.redirect_chain[-1][0] == SEARCH
    assert "4 responses lost their respondent key" in response.content.decode()
    assert not SurveyResponse.objects.filter(respondent__iexact=JAN_KEY).exists()
    assert FollowUpCase.objects.get(response__touchpoint=people.claims.touchpoint, response__score=3).status == (
        CaseStatus.RESOLVED
    )
    # The search is forgotten with the data.
    assert admin_client.get(url).status_code == 404


def test_the_export_and_the_confirmation_cost_the_same_queries_for_2_and_40_responses(
    admin_client, django_assert_num_queries
):
    for _ in range(2):
        SurveyResponseFactory(respondent="K-7", comment="x")
    url = search(admin_client, "K-7")
    for rows in (2, 40):
        SurveyResponseFactory.create_batch(rows - SurveyResponse.objects.count(), respondent="K-7", comment="x")
        # session, user, savepoint; the subject (links, deliveries, webhook deliveries, two counts); responses,
        # cases (deliveries and webhook deliveries: no ids, no query); the audit row; savepoint release: 12
        with django_assert_num_queries(EXPORT_QUERIES):
            data = json.loads(admin_client.get(url + "export/").content)
        assert len(data["survey_responses"]) == rows
        # session, user; the subject (5); the first and last day
        with django_assert_num_queries(8):
            assert f"{rows} survey responses" in admin_client.get(url + "erase/").content.decode()
