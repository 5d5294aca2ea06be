"""The follow-up inbox and case pages, and /api/v1/followups/: who sees and works which case."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cxplatform.accounts.models import Role
from metrics.models import CaseStatus, FollowUpCase, Metric, SurveyResponse
from metrics.services.followups import followups_open_for
from teams.models import ActionStatus, ImprovementAction
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory, TouchpointFactory
from tests.metrics.factories import SurveyResponseFactory
from tests.teams.factories import ActionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]
TODAY = timezone.localdate()
API = "/api/v1/followups/"


def open_case(touchpoint, **fields) -> FollowUpCase:
    response = SurveyResponseFactory(touchpoint=touchpoint, **{"score": 3, **fields})
    followups_open_for(responses=SurveyResponse.objects.filter(pk=response.pk))
    return FollowUpCase.objects.get(response=response)


def many_cases(touchpoint, count: int) -> None:
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            metric=Metric.NPS,
            score=i % 7,
            journey_id=touchpoint.journey_id,
            touchpoint=touchpoint,
            responded_at=timezone.now(),
            day=TODAY,
            respondent=f"r-{i}",
            comment=f"Comment {i}",
        )
        for i in range(count)
    )
    followups_open_for(responses=SurveyResponse.objects.filter(touchpoint=touchpoint))


@pytest.fixture
def priya():
    return UserFactory(username="priya", first_name="Priya", last_name="Shah", role=Role.PROCESS_OWNER)


@pytest.fixture
def sanne():
    return UserFactory(username="sanne", first_name="Sanne", last_name="de Vries", role=Role.PROCESS_OWNER)


@pytest.fixture
def claims(priya):
    return TouchpointFactory(name="Claim form", owner=priya, stage__journey__name="Report a claim")


@pytest.fixture
def phone(sanne):
    return TouchpointFactory(name="Phone line", owner=sanne, stage__journey__name="Move house")


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# The inbox


def test_each_process_owner_sees_only_the_cases_of_their_own_touchpoints(client_of, priya, sanne, claims, phone):
    open_case(claims, comment="The form lost my photos")
    open_case(phone, comment="On hold for 40 minutes")
    page = client_of(priya).get(reverse("metrics:followup-inbox")).content.decode()
    assert "The form lost my photos" in page and "Claim form" in page and "Report a claim" in page
    assert "On hold for 40 minutes" not in page
    page = client_of(sanne).get(reverse("metrics:followup-inbox")).content.decode()
    assert "On hold for 40 minutes" in page and "The form lost my photos" not in page


def test_the_inbox_shows_score_respondent_deadline_and_marks_overdue_cases_in_words(client_of, priya, claims):
    case = open_case(claims, score=2, respondent="cust-4711", comment="Late")
    FollowUpCase.objects.filter(pk=case.pk).update(due_date=TODAY - datetime.timedelta(days=1))
    response = client_of(priya).get(reverse("metrics:followup-inbox"))
    page = response.content.decode()
    assert "NPS 2" in page and "cust-4711" in page
    assert 'class="is-overdue"' in page and ">Overdue</span>" in page
    assert f'datetime="{(TODAY - datetime.timedelta(days=1)).isoformat()}"' in page


def test_open_and_contacted_cases_come_before_resolved_ones(client_of, priya, claims):
    resolved = open_case(claims, comment="Resolved one")
    FollowUpCase.objects.filter(pk=resolved.pk).update(
        status=CaseStatus.RESOLVED, outcome="Done", due_date=TODAY - datetime.timedelta(days=30)
    )
    open_case(claims, comment="Open one")
    page = client_of(priya).get(reverse("metrics:followup-inbox")).content.decode()
    assert page.index("Open one") < page.index("Resolved one")


def test_the_verbatim_comment_is_escaped(client_of, priya, claims):
    open_case(claims, comment="<script>alert('x')</script>")
    page = client_of(priya).get(reverse("metrics:followup-inbox")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_an_empty_inbox_says_so(client_of, priya):
    response = client_of(priya).get(reverse("metrics:followup-inbox"))
    assert "No open follow-up cases" in response.content.decode()


def test_the_inbox_filters_by_status_overdue_and_journey(client_of, priya, claims):
    other_journey_tp = TouchpointFactory(owner=priya, name="Web chat", stage__journey__name="Move house")
    late = open_case(claims, comment="Late one")
    FollowUpCase.objects.filter(pk=late.pk).update(due_date=TODAY - datetime.timedelta(days=2))
    contacted = open_case(claims, comment="Contacted one")
    FollowUpCase.objects.filter(pk=contacted.pk).update(status=CaseStatus.CONTACTED)
    open_case(other_journey_tp, comment="Elsewhere")
    client = client_of(priya)
    url = reverse("metrics:followup-inbox")

    def comments(**query) -> set[str]:
        page = client.get(url, query).context["page"]
        return {case.response.comment for case in page.object_list}

    assert comments(status="contacted") == {"Contacted one"}
    assert comments(overdue="yes") == {"Late one"}
    assert comments(journey=claims.journey_id) == {"Late one", "Contacted one"}
    assert "No follow-up cases match these filters" in client.get(url, {"status": "resolved"}).content.decode()


def test_managers_see_everyones_cases_and_filter_by_owner_or_unassigned(client_of, manager, priya, claims, phone):
    open_case(claims, comment="Case of Priya")
    open_case(phone, comment="Case of Sanne")
    open_case(TouchpointFactory(owner=None), comment="Case of nobody")
    client = client_of(manager)
    url = reverse("metrics:followup-inbox")
    page = client.get(url).content.decode()
    assert all(text in page for text in ("Case of Priya", "Case of Sanne", "Case of nobody"))
    assert "Unassigned" in page
    rows = client.get(url, {"owner": priya.pk}).context["page"].object_list
    assert [case.response.comment for case in rows] == ["Case of Priya"]
    rows = client.get(url, {"owner": "none"}).context["page"].object_list
    assert [case.response.comment for case in rows] == ["Case of nobody"]


def test_a_process_owner_gets_no_owner_filter(client_of, priya):
    response = client_of(priya).get(reverse("metrics:followup-inbox"))
    assert "owner" not in response.context["filters"].form.fields


def test_the_inbox_is_paginated(client_of, priya, claims):
    many_cases(claims, 30)
    client = client_of(priya)
    first = client.get(reverse("metrics:followup-inbox"))
    assert len(first.context["page"].object_list) == 25 and "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("metrics:followup-inbox"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_the_nav_links_to_the_follow_ups(client_of, manager):
    page = client_of(manager).get(reverse("teams:actions")).content.decode()
    assert f'href="{reverse("metrics:followup-inbox")}"' in page and "Follow-ups" in page


@pytest.mark.parametrize("count", [2, 200])
def test_the_inbox_runs_a_fixed_number_of_queries(client_of, priya, claims, count, django_assert_num_queries):
    many_cases(claims, count)
    client = client_of(priya)
    # session, user, count, page of cases (+response, journey, touchpoint, owner, action), the journey filter
    with django_assert_num_queries(5):
        response = client.get(reverse("metrics:followup-inbox"))
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [2, 200])
def test_everyones_inbox_runs_a_fixed_number_of_queries(client_of, manager, claims, count, django_assert_num_queries):
    many_cases(claims, count)
    client = client_of(manager)
    # session, user, count, page of cases (+response, journey, touchpoint, owner, action), the journey and owner
    # filters
    with django_assert_num_queries(6):
        response = client.get(reverse("metrics:followup-inbox"))
    assert response.context["page"].paginator.count == count


# One case


def test_the_case_page_shows_the_response_touchpoint_and_history(client_of, priya, claims):
    case = open_case(claims, score=1, respondent="cust-1", comment="Nobody called")
    page = client_of(priya).get(reverse("metrics:followup", args=[case.pk])).content.decode()
    for text in ("Nobody called", "cust-1", "NPS 1", "Claim form", "Report a claim", "Opened", "Work on this case"):
        assert text in page
    assert f'name="version" value="{case.version}"' in page


def test_another_process_owner_gets_403_on_the_case_page(client_of, sanne, claims):
    case = open_case(claims)
    assert client_of(sanne).get(reverse("metrics:followup", args=[case.pk])).status_code == 403
    response = client_of(sanne).post(
        reverse("metrics:followup-status", args=[case.pk]), {"status": "contacted", "outcome": "", "version": 1}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_a_manager_reads_a_case_but_sees_no_forms_and_cannot_post(client_of, manager, claims):
    case = open_case(claims)
    client = client_of(manager)
    page = client.get(reverse("metrics:followup", args=[case.pk])).content.decode()
    assert "Work on this case" not in page and "Create improvement action" not in page
    response = client.post(reverse("metrics:followup-status", args=[case.pk]), {"status": "contacted", "version": 1})
    assert response.status_code == 403


def test_the_owner_records_contact_then_resolves_with_an_outcome(client_of, priya, claims):
    case = open_case(claims)
    client = client_of(priya)
    url = reverse("metrics:followup-status", args=[case.pk])
    response = client.post(url, {"status": "contacted", "outcome": "", "version": 1}, follow=True)
    assert "The case is now: Contacted." in response.content.decode()
    response = client.post(url, {"status": "resolved", "outcome": "", "version": 2})
    assert response.status_code == 422
    assert "Write down the outcome before resolving the case" in response.content.decode()
    response = client.post(url, {"status": "resolved", "outcome": "Refunded the excess.", "version": 2})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.RESOLVED, "Refunded the excess.")


def test_a_stale_form_is_refused_with_the_case_as_it_is_now_and_my_note_kept(client_of, priya, claims):
    case = open_case(claims)
    client = client_of(priya)
    url = reverse("metrics:followup-status", args=[case.pk])
    client.post(url, {"status": "contacted", "outcome": "Left a voicemail", "version": 1})
    response = client.post(url, {"status": "open", "outcome": "My older note", "version": 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this in the meantime" in page
    assert "My older note" in page and "Left a voicemail" in page
    case.refresh_from_db()
    assert (case.status, case.outcome, case.version) == (CaseStatus.CONTACTED, "Left a voicemail", 2)


def test_a_form_without_its_version_says_what_to_do(client_of, priya, claims):
    case = open_case(claims)
    response = client_of(priya).post(reverse("metrics:followup-status", args=[case.pk]), {"status": "contacted"})
    assert response.status_code == 422
    assert "reload the page and try again" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_owner_links_the_case_to_an_open_action_of_the_journey(client_of, priya, claims):
    case = open_case(claims)
    action = ActionFactory(journey=claims.journey, title="Call back within a day", status=ActionStatus.PLANNED)
    ActionFactory(journey=claims.journey, title="Finished one", status=ActionStatus.DONE)
    ActionFactory(title="Other journey's action")
    client = client_of(priya)
    page = client.get(reverse("metrics:followup", args=[case.pk])).content.decode()
    assert "Call back within a day" in page
    assert "Finished one" not in page and "Other journey&#x27;s action" not in page
    response = client.post(reverse("metrics:followup-link", args=[case.pk]), {"action": action.pk, "version": 1})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.action == action


def test_the_owner_creates_a_prefilled_improvement_action_from_the_case(client_of, priya, claims):
    case = open_case(claims, comment="The upload button does nothing")
    client = client_of(priya)
    page = client.get(reverse("metrics:followup", args=[case.pk])).content.decode()
    assert 'value="The upload button does nothing"' in page  # the title, prefilled
    response = client.post(
        reverse("metrics:followup-action-create", args=[case.pk]),
        {"title": "Fix the upload button", "description": "Customers cannot add photos.", "version": 1},
    )
    assert response.status_code == 302
    action = ImprovementAction.objects.get()
    case.refresh_from_db()
    assert case.action == action
    assert (action.title, action.touchpoint, action.status) == ("Fix the upload button", claims, ActionStatus.PROPOSED)


def test_only_admins_reassign_a_case(client_of, admin_user, priya, sanne, claims):
    case = open_case(claims)
    url = reverse("metrics:followup-reassign", args=[case.pk])
    assert client_of(priya).post(url, {"owner": sanne.pk, "version": 1}).status_code == 403
    assert client_of(admin_user).post(url, {"owner": sanne.pk, "version": 1}).status_code == 302
    case.refresh_from_db()
    assert case.owner == sanne


@pytest.mark.parametrize("count", [2, 200])
def test_the_case_page_runs_a_fixed_number_of_queries(client_of, priya, claims, count, django_assert_num_queries):
    case = open_case(claims, comment="Slow")
    ImprovementAction.objects.bulk_create(
        ImprovementAction(journey=claims.journey, title=f"Action {i}", impact=3, effort=3) for i in range(count)
    )
    client = client_of(priya)
    # session, user, the case (+response, journey, channel, touchpoint, stage, owner, action), the journey's open
    # actions to link to
    with django_assert_num_queries(4):
        response = client.get(reverse("metrics:followup", args=[case.pk]))
    page = response.content.decode()
    assert ">Action 0</option>" in page and f">Action {count - 1}</option>" in page


# The API


def test_the_api_lists_only_the_cases_the_user_may_see(client_of, priya, manager, claims, phone):
    mine = open_case(claims)
    open_case(phone)
    rows = client_of(priya).get(API).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert rows[0]["touchpoint_name"] == "Claim form" and rows[0]["owner_name"] == "Priya Shah"
    assert len(client_of(manager).get(API).json()["results"]) == 2


def test_the_api_filters_by_owner_status_journey_touchpoint_and_overdue(client_of, manager, claims, phone):
    late = open_case(claims)
    FollowUpCase.objects.filter(pk=late.pk).update(due_date=TODAY - datetime.timedelta(days=1))
    sannes = open_case(phone)
    unassigned = open_case(TouchpointFactory(owner=None))
    client = client_of(manager)

    def ids(**query) -> list[int]:
        return sorted(row["id"] for row in client.get(API, query).json()["results"])

    assert ids(owner=phone.owner_id) == [sannes.pk]
    assert ids(owner="none") == [unassigned.pk]
    assert ids(overdue="true") == [late.pk]
    assert ids(journey=claims.journey_id) == [late.pk]
    assert ids(touchpoint=phone.pk) == [sannes.pk]
    assert ids(status="resolved") == []


def test_the_owner_patches_status_and_outcome_with_the_version(client_of, priya, claims):
    case = open_case(claims)
    client = client_of(priya)
    response = client.patch(f"{API}{case.pk}/", {"status": "contacted", "version": 1}, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "contacted" and response.json()["version"] == 2
    response = client.patch(f"{API}{case.pk}/", {"status": "resolved", "version": 2}, content_type="application/json")
    assert response.status_code == 400 and "outcome" in response.json()


def test_a_stale_api_patch_is_a_409_with_the_fresh_case(client_of, priya, claims):
    case = open_case(claims)
    client = client_of(priya)
    client.patch(f"{API}{case.pk}/", {"outcome": "First", "version": 1}, content_type="application/json")
    response = client.patch(f"{API}{case.pk}/", {"outcome": "Second", "version": 1}, content_type="application/json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stale_version" and body["current"]["outcome"] == "First"
    assert body["current"]["version"] == 2


def test_another_process_owner_gets_403_on_api_patch_and_read(client_of, sanne, claims):
    case = open_case(claims)
    client = client_of(sanne)
    response = client.patch(f"{API}{case.pk}/", {"status": "contacted", "version": 1}, content_type="application/json")
    assert response.status_code == 403
    assert client.get(f"{API}{case.pk}/").status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_owner_cannot_reassign_by_api_but_an_admin_can(client_of, priya, sanne, admin_user, claims):
    case = open_case(claims)
    body = {"owner": sanne.pk, "version": 1}
    assert client_of(priya).patch(f"{API}{case.pk}/", body, content_type="application/json").status_code == 403
    response = client_of(admin_user).patch(f"{API}{case.pk}/", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["owner"] == sanne.pk


def test_the_api_links_an_action_of_the_same_journey_only(client_of, priya, claims):
    case = open_case(claims)
    other = ActionFactory(journey=JourneyFactory())
    client = client_of(priya)
    response = client.patch(f"{API}{case.pk}/", {"action": other.pk, "version": 1}, content_type="application/json")
    assert response.status_code == 400 and "action" in response.json()
    own = ActionFactory(journey=claims.journey, title="Own")
    response = client.patch(f"{API}{case.pk}/", {"action": own.pk, "version": 1}, content_type="application/json")
    assert response.status_code == 200 and response.json()["action_title"] == "Own"


@pytest.mark.parametrize("count", [2, 200])
def test_the_api_list_runs_a_fixed_number_of_queries(client_of, manager, claims, count, django_assert_num_queries):
    many_cases(claims, count)
    client = client_of(manager)
    # session, user, count, cases (+response, journey, touchpoint, owner, action; is_overdue computed)
    with django_assert_num_queries(4):
        response = client.get(f"{API}?page_size=500")
    rows = response.json()["results"]
    assert len(rows) == count and rows[0]["journey_name"] == "Report a claim"
