"""A manager's landing page, the dashboard, lists the mandates waiting for their decision, with a link to decide
each; read at every request (the rest of the page is cached in parts), so a decision shows at once."""

import pytest
from django.urls import reverse

from cxplatform.accounts.models import Role
from teams.models import MandateStatus
from tests.cxplatform.factories import UserFactory
from tests.teams.factories import MandateFactory, TeamFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cached")]
URL = reverse("home")
HEADING = "Waiting for your decision"


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def waiting_list(html: str) -> str:
    start = html.index(f">{HEADING}<")
    return html[start : html.index("</section>", start)]


def test_a_manager_sees_the_mandates_waiting_for_a_decision_with_a_link_to_decide(client_of, manager):
    claims = MandateFactory(team=TeamFactory(name="Claims team"), sponsor=manager)
    MandateFactory(team=TeamFactory(name="Sales team"), status=MandateStatus.APPROVED)
    MandateFactory(team=TeamFactory(name="Service team"), status=MandateStatus.REJECTED)
    listed = waiting_list(page(client_of(manager)))
    assert "Claims team" in listed
    assert reverse("teams:mandate-decide", args=[claims.pk]) in listed
    assert "€ 25,000" in listed and "sponsor Martin" in listed
    assert "Sales team" not in listed and "Service team" not in listed


def test_with_nothing_to_decide_the_list_is_not_shown(client_of, manager):
    MandateFactory(status=MandateStatus.APPROVED)
    assert HEADING not in page(client_of(manager))


@pytest.mark.parametrize("role", [Role.CX_EDITOR, Role.PROCESS_OWNER])
def test_those_who_cannot_decide_do_not_see_it(client_of, role):
    MandateFactory()
    response = client_of(UserFactory(role=role)).get(reverse("dashboard"))
    assert HEADING not in response.content.decode()


def test_an_admin_decides_too_and_sees_it(client_of, admin_user):
    MandateFactory(team=TeamFactory(name="Claims team"))
    assert "Claims team" in waiting_list(page(client_of(admin_user)))


def test_a_decision_shows_at_once_though_the_page_is_cached(client, manager, django_capture_on_commit_callbacks):
    mandate = MandateFactory(team=TeamFactory(name="Claims team"))
    editor = UserFactory(role=Role.CX_EDITOR)
    client.force_login(editor)
    assert HEADING not in page(client)  # the parts are cached now, built for someone who cannot decide
    client.force_login(manager)
    assert "Claims team" in waiting_list(page(client))
    assert "Claims team" in waiting_list(page(client))  # and now from the cache
    # A decision commits (the generation of the mandates moves after the commit, as in production).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("teams:mandate-decide", args=[mandate.pk]), {"decision": "approve", "note": ""})
    assert HEADING not in page(client)
    with django_capture_on_commit_callbacks(execute=True):
        MandateFactory(team=TeamFactory(name="Sales team"))  # a new proposal shows at once too
    assert "Sales team" in waiting_list(page(client))


def test_the_oldest_five_are_listed_and_the_rest_counted(client_of, manager):
    for number in range(7):
        MandateFactory(team=TeamFactory(name=f"Team number {number}"))
    listed = waiting_list(page(client_of(manager)))
    assert [f"Team number {n}" in listed for n in range(7)] == [True] * 5 + [False] * 2
    assert "And 2 more mandates, on the teams page" in listed


@pytest.mark.parametrize("count", [2, 40])
def test_the_list_costs_one_query_however_many_mandates_wait(client_of, manager, count, django_assert_num_queries):
    for _ in range(count):
        MandateFactory()
    client = client_of(manager)
    page(client)
    # session, user: the mandates awaiting a decision come from the cache too, like the rest
    with django_assert_num_queries(2):
        page(client)
