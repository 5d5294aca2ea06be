"""LimeSurvey: no webhook; polled through its RemoteControl 2 JSON-RPC API
(https://api.limesurvey.org/classes/remotecontrol_handle.html, https://manual.limesurvey.org/RemoteControl_2_API).

A poll is three calls to `<LimeSurvey>/index.php/admin/remotecontrol`, each a JSON-RPC request
`{"method", "params": [...], "id"}`: `get_session_key(username, password)`,
`export_responses(session_key, survey_id, "json", null, "complete", "code", "short")` (completed responses only,
headings as question codes, answers as codes) whose result is the base64 of a JSON document
`{"responses": [...]}` (LimeSurvey 3 writes each response as `{"<id>": {...}}`, later versions the object itself),
and `release_session_key(session_key)`, always.

Each response's keys are the question codes (`NPS`, `Q3[SQ001]`) and the system fields (`id`, `submitdate`,
`lastpage`, `startlanguage`, `seed`, `token`, `startdate`, `datestamp`, `ipaddr`, `refurl`). Answers are the
question codes; those listed in the source's `hidden_fields` (hidden equations or panel-integration fields filled
from URL parameters) are hidden fields too. LimeSurvey writes `submitdate` in the server's time without a zone: the
source's `timezone` says which, else it stays naive (local time).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import zoneinfo
from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import register
from .base import (
    Answer,
    ConfigField,
    FetchFailed,
    PayloadInvalid,
    Submission,
    Vendor,
    config_list,
    config_text,
    parse_timestamp,
    request_json,
    text,
)

SYSTEM_KEYS = frozenset(
    {"id", "submitdate", "lastpage", "startlanguage", "seed", "token", "startdate", "datestamp", "ipaddr", "refurl"}
)
RPC_PATH = "/index.php/admin/remotecontrol"
NO_RESPONSES = ("no response", "no data")  # export_responses' status when nothing matches


def endpoint(config: Mapping[str, Any]) -> str:
    url = config_text(config, "url").rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise FetchFailed(_("The LimeSurvey address must start with https://."), retryable=False)
    return url if "remotecontrol" in url else url + RPC_PATH


def naive_zone(config: Mapping[str, Any]) -> tzinfo | None:
    name = config_text(config, "timezone")
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise FetchFailed(
            _("%(zone)s is not a time zone (e.g. Europe/Amsterdam).") % {"zone": name}, retryable=False
        ) from exc


class LimeSurvey(Vendor):
    slug = "limesurvey"
    label = "LimeSurvey"
    docs_url = "https://manual.limesurvey.org/RemoteControl_2_API"
    receives = False
    polls = True
    setup_help = gettext_lazy(
        "LimeSurvey sends no webhooks: its completed responses are fetched every few minutes. In LimeSurvey, "
        "enable Configuration > Global settings > Interfaces > RPC interface: JSON-RPC, and give a user that may "
        "export the survey's responses."
    )
    config_fields = (
        ConfigField(
            name="url",
            label=gettext_lazy("LimeSurvey address"),
            help_text=gettext_lazy("e.g. https://survey.example.com (the RemoteControl address is derived from it)."),
        ),
        ConfigField(name="username", label=gettext_lazy("User name")),
        ConfigField(name="password", label=gettext_lazy("Password"), secret=True),
        ConfigField(name="survey_id", label=gettext_lazy("Survey id"), help_text=gettext_lazy("e.g. 123456")),
        ConfigField(
            name="hidden_fields",
            label=gettext_lazy("Hidden field codes"),
            help_text=gettext_lazy("Question codes that hold URL parameters (e.g. journey, touchpoint)."),
            required=False,
        ),
        ConfigField(
            name="timezone",
            label=gettext_lazy("Server time zone"),
            help_text=gettext_lazy("The zone LimeSurvey writes its times in, e.g. Europe/Amsterdam."),
            required=False,
        ),
    )

    def new_secret(self) -> str:
        return ""  # nothing is received, nothing to sign

    def verify(self, *, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        raise NotImplementedError("LimeSurvey receives nothing")

    def parse(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        """The responses of an export_responses JSON document (`{"responses": [...]}`), e.g. a pasted sample."""
        if not isinstance(payload, dict) or not isinstance(payload.get("responses"), list):
            raise PayloadInvalid(_("responses is missing or not a list."))
        zone = naive_zone(config) if config_text(config, "timezone") else None
        hidden_codes = config_list(config, "hidden_fields")
        submissions = []
        for index, entry in enumerate(payload["responses"]):
            if not isinstance(entry, dict):
                raise PayloadInvalid(_("responses[%(index)s] is not an object.") % {"index": index})
            # LimeSurvey 3: {"<id>": {...}}; later versions: the response itself.
            if "id" not in entry and len(entry) == 1 and isinstance(next(iter(entry.values())), dict):
                entry = next(iter(entry.values()))
            submissions.append(self._read(entry, index, zone, hidden_codes))
        return submissions

    @staticmethod
    def _read(entry: dict[str, Any], index: int, zone: tzinfo | None, hidden_codes: list[str]) -> Submission:
        response_id = text(entry.get("id"))
        if not response_id:
            raise PayloadInvalid(_("responses[%(index)s].id is missing.") % {"index": index})
        answers = {
            text(key): Answer(ref=text(key), value=value) for key, value in entry.items() if key not in SYSTEM_KEYS
        }
        hidden = {code: text(entry[code]) for code in hidden_codes if entry.get(code) not in (None, "")}
        meta = {key: entry[key] for key in SYSTEM_KEYS - {"id", "submitdate"} if entry.get(key) not in (None, "")}
        return Submission(
            external_id=response_id,
            responded_at=parse_timestamp(entry.get("submitdate"), f"responses[{index}].submitdate", naive_zone=zone),
            answers=answers,
            hidden=hidden,
            meta=meta,
        )

    def poll(self, *, config: Mapping[str, Any], since: datetime | None) -> list[Submission]:
        url = endpoint(config)
        survey_id = config_text(config, "survey_id")
        if not survey_id.isdigit():
            raise FetchFailed(_("The LimeSurvey survey id must be a number."), retryable=False)
        key = self._call(url, "get_session_key", [config_text(config, "username"), config_text(config, "password")])
        if not isinstance(key, str):
            raise FetchFailed(
                _("LimeSurvey refused the user name or password: %(status)s") % {"status": self._status(key)},
                retryable=False,
            )
        try:
            exported = self._call(
                url, "export_responses", [key, int(survey_id), "json", None, "complete", "code", "short"]
            )
        finally:
            with contextlib.suppress(FetchFailed):  # the session expires by itself
                self._call(url, "release_session_key", [key])
        if not isinstance(exported, str):
            status = self._status(exported)
            if status.lower().startswith(NO_RESPONSES):
                return []
            raise FetchFailed(
                _("LimeSurvey did not export the responses: %(status)s") % {"status": status}, retryable=False
            )
        try:
            document = json.loads(base64.b64decode(exported, validate=True).decode("utf-8-sig"))
        except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FetchFailed(_("LimeSurvey's export is not base64 JSON."), retryable=False) from exc
        try:
            submissions = self.parse(document, config=config)
        except PayloadInvalid as exc:
            raise FetchFailed(exc.reason, retryable=False) from exc
        if since is None:
            return submissions
        return [s for s in submissions if s.responded_at is None or _after(s.responded_at, since)]

    def _call(self, url: str, method: str, params: list[Any]) -> Any:
        answer = request_json("POST", url, tool=self.label, json_body={"method": method, "params": params, "id": 1})
        if not isinstance(answer, dict):
            raise FetchFailed(_("LimeSurvey answered with something that is not JSON-RPC."), retryable=False)
        if answer.get("error"):
            raise FetchFailed(
                _("LimeSurvey %(method)s failed: %(error)s") % {"method": method, "error": answer["error"]},
                retryable=False,
            )
        return answer.get("result")

    @staticmethod
    def _status(result: Any) -> str:
        return text(result.get("status")) if isinstance(result, dict) else text(result)


def _after(moment: datetime, since: datetime) -> bool:
    """moment > since; a naive time is local time (the current time zone)."""
    if timezone.is_naive(moment) and timezone.is_aware(since):
        since = timezone.make_naive(since)
    elif timezone.is_aware(moment) and timezone.is_naive(since):
        since = timezone.make_aware(since)
    return moment > since


register(LimeSurvey())
