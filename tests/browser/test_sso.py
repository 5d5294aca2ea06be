"""Single sign-on through a real OpenID Connect provider (tests/oidc_provider, the certified npm package
oidc-provider) in a real browser: the login, the role from the groups claim, a forged `state` refused, logout at
both ends, and someone removed at the provider unable to come back."""

import re
import time
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from playwright.sync_api import Page, Route, expect

from cxplatform.accounts.models import Role, User
from cxplatform.accounts.oidc import discovery
from cxplatform.audit.models import AuditEvent
from tests.sso_provider import CLIENT_ID, CLIENT_SECRET, oidc_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = {
    "martin": {
        "password": "provider-pass-1",
        "sub": "248289761001",
        "email": "martin@example.org",
        "name": "Martin Jansen",
        "groups": ["staff", "cx-managers"],
    },
}


@pytest.fixture
def provider(live_server, settings, tmp_path):
    with oidc_provider(site_url=live_server.url, users=PEOPLE, workdir=tmp_path) as running:
        settings.OIDC_ISSUER = running.issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_RP_SCOPES = "openid email profile groups"
        settings.OIDC_PROVIDER_NAME = "Example ID"
        settings.OIDC_ROLE_MAP = [("cx-admins", "admin"), ("cx-managers", "manager")]
        discovery.forget()
        yield running
        discovery.forget()


def sign_in_at_provider(page: Page, username: str, password: str) -> None:
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Provider username").fill(username)
    page.get_by_label("Provider password").fill(password)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_sso_login_lands_on_the_dashboard_with_the_role_of_the_groups_claim_and_logout_ends_it(
    live_server, provider, page: Page, screenshot
):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    screenshot("login-sso")
    page.get_by_role("link", name="Log in with Example ID").click()
    sign_in_at_provider(page, "martin", "provider-pass-1")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_text("Manager", exact=True)).to_be_visible()
    user = User.objects.get(oidc_subject="248289761001")
    assert (user.role, user.email, user.get_full_name()) == (Role.MANAGER, "martin@example.org", "Martin Jansen")
    assert not user.has_usable_password()
    screenshot("dashboard-after-sso")

    # Logout ends the session here and, through the provider's end_session_endpoint, there.
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.issuer)}/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_text("You have been logged out.")).to_be_visible()
    page.goto(f"{live_server.url}/journeys/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/journeys/$"))

    # Logged out at the provider too: the next SSO login asks for the password again.
    page.get_by_role("link", name="Log in with Example ID").click()
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()


def test_an_answer_with_a_forged_state_is_refused_with_a_message(live_server, provider, page: Page, screenshot):
    def forge_state(route: Route) -> None:
        """The provider's answer, its way back to the site (two redirects, which a route cannot see) followed here
        and the state in it changed: as if someone else's login answer were pushed into this browser."""
        answer = route.fetch(max_redirects=0)
        authorize = page.context.request.get(urljoin(provider.issuer, answer.headers["location"]), max_redirects=0)
        parts = urlsplit(authorize.headers["location"])
        query = dict(parse_qsl(parts.query))
        assert query.get("code") and query.get("state")
        query["state"] = "forged-" + query["state"]
        route.fulfill(status=303, headers={"location": urlunsplit(parts._replace(query=urlencode(query)))})

    page.route(re.compile(r".*/interaction/[^/]+/login$"), forge_state)
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Log in with Example ID").click()
    sign_in_at_provider(page, "martin", "provider-pass-1")

    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.get_by_text("did not match a login started here")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert not User.objects.filter(oidc_subject="248289761001").exists()
    assert AuditEvent.objects.filter(action="login_failed", detail__reason="state").exists()
    screenshot("login-sso-state-refused")


def test_someone_removed_at_the_provider_is_logged_out_at_the_next_recheck(live_server, provider, page: Page, settings):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 3  # the session is checked again with the provider after 3 s
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Log in with Example ID").click()
    sign_in_at_provider(page, "martin", "provider-pass-1")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}/journeys/")  # within the 3 s: no check yet
    expect(page.get_by_role("heading", name="Journeys", exact=True)).to_be_visible()

    provider.set_users({})  # removed from the organisation's directory
    time.sleep(3.5)
    page.goto(f"{live_server.url}/journeys/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_text("Your session at Example ID has ended")).to_be_visible()
    page.goto(f"{live_server.url}/journeys/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/journeys/$"))
