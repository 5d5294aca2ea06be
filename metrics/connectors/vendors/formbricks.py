"""Formbricks: webhooks (https://formbricks.com/docs/xm-and-surveys/core-features/integrations/webhooks), signed as
Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature "v1,<base64>"). Formbricks generates the whsec_
secret when the webhook is created and shows it: the user pastes it here (`secret_from_tool`).

Before it saves a webhook, Formbricks' "Test endpoint" button POSTs `{"event": "testEndpoint"}` WITHOUT a signature
(the webhook and its secret do not exist yet) and refuses to save unless the answer is 2xx: verify() lets exactly
that body through unsigned, and parse() ignores it (nothing is stored).

The body is what Formbricks' pipeline posts (apps/web/app/api/(internal)/pipeline/route.ts):
`{"webhookId", "event": "responseCreated" | "responseUpdated" | "responseFinished", "data": <the response>}`, the
response shaped as packages/types/responses.ts ZResponse: `{id, createdAt, updatedAt, surveyId, displayId, contact,
contactAttributes, finished, endingId, data: {<questionId>: value, <hiddenFieldId>: value}, variables, ttc, notes,
tags, meta: {source, url, userAgent: {browser, os, device}, country, action}, singleUseId, language}` and, in newer
versions, `survey: {title, type, status, createdAt, updatedAt}`. The documentation's examples wrap that object in a
list: a list of them is read too.

Formbricks sends no question types and puts hidden fields beside the answers in `data.data`, so the payload alone
cannot tell them apart. The choice: every key of `data.data` is an Answer (ref = the question or hidden-field id),
and the keys the source's config lists as hidden fields (`hidden_fields`) are ALSO in Submission.hidden, as are the
query parameters of `meta.url` (the page the survey ran on). The mapping may take a journey or touchpoint from
either. Only finished responses are ingested: a response still being filled in (`finished: false`, typically
responseCreated / responseUpdated) is Ignored; a finished one that arrives under two events deduplicates on its id.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import (
    Answer,
    ConfigField,
    Ignored,
    PayloadInvalid,
    Submission,
    Vendor,
    as_object,
    config_list,
    header,
    new_standard_webhooks_secret,
    parse_timestamp,
    require_object,
    standard_webhooks_verify,
    text,
)

RESPONSE_EVENTS = ("responseCreated", "responseUpdated", "responseFinished")
TEST_PING = {"event": "testEndpoint"}


class Formbricks(Vendor):
    slug = "formbricks"
    label = "Formbricks"
    docs_url = "https://formbricks.com/docs/xm-and-surveys/core-features/integrations/webhooks"
    secret_from_tool = True
    secret_label = gettext_lazy("Signing secret")
    secret_help = gettext_lazy(
        "The signing secret (whsec_...) Formbricks shows when the webhook is created (also in the webhook's settings)."
    )
    setup_help = gettext_lazy(
        "In Formbricks, open Configuration > Integrations > Webhooks > Add webhook (self-hosted or cloud alike). "
        "Paste the endpoint URL, test it, choose the trigger 'Response finished' and the surveys, and save. "
        "Copy the signing secret (whsec_...) Formbricks then shows into this source: Formbricks signs each "
        "delivery the Standard Webhooks way. List the survey's hidden field ids below so that they are read as "
        "hidden fields."
    )
    config_fields = (
        ConfigField(
            name="hidden_fields",
            label=gettext_lazy("Hidden field ids"),
            help_text=gettext_lazy(
                "The ids of the survey's hidden fields, separated by commas (e.g. journey, touchpoint, "
                "customer). Formbricks sends them beside the answers; these are read as hidden fields."
            ),
            required=False,
        ),
    )

    def new_secret(self) -> str:
        return new_standard_webhooks_secret()

    def verify(self, *, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        if not header(headers, "webhook-signature") and is_test_ping(body):
            return  # Formbricks' unsigned "Test endpoint" request: answered 2xx, ignored, nothing stored
        standard_webhooks_verify(secret, headers, body, now=now, tool=self.label)

    def parse(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        if isinstance(payload, list):  # the documentation's examples: a list of deliveries
            submissions: list[Submission] = []
            for item in payload:
                with contextlib.suppress(Ignored):
                    submissions.extend(self._parse_one(item, config))
            if not submissions:
                raise Ignored(_("No finished Formbricks response in the list."))
            return submissions
        return self._parse_one(payload, config)

    def _parse_one(self, payload: Any, config: Mapping[str, Any]) -> list[Submission]:
        payload = require_object(payload, "payload")
        event = payload.get("event")
        if event not in RESPONSE_EVENTS:
            raise Ignored(_("Formbricks event %(event)s carries no response.") % {"event": text(event) or "-"})
        response = require_object(payload.get("data"), "data")
        if response.get("finished") is not True:
            raise Ignored(
                _("Formbricks %(event)s of a response that is not finished yet: only finished ones are stored.")
                % {"event": event}
            )
        response_id = text(response.get("id"))
        if not response_id:
            raise PayloadInvalid(_("data.id is missing."))
        values = response.get("data")
        if not isinstance(values, dict):
            raise PayloadInvalid(_("data.data is missing or not an object."))
        answers = {text(key): Answer(ref=text(key), value=value) for key, value in values.items()}
        meta_raw = as_object(response.get("meta"))
        hidden: dict[str, str] = {}
        url = text(meta_raw.get("url"))
        if url:
            hidden.update({key: value for key, value in parse_qsl(urlsplit(url).query)})
        for key in config_list(config, "hidden_fields"):
            if key in values:
                hidden[key] = text(values[key])
        meta: dict[str, Any] = {key: value for key, value in meta_raw.items() if value not in (None, "")}
        contact = as_object(response.get("contact"))
        if contact.get("userId"):
            meta["userId"] = text(contact["userId"])
        for key in ("contactAttributes", "variables", "language", "singleUseId", "endingId", "displayId"):
            if response.get(key) not in (None, "", {}, []):
                meta[key] = response[key]
        tags = [text(tag.get("name")) for tag in response.get("tags") or [] if isinstance(tag, dict)]
        if tags:
            meta["tags"] = tags
        survey = as_object(response.get("survey"))
        if survey.get("title"):
            meta["survey"] = text(survey["title"])
        meta["webhookId"] = text(payload.get("webhookId"))
        meta["event"] = event
        # JSON of a JS Date: "2026-03-02T09:14:02.123Z", always UTC; the update time is when it was finished.
        responded_at = parse_timestamp(response.get("updatedAt"), "data.updatedAt") or parse_timestamp(
            response.get("createdAt"), "data.createdAt"
        )
        return [
            Submission(
                external_id=response_id,
                responded_at=responded_at,
                answers=answers,
                hidden=hidden,
                meta=meta,
                survey_id=text(response.get("surveyId")),
            )
        ]


def is_test_ping(body: bytes) -> bool:
    try:
        return bool(json.loads(body) == TEST_PING)
    except (ValueError, UnicodeDecodeError):
        return False


register(Formbricks())
