"""SurveyMonkey: webhooks (https://api.surveymonkey.com/v3/docs#webhooks), created with the API
(`POST /v3/webhooks {"name", "event_type": "response_completed", "object_type": "survey", "object_ids": [...],
"subscription_url": <our endpoint>}`; SurveyMonkey first sends a HEAD request to the URL and needs a 200).

Each event is `{"name", "filter_type", "filter_id", "event_type": "response_completed", "event_id", "object_type":
"response", "object_id", "event_datetime", "resources": {"respondent_id", "recipient_id", "collector_id",
"survey_id", "user_id"}}` with headers `Sm-Apikey` (the app's client id) and `Sm-Signature`: base64 of the
HMAC-SHA1 of the raw body keyed with "<api key>&<api secret>" of the SurveyMonkey app. SurveyMonkey generates that
key, so a source of this tool takes it from the user (`secret_from_tool`) instead of making one.

The event names ids only: fetch() calls `GET /v3/surveys/{survey_id}/responses/{object_id}/details` and
`GET /v3/surveys/{survey_id}/details` (for the question headings and the choices' texts) with the bearer token.
Answers are keyed by question id (a matrix row as "<question id>_<row id>"); a choice answer's value is the choice's
text, as a number when it is one ("9" of an NPS question is 9); custom variables (URL parameters of the collector
link) are hidden fields.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

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

SIGNATURE_HEADER = "Sm-Signature"
DEFAULT_API = "https://api.surveymonkey.com"


def surveymonkey_signature(key: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha1).digest()).decode()


def as_number(value: str) -> Any:
    """A choice text that is a number ("9", "4.5") as that number, else the text."""
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


class SurveyMonkey(Vendor):
    slug = "surveymonkey"
    label = "SurveyMonkey"
    docs_url = "https://api.surveymonkey.com/v3/docs#webhooks"
    fetches = True
    secret_from_tool = True
    secret_label = gettext_lazy("API key and secret")
    secret_help = gettext_lazy(
        "Your SurveyMonkey app's API key (Client ID) and secret (Settings of the app in the developer portal), "
        "joined with &: <api key>&<secret>. SurveyMonkey signs each event with them."
    )
    setup_help = gettext_lazy(
        "Create the webhook with the SurveyMonkey API: POST https://api.surveymonkey.com/v3/webhooks with "
        '{"name": "CX Platform", "event_type": "response_completed", "object_type": "survey", '
        '"object_ids": ["<survey id>"], "subscription_url": "<endpoint URL>"}. Fill in the app\'s API key and '
        "secret so that the signatures verify, and an access token so that the answers can be fetched."
    )
    config_fields = (
        ConfigField(
            name="access_token",
            label=gettext_lazy("Access token"),
            help_text=gettext_lazy("A SurveyMonkey access token with the 'View responses details' scope."),
            secret=True,
        ),
        ConfigField(
            name="api_base_url",
            label=gettext_lazy("API address (optional)"),
            help_text=gettext_lazy("https://api.eu.surveymonkey.com for an account in the EU data center."),
            required=False,
        ),
    )

    def new_secret(self) -> str:
        return ""  # SurveyMonkey makes the key: the user pastes "<api key>&<secret>"

    def verify(self, *, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        sent = header(headers, SIGNATURE_HEADER)
        if not sent:
            raise SignatureInvalid(_("The Sm-Signature header is missing."))
        if not secret:
            raise SignatureInvalid(_("This SurveyMonkey source has no API key and secret to verify with."))
        api_key = secret.split("&", 1)[0]
        sent_key = header(headers, "Sm-Apikey")
        if sent_key and not hmac.compare_digest(sent_key.encode(), api_key.encode()):
            raise SignatureInvalid(_("The Sm-Apikey header names another SurveyMonkey app."))
        if not hmac.compare_digest(sent.encode(), surveymonkey_signature(secret, body).encode()):
            raise SignatureInvalid(_("The Sm-Signature does not match the body and the app's key and secret."))

    def parse(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        payload = require_object(payload, "payload")
        event_type = text(payload.get("event_type"))
        if event_type != "response_completed":
            raise Ignored(_("SurveyMonkey event %(event)s is not a completed response.") % {"event": event_type or "-"})
        resources = require_object(payload.get("resources"), "resources")
        response_id = text(payload.get("object_id"))
        survey_id = text(resources.get("survey_id"))
        if not response_id:
            raise PayloadInvalid(_("object_id is missing."))
        if not survey_id:
            raise PayloadInvalid(_("resources.survey_id is missing."))
        return [
            Submission(
                external_id=response_id,
                responded_at=parse_timestamp(payload.get("event_datetime"), "event_datetime"),
                meta={
                    "event_id": text(payload.get("event_id")),
                    "collector_id": text(resources.get("collector_id")),
                    "recipient_id": text(resources.get("recipient_id")),
                },
                survey_id=survey_id,
            )
        ]

    def fetch(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        [notified] = self.parse(payload, config=config)
        token = config_text(config, "access_token")
        if not token:
            raise FetchFailed(
                _("This SurveyMonkey source has no access token to fetch the answers with."), retryable=False
            )
        base = api_base(config, DEFAULT_API)
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        survey = quote(notified.survey_id, safe="")
        response = request_json(
            "GET",
            f"{base}/v3/surveys/{survey}/responses/{quote(notified.external_id, safe='')}/details",
            tool=self.label,
            headers=headers,
        )
        details = request_json("GET", f"{base}/v3/surveys/{survey}/details", tool=self.label, headers=headers)
        if not isinstance(response, dict) or not isinstance(response.get("pages"), list):
            raise FetchFailed(_("SurveyMonkey answered the response details without pages."), retryable=False)
        if text(response.get("response_status")) not in ("", "completed"):
            raise Ignored(
                _("The SurveyMonkey response is %(status)s, not completed.")
                % {"status": text(response.get("response_status"))}
            )
        questions = self._questions(details)
        answers: dict[str, Answer] = {}
        for page in response["pages"]:
            for question in as_object(page).get("questions") or []:
                self._read_question(question, questions, answers)
        custom = as_object(response.get("custom_variables"))
        meta = dict(notified.meta)
        for key in ("collection_mode", "ip_address", "total_time", "email_address", "custom_value", "metadata"):
            if response.get(key) not in (None, "", {}, []):
                meta[key] = response[key]
        responded_at = parse_timestamp(response.get("date_modified"), "date_modified") or notified.responded_at
        return [
            Submission(
                external_id=text(response.get("id")) or notified.external_id,
                responded_at=responded_at,
                answers=answers,
                hidden={text(key): text(value) for key, value in custom.items()},
                meta=meta,
                survey_id=notified.survey_id,
            )
        ]

    @staticmethod
    def _questions(details: Any) -> dict[str, dict[str, Any]]:
        """Question id -> {heading, choices: {id: text}, rows: {id: text}} from the survey details."""
        questions: dict[str, dict[str, Any]] = {}
        if not isinstance(details, dict):
            return questions
        for page in details.get("pages") or []:
            for question in as_object(page).get("questions") or []:
                if not isinstance(question, dict):
                    continue
                headings = question.get("headings") or [{}]
                options = as_object(question.get("answers"))
                questions[text(question.get("id"))] = {
                    "heading": text(headings[0].get("heading")) if isinstance(headings[0], dict) else "",
                    "family": text(question.get("family")),
                    "choices": {text(c.get("id")): text(c.get("text")) for c in options.get("choices") or []},
                    "rows": {text(r.get("id")): text(r.get("text")) for r in options.get("rows") or []},
                    "other": {text((options.get("other") or {}).get("id"))},
                }
        return questions

    @staticmethod
    def _read_question(question: Any, questions: dict[str, dict[str, Any]], answers: dict[str, Answer]) -> None:
        if not isinstance(question, dict):
            return
        question_id = text(question.get("id"))
        known = questions.get(question_id, {"heading": "", "family": "", "choices": {}, "rows": {}})
        by_ref: dict[str, list[Any]] = {}
        for given in question.get("answers") or []:
            if not isinstance(given, dict):
                continue
            row = text(given.get("row_id"))
            ref = f"{question_id}_{row}" if row and len(known["rows"]) > 1 else question_id
            if given.get("choice_id") is not None:
                choice = known["choices"].get(text(given["choice_id"]), text(given["choice_id"]))
                by_ref.setdefault(ref, []).append(as_number(choice))
            if given.get("text") not in (None, ""):
                by_ref.setdefault(ref, []).append(given["text"])
        for ref, values in by_ref.items():
            label = known["heading"]
            row = ref.removeprefix(f"{question_id}_") if ref != question_id else ""
            if row and known["rows"].get(row):
                label = f"{label}: {known['rows'][row]}"
            value = values[0] if len(values) == 1 else values
            answers[ref] = Answer(ref=ref, value=value, label=label, kind=known["family"])


register(SurveyMonkey())
