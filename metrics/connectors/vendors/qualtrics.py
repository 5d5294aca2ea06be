"""Qualtrics: event subscriptions (https://api.qualtrics.com/ "Create Subscription", "Listen to and retrieve
responses in real time"), and the Web Service task of a workflow.

Event subscription (the documented, recommended way). Created with
`POST /API/v3/eventsubscriptions {"topics": "surveyengine.completedResponse.<SurveyID>", "publicationUrl": <our
endpoint>, "encrypt": false, "sharedKey": <our secret>}`. Qualtrics then POSTs x-www-form-urlencoded data (not JSON,
as its documentation stresses) with three fields: `Topic` (`<BrandID>.surveyengine.completedResponse.<SurveyID>`),
`MSG` (a JSON text: `{"Status": "Complete", "SurveyID", "ResponseID", "CompletedDate": "2019-06-26 13:28:11",
"BrandID"}`) and, because a sharedKey is set, `HMAC`: the hex HMAC-SHA512 of the MSG text with the sharedKey (as
verified by SAP's Kyma Qualtrics gateway, kyma-incubator/connector-tools qualtrics-event-gw/pkg/hmac/hmac.go). The
notification names ids only: fetch() calls the Response API back,
`GET https://{datacenter}.qualtrics.com/API/v3/surveys/{SurveyID}/responses/{ResponseID}` with `X-API-TOKEN`.
`encrypt: true` (MSG encrypted with the sharedKey) is not supported: Qualtrics does not document the cipher.

Web Service task (no call back). A workflow "Survey response" event with a Web Service task may POST JSON with the
response piped in; Qualtrics cannot sign such a body, so it must carry the source's secret in an
`X-Webhook-Secret` header (a custom header of the task). Body: `{"ResponseID": "${e://Field/ResponseID}",
"SurveyID": "${e://Field/SurveyID}", "RecordedDate": "${e://Field/RecordedDate}", "values": {"QID1":
"${q://QID1/SelectedChoicesRecode}", ...}, "embeddedData": {"touchpoint": "${e://Field/touchpoint}", ...}}`;
without a "values" object every other top-level key is an answer.

Answers are keyed by the QID keys of the response (`QID1`, `QID2_TEXT`, `QID3_1`); embedded data (every other
non-system key) are hidden fields; the system fields (dates, progress, ip, channel, language...) are metadata.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import (
    Answer,
    ConfigField,
    FetchFailed,
    Ignored,
    PayloadInvalid,
    SignatureInvalid,
    Submission,
    Vendor,
    api_base,
    as_object,
    config_text,
    header,
    parse_timestamp,
    request_json,
    require_object,
    text,
)

QUESTION_KEY = re.compile(r"^QID\d+")
SYSTEM_KEYS = frozenset(
    {
        "startDate",
        "endDate",
        "status",
        "ipAddress",
        "progress",
        "duration",
        "finished",
        "recordedDate",
        "_recordId",
        "responseId",
        "recipientLastName",
        "recipientFirstName",
        "recipientEmail",
        "externalDataReference",
        "locationLatitude",
        "locationLongitude",
        "distributionChannel",
        "userLanguage",
    }
)
WEB_SERVICE_SECRET_HEADER = "X-Webhook-Secret"  # noqa: S105 (a header name, not a secret)
DATACENTER = re.compile(r"^[a-z0-9]{2,12}$")


def hmac_sha512_hex(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), "sha512").hexdigest()


def is_web_service(body_or_payload: Any) -> bool:
    """A Web Service task's JSON (full answers) rather than an event subscription's notification (ids)."""
    if isinstance(body_or_payload, bytes):
        return body_or_payload.lstrip().startswith(b"{")
    return isinstance(body_or_payload, dict) and "Topic" not in body_or_payload and "MSG" not in body_or_payload


def split_values(values: Mapping[str, Any]) -> tuple[dict[str, Answer], dict[str, str], dict[str, Any]]:
    """Qualtrics response values into answers (QID keys, display-order keys left out), hidden fields (embedded
    data) and metadata (system fields)."""
    answers: dict[str, Answer] = {}
    hidden: dict[str, str] = {}
    meta: dict[str, Any] = {}
    for key, value in values.items():
        key = text(key)
        if QUESTION_KEY.match(key):
            if not key.endswith("_DO"):
                answers[key] = Answer(ref=key, value=value)
        elif key in SYSTEM_KEYS:
            meta[key] = value
        else:
            hidden[key] = text(value)
    return answers, hidden, meta


class Qualtrics(Vendor):
    slug = "qualtrics"
    label = "Qualtrics"
    docs_url = "https://api.qualtrics.com/"
    fetches = True
    setup_help = gettext_lazy(
        "Qualtrics event subscription (recommended): as a Brand Administrator, create a subscription with the "
        "API: POST https://<datacenter>.qualtrics.com/API/v3/eventsubscriptions with "
        '{"topics": "surveyengine.completedResponse.<SurveyID>", "publicationUrl": "<endpoint URL>", '
        '"encrypt": false, "sharedKey": "<signing secret>"}. Qualtrics then signs each notification with an '
        "HMAC-SHA512 of its message, and this source fetches the answers with the API token below. "
        "Alternatively, a workflow's Web Service task may POST the response as JSON to the endpoint URL with a "
        "custom header X-Webhook-Secret holding the signing secret."
    )
    config_fields = (
        ConfigField(
            name="datacenter",
            label=gettext_lazy("Data center"),
            help_text=gettext_lazy(
                "Your Qualtrics data center id (Account settings > Qualtrics IDs), e.g. fra1 or iad1."
            ),
            required=False,
        ),
        ConfigField(
            name="api_token",
            label=gettext_lazy("API token"),
            help_text=gettext_lazy("A Qualtrics API token allowed to read the survey's responses."),
            required=False,
            secret=True,
        ),
        ConfigField(
            name="api_base_url",
            label=gettext_lazy("API address (optional)"),
            help_text=gettext_lazy(
                "Only for a brand on its own domain: https://<brand>.<datacenter>.qualtrics.com. Leave empty to use "
                "the data center."
            ),
            required=False,
        ),
    )

    def new_secret(self) -> str:
        return secrets.token_urlsafe(32)

    def decode(self, body: bytes, *, headers: Mapping[str, str]) -> Any:
        """An event subscription's form (Topic, MSG, HMAC) into `{"Topic", **MSG}`, or a Web Service task's JSON.
        A pasted sample may be either form or JSON (the MSG object with its Topic)."""
        if is_web_service(body):
            return super().decode(body, headers=headers)
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError as exc:
            raise PayloadInvalid(_("The body is not UTF-8 text.")) from exc
        message = (form.get("MSG") or [""])[0]
        if not message:
            raise PayloadInvalid(_("The Qualtrics notification has no MSG field."))
        try:
            decoded = json.loads(message)
        except json.JSONDecodeError as exc:
            raise PayloadInvalid(_("The Qualtrics MSG field is not JSON: %(error)s") % {"error": exc.msg}) from exc
        if not isinstance(decoded, dict):
            raise PayloadInvalid(_("The Qualtrics MSG field is not a JSON object."))
        return {"Topic": (form.get("Topic") or [""])[0], **decoded}

    def verify(self, *, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        if is_web_service(body):
            sent = header(headers, WEB_SERVICE_SECRET_HEADER)
            if not sent:
                raise SignatureInvalid(_("The X-Webhook-Secret header is missing."))
            if not hmac.compare_digest(sent.encode(), secret.encode()):
                raise SignatureInvalid(_("The X-Webhook-Secret header does not hold this source's secret."))
            return
        try:
            form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError as exc:
            raise SignatureInvalid(_("The body is not a form.")) from exc
        message = (form.get("MSG") or [""])[0]
        sent = (form.get("HMAC") or [""])[0].strip().lower()
        if not sent:
            raise SignatureInvalid(
                _("The Qualtrics notification has no HMAC field: create the subscription with a sharedKey.")
            )
        if not hmac.compare_digest(sent.encode(), hmac_sha512_hex(secret, message).encode()):
            raise SignatureInvalid(_("The Qualtrics HMAC does not match the message and the shared key."))

    def needs_fetch(self, payload: Any) -> bool:
        return not is_web_service(payload)

    def parse(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        payload = require_object(payload, "payload")
        if is_web_service(payload):
            return [self._parse_web_service(payload)]
        topic = text(payload.get("Topic"))
        if topic and ".completedResponse." not in f".{topic}":
            raise Ignored(_("Qualtrics event %(topic)s is not a completed response.") % {"topic": topic})
        status = text(payload.get("Status"))
        if status and status != "Complete":
            raise Ignored(_("Qualtrics response status %(status)s is not Complete.") % {"status": status})
        response_id = text(payload.get("ResponseID"))
        survey_id = text(payload.get("SurveyID"))
        if not response_id:
            raise PayloadInvalid(_("ResponseID is missing."))
        if not survey_id:
            raise PayloadInvalid(_("SurveyID is missing."))
        return [
            Submission(
                external_id=response_id,
                # "2019-06-26 13:28:11": Qualtrics gives no zone here; left naive. fetch() gives recordedDate (UTC).
                responded_at=parse_timestamp(payload.get("CompletedDate"), "CompletedDate"),
                meta={"Topic": topic, "BrandID": text(payload.get("BrandID"))},
                survey_id=survey_id,
            )
        ]

    def _parse_web_service(self, payload: dict[str, Any]) -> Submission:
        response_id = text(payload.get("ResponseID") or payload.get("responseId"))
        if not response_id:
            raise PayloadInvalid(_("ResponseID is missing."))
        survey_id = text(payload.get("SurveyID") or payload.get("surveyId"))
        meta: dict[str, Any] = {}
        if isinstance(payload.get("values"), dict):
            answers, hidden, meta = split_values(payload["values"])
        else:
            answers = {
                text(key): Answer(ref=text(key), value=value)
                for key, value in payload.items()
                if key
                not in {"ResponseID", "responseId", "SurveyID", "surveyId", "RecordedDate", "embeddedData", "labels"}
            }
            hidden = {}
        embedded = payload.get("embeddedData")
        if embedded is not None:
            hidden.update({text(k): text(v) for k, v in require_object(embedded, "embeddedData").items()})
        when_key = "RecordedDate" if payload.get("RecordedDate") else "values.recordedDate"
        when = payload.get("RecordedDate") or meta.get("recordedDate") or meta.get("endDate")
        return Submission(
            external_id=response_id,
            responded_at=parse_timestamp(when, when_key),
            answers=answers,
            hidden=hidden,
            meta=meta,
            survey_id=survey_id,
        )

    def fetch(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        if not self.needs_fetch(payload):
            return self.parse(payload, config=config)
        [notified] = self.parse(payload, config=config)
        token = config_text(config, "api_token")
        if not token:
            raise FetchFailed(_("This Qualtrics source has no API token to fetch the answers with."), retryable=False)
        datacenter = config_text(config, "datacenter")
        if not config_text(config, "api_base_url") and not DATACENTER.match(datacenter):
            raise FetchFailed(
                _("This Qualtrics source has no valid data center (e.g. fra1) to fetch the answers from."),
                retryable=False,
            )
        base = api_base(config, f"https://{datacenter}.qualtrics.com")
        url = (
            f"{base}/API/v3/surveys/{quote(notified.survey_id, safe='')}/responses/"
            f"{quote(notified.external_id, safe='')}"
        )
        answer = request_json("GET", url, tool=self.label, headers={"X-API-TOKEN": token, "Accept": "application/json"})
        result = answer.get("result") if isinstance(answer, dict) else None
        if not isinstance(result, dict) or not isinstance(result.get("values"), dict):
            raise FetchFailed(_("The Qualtrics Response API answered without result.values."), retryable=False)
        values = result["values"]
        if values.get("finished") in (0, False, "0", "false"):
            raise Ignored(_("The Qualtrics response is not finished."))
        answers, hidden, meta = split_values(values)
        labels = as_object(result.get("labels"))
        if labels:
            meta["labels"] = {key: labels[key] for key in answers if key in labels}
        meta.update(notified.meta)
        responded_at = parse_timestamp(values.get("recordedDate"), "result.values.recordedDate", naive_zone=UTC)
        if responded_at is None:
            responded_at = parse_timestamp(values.get("endDate"), "result.values.endDate", naive_zone=UTC)
        return [
            Submission(
                external_id=notified.external_id,
                responded_at=responded_at or notified.responded_at,
                answers=answers,
                hidden=hidden,
                meta=meta,
                survey_id=notified.survey_id,
            )
        ]


register(Qualtrics())
