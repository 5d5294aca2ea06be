"""The security headers on every kind of response (page, form, map, shared map, API, API docs, admin, error,
static file), and pages that need nothing the Content Security Policy refuses: no inline script or event
handler, no style attribute. The browser tests then run every page under the policy (tests/browser/conftest.py)."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from cxplatform.security_headers import PLOTLY_STYLE_ATTRIBUTES, content_security_policy, style_hash
from journeys.services.share_links import share_link_create
from tests.journeys.factories import PersonaFactory, build_map
from tests.plotly_css import plotly_bundle_rules
from tests.services import PROJECT_ROOT
from tests.teams.factories import TeamFactory

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


class InlineCode(HTMLParser):
    """What in a page the policy would refuse: scripts without a src (other than JSON data and nonced ones),
    on* handler attributes, style attributes, javascript: links."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__()
        self.nonce = nonce
        self.refused: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inline_script = tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json"
        if inline_script and (not self.nonce or attributes.get("nonce") != self.nonce):
            self.refused.append(f"<script> without src: {attrs}")
        for name, value in attrs:
            if name.startswith("on"):
                self.refused.append(f"<{tag} {name}=...>")
            if name == "style":
                self.refused.append(f'<{tag} style="{value}">')
            if name in ("href", "action", "formaction") and (value or "").strip().lower().startswith("javascript:"):
                self.refused.append(f"<{tag} {name}={value}>")


def assert_headers(response, *, html: bool = True) -> None:
    policy = response.headers["Content-Security-Policy"]
    parsed = directives(policy)
    nonce = None
    assert parsed["default-src"] == ["'self'"]
    scripts = parsed["script-src"]
    assert scripts[0] == "'self'"
    for source in scripts[1:]:  # only a nonce may be added, on a page that used one
        assert source.startswith("'nonce-"), policy
        nonce = source.removeprefix("'nonce-").removesuffix("'")
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert parsed["style-src"] == ["'self'"]
    # Only the hashed values of Plotly's style attributes, none other.
    assert parsed["style-src-attr"] == ["'unsafe-hashes'", *(style_hash(v) for v in PLOTLY_STYLE_ATTRIBUTES)]
    assert parsed["img-src"] == ["'self'", "data:"]
    assert parsed["connect-src"] == ["'self'", "ws://testserver", "wss://testserver"]
    assert parsed["object-src"] == ["'none'"]
    assert parsed["frame-ancestors"] == ["'none'"]
    assert parsed["base-uri"] == ["'self'"]
    assert parsed["form-action"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()", "clipboard-write=(self)"):
        assert feature in permissions
    if html:
        parser = InlineCode(nonce)
        parser.feed(response.content.decode())
        assert parser.refused == [], response.request["PATH_INFO"]


@pytest.fixture
def pages(admin_user):
    journey = build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=1)
    persona = PersonaFactory(colour="#0f766e")
    journey.personas.add(persona)
    team = TeamFactory()
    return {"journey": journey, "persona": persona, "team": team}


def test_every_kind_of_page_carries_the_policy_and_needs_nothing_it_refuses(client, admin_user, pages):
    anonymous = Client()
    response = anonymous.get(reverse("login"))
    assert response.status_code == 200
    assert_headers(response)

    client.force_login(admin_user)
    journey = pages["journey"]
    for url in [
        reverse("dashboard"),  # Plotly charts
        reverse("journeys:index"),  # a list
        reverse("teams:team", args=[pages["team"].pk]),  # a detail page with a budget bar
        reverse("journeys:persona", args=[pages["persona"].pk]),  # a persona's colour
        reverse("journeys:personas"),
        reverse("journeys:create"),  # a form
        reverse("journeys:map", args=[journey.pk]),  # the map: htmx, the live map's socket, Plotly
        reverse("teams:action-matrix"),
        reverse("profile"),
        reverse("api-docs"),  # Swagger UI
        "/admin/",
        "/admin/journeys/journey/",
        f"/admin/journeys/journey/{journey.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_headers(response)


def test_the_new_api_token_is_selected_by_a_script_not_an_inline_handler(client, admin_user):
    client.force_login(admin_user)
    client.post(reverse("token-create"), {"name": "CI", "access": "read_only", "expires": "30"})
    response = client.get(reverse("profile"))
    html = response.content.decode()
    assert 'id="new-token"' in html and "data-select-all" in html and "js/copy_field.js" in html
    assert_headers(response)


def test_the_anonymous_shared_map_carries_the_policy(client, admin_user, pages):
    _link, token = share_link_create(journey=pages["journey"], created_by=admin_user)
    response = Client().get(reverse("shared-map", args=[token]))
    assert response.status_code == 200
    assert_headers(response)


def test_the_api_docs_script_is_served_by_the_app(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("api-docs")).content.decode()
    assert 'src="/api/docs/?script="' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_api_json_error_pages_and_static_files_carry_the_headers_too(client, admin_user):
    client.force_login(admin_user)
    api = client.get("/api/v1/teams/")
    assert api.status_code == 200 and api["Content-Type"] == "application/json"
    assert_headers(api, html=False)
    unauthenticated = Client().get("/api/v1/teams/")
    assert unauthenticated.status_code in (401, 403)
    assert_headers(unauthenticated, html=False)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert_headers(missing)
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert_headers(static, html=False)


def test_report_only_mode_sends_the_same_policy_under_the_report_only_header():
    enforced = content_security_policy(report_only=False, report_uri=None)
    reported = content_security_policy(report_only=True, report_uri="https://reports.example/csp")
    assert enforced["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None
    assert reported["CONTENT_SECURITY_POLICY"] is None
    directives_ro = reported["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"]
    assert directives_ro["report-uri"] == ["https://reports.example/csp"]
    assert {k: v for k, v in directives_ro.items() if k != "report-uri"} == enforced["CONTENT_SECURITY_POLICY"][
        "DIRECTIVES"
    ]


def test_report_only_mode_answers_with_the_report_only_header(client, settings):
    settings.CONTENT_SECURITY_POLICY, settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = content_security_policy(
        report_only=True, report_uri="/csp-reports/"
    ).values()
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" not in response.headers
    report_only = directives(response.headers["Content-Security-Policy-Report-Only"])
    assert report_only["script-src"] == ["'self'"]
    assert report_only["report-uri"] == ["/csp-reports/"]


def test_forms_may_lead_to_the_sign_in_provider_when_one_is_configured(client, settings):
    settings.OIDC_ISSUER = "https://login.example.com/realms/cx"
    policy = directives(client.get(reverse("login"))["Content-Security-Policy"])
    assert policy["form-action"] == ["'self'", "https://login.example.com"]


def test_a_secure_request_allows_only_secure_sockets(client, settings):
    response = client.get(reverse("login"), secure=True)
    assert directives(response.headers["Content-Security-Policy"])["connect-src"] == ["'self'", "wss://testserver"]


def test_plotly_css_holds_every_rule_the_plotly_bundle_would_insert():
    """Plotly inserts no <style> of its own here (templates/_plotly.html): static/css/plotly.css must hold its rules,
    those of the vendored version (tests/plotly_css.py regenerates it after an upgrade)."""
    css = (PROJECT_ROOT / "static" / "css" / "plotly.css").read_text(encoding="utf-8")
    rules = plotly_bundle_rules()
    assert len(rules) > 50
    missing = [rule for rule in rules if rule not in css]
    assert missing == []
