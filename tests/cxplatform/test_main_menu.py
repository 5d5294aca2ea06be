"""The main menu shows each persona the pages they can open: built from the permission functions the pages
check (cxplatform.context_processors), so an entry and its page cannot disagree."""

import re

import pytest
from django.urls import reverse

from cxplatform.context_processors import MAIN_MENU
from tests.cxplatform.factories import UserFactory

pytestmark = pytest.mark.django_db

# Every entry the menu can have, in its order, as the pages have named them since the start.
ALL_ENTRIES = [
    ("Journeys", "journeys:index"),
    ("Teams", "teams:index"),
    ("Actions", "teams:actions"),
    ("My work", "teams:my-work"),
    ("Follow-ups", "metrics:followup-inbox"),
    ("Dashboard", "dashboard"),
    ("KPIs", "metrics:kpi-list"),
    ("Themes", "metrics:theme-analysis"),
    ("Responses", "metrics:response-import"),
    ("Administration", "audit:list"),
]
# Offered, not guarded: "My work" lists the actions assigned to you, and only process owners and admins are
# given actions. Its page opens for everyone (and is empty for the others).
OFFERED_TO_ASSIGNEES = {"My work"}
NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>')


def menu(client, url: str) -> list[tuple[str, str, bool]]:
    """(label, href, current) of each entry of the menu on the page at `url`."""
    html = client.get(url).content.decode()
    [nav] = NAV.findall(html)
    return [(label, href, bool(current)) for href, current, label in LINK.findall(nav)]


@pytest.fixture
def no_role():
    return UserFactory(username="no-role", role="")


PERSONAS = {
    "cx_editor": {"Journeys", "Teams", "Actions", "Follow-ups", "Dashboard", "KPIs", "Themes", "Responses"},
    "manager": {"Journeys", "Teams", "Actions", "Follow-ups", "Dashboard", "KPIs", "Themes"},
    "process_owner": {"Journeys", "Teams", "Actions", "My work", "Follow-ups", "Dashboard", "KPIs", "Themes"},
    "admin_user": {label for label, _name in ALL_ENTRIES},
    "no_role": {"Journeys", "Teams", "Actions", "Follow-ups", "Dashboard", "KPIs", "Themes"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_menu_shows_exactly_the_pages_the_persona_can_open(request, client_of, persona):
    user = request.getfixturevalue(persona)
    client = client_of(user)
    shown = menu(client, reverse("journeys:index"))
    labels = [label for label, _href, _current in shown]
    assert set(labels) == PERSONAS[persona]
    assert labels == [label for label, _name in ALL_ENTRIES if label in PERSONAS[persona]]  # the order holds
    assert [href for _label, href, _current in shown] == [
        reverse(name) for label, name in ALL_ENTRIES if label in PERSONAS[persona]
    ]

    opens = {label for label, name in ALL_ENTRIES if client.get(reverse(name)).status_code == 200}
    offered = set(labels)
    assert offered <= opens
    assert offered == opens - (set() if user.role in ("process_owner", "admin") else OFFERED_TO_ASSIGNEES)
    for label, name in ALL_ENTRIES:
        if label not in opens:
            assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    ("url_name", "args", "current"),
    [
        ("journeys:index", [], "Journeys"),
        ("teams:index", [], "Teams"),
        ("teams:actions", [], "Actions"),
        ("teams:action-list", [], "Actions"),
        ("teams:action-matrix", [], "Actions"),
        ("teams:my-work", [], "My work"),
        ("metrics:followup-inbox", [], "Follow-ups"),
        ("home", [], "Dashboard"),
        ("dashboard", [], "Dashboard"),
        ("metrics:kpi-list", [], "KPIs"),
        ("metrics:business-case-list", [], "KPIs"),
        ("metrics:response-import", [], "Responses"),
        ("metrics:source-list", [], "Responses"),
        ("metrics:source-create", [], "Responses"),
        ("webhooks:list", [], "Administration"),
        ("audit:list", [], "Administration"),
        ("metrics:privacy-respondents", [], "Administration"),
        ("metrics:privacy-register", [], "Administration"),
        ("metrics:theme-analysis", [], "Themes"),
        ("metrics:theme-list", [], "Themes"),
        ("metrics:verbatim-search", [], "Themes"),
        ("profile", [], None),
    ],
)
def test_the_current_page_is_marked_in_the_menu(client_of, admin_user, url_name, args, current):
    shown = menu(client_of(admin_user), reverse(url_name, args=args))
    assert [label for label, _href, is_current in shown if is_current] == ([current] if current else [])


def test_the_menu_labels_are_translated(client_of, cx_editor):
    client = client_of(cx_editor)
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    labels = [label for label, _href, _current in menu(client, reverse("journeys:index"))]
    assert labels != [label for label, _name in ALL_ENTRIES if label in PERSONAS["cx_editor"]]
    assert len(labels) == len(PERSONAS["cx_editor"])


def test_every_entry_of_the_menu_is_tested():
    assert [(str(entry.label), entry.url_name) for entry in MAIN_MENU] == ALL_ENTRIES
