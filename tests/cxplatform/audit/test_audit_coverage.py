"""Every write endpoint leaves its audit row: a table of cases, one per (URL name, method) that writes, each a real
write by a permitted user, checked for the row's action, object type and actor.

The write endpoints are read from the URLconf: the API's from its viewsets' and views' methods (POST, PUT, PATCH,
DELETE), the pages' as every page not listed read-only. A new write endpoint with neither a case nor an entry in
NOT_RECORDED (with its reason) fails `test_every_write_endpoint_has_a_case`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cxplatform.audit import actions
from cxplatform.audit.models import AuditEvent, Via
from tests.cxplatform.factories import PASSWORD
from tests.journeys.factories import (
    ChannelFactory,
    FindingFactory,
    JourneyFactory,
    PersonaFactory,
    StageFactory,
    TouchpointFactory,
)
from tests.metrics.factories import BusinessCaseFactory, CustomKpiFactory, ThemeRuleFactory
from tests.teams.factories import ActionFactory, DepartmentFactory, MandateFactory, MembershipFactory, TeamFactory

JSON = "application/json"
WRITES = ("post", "put", "patch", "delete")

# Pages that only read (GET): no case needed. A page that writes is not listed here.
READ_ONLY_PAGES = {
    "home", "dashboard", "profile", "health", "set_language", "schema", "api-docs", "shared-map",
    "notifications:list", "notifications:bell",
    "webhooks:list", "webhooks:detail",
    "audit:list", "audit:export",
    "journeys:index", "journeys:archived", "journeys:map-archive", "journeys:compare", "journeys:export-json",
    "journeys:export-csv", "journeys:templates", "journeys:history", "journeys:history-compare",
    "journeys:personas", "journeys:persona", "journeys:map", "journeys:map-board", "journeys:comment-people",
    "teams:index", "teams:team", "teams:actions", "teams:action-list", "teams:action-matrix", "teams:my-work",
    "teams:action", "teams:ownership",
    "metrics:followup-inbox", "metrics:followup", "metrics:kpi-list", "metrics:kpi", "metrics:business-case-list",
    "metrics:response-import-rejected", "metrics:source-list", "metrics:source", "metrics:source-deliveries",
    "metrics:source-delivery", "metrics:journey-drivers", "metrics:target-list",
    "metrics:privacy-subject", "metrics:privacy-register", "metrics:privacy-register-csv",
    "metrics:privacy-register-json",
    "metrics:theme-progress",  # themes' tagging: the progress fragment, GET only
    "metrics:theme-analysis", "metrics:theme-in-scope",
    "metrics:verbatim-search", "metrics:verbatim-csv",  # GET only: the verbatim search and its CSV
    "metrics:theme-list", "metrics:theme-suggestions", "metrics:theme-from-suggestion",
}  # fmt: skip


def _walk(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern.callback


def write_endpoints() -> set[tuple[str, str]]:
    """(URL name, method) of every endpoint that may write, from the URLconf."""
    found: set[tuple[str, str]] = set()
    for name, callback in _walk(get_resolver().url_patterns):
        if name.startswith("admin:"):
            continue  # the admin site: its writes are the models' signals (test_recording)
        if name.startswith("api:"):
            viewset_actions = getattr(callback, "actions", None)
            view_class = getattr(callback, "cls", None)
            if viewset_actions:
                methods = {method for method in viewset_actions if method in WRITES}
            elif view_class is not None:
                methods = {method for method in WRITES if hasattr(view_class, method)}
            else:
                methods = set()
            found |= {(name, method) for method in methods}
        elif name not in READ_ONLY_PAGES:
            found.add((name, "post"))
    return found


@dataclass
class Case:
    """One write: `make(ctx)` prepares the data and returns (path, payload); the row expected."""

    make: Callable[..., tuple]  # (path, payload) or (path, payload, extra request headers)
    action: str
    object_type: str
    status: tuple[int, ...] = (200, 201, 204, 302)
    json: bool = True
    client: bool = False  # make(user, client): the write needs a step before it in the same session
    anonymous: bool = False  # posted without a login (the login page, a survey tool's delivery)
    source: bool = False  # the actor is the survey source, not the user


def _theme_mention(ctx):
    """A theme mentioned in a comment on a touchpoint (theme analysis): (theme, touchpoint)."""
    from tests.metrics.factories import AnalysisThemeFactory, commented_response

    theme, touchpoint = AnalysisThemeFactory(), TouchpointFactory()
    commented_response(theme, touchpoint=touchpoint, score=2)
    return theme, touchpoint


def _journey(ctx):
    return JourneyFactory()


def _v(obj) -> int:
    obj.refresh_from_db()
    return obj.version


def _stage(ctx):
    return StageFactory()


def _archived(journey, ctx):
    from journeys.services.archive import journey_archive

    return journey_archive(journey=journey, expected_version=journey.version)


def _hook(ctx):
    from cxplatform.webhooks.services import subscription_create

    return subscription_create(
        owner=ctx, name="Hook", url="https://example.org/h", events=["action.created"], body_format="json"
    )


def _paused(ctx):
    from cxplatform.webhooks.services import subscription_pause

    return subscription_pause(subscription=_hook(ctx))


def _response() -> dict[str, Any]:
    touchpoint = TouchpointFactory()
    return {
        "metric": "nps",
        "score": 9,
        "journey": touchpoint.journey_id,
        "touchpoint": touchpoint.pk,
        "responded_at": "2024-03-05T10:15:00+01:00",
    }


def _with_token(ctx):
    from cxplatform.accounts.services import api_token_create

    token, _key = api_token_create(user=ctx, name="To revoke", access="read_only", expires_at=_in_a_month())
    return f"/profile/tokens/{token.pk}/revoke/"


def _share_link(ctx):
    from journeys.services.share_links import share_link_create

    link, _token = share_link_create(journey=JourneyFactory(), created_by=ctx, label="Board")
    return link


def _theme(ctx):
    return ThemeRuleFactory().theme


def _theme_form() -> dict:
    """The codebook editor's form: a theme with one rule."""
    rules = {
        "rules-TOTAL_FORMS": "1",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "60",
    }
    rule = {"rules-0-language": "nl", "rules-0-mode": "mention", "rules-0-phrase": "wachten"}
    theme = {
        "name_en": "Waiting time",
        "name_nl": "Wachttijd",
        "colour": "#b91c1c",
        "sentiment": "negative",
        "active": "on",
    }
    return {**theme, **rules, **rule}


def _touchpoint(ctx):
    return TouchpointFactory()


def _map(ctx):
    """A journey with two stages, two touchpoints on the first and one on the second."""
    journey = JourneyFactory()
    first, second = StageFactory(journey=journey), StageFactory(journey=journey)
    TouchpointFactory(stage=first), TouchpointFactory(stage=first), TouchpointFactory(stage=second)
    journey.refresh_from_db()
    return journey


def _order(journey) -> str:
    """The map's order with its first two stages swapped, as the drag and drop posts it."""
    import json

    stages = [
        {"id": s.pk, "touchpoints": [t.pk for t in s.touchpoints.order_by("position")]}
        for s in journey.stages.order_by("position")
    ]
    return json.dumps(stages[::-1])


def _archived_part(part):
    from journeys import services

    archive = services.stage_archive if part._meta.model_name == "stage" else services.touchpoint_archive
    archive(**{part._meta.model_name: part, "expected_version": part.version})
    part.refresh_from_db()
    return part


