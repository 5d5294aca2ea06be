"""What the survey source pages share: the permission, a source with its counts, the tool, the secret shown once."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from metrics.connectors.selectors import source_list_with_today
from metrics.connectors.vendors import REGISTRY, Vendor, vendors
from metrics.models import SurveySource
from metrics.permissions import NOT_AN_INGESTER, can_ingest_responses

PAGE_SIZE = 25
DELIVERIES_PAGE_SIZE = 25
RECENT_DELIVERIES = 5
NEW_SECRET_SESSION_KEY = "survey_source_new_secret"  # noqa: S105 (a session key's name, not a secret)


def require_ingester(request: HttpRequest) -> None:
    if not can_ingest_responses(request.user):
        raise PermissionDenied(NOT_AN_INGESTER)


def load_source(pk: int) -> SurveySource:
    try:
        return source_list_with_today().get(pk=pk)
    except SurveySource.DoesNotExist:
        raise Http404(_("No such survey source.")) from None


def vendor_of(source: SurveySource) -> Vendor | None:
    """The source's tool; None when its module is gone (the pages still show and delete the source)."""
    vendors()
    return REGISTRY.get(source.vendor)


def vendor_label(slug: str) -> str:
    vendors()
    vendor = REGISTRY.get(slug)
    return str(vendor.label) if vendor else slug


def remember_secret(request: HttpRequest, source: SurveySource) -> None:
    secrets = request.session.get(NEW_SECRET_SESSION_KEY) or {}
    secrets[str(source.pk)] = source.secret
    request.session[NEW_SECRET_SESSION_KEY] = secrets


def pop_secret(request: HttpRequest, source: SurveySource) -> str | None:
    secrets = request.session.get(NEW_SECRET_SESSION_KEY)
    if not secrets or str(source.pk) not in secrets:
        return None
    secret = secrets.pop(str(source.pk))
    request.session[NEW_SECRET_SESSION_KEY] = secrets
    return secret


def pretty_json(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body
