"""The audit trail's page, CSV export and API: admins only, searched by person, object, action and period."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cxplatform.audit import actions
from cxplatform.audit.context import acting
from cxplatform.audit.models import AuditEvent
from cxplatform.audit.recording import record
from tests.teams.factories import ActionFactory

pytestmark = pytest.mark.django_db
URL = "/audit/"
API = "/api/v1/audit-events/"


def seed(count: int = 3):
    with acting(label="emma", via="page", ip="10.0.0.5"):
        for number in range(count):
            ActionFactory(title=f"Call back {number}")
    with acting(label="martin", via="api", credential="token 'CI' (ab12…)"):
        record(actions.LOGIN_FAILED, object_type="accounts.user", detail={"username": "martin"})


def test_only_admins_see_the_page_the_export_and_the_api(client_of, cx_editor, manager):
    for user in (cx_editor, manager):
        client = client_of(user)
        assert client.get(URL).status_code == 403
        assert client.get(URL + "export.csv").status_code == 403
        assert client.get(API).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(API).status_code == 401


def test_the_page_lists_newest_first_with_who_what_fields_and_address(client_of, admin_user):
    seed()
    html = client_of(admin_user).get(URL).content.decode()
    assert html.index("Failed login") < html.index("Call back 2") < html.index("Call back 0")
    assert "emma" in html and "10.0.0.5" in html and "token &#x27;CI&#x27; (ab12…)" in html
    assert "Improvement action #" in html


def test_the_search_filters_by_person_object_action_and_period(client_of, admin_user):
    seed()
    client = client_of(admin_user)
    action = ActionFactory(title="Unique title")
    assert (
        "Unique title"
        in client.get(URL, {"object": str(action.pk), "object_type": "teams.improvementaction"}).content.decode()
    )
    only_martin = client.get(URL, {"person": "mart"}).content.decode()
    assert "Failed login" in only_martin and "Call back" not in only_martin
    only_failed = client.get(URL, {"action": actions.LOGIN_FAILED}).content.decode()
    assert "Call back" not in only_failed
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    none = client.get(URL, {"date_from": tomorrow.isoformat()}).content.decode()
    assert "No events match this search" in none


def test_a_bad_search_says_which_field_and_lists_nothing(client_of, admin_user):
    seed()
    response = client_of(admin_user).get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 400
    assert "The end of the period comes before its start." in response.content.decode()
    response = client_of(admin_user).get(URL, {"date_from": "yesterday"})
    assert response.status_code == 400 and "Enter a valid date." in response.content.decode()
    api = client_of(admin_user).get(API, {"date_from": "yesterday"})
    assert api.status_code == 400 and "date_from" in api.json()


def test_the_page_is_empty_when_nothing_happened_yet(client_of, admin_user):
    client = client_of(admin_user)
    AuditEvent.objects.all()  # the admin's creation is in the trail: look past it
    html = client.get(URL, {"action": actions.PERSONAL_DATA_ERASE}).content.decode()
    assert "No events match this search" in html


def test_the_page_query_count_does_not_grow_with_the_rows(client_of, admin_user, django_assert_num_queries):
    client = client_of(admin_user)
    seed(2)
    # session, user, count, the page's rows
    with django_assert_num_queries(4):
        client.get(URL)
    seed(60)
    with django_assert_num_queries(4):
        assert client.get(URL, {"page": 2}).status_code == 200


def test_the_api_lists_the_same_filtered_rows_with_a_pinned_count(client_of, admin_user, django_assert_num_queries):
    client = client_of(admin_user)
    seed(2)
    # session, user, count, the page's rows
    with django_assert_num_queries(4):
        rows = client.get(API, {"person": "martin"}).json()["results"]
    assert [row["action"] for row in rows] == [actions.LOGIN_FAILED]
    assert rows[0]["credential"] == "token 'CI' (ab12…)"
    seed(60)
    with django_assert_num_queries(4):
        client.get(API)
    assert client.post(API, {}).status_code == 405


def test_the_csv_export_is_the_filtered_rows_formula_safe_and_itself_recorded(client_of, admin_user):
    with acting(label='=HYPERLINK("http://evil")', via="page"):
        ActionFactory(title="@SUM(A1)")
    seed(1)
    response = client_of(admin_user).get(URL + "export.csv", {"object_type": "teams.improvementaction"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["When", "Who", "Credential", "Via", "Action"]
    assert len(rows) == 3  # the header and two creations, no failed login
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "@")) for cell in cells)
    [export] = AuditEvent.objects.filter(action=actions.EXPORT)
    assert export.actor_id == admin_user.pk and export.detail["rows"] == 2
    assert export.detail["filters"] == {"object_type": "teams.improvementaction"}
