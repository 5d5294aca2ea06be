"""The main menu (templates/base.html), built from the permission functions.

Each entry names the function that decides whether the user is shown it: the same function the page's view
checks (the login every page requires, metrics.permissions.can_ingest_responses...), so a page and its menu
entry cannot disagree. One entry is a choice rather than a permission: "My work" is offered to those who can
be given work (teams.permissions.has_own_work); its page is open to everyone signed in and lists nothing for
the others.

The checks read the user's role only, which the request has loaded already: the menu costs no query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from cxplatform.accounts.roles import is_signed_in
from cxplatform.audit.permissions import can_read_audit
from metrics.permissions import can_ingest_responses
from teams.permissions import has_own_work


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    shown_to: Callable[..., bool]
    # Whether the entry is the current page's: from the page's URL namespace and name.
    is_current: Callable[[str, str], bool]


def _in(namespace: str, *prefixes: str) -> Callable[[str, str], bool]:
    """The pages of `namespace` whose URL name starts with one of `prefixes` (all of them without)."""
    return lambda ns, name: ns == namespace and (not prefixes or name.startswith(prefixes))


MAIN_MENU = [
    MenuEntry(_("Journeys"), "journeys:index", is_signed_in, _in("journeys")),
    MenuEntry(_("Teams"), "teams:index", is_signed_in, lambda ns, name: ns == "teams" and name in ("index", "team")),
    MenuEntry(_("Actions"), "teams:actions", is_signed_in, _in("teams", "action")),
    MenuEntry(_("My work"), "teams:my-work", has_own_work, lambda ns, name: name == "my-work"),
    MenuEntry(_("Follow-ups"), "metrics:followup-inbox", is_signed_in, _in("metrics", "followup")),
    MenuEntry(_("Dashboard"), "dashboard", is_signed_in, lambda ns, name: name in ("home", "dashboard")),
    MenuEntry(_("KPIs"), "metrics:kpi-list", is_signed_in, _in("metrics", "kpi", "business-case")),
    # What customers say (issue 17): the theme analysis, the verbatim search and the codebook, as tabs.
    MenuEntry(_("Themes"), "metrics:theme-analysis", is_signed_in, _in("metrics", "theme", "verbatim")),
    # One entry for the ways responses come in (a file, survey sources): both pages show both as tabs.
    MenuEntry(
        _("Responses"),
        "metrics:response-import",
        can_ingest_responses,
        _in("metrics", "response-import", "import-preset", "source"),
    ),
    # One entry for the admins' pages (the audit trail, personal data, webhooks): each shows all of them as tabs
    # (templates/_admin_tabs.html), which keeps an admin's Dutch header on one line at 1280 px.
    MenuEntry(
        _("Administration"),
        "audit:list",
        can_read_audit,
        lambda ns, name: ns in ("audit", "webhooks") or (ns == "metrics" and name.startswith("privacy")),
    ),
]


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool


def main_menu(request: HttpRequest) -> list[MenuLink]:
    """The entries of MAIN_MENU the user is shown, in order, with their URLs and which one is current."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    namespace, name = (match.namespace or "", match.url_name or "") if match else ("", "")
    return [
        MenuLink(label=entry.label, url=reverse(entry.url_name), current=entry.is_current(namespace, name))
        for entry in MAIN_MENU
        if entry.shown_to(user)
    ]


def navigation(request: HttpRequest) -> dict:
    # Lazy: built only by a template that shows the menu (not by the htmx fragments).
    return {"main_menu": SimpleLazyObject(lambda: main_menu(request))}
