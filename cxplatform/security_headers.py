"""The browser-side security headers: the Content Security Policy (django-csp) and the others Django lacks.

Every page is built so that it needs no inline script, no inline event handler, no inline style and no eval:
behaviour lives in static/js, looks in static/css, data for scripts in `json_script` tags (type
application/json, which a policy does not govern). The policy says so, and the browser tests fail on any
violation (tests/browser/conftest.py), so a page that slips an inline bit in is caught.

Settings (README "Configuration"): CSP_REPORT_ONLY sends the policy as Content-Security-Policy-Report-Only
(reports, blocks nothing: for trying a change out on a live site), CSP_REPORT_URI where browsers post their
violation reports, OIDC_ISSUER (single sign-on) the provider whose pages a form may lead to.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

# Off unless a feature needs it. clipboard-write stays on for the page itself: the Copy buttons (a token, a
# share link, a key) write to the clipboard.
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "autoplay=()",
        "camera=()",
        "display-capture=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "midi=()",
        "payment=()",
        "publickey-credentials-get=()",
        "screen-wake-lock=()",
        "serial=()",
        "usb=()",
        "xr-spatial-tracking=()",
        "clipboard-write=(self)",
    ]
)


# The style attributes Plotly writes with setAttribute while it draws our charts, allowed one by one (by their
# hash; 'unsafe-hashes' lets a hash stand for an attribute's value): the chart text's tags become tspans with a
# style ("<b>" in hover labels and the quadrant annotations: font-weight:bold; metrics/charts/base.py's muted
# second tick line: font-size:10px), and a heatmap's colour bar clears its rectangles' style with "". Any
# other style attribute is refused; a chart text with another tag or style needs its value added here.
PLOTLY_STYLE_ATTRIBUTES = ("", "font-weight:bold", "font-size:10px")


def style_hash(value: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(value.encode()).digest()).decode() + "'"


def origin_of(url: str | None) -> str | None:
    """scheme://host[:port] of a URL, or None for an empty or relative one."""
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(*, report_only: bool, report_uri: str | None) -> dict[str, Any]:
    """The django-csp settings: (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY) as a dict of the two.

    One policy, sent under one of the two headers. The live map's WebSocket source (ws:/wss: of the host the
    page came from) is added per request by SecurityPolicyMiddleware, since the host is the request's."""
    directives: dict[str, Any] = {
        "default-src": [SELF],
        # NONCE: django-csp puts 'nonce-...' here only on a response whose page used request.csp_nonce (none of
        # ours do today: every script is a file), so the policy stays plain 'self' otherwise.
        "script-src": [SELF, NONCE],
        # No 'unsafe-inline': Plotly's own rules come from static/css/plotly.css (see that file), htmx's
        # indicator rules from app.css (htmx-config in base.html turns its injected <style> off), and the
        # few styles that depend on data (a persona's colour, a budget bar's width, a map's stage count) are
        # set through the CSSOM by static/js/data_styles.js, which a policy allows. Style attributes: only the
        # few values Plotly writes (PLOTLY_STYLE_ATTRIBUTES), by hash.
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-hashes'", *(style_hash(value) for value in PLOTLY_STYLE_ATTRIBUTES)],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # The single sign-on provider's origin is added per request (SecurityPolicyMiddleware).
        "form-action": [SELF],
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    policy = {"DIRECTIVES": directives}
    return {
        "CONTENT_SECURITY_POLICY": None if report_only else policy,
        "CONTENT_SECURITY_POLICY_REPORT_ONLY": policy if report_only else None,
    }


class SecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the live map's WebSocket origin and the Permissions-Policy header.

    It comes right after SecurityMiddleware, before WhiteNoise, so that static files and error pages carry the
    headers too (an SVG opened on its own is a document the policy then governs)."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # 'self' covers ws:/wss: of the page's own host in CSP level 3 browsers; older ones (Safari before 15.4)
        # want it named. get_host() is checked against ALLOWED_HOSTS, so the header cannot be steered.
        try:
            host = request.get_host()
        except Exception:  # DisallowedHost: Django answers 400 itself; leave the policy as it is
            return parts
        sockets = [f"ws://{host}", f"wss://{host}"] if not request.is_secure() else [f"wss://{host}"]
        update: dict[str, Any] = {"connect-src": sockets}
        # The single sign-on provider (settings.OIDC_ISSUER): Chrome checks form-action against the redirects
        # after a form's POST too, and logging out (a POST) may end at the provider's end-session page.
        issuer = origin_of(getattr(settings, "OIDC_ISSUER", ""))
        if issuer:
            update["form-action"] = [issuer]
        parts.update = {**(parts.update or {}), **update}
        return parts

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        response = super().process_response(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