def _deleted_touchpoint(ctx):
    """A touchpoint deleted from its map: (journey, its deletion's history id)."""
    from journeys import services
    from journeys.models import Touchpoint

    touchpoint = TouchpointFactory()
    services.touchpoint_delete(touchpoint=touchpoint, expected_version=touchpoint.version)
    return touchpoint.journey_id, Touchpoint.history.get(id=touchpoint.pk, history_type="-").history_id


def _moment_before_a_delete(ctx):
    """A journey whose touchpoint was deleted, and the moment before (to restore the journey to)."""
    from journeys import services
    from journeys.models import Touchpoint

    touchpoint = TouchpointFactory()
    moment = Touchpoint.history.filter(id=touchpoint.pk).latest("history_id").history_date
    services.touchpoint_delete(touchpoint=touchpoint, expected_version=touchpoint.version)
    return touchpoint.journey_id, moment.isoformat()


def _own_change(ctx):
    """A journey whose last change is the user's own (to undo)."""
    from journeys import services
    from journeys.services.recording import acting

    touchpoint = TouchpointFactory()
    with acting(ctx):
        services.touchpoint_update(touchpoint=touchpoint, expected_version=touchpoint.version, name="Helpdesk")
    return touchpoint.journey_id


def _template(ctx):
    from journeys.services.templates import template_save

    return template_save(journey=StageFactory().journey, name="Our map", created_by=ctx)


def _export_file(ctx, *, upload: bool):
    import io
    import json

    from journeys.services.transfer import journey_export

    document = journey_export(journey=TouchpointFactory().journey)
    if not upload:
        return document
    file = io.BytesIO(json.dumps(document).encode())
    file.name = "journey.json"
    return file


def _comment(ctx, *, author=None):
    from journeys.comments import services

    touchpoint = TouchpointFactory()
    return services.comment_add(author=author or ctx, kind="touchpoint", object_id=touchpoint.pk, text="Looks slow")


def _case(ctx):
    """An open follow-up case on a detractor's response."""
    from metrics.models import FollowUpCase, SurveyResponse
    from metrics.services.followups import followups_open_for
    from tests.metrics.factories import SurveyResponseFactory

    response = SurveyResponseFactory(touchpoint=TouchpointFactory(owner=ctx), score=3)
    followups_open_for(responses=SurveyResponse.objects.filter(pk=response.pk))
    return FollowUpCase.objects.get(response=response)


def _process_owner():
    from cxplatform.accounts.models import Role
    from tests.cxplatform.factories import UserFactory

    return UserFactory(role=Role.PROCESS_OWNER)


def _target(ctx):
    from decimal import Decimal

    from metrics.models import Metric, MetricTarget

    return MetricTarget.objects.create(metric=Metric.NPS, value=Decimal("20"))


