"""A small map the survey tools' fixtures name (journey report-a-claim, touchpoint claim-by-phone, channel phone),
sources mapped onto it, and signed deliveries as the tools send them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone

from journeys.models import Channel, Journey, Touchpoint
from metrics.connectors.services import source_create
from metrics.models import SurveySource
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import ChannelFactory, JourneyFactory, StageFactory, TouchpointFactory
from tests.metrics.connectors.conftest import load_payload

# The Typeform fixture's questions and hidden fields (payloads/typeform_form_response.json).
TYPEFORM_MAPPING: dict[str, Any] = {
    "metrics": {"nps": "nps"},
    "journey": {"from": "hidden", "key": "journey"},
    "touchpoint": {"from": "hidden", "key": "touchpoint"},
    "channel": {"from": "hidden", "key": "channel"},
    "respondent": {"from": "hidden", "key": "customer"},
    "comment": {"from": "answer", "key": "comment"},
}


@dataclass
class ClaimsMap:
    journey: Journey
    touchpoint: Touchpoint  # claim-by-phone, owned by a process owner
    other_touchpoint: Touchpoint  # claim-online
    phone: Channel


def make_claims_map() -> ClaimsMap:
    owner = UserFactory(username="claims-owner", role="process_owner")
    journey = JourneyFactory(name="Report a claim", key="report-a-claim")
    stage = StageFactory(journey=journey)
    phone = ChannelFactory(slug="phone")
    web = ChannelFactory(slug="web")
    return ClaimsMap(
        journey=journey,
        touchpoint=TouchpointFactory(
            stage=stage, name="Claim by phone", key="claim-by-phone", owner=owner, channel=phone
        ),
        other_touchpoint=TouchpointFactory(stage=stage, name="Claim online", key="claim-online", channel=web),
        phone=phone,
    )


def make_source(vendor: str = "typeform", *, mapping: dict[str, Any] | None = None, **values: Any) -> SurveySource:
    return source_create(
        name=values.pop("name", f"{vendor} survey"),
        vendor=vendor,
        created_by=values.pop("created_by", None),
        mapping=TYPEFORM_MAPPING if mapping is None and vendor == "typeform" else mapping,
        **values,
    )


def typeform_signature(secret: str, body: bytes) -> str:
    """As Typeform documents it: sha256= + base64 of HMAC-SHA256 of the raw body with the secret."""
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def typeform_body(
    *,
    token: str | None = None,
    score: int | None = None,
    hidden: dict[str, str] | None = None,
    submitted_at: datetime | None = None,
) -> bytes:
    """The documented Typeform payload, with its response token, NPS answer, hidden fields or moment changed."""
    payload = load_payload("typeform_form_response.json")
    response = payload["form_response"]
    if token is not None:
        response["token"] = token
    if score is not None:
        response["answers"][0]["number"] = score
    if hidden is not None:
        response["hidden"].update(hidden)
    if submitted_at is not None:
        response["submitted_at"] = submitted_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(payload).encode()


def recently(days: int = 1) -> datetime:
    return (timezone.now() - timedelta(days=days)).replace(microsecond=0)


def post_typeform(client, source: SurveySource, body: bytes, *, secret: str | None = None, **extra: Any):
    signature = typeform_signature(source.secret if secret is None else secret, body)
    return client.post(
        source.hook_path, body, content_type="application/json", HTTP_TYPEFORM_SIGNATURE=signature, **extra
    )
