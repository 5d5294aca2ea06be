"""Typeform: webhooks with a secret (https://www.typeform.com/developers/webhooks/secure-your-webhooks/).

Typeform signs the raw body: `Typeform-Signature: sha256=<base64(HMAC-SHA256(secret, body))>`. The payload is
`{"event_id", "event_type": "form_response", "form_response": {...}}` (example payload:
https://www.typeform.com/developers/webhooks/example-payload/): each answer carries its value under the key its
`type` names ("number", "text", "choice", ...) and `field: {id, type, ref}`; the mapping keys on `field.ref`
(stable, editable in the form), never on the field type, which many questions share.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import (
    Answer,
    Ignored,
    PayloadInvalid,
    SignatureInvalid,
    Submission,
    Vendor,
    as_object,
    header,
    hmac_base64,
    parse_timestamp,
    require_object,
    text,
)

SIGNATURE_HEADER = "Typeform-Signature"


def answer_value(answer: Mapping[str, Any]) -> Any:
    """The value of one Typeform answer, by its `type`: a number, a text, a choice's label, a list of labels."""
    kind = answer.get("type")
    if kind == "choice":
        choice = answer.get("choice") or {}
        return choice.get("label") if choice.get("label") is not None else choice.get("other")
    if kind == "choices":
        choices = answer.get("choices") or {}
        labels = list(choices.get("labels") or [])
        if choices.get("other"):
            labels.append(choices["other"])
        return labels
    if kind == "payment":
        return answer.get("payment")
    if isinstance(kind, str) and kind in answer:
        return answer[kind]
    return None


class Typeform(Vendor):
    slug = "typeform"
    label = "Typeform"
    docs_url = "https://www.typeform.com/developers/webhooks/secure-your-webhooks/"
    setup_help = gettext_lazy(
        "In Typeform, open the form, then Connect > Webhooks > Add a webhook: paste the endpoint URL. In the "
        "webhook's Edit > Secret, paste the signing secret and save. Typeform then signs every delivery with a "
        "Typeform-Signature header. Give the questions you map a readable reference (Question settings > "
        "Reference): the mapping uses that reference."
    )

    def new_secret(self) -> str:
        return secrets.token_urlsafe(32)

    def verify(self, *, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        sent = header(headers, SIGNATURE_HEADER)
        if not sent:
            raise SignatureInvalid(_("The Typeform-Signature header is missing."))
        if not sent.startswith("sha256="):
            raise SignatureInvalid(_("The Typeform-Signature header does not start with sha256=."))
        expected = "sha256=" + hmac_base64(secret, body)
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            raise SignatureInvalid(_("The Typeform-Signature does not match the body and the secret."))

    def parse(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        payload = require_object(payload, "payload")
        event_type = payload.get("event_type")
        if event_type != "form_response":
            raise Ignored(_("Typeform event %(event)s carries no finished response.") % {"event": event_type})
        response = require_object(payload.get("form_response"), "form_response")
        token = text(response.get("token"))
        if not token:
            raise PayloadInvalid(_("form_response.token is missing."))
        definition = as_object(response.get("definition"))
        titles: dict[str, str] = {}
        for definition_field in definition.get("fields") or []:
            if isinstance(definition_field, dict):
                title = text(definition_field.get("title"))
                for key in ("ref", "id"):
                    if definition_field.get(key):
                        titles.setdefault(text(definition_field[key]), title)
        answers: dict[str, Answer] = {}
        raw_answers = response.get("answers") or []
        if not isinstance(raw_answers, list):
            raise PayloadInvalid(_("form_response.answers is not a list."))
        for index, raw in enumerate(raw_answers):
            if not isinstance(raw, dict):
                raise PayloadInvalid(_("form_response.answers[%(index)s] is not an object.") % {"index": index})
            answer_field = as_object(raw.get("field"))
            ref = text(answer_field.get("ref")) or text(answer_field.get("id"))
            if not ref:
                raise PayloadInvalid(
                    _("form_response.answers[%(index)s].field has neither a ref nor an id.") % {"index": index}
                )
            label = titles.get(ref) or titles.get(text(answer_field.get("id")), "")
            answers[ref] = Answer(ref=ref, value=answer_value(raw), label=label, kind=text(raw.get("type")))
        hidden_raw = as_object(response.get("hidden"))
        meta: dict[str, Any] = {"event_id": text(payload.get("event_id"))}
        for key in ("landed_at", "variables", "calculated", "ending"):
            if response.get(key) not in (None, "", [], {}):
                meta[key] = response[key]
        return [
            Submission(
                external_id=token,
                # Typeform writes UTC ("2018-01-18T18:17:02Z"); one without a zone is UTC too.
                responded_at=parse_timestamp(
                    response.get("submitted_at"), "form_response.submitted_at", naive_zone=UTC
                ),
                answers=answers,
                hidden={text(k): text(v) for k, v in hidden_raw.items()},
                meta=meta,
                survey_id=text(response.get("form_id")),
            )
        ]


register(Typeform())