def _kpi_csv(name: str = "kpi.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"period;value\n01-01-2025;7,25\n", content_type="text/csv")


def _business_case_form(**fields) -> dict:
    from metrics.models import GainType

    data = {"investment": "10000", "effect_weeks": "8", "notes": ""}
    for gain_type in GainType.values:
        data[f"{gain_type}_expected"] = data[f"{gain_type}_realised"] = ""
    return {**data, **fields}


def _source(ctx, *, mapped: bool = True):
    from tests.metrics.connectors.sources_data import make_source

    return make_source("typeform", created_by=ctx) if mapped else make_source("typeform", mapping={}, created_by=ctx)


def _rejected_delivery(ctx):
    """A delivery of the documented Typeform payload, rejected before its source was mapped (to replay)."""
    from metrics.models import Delivery, DeliveryStatus
    from tests.metrics.connectors.sources_data import make_claims_map, typeform_body

    make_claims_map()
    source = _source(ctx)
    return Delivery.objects.create(
        source=source, body=typeform_body().decode(), status=DeliveryStatus.REJECTED, reason="not mapped"
    )


def _signed_delivery(ctx):
    from tests.metrics.connectors.sources_data import make_claims_map, typeform_body, typeform_signature

    make_claims_map()
    source = _source(ctx)
    body = typeform_body()
    return source.hook_path, body.decode(), {"HTTP_TYPEFORM_SIGNATURE": typeform_signature(source.secret, body)}


def _standard_csv():
    from tests.metrics.ingest_data import csv_bytes, csv_row, make_map, upload

    return upload(csv_bytes([csv_row(make_map())]))


def _uploaded(client, file) -> str:
    """The import page's URL the upload was sent on to (the preview, or the mapping step)."""
    response = client.post("/responses/import/", {"file": file})
    assert response.status_code == 302, response.content[:500]
    return response.url


def _own_header_csv():
    """A file with its own (Dutch) header: the page asks for the mapping first."""
    import io
    from datetime import timedelta

    from django.utils import timezone

    from tests.metrics.ingest.mapped_data import DUTCH_WIDE, claim_map, csv_of, dutch_rows

    claim_map()
    when = (timezone.now() - timedelta(days=2)).replace(microsecond=0, tzinfo=None)
    file = io.BytesIO(csv_of(DUTCH_WIDE, dutch_rows(when)))
    file.name = "enquete.csv"
    return file


def _mapping_saved_as_preset(user, client):
    import re

    url = _uploaded(client, _own_header_csv())
    html = client.get(url).content.decode()
    posted = {}
    for select, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        posted[select] = chosen.group(1) if chosen else ""
    return url, {**posted, "save_preset": "on", "preset_name": "Claims NL"}


def _preset(ctx):
    from metrics.models import ImportPreset

    return ImportPreset.objects.create(name="Old export", mapping={}, created_by=ctx)


def _privacy_lookup(user, client) -> str:
    """The token of a respondent search kept in the session (the pages name the person by it, never by the key)."""
    from tests.metrics.factories import SurveyResponseFactory

    SurveyResponseFactory(respondent="C-1042", comment="Call me back")
    return _uploaded_search(client)


def _uploaded_search(client) -> str:
    response = client.post("/privacy/respondents/", {"key": "C-1042"})
    assert response.status_code == 302, response.content[:500]
    return response.url.rstrip("/").rsplit("/", 1)[-1]


def _respondent(ctx) -> dict:
    from tests.metrics.factories import SurveyResponseFactory

    SurveyResponseFactory(respondent="C-1042", comment="Call me back")
    return {"key": "C-1042"}


def _other_session(user, client) -> int:
    """The user logged in in another browser too: that session's row."""
    from django.test import Client

    from cxplatform.accounts.models import UserSession

    other = Client()
    other.force_login(user)
    client.get("/profile/")  # this browser's session is listed as the current one
    return UserSession.objects.get(session_id=other.session.session_key).pk


def _then(_prepared, path: str, payload: Any) -> tuple[str, Any]:
    """(path, payload) once the first argument, the data the write needs, has been made."""
    return path, payload


def _two_factor_on(user):
    from cxplatform.accounts import two_factor

    two_factor.two_factor_enable(user=user, key=two_factor.new_secret(), last_t=0)


def _setup_code(user, client):
    import binascii

    from django.utils import timezone
    from django_otp.oath import TOTP

    from cxplatform.accounts import two_factor

    client.get("/profile/two-factor/setup/")
    totp = TOTP(binascii.unhexlify(client.session[two_factor.SETUP_KEY]), 30, 0, 6, 0)
    totp.time = timezone.now().timestamp()
    return "/profile/two-factor/setup/", {"code": f"{totp.token():06d}"}


def _code_pending(user, client):
    """A password login waiting for its second factor."""
    from cxplatform.accounts import two_factor

    _two_factor_on(user)
    session = client.session
    session[two_factor.PENDING] = True
    session.save()
    return "/login/verify/", {"code": "not-a-code"}


def _mapping_form(ctx):
    """A Typeform source not mapped yet, and the mapping editor's form saving a mapping of the documented sample."""
    from tests.metrics.connectors.conftest import PAYLOADS

    source = _source(ctx, mapped=False)
    form = {
        "sample": (PAYLOADS / "typeform_form_response.json").read_text(),
        "nps": "nps", "csat": "", "ces": "", "comment": "comment",
        "journey_from": "hidden", "journey_key": "journey",
        "touchpoint_from": "hidden", "touchpoint_key": "touchpoint",
        "channel_from": "hidden", "channel_key": "channel",
        "respondent_from": "hidden", "respondent_key": "customer",
        "version": str(source.version), "action": "save",
    }  # fmt: skip
    return f"/sources/{source.pk}/mapping/", form


CASES: dict[tuple[str, str], Case] = {
    # API: journeys
    ("api:persona-list", "post"): Case(lambda c: ("/api/v1/personas/", {"name": "Senior Sue"}), actions.CREATE, "journeys.persona"),
    ("api:persona-detail", "patch"): Case(lambda c: (f"/api/v1/personas/{PersonaFactory().pk}/", {"quote": "Quick"}), actions.UPDATE, "journeys.persona"),
    ("api:persona-detail", "delete"): Case(lambda c: (f"/api/v1/personas/{PersonaFactory().pk}/", None), actions.DELETE, "journeys.persona"),
    ("api:channel-list", "post"): Case(lambda c: ("/api/v1/channels/", {"name": "Kiosk", "slug": "kiosk"}), actions.CREATE, "journeys.channel"),
    ("api:channel-detail", "patch"): Case(lambda c: (f"/api/v1/channels/{ChannelFactory().pk}/", {"name": "Self-service"}), actions.UPDATE, "journeys.channel"),
    ("api:channel-detail", "delete"): Case(lambda c: (f"/api/v1/channels/{ChannelFactory().pk}/", None), actions.DELETE, "journeys.channel"),
    ("api:journey-list", "post"): Case(lambda c: ("/api/v1/journeys/", {"name": "Claim", "group": JourneyFactory().group_id}), actions.CREATE, "journeys.journey"),
    ("api:journey-detail", "patch"): Case(lambda c: (lambda j: (f"/api/v1/journeys/{j.pk}/", {"version": j.version, "name": "Renamed"}))(_journey(c)), actions.UPDATE, "journeys.journey"),
    ("api:journey-detail", "delete"): Case(lambda c: (lambda j: (f"/api/v1/journeys/{j.pk}/?version={j.version}", None))(_journey(c)), actions.DELETE, "journeys.journey"),
    ("api:journey-archive", "post"): Case(lambda c: (lambda j: (f"/api/v1/journeys/{j.pk}/archive/", {"version": j.version}))(_journey(c)), actions.ARCHIVE, "journeys.journey"),
    ("api:stage-detail", "patch"): Case(lambda c: (lambda s: (f"/api/v1/stages/{s.pk}/", {"version": s.version, "name": "Renamed"}))(_stage(c)), actions.UPDATE, "journeys.stage"),
    ("api:stage-archive", "post"): Case(lambda c: (lambda s: (f"/api/v1/stages/{s.pk}/archive/", {"version": s.version}))(_stage(c)), actions.ARCHIVE, "journeys.stage"),
    ("api:touchpoint-detail", "patch"): Case(lambda c: (lambda t: (f"/api/v1/touchpoints/{t.pk}/", {"version": t.version, "name": "Renamed"}))(_touchpoint(c)), actions.UPDATE, "journeys.touchpoint"),
    ("api:touchpoint-detail", "delete"): Case(lambda c: (lambda t: (f"/api/v1/touchpoints/{t.pk}/?version={t.version}", None))(_touchpoint(c)), actions.DELETE, "journeys.touchpoint"),
    ("api:touchpoint-archive", "post"): Case(lambda c: (lambda t: (f"/api/v1/touchpoints/{t.pk}/archive/", {"version": t.version}))(_touchpoint(c)), actions.ARCHIVE, "journeys.touchpoint"),
    ("api:finding-detail", "delete"): Case(lambda c: (lambda f: (f"/api/v1/findings/{f.pk}/?version={f.version}", None))(FindingFactory()), actions.DELETE, "journeys.finding"),
    # API: teams
    ("api:department-list", "post"): Case(lambda c: ("/api/v1/departments/", {"name": "Service", "slug": "service"}), actions.CREATE, "teams.department"),
    ("api:department-detail", "patch"): Case(lambda c: (f"/api/v1/departments/{DepartmentFactory().pk}/", {"name": "Renamed"}), actions.UPDATE, "teams.department"),
    ("api:department-detail", "delete"): Case(lambda c: (f"/api/v1/departments/{DepartmentFactory().pk}/", None), actions.DELETE, "teams.department"),
    ("api:team-detail", "patch"): Case(lambda c: (f"/api/v1/teams/{TeamFactory().pk}/", {"name": "Renamed team"}), actions.UPDATE, "teams.team"),
    ("api:team-detail", "delete"): Case(lambda c: (f"/api/v1/teams/{TeamFactory().pk}/", None), actions.DELETE, "teams.team"),
    ("api:membership-detail", "delete"): Case(lambda c: (f"/api/v1/memberships/{MembershipFactory().pk}/", None), actions.DELETE, "teams.membership"),
    ("api:action-list", "post"): Case(lambda c: ("/api/v1/actions/", {"title": "Shorter form", "journey": JourneyFactory().pk, "impact": 3, "effort": 2}), actions.CREATE, "teams.improvementaction"),
    ("api:action-detail", "patch"): Case(lambda c: (lambda a: (f"/api/v1/actions/{a.pk}/", {"version": a.version, "sprint": "S1"}))(ActionFactory()), actions.UPDATE, "teams.improvementaction"),
    ("api:action-detail", "delete"): Case(lambda c: (lambda a: (f"/api/v1/actions/{a.pk}/?version={a.version}", None))(ActionFactory()), actions.DELETE, "teams.improvementaction"),
    ("api:action-transition", "post"): Case(lambda c: (f"/api/v1/actions/{ActionFactory().pk}/transition/", {"status": "planned"}), actions.CREATE, "teams.actiontransition"),
    ("api:action-comments", "post"): Case(lambda c: (f"/api/v1/actions/{ActionFactory().pk}/comments/", {"text": "Waiting for IT"}), actions.CREATE, "teams.actioncomment"),
    ("api:stage-list", "post"): Case(lambda c: ("/api/v1/stages/", {"journey": JourneyFactory().pk, "name": "Orientation"}), actions.CREATE, "journeys.stage"),
    ("api:touchpoint-list", "post"): Case(lambda c: ("/api/v1/touchpoints/", {"stage": StageFactory().pk, "name": "Claim app"}), actions.CREATE, "journeys.touchpoint"),
    ("api:finding-list", "post"): Case(lambda c: ("/api/v1/findings/", {"touchpoint": TouchpointFactory().pk, "kind": "insight", "text": "Slow"}), actions.CREATE, "journeys.finding"),
    ("api:finding-detail", "patch"): Case(lambda c: (lambda f: (f"/api/v1/findings/{f.pk}/", {"version": f.version, "text": "Slower"}))(FindingFactory()), actions.UPDATE, "journeys.finding"),
    ("api:journey-restore", "post"): Case(lambda c: (lambda j: (f"/api/v1/journeys/{j.pk}/restore/", {"version": j.version}))(_archived(JourneyFactory(), c)), actions.RESTORE, "journeys.journey"),
    ("api:journey-future-state", "post"): Case(lambda c: (f"/api/v1/journeys/{StageFactory().journey_id}/future-state/", {}), actions.COPY, "journeys.journey"),
    ("api:team-list", "post"): Case(lambda c: ("/api/v1/teams/", {"name": "Retention", "slug": "retention"}), actions.CREATE, "teams.team"),
    ("api:membership-list", "post"): Case(lambda c: ("/api/v1/memberships/", {"team": TeamFactory().pk, "user": c.pk, "role": "coach"}), actions.CREATE, "teams.membership"),
    ("api:membership-detail", "patch"): Case(lambda c: (f"/api/v1/memberships/{MembershipFactory().pk}/", {"allocation": 50}), actions.UPDATE, "teams.membership"),
    ("api:mandate-list", "post"): Case(lambda c: ("/api/v1/mandates/", {"team": TeamFactory().pk, "budget": "777", "hours": 80, "starts_on": "2026-07-01", "ends_on": "2026-12-31"}), actions.CREATE, "teams.mandate"),
    # API: metrics
    ("api:kpi-list", "post"): Case(lambda c: ("/api/v1/kpis/", {"name": "Retention", "unit": "%", "target": "90", "direction": "higher"}), actions.CREATE, "metrics.customkpi"),
    ("api:kpi-detail", "patch"): Case(lambda c: (lambda k: (f"/api/v1/kpis/{k.pk}/", {"version": k.version, "name": "Renamed"}))(CustomKpiFactory()), actions.UPDATE, "metrics.customkpi"),
    ("api:kpi-detail", "delete"): Case(lambda c: (f"/api/v1/kpis/{CustomKpiFactory().pk}/", None), actions.DELETE, "metrics.customkpi"),
    ("api:kpi-measurements", "post"): Case(lambda c: (f"/api/v1/kpis/{CustomKpiFactory().pk}/measurements/", {"period_start": "2025-01-01", "value": "97.5"}), actions.IMPORT, "metrics.customkpi"),
    ("api:target-list", "post"): Case(lambda c: ("/api/v1/targets/", {"metric": "nps", "value": "20"}), actions.CREATE, "metrics.metrictarget"),
    ("api:business-case-list", "post"): Case(lambda c: ("/api/v1/business-cases/", {"action": ActionFactory().pk, "investment": "10000", "gains": [{"type": "referrals", "expected": "15000"}]}), actions.CREATE, "metrics.businesscase"),
    ("api:business-case-detail", "delete"): Case(lambda c: (f"/api/v1/business-cases/{BusinessCaseFactory().pk}/", None), actions.DELETE, "metrics.businesscase"),
    ("api:response-list", "post"): Case(lambda c: ("/api/v1/responses/", _response()), actions.IMPORT, "metrics.surveyresponse", status=(201,)),
    # API: the rest
    ("api:webhook-list", "post"): Case(lambda c: ("/api/v1/webhooks/", {"name": "Slack", "url": "https://example.org/hook", "events": ["action.created"]}), actions.CREATE, "webhooks.webhooksubscription"),
    ("api:webhook-detail", "patch"): Case(lambda c: (f"/api/v1/webhooks/{_hook(c).pk}/", {"name": "Renamed"}), actions.UPDATE, "webhooks.webhooksubscription"),
    ("api:webhook-detail", "delete"): Case(lambda c: (f"/api/v1/webhooks/{_hook(c).pk}/", None), actions.DELETE, "webhooks.webhooksubscription"),
    ("api:webhook-pause", "post"): Case(lambda c: (f"/api/v1/webhooks/{_hook(c).pk}/pause/", {}), actions.UPDATE, "webhooks.webhooksubscription"),
    ("api:webhook-resume", "post"): Case(lambda c: (f"/api/v1/webhooks/{_paused(c).pk}/resume/", {}), actions.UPDATE, "webhooks.webhooksubscription"),
    # Pages
    ("journeys:stage-create", "post"): Case(lambda c: (f"/journeys/{JourneyFactory().pk}/stages/add/", {"name": "Use", "customer_goal": "Get going"}), actions.CREATE, "journeys.stage", json=False),
    ("journeys:stage-edit", "post"): Case(lambda c: (lambda st: (f"/journeys/{st.journey_id}/stages/{st.pk}/edit/", {"name": "Application", "version": st.version}))(_stage(c)), actions.UPDATE, "journeys.stage", json=False),
    ("journeys:stage-delete", "post"): Case(lambda c: (lambda st: (f"/journeys/{st.journey_id}/stages/{st.pk}/delete/", {"version": st.version}))(_stage(c)), actions.DELETE, "journeys.stage", json=False),
    ("journeys:touchpoint-delete", "post"): Case(lambda c: (lambda t: (f"/journeys/{t.journey_id}/touchpoints/{t.pk}/delete/", {"version": t.version}))(_touchpoint(c)), actions.DELETE, "journeys.touchpoint", json=False),
    ("journeys:delete", "post"): Case(lambda c: (lambda j: (f"/journeys/{j.pk}/delete/", {"version": j.version}))(_journey(c)), actions.DELETE, "journeys.journey", json=False),
    ("journeys:future-state", "post"): Case(lambda c: (f"/journeys/{StageFactory().journey_id}/future-state/", {}), actions.COPY, "journeys.journey", json=False),
    ("teams:mandate-decide", "post"): Case(lambda c: (f"/mandates/{MandateFactory().pk}/decide/", {"decision": "approve"}), actions.UPDATE, "teams.mandate", json=False),
    ("webhooks:create", "post"): Case(lambda c: ("/webhooks/new/", {"name": "Slack", "url": "https://example.org/hook", "events": ["action.created"], "body_format": "json"}), actions.CREATE, "webhooks.webhooksubscription", json=False),
    ("webhooks:delete", "post"): Case(lambda c: (f"/webhooks/{_hook(c).pk}/delete/", {}), actions.DELETE, "webhooks.webhooksubscription", json=False),
    ("webhooks:pause", "post"): Case(lambda c: (f"/webhooks/{_hook(c).pk}/pause/", {}), actions.UPDATE, "webhooks.webhooksubscription", json=False),
    ("token-create", "post"): Case(
        lambda c: ("/profile/tokens/", {"name": "CI", "access": "read_only", "expires": "30"}),
        actions.TOKEN_CREATED,
        "accounts.apitoken",
        json=False,
    ),
    ("token-revoke", "post"): Case(
        lambda c: (_with_token(c), {}), actions.TOKEN_REVOKED, "accounts.apitoken", json=False
    ),
    ("journeys:share", "post"): Case(lambda c: (f"/journeys/{JourneyFactory().pk}/share/", {"label": "Board", "expires_at": "2099-01-01"}), actions.SHARE_LINK_CREATED, "journeys.sharelink", json=False),
    ("journeys:share-revoke", "post"): Case(lambda c: (lambda link: (f"/journeys/{link.journey_id}/share/{link.pk}/revoke/", {}))(_share_link(c)), actions.SHARE_LINK_REVOKED, "journeys.sharelink", json=False),
    ("logout", "post"): Case(lambda c: ("/logout/", {}), actions.LOGOUT, "accounts.user", json=False),
    ("journeys:create", "post"): Case(lambda c: ("/journeys/new/", {"name": "Open an account", "group": JourneyFactory().group_id, "phase": "define", "state": "current"}), actions.CREATE, "journeys.journey", json=False),
    ("journeys:archive", "post"): Case(lambda c: (lambda j: (f"/journeys/{j.pk}/archive/", {"version": j.version}))(_journey(c)), actions.ARCHIVE, "journeys.journey", json=False),
    ("journeys:persona-create", "post"): Case(lambda c: ("/journeys/personas/new/", {"name": "Young Yara", "colour": "#008080"}), actions.CREATE, "journeys.persona", json=False),
    ("teams:action-delete", "post"): Case(lambda c: (lambda a: (f"/actions/{a.pk}/delete/", {"version": a.version}))(ActionFactory()), actions.DELETE, "teams.improvementaction", json=False),
    ("teams:action-transition", "post"): Case(lambda c: (f"/actions/{ActionFactory().pk}/transition/", {"to_status": "planned"}), actions.CREATE, "teams.actiontransition", json=False),
    ("teams:action-comment", "post"): Case(lambda c: (f"/actions/{ActionFactory().pk}/comments/", {"text": "On it"}), actions.CREATE, "teams.actioncomment", json=False),
    # Pages: the map
    ("journeys:edit", "post"): Case(lambda c: (lambda j: (f"/journeys/{j.pk}/edit/", {"name": "Renamed", "group": j.group_id, "phase": "define", "state": "current", "version": j.version}))(_journey(c)), actions.UPDATE, "journeys.journey", json=False),
    ("journeys:restore", "post"): Case(lambda c: (lambda j: (f"/journeys/{j.pk}/restore/", {"version": j.version}))(_archived(JourneyFactory(), c)), actions.RESTORE, "journeys.journey", json=False),
    ("journeys:stage-restore", "post"): Case(lambda c: (lambda s: (f"/journeys/{s.journey_id}/stages/{s.pk}/restore/", {"version": s.version}))(_archived_part(_stage(c))), actions.RESTORE, "journeys.stage", json=False),
    ("journeys:touchpoint-restore", "post"): Case(lambda c: (lambda t: (f"/journeys/{t.journey_id}/touchpoints/{t.pk}/restore/", {"version": t.version}))(_archived_part(_touchpoint(c))), actions.RESTORE, "journeys.touchpoint", json=False),
    ("journeys:stage-archive", "post"): Case(lambda c: (lambda s: (f"/journeys/{s.journey_id}/stages/{s.pk}/archive/", {"version": s.version}))(_stage(c)), actions.ARCHIVE, "journeys.stage", json=False),
    ("journeys:touchpoint-archive", "post"): Case(lambda c: (lambda t: (f"/journeys/{t.journey_id}/touchpoints/{t.pk}/archive/", {"version": t.version}))(_touchpoint(c)), actions.ARCHIVE, "journeys.touchpoint", json=False),
    ("journeys:stage-move", "post"): Case(lambda c: (lambda j: (f"/journeys/{j.pk}/stages/{j.stages.order_by('position').first().pk}/move/", {"direction": "right", "structure_version": j.structure_version}))(_map(c)), actions.REORDER, "journeys.stage", json=False),
    ("journeys:touchpoint-move", "post"): Case(lambda c: (lambda j: (f"/journeys/{j.pk}/touchpoints/{j.touchpoints.order_by('stage__position', 'position').first().pk}/move/", {"direction": "down", "structure_version": j.structure_version}))(_map(c)), actions.REORDER, "journeys.touchpoint", json=False),
    ("journeys:map-reorder", "post"): Case(lambda c: (lambda j: (f"/journeys/{j.pk}/reorder/", {"order": _order(j), "structure_version": j.structure_version}))(_map(c)), actions.REORDER, "journeys.journey", json=False),
    ("journeys:touchpoint-create", "post"): Case(lambda c: (lambda s: (f"/journeys/{s.journey_id}/stages/{s.pk}/touchpoints/add/", {"name": "Claim by mail", "emotion": 0}))(_stage(c)), actions.CREATE, "journeys.touchpoint", json=False),
    ("journeys:touchpoint-edit", "post"): Case(lambda c: (lambda t: (f"/journeys/{t.journey_id}/touchpoints/{t.pk}/edit/", {"name": "Helpdesk", "emotion": 0, "version": t.version}))(_touchpoint(c)), actions.UPDATE, "journeys.touchpoint", json=False),
    ("journeys:finding-create", "post"): Case(lambda c: (lambda s: (f"/journeys/{s.journey_id}/stages/{s.pk}/findings/add/", {"kind": "insight", "text": "Slow", "source": "survey", "severity": 3}))(_stage(c)), actions.CREATE, "journeys.finding", json=False),
    ("journeys:finding-edit", "post"): Case(lambda c: (lambda f: (f"/journeys/{f.journey_id}/findings/{f.pk}/edit/", {"kind": "pain_point", "text": "Very slow", "source": "complaint", "severity": 5, "version": f.version}))(FindingFactory()), actions.UPDATE, "journeys.finding", json=False),
    ("journeys:finding-delete", "post"): Case(lambda c: (lambda f: (f"/journeys/{f.journey_id}/findings/{f.pk}/delete/", {"version": f.version}))(FindingFactory()), actions.DELETE, "journeys.finding", json=False),
    ("journeys:persona-edit", "post"): Case(lambda c: (f"/journeys/personas/{PersonaFactory().pk}/edit/", {"name": "Senior Sue", "colour": "#008080"}), actions.UPDATE, "journeys.persona", json=False),
    ("journeys:persona-delete", "post"): Case(lambda c: (f"/journeys/personas/{PersonaFactory().pk}/delete/", {}), actions.DELETE, "journeys.persona", json=False),
    ("journeys:import", "post"): Case(lambda c: ("/journeys/import/", {"file": _export_file(c, upload=True), "name": "Copy"}), actions.IMPORT, "journeys.journey", json=False),
    ("journeys:template-save", "post"): Case(lambda c: (f"/journeys/{StageFactory().journey_id}/save-as-template/", {"name": "Claims, our way", "description": "For claims teams"}), actions.CREATE, "journeys.journeytemplate", json=False),
    ("journeys:template-delete", "post"): Case(lambda c: (f"/journeys/templates/{_template(c).pk}/delete/", {}), actions.DELETE, "journeys.journeytemplate", json=False),
    # Pages: history
    ("journeys:history-part-restore", "post"): Case(lambda c: (lambda j, h: (f"/journeys/{j}/history/touchpoint/{h}/restore/", {}))(*_deleted_touchpoint(c)), actions.RESTORE, "journeys.touchpoint", json=False),
    ("journeys:history-restore", "post"): Case(lambda c: (lambda j, at: (f"/journeys/{j}/history/restore/", {"at": at}))(*_moment_before_a_delete(c)), actions.RESTORE, "journeys.journey", json=False),
    ("journeys:history-version-create", "post"): Case(lambda c: (f"/journeys/{_journey(c).pk}/history/versions/", {"name": "Workshop 12 March"}), actions.CREATE, "journeys.journeyversion", json=False),
    ("journeys:undo", "post"): Case(lambda c: (f"/journeys/{_own_change(c)}/undo/", {}), actions.RESTORE, "journeys.journey", json=False),
    # Pages: comments
    ("journeys:comment-thread", "post"): Case(lambda c: (lambda t: (f"/journeys/{t.journey_id}/comments/touchpoint/{t.pk}/", {"text": "Looks slow"}))(_touchpoint(c)), actions.CREATE, "journeys.comment", json=False),
    ("journeys:comment-edit", "post"): Case(lambda c: (lambda m: (f"/journeys/{m.journey_id}/comments/{m.pk}/edit/", {"text": "Very slow", "version": m.version}))(_comment(c)), actions.UPDATE, "journeys.comment", json=False),
    ("journeys:comment-delete", "post"): Case(lambda c: (lambda m: (f"/journeys/{m.journey_id}/comments/{m.pk}/delete/", {}))(_comment(c)), actions.DELETE, "journeys.comment", json=False),
    ("journeys:comment-resolve", "post"): Case(lambda c: (lambda m: (f"/journeys/{m.journey_id}/comments/touchpoint/{m.thread.object_id}/resolve/", {"resolved": "1"}))(_comment(c)), actions.UPDATE, "journeys.commentthread", json=False),
    # API: journeys, the rest
    ("api:journey-import", "post"): Case(lambda c: ("/api/v1/journeys/import/?name=Copy", _export_file(c, upload=False)), actions.IMPORT, "journeys.journey"),
    ("api:journey-reorder", "post"): Case(lambda c: (lambda j: (f"/api/v1/journeys/{j.pk}/reorder/", {"structure_version": j.structure_version, "stages": __import__("json").loads(_order(j))}))(_map(c)), actions.REORDER, "journeys.journey"),
    ("api:stage-detail", "delete"): Case(lambda c: (lambda s: (f"/api/v1/stages/{s.pk}/?version={s.version}", None))(_stage(c)), actions.DELETE, "journeys.stage"),
    ("api:stage-restore", "post"): Case(lambda c: (lambda s: (f"/api/v1/stages/{s.pk}/restore/", {"version": s.version}))(_archived_part(_stage(c))), actions.RESTORE, "journeys.stage"),
    ("api:touchpoint-restore", "post"): Case(lambda c: (lambda t: (f"/api/v1/touchpoints/{t.pk}/restore/", {"version": t.version}))(_archived_part(_touchpoint(c))), actions.RESTORE, "journeys.touchpoint"),
    ("api:comment-list", "post"): Case(lambda c: ("/api/v1/comments/", {"kind": "touchpoint", "object_id": _touchpoint(c).pk, "text": "Looks slow"}), actions.CREATE, "journeys.comment"),
    ("api:comment-detail", "patch"): Case(lambda c: (lambda m: (f"/api/v1/comments/{m.pk}/", {"text": "Better", "version": m.version}))(_comment(c)), actions.UPDATE, "journeys.comment"),
    ("api:comment-detail", "delete"): Case(lambda c: (f"/api/v1/comments/{_comment(c).pk}/", None), actions.DELETE, "journeys.comment"),
    # Pages and API: teams, the rest
    ("teams:mandate-create", "post"): Case(lambda c: (f"/teams/{TeamFactory().pk}/mandates/new/", {"sponsor": c.pk, "budget": "5000", "hours": "100", "time_percent": "", "priority": "high", "starts_on": "2027-01-01", "ends_on": "2027-06-30"}), actions.CREATE, "teams.mandate", json=False),
    ("teams:action-create", "post"): Case(lambda c: (f"/actions/new/?finding={FindingFactory().pk}", {"title": "New action", "impact": 4, "effort": 2, "expected_investment": 0, "expected_gains": 0}), actions.CREATE, "teams.improvementaction", json=False),
    ("teams:action-edit", "post"): Case(lambda c: (lambda a: (f"/actions/{a.pk}/edit/", {"title": "Edited action", "impact": 3, "effort": 3, "expected_investment": 0, "expected_gains": 0, "progress": 10, "version": a.version}))(ActionFactory()), actions.UPDATE, "teams.improvementaction", json=False),
    ("teams:action-progress", "post"): Case(lambda c: (lambda a: (f"/actions/{a.pk}/progress/", {"progress": 40, "version": a.version}))(ActionFactory()), actions.UPDATE, "teams.improvementaction", json=False),
    ("api:mandate-decide", "post"): Case(lambda c: (f"/api/v1/mandates/{MandateFactory().pk}/decide/", {"approve": True, "note": "Go"}), actions.UPDATE, "teams.mandate"),
    # Pages and API: metrics (KPIs, targets, business cases, follow-ups)
    ("metrics:kpi-create", "post"): Case(lambda c: ("/kpis/new/", {"name": "Retention", "kind": "customer", "unit": "%", "direction": "higher", "target": "90", "tolerance": "5"}), actions.CREATE, "metrics.customkpi", json=False),
    ("metrics:kpi-edit", "post"): Case(lambda c: (lambda k: (f"/kpis/{k.pk}/edit/", {**{"name": "Retention", "kind": "customer", "unit": "%", "direction": "higher", "target": "90", "tolerance": "5"}, "target": "70", "version": k.version}))(CustomKpiFactory()), actions.UPDATE, "metrics.customkpi", json=False),
    ("metrics:kpi-delete", "post"): Case(lambda c: (lambda k: (f"/kpis/{k.pk}/delete/", {"version": k.version}))(CustomKpiFactory()), actions.DELETE, "metrics.customkpi", json=False),
    ("metrics:kpi-measurement", "post"): Case(lambda c: (f"/kpis/{CustomKpiFactory().pk}/measurements/", {"period_start": "2025-03-01", "value": "88", "note": ""}), actions.IMPORT, "metrics.customkpi", json=False),
    ("metrics:kpi-import", "post"): Case(lambda c: (f"/kpis/{CustomKpiFactory().pk}/measurements/import/", {"file": _kpi_csv()}), actions.IMPORT, "metrics.customkpi", json=False),
    ("api:kpi-measurements-import", "post"): Case(lambda c: (f"/api/v1/kpis/{CustomKpiFactory().pk}/measurements/import/", {"file": _kpi_csv()}), actions.IMPORT, "metrics.customkpi", json=False),
    ("metrics:target-create", "post"): Case(lambda c: ("/targets/new/", {"metric": "csat", "value": "70"}), actions.CREATE, "metrics.metrictarget", json=False),
    ("metrics:target-edit", "post"): Case(lambda c: (lambda t: (f"/targets/{t.pk}/edit/", {"metric": "nps", "value": "30", "version": t.version}))(_target(c)), actions.UPDATE, "metrics.metrictarget", json=False),
    ("metrics:target-delete", "post"): Case(lambda c: (lambda t: (f"/targets/{t.pk}/delete/", {"version": t.version}))(_target(c)), actions.DELETE, "metrics.metrictarget", json=False),
    ("api:target-detail", "patch"): Case(lambda c: (lambda t: (f"/api/v1/targets/{t.pk}/", {"value": "25", "version": t.version}))(_target(c)), actions.UPDATE, "metrics.metrictarget"),
    ("api:target-detail", "delete"): Case(lambda c: (f"/api/v1/targets/{_target(c).pk}/", None), actions.DELETE, "metrics.metrictarget"),
    ("metrics:business-case", "post"): Case(lambda c: (f"/actions/{ActionFactory().pk}/business-case/", _business_case_form()), actions.CREATE, "metrics.businesscase", json=False),
    ("metrics:business-case-delete", "post"): Case(lambda c: (f"/actions/{BusinessCaseFactory().action_id}/business-case/delete/", {}), actions.DELETE, "metrics.businesscase", json=False),
    ("api:business-case-detail", "patch"): Case(lambda c: (lambda b: (f"/api/v1/business-cases/{b.pk}/", {"notes": "Agreed with finance", "version": b.version}))(BusinessCaseFactory()), actions.UPDATE, "metrics.businesscase"),
    ("metrics:followup-status", "post"): Case(lambda c: (lambda f: (f"/followups/{f.pk}/status/", {"status": "contacted", "outcome": "", "version": f.version}))(_case(c)), actions.UPDATE, "metrics.followupcase", json=False),
    ("metrics:followup-link", "post"): Case(lambda c: (lambda f: (f"/followups/{f.pk}/link/", {"action": ActionFactory(journey_id=f.response.journey_id).pk, "version": f.version}))(_case(c)), actions.UPDATE, "metrics.followupcase", json=False),
    ("metrics:followup-action-create", "post"): Case(lambda c: (lambda f: (f"/followups/{f.pk}/action/", {"title": "Fix the upload button", "description": "Cannot add photos.", "version": f.version}))(_case(c)), actions.CREATE, "teams.improvementaction", json=False),
    ("metrics:followup-reassign", "post"): Case(lambda c: (lambda f: (f"/followups/{f.pk}/owner/", {"owner": _process_owner().pk, "version": f.version}))(_case(c)), actions.UPDATE, "metrics.followupcase", json=False),
    ("api:followup-detail", "patch"): Case(lambda c: (lambda f: (f"/api/v1/followups/{f.pk}/", {"status": "contacted", "version": f.version}))(_case(c)), actions.UPDATE, "metrics.followupcase"),
    # Pages and API: survey sources and response imports
    ("metrics:source-create", "post"): Case(lambda c: ("/sources/new/?vendor=typeform", {"name": "Claims survey"}), actions.CREATE, "metrics.surveysource", json=False),
    ("metrics:source-edit", "post"): Case(lambda c: (lambda s: (f"/sources/{s.pk}/edit/", {"name": "Claims NPS", "version": s.version, "rate_limit": "60", "max_bytes": "65536"}))(_source(c)), actions.UPDATE, "metrics.surveysource", json=False),
    ("metrics:source-rotate", "post"): Case(lambda c: (lambda s: (f"/sources/{s.pk}/secret/", {"version": s.version}))(_source(c)), actions.UPDATE, "metrics.surveysource", json=False),
    ("metrics:source-mapping", "post"): Case(_mapping_form, actions.UPDATE, "metrics.surveysource", json=False),
    ("metrics:source-delete", "post"): Case(lambda c: (lambda s: (f"/sources/{s.pk}/delete/", {"version": s.version}))(_source(c)), actions.DELETE, "metrics.surveysource", json=False),
    ("metrics:source-delivery-replay", "post"): Case(lambda c: (lambda d: (f"/sources/{d.source_id}/deliveries/{d.pk}/replay/", {}))(_rejected_delivery(c)), actions.IMPORT, "metrics.surveyresponse", json=False),
    ("api:source-list", "post"): Case(lambda c: ("/api/v1/sources/", {"name": "Claims NPS", "vendor": "typeform"}), actions.CREATE, "metrics.surveysource"),
    ("api:source-detail", "patch"): Case(lambda c: (lambda s: (f"/api/v1/sources/{s.pk}/", {"active": False, "version": s.version}))(_source(c)), actions.UPDATE, "metrics.surveysource"),
    ("api:source-detail", "delete"): Case(lambda c: (f"/api/v1/sources/{_source(c).pk}/", None), actions.DELETE, "metrics.surveysource"),
    ("api:source-rotate-secret", "post"): Case(lambda c: (lambda s: (f"/api/v1/sources/{s.pk}/rotate-secret/", {"version": s.version}))(_source(c)), actions.UPDATE, "metrics.surveysource"),
    ("api:source-delivery-replay", "post"): Case(lambda c: (lambda d: (f"/api/v1/sources/{d.source_id}/deliveries/{d.pk}/replay/", {}))(_rejected_delivery(c)), actions.IMPORT, "metrics.surveyresponse"),
    ("survey-hook", "post"): Case(_signed_delivery, actions.DELIVERY_RECEIVED, "metrics.delivery", anonymous=True, source=True),
    ("metrics:response-import-preview", "post"): Case(lambda u, cl: (_uploaded(cl, _standard_csv()), {}), actions.IMPORT, "metrics.surveyresponse", json=False, client=True),
    ("metrics:response-import-mapping", "post"): Case(_mapping_saved_as_preset, actions.CREATE, "metrics.importpreset", json=False, client=True),
    ("metrics:import-preset-delete", "post"): Case(lambda c: (f"/responses/import/presets/{_preset(c).pk}/delete/", {}), actions.DELETE, "metrics.importpreset", json=False),
    ("api:response-import", "post"): Case(lambda c: ("/api/v1/responses/import/", {"file": _standard_csv()}), actions.IMPORT, "metrics.surveyresponse", json=False),
    # Theme analysis: a pain point made from a theme on a touchpoint
    ("metrics:theme-finding", "post"): Case(lambda c: (lambda t: (f"/themes/analysis/{t[0].pk}/finding/", {"touchpoint": t[1].pk}))(_theme_mention(c)), actions.CREATE, "journeys.finding", json=False),
    # Privacy: a respondent's data searched, exported, erased
    ("metrics:privacy-respondents", "post"): Case(lambda c: ("/privacy/respondents/", _respondent(c)), actions.PERSONAL_DATA_SEARCH, "metrics.surveyresponse", json=False),
    ("metrics:privacy-subject-export", "post"): Case(lambda u, cl: (f"/privacy/respondents/{_privacy_lookup(u, cl)}/export/", {}), actions.PERSONAL_DATA_EXPORT, "metrics.surveyresponse", json=False, client=True),
    ("metrics:privacy-subject-erase", "post"): Case(lambda u, cl: (f"/privacy/respondents/{_privacy_lookup(u, cl)}/erase/", {}), actions.PERSONAL_DATA_ERASE, "metrics.surveyresponse", json=False, client=True),
    ("api:personal-data", "post"): Case(lambda c: ("/api/v1/personal-data/", _respondent(c)), actions.PERSONAL_DATA_SEARCH, "metrics.surveyresponse"),
    ("api:personal-data-export", "post"): Case(lambda c: ("/api/v1/personal-data/export/", _respondent(c)), actions.PERSONAL_DATA_EXPORT, "metrics.surveyresponse"),
    ("api:personal-data-erase", "post"): Case(lambda c: ("/api/v1/personal-data/erase/", {**_respondent(c), "confirm": True}), actions.PERSONAL_DATA_ERASE, "metrics.surveyresponse"),
    # Accounts: login, sessions, two-factor, webhooks
    ("login", "post"): Case(lambda c: ("/login/", {"username": c.username, "password": PASSWORD}), actions.LOGIN, "accounts.user", json=False, anonymous=True),
    ("session-end", "post"): Case(lambda u, cl: (f"/profile/sessions/{_other_session(u, cl)}/end/", {}), actions.SESSION_ENDED, "accounts.usersession", json=False, client=True),
    ("sessions-end-others", "post"): Case(lambda u, cl: _then(_other_session(u, cl), "/profile/sessions/end-others/", {}), actions.SESSION_ENDED, "accounts.usersession", json=False, client=True),
    ("two-factor-setup", "post"): Case(_setup_code, actions.TWO_FACTOR_ENABLED, "accounts.user", json=False, client=True),
    ("two-factor-disable", "post"): Case(lambda c: _then(_two_factor_on(c), "/profile/two-factor/disable/", {"secret": PASSWORD}), actions.TWO_FACTOR_DISABLED, "accounts.user", json=False),
    ("two-factor-recovery-codes", "post"): Case(lambda c: _then(_two_factor_on(c), "/profile/two-factor/recovery-codes/", {}), actions.UPDATE, "accounts.user", json=False),
    ("two-factor-verify", "post"): Case(_code_pending, actions.LOGIN_FAILED, "accounts.user", status=(400,), json=False, client=True),
    ("webhooks:edit", "post"): Case(lambda c: (f"/webhooks/{_hook(c).pk}/edit/", {"name": "Renamed", "url": "https://example.org/x", "events": ["target.missed"], "body_format": "json"}), actions.UPDATE, "webhooks.webhooksubscription", json=False),
    ("webhooks:resume", "post"): Case(lambda c: (f"/webhooks/{_paused(c).pk}/resume/", {}), actions.UPDATE, "webhooks.webhooksubscription", json=False),
    # The codebook of themes (issue 17)
    ("api:theme-list", "post"): Case(lambda c: ("/api/v1/themes/", {"name_en": "Waiting time", "name_nl": "Wachttijd", "rules": [{"language": "nl", "mode": "mention", "phrase": "wachten"}]}), actions.CREATE, "metrics.theme"),
    ("api:theme-detail", "patch"): Case(lambda c: (lambda t: (f"/api/v1/themes/{t.pk}/", {"version": t.version, "name_en": "Renamed"}))(_theme(c)), actions.UPDATE, "metrics.theme"),
    ("api:theme-detail", "delete"): Case(lambda c: (f"/api/v1/themes/{_theme(c).pk}/", None), actions.DELETE, "metrics.theme"),
    ("metrics:theme-create", "post"): Case(lambda c: ("/themes/new/", _theme_form()), actions.CREATE, "metrics.theme", json=False),
    ("metrics:theme", "post"): Case(lambda c: (lambda t: (f"/themes/{t.pk}/", {**_theme_form(), "name_en": "Renamed", "version": t.version}))(_theme(c)), actions.UPDATE, "metrics.theme", json=False),
    ("metrics:theme-delete", "post"): Case(lambda c: (lambda t: (f"/themes/{t.pk}/delete/", {"version": t.version}))(_theme(c)), actions.DELETE, "metrics.theme", json=False),
    ("metrics:theme-starter", "post"): Case(lambda c: ("/themes/starter/", {}), actions.CREATE, "metrics.theme", json=False),
}  # fmt: skip

# Endpoints the URLconf counts as writes that leave no audit row of their own, each with the reason: they write
# only rows the trail leaves out on purpose (cxplatform/audit/registry.py NOT_AUDITED), or nothing of the product's
# data (a file waiting in a temporary folder, the session), or they only read (GET pages whose view does not refuse
# a POST; GET-only views a POST gets 405 from).
NOT_RECORDED: dict[tuple[str, str], str] = {
    ("api:notification-read", "post"): "marks one's own notification read (notifications are not audited)",
    ("api:notification-read-all", "post"): "marks one's own notifications read",
    ("notifications:open", "post"): "marks one's own notification read, then follows its link",
    ("notifications:read", "post"): "marks one's own notification read",
    ("notifications:read-all", "post"): "marks one's own notifications read",
    ("api:webhook-test", "post"): "queues a test delivery (delivery bookkeeping is not audited)",
    ("api:webhook-resend", "post"): "queues a delivery again (delivery bookkeeping is not audited)",
    ("webhooks:test", "post"): "queues a test delivery",
    ("webhooks:resend", "post"): "queues a delivery again",
    ("api:source-preview", "post"): "what a sample payload would store under a mapping; stores nothing (POST: the sample is a body)",
    ("metrics:response-import", "post"): "the upload waits in a temporary folder for its preview; the import is recorded at the preview's POST",
    ("metrics:response-import-values", "post"): "file values mapped onto touchpoints for this upload: kept in the session only",
    ("metrics:theme-action", "post"): "opens the improvement action form prefilled (a redirect); the action is recorded when that form is saved",
    ("metrics:response-import-cancel", "post"): "discards the waiting upload (a temporary file); nothing of the product's data changes",
    ("two-factor-recovery-renew", "post"): "GET only (a POST gets 405): the confirmation whose form posts to two-factor-recovery-codes, which records",
    ("oidc_authentication_init", "post"): "GET only (a POST gets 405): the redirect to the identity provider; nothing stored",
    ("metrics:theme-preview", "post"): "what the rules as typed would find among recent comments; stores nothing (POST: the rules are a form)",
    ("oidc_authentication_callback", "post"): "GET only (a POST gets 405): a login; recorded as login / login_failed by cxplatform/audit/logins.py and oidc.views.refused",
}  # fmt: skip


def covered(key: tuple[str, str]) -> bool:
    """PUT writes through the same service as PATCH: a PATCH case covers both."""
    name, method = key
    return key in CASES or (method == "put" and (name, "patch") in CASES)


def excused(key: tuple[str, str]) -> bool:
    return key in NOT_RECORDED


def test_every_write_endpoint_has_a_case():
    missing = {key for key in write_endpoints() if not covered(key) and not excused(key)}
    assert not missing, f"write endpoints without an audit case (add one to CASES): {sorted(missing)}"
    assert CASES.keys() <= write_endpoints(), "a case names an endpoint that does not write (or no longer exists)"
    assert NOT_RECORDED.keys() <= write_endpoints() and not NOT_RECORDED.keys() & CASES.keys()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(tmp_path, monkeypatch):
    """The response import's uploads wait in a folder of the test's own."""
    from metrics.views import imports

    monkeypatch.setattr(imports, "UPLOAD_DIR", tmp_path / "uploads")


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(CASES), ids=lambda key: f"{key[0]} {key[1].upper()}")
def test_a_write_leaves_its_audit_row(key, client, admin_user):
    case = CASES[key]
    if not case.anonymous:
        client.force_login(admin_user)
    path, payload, *extra = case.make(admin_user, client) if case.client else case.make(admin_user)
    headers = extra[0] if extra else {}
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    method = getattr(client, key[1])
    if case.json:
        response = method(path, payload, content_type=JSON, **headers) if payload is not None else method(path)
    else:
        response = method(path, payload or {}, **headers)
    assert response.status_code in case.status, (response.status_code, response.content[:500])
    rows = AuditEvent.objects.filter(id__gt=before, action=case.action, object_type=case.object_type)
    assert rows.exists(), list(AuditEvent.objects.filter(id__gt=before).values_list("action", "object_type"))
    row = rows.first()
    if case.source:
        assert row.actor_id is None and row.via == Via.SOURCE and row.credential.startswith("survey source #")
    else:
        assert row.actor_id == admin_user.pk and row.actor_label == admin_user.username
        assert row.via == (Via.API if key[0].startswith("api:") else Via.PAGE)
    assert row.ip == "127.0.0.1"


def _in_a_month():
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=30)
