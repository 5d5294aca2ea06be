"""Any other tool: a JSON object (or a list of them) signed as Standard Webhooks (https://www.standardwebhooks.com/:
webhook-id, webhook-timestamp within 5 minutes, webhook-signature "v1,<base64>", a whsec_ secret), which Svix,
Zapier/Make/n8n code steps and most webhook libraries can send.

Reading: answers are every top-level key (a nested "answers" object's keys too, the nested ones winning),
hidden fields are a nested "hidden" object, metadata a nested "meta" or "metadata" object. The response id comes
from "id", "response_id" or "external_id"; the time from "responded_at", "submitted_at" or "created_at" (ISO 8601,
with or without a zone, or a Unix time). Without an id, the webhook-id cannot serve: a retry must name its response.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import (
    Answer,
    PayloadInvalid,
    Submission,
    Vendor,
    new_standard_webhooks_secret,
    parse_timestamp,
    require_object,
    standard_webhooks_verify,
    text,
)

ID_KEYS = ("id", "response_id", "external_id")
TIME_KEYS = ("responded_at", "submitted_at", "created_at")
NESTED_KEYS = frozenset({"answers", "hidden", "meta", "metadata"})
MAX_ITEMS = 1000  # responses in one delivery


class Generic(Vendor):
    slug = "generic"
    label = gettext_lazy("Other tool (JSON, Standard Webhooks)")
    docs_url = "https://www.standardwebhooks.com/"
    setup_help = gettext_lazy(
        "POST a JSON object (or a list of objects) to the endpoint URL, signed as Standard Webhooks with the "
        "signing secret: headers webhook-id, webhook-timestamp (Unix seconds) and webhook-signature "
        "(v1,<base64 HMAC-SHA256 of id.timestamp.body>). Give each response an id (id, response_id or "
        "external_id) and a time (responded_at, submitted_at or created_at); answers are the other keys or an "
        "'answers' object, hidden fields a 'hidden' object, metadata a 'meta' object."
    )

    def new_secret(self) -> str:
        return new_standard_webhooks_secret()

    def verify(self, *, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        standard_webhooks_verify(secret, headers, body, now=now, tool="JSON")

    def parse(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        if isinstance(payload, list):
            if not payload:
                raise PayloadInvalid(_("The list holds no responses."))
            if len(payload) > MAX_ITEMS:
                raise PayloadInvalid(_("At most %(count)s responses per delivery.") % {"count": MAX_ITEMS})
            return [self._parse_one(item, f"[{index}]") for index, item in enumerate(payload)]
        return [self._parse_one(payload, "")]

    def _parse_one(self, item: Any, where: str) -> Submission:
        item = require_object(item, where or "payload")
        external_id = next((text(item[key]) for key in ID_KEYS if text(item.get(key)).strip()), "")
        if not external_id:
            raise PayloadInvalid(
                _("%(where)sid (or response_id, external_id) is missing: the response id deduplicates retries.")
                % {"where": f"{where}." if where else ""}
            )
        time_key = next((key for key in TIME_KEYS if item.get(key) not in (None, "")), None)
        responded_at = (
            parse_timestamp(item[time_key], f"{where}.{time_key}" if where else time_key) if time_key else None
        )
        answers = {
            text(key): Answer(ref=text(key), value=value)
            for key, value in item.items()
            if key not in NESTED_KEYS and key not in ID_KEYS and key not in TIME_KEYS
        }
        if "answers" in item:
            nested = require_object(item["answers"], f"{where}.answers" if where else "answers")
            answers.update({text(key): Answer(ref=text(key), value=value) for key, value in nested.items()})
        hidden: dict[str, str] = {}
        if "hidden" in item:
            nested = require_object(item["hidden"], f"{where}.hidden" if where else "hidden")
            hidden = {text(key): text(value) for key, value in nested.items()}
        meta: dict[str, Any] = {}
        for key in ("meta", "metadata"):
            if key in item:
                meta.update(require_object(item[key], f"{where}.{key}" if where else key))
        survey_id = text(meta.get("survey_id") or item.get("survey_id") or "")
        return Submission(
            external_id=external_id,
            responded_at=responded_at,
            answers=answers,
            hidden=hidden,
            meta=meta,
            survey_id=survey_id,
        )


register(Generic())
