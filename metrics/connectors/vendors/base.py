"""What every survey tool's connector provides (the contract between metrics.connectors.vendors.<slug> and the
rest of metrics.connectors: sources, mappings, deliveries)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _

StrOrPromise = str | Promise  # a text, or a lazily translated one (gettext_lazy)


class SignatureInvalid(Exception):
    """A missing or wrong signature (or a timestamp outside the tolerance): 401, nothing stored."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PayloadInvalid(Exception):
    """A payload that is not what the tool documents (not JSON, a required key missing): the delivery is
    rejected with this reason (translatable text)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Ignored(Exception):
    """A well-formed event that carries no finished answers (a test ping, a 'response created' of a survey still
    being filled in): acknowledged (2xx) and logged as ignored with this reason, nothing ingested."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FetchFailed(Exception):
    """A call to the tool's API (fetch() or poll()) that did not give the answers. `retryable` says whether trying
    again later may help (a timeout, a connection error, a 429 or 5xx) or not (401/403: a wrong token, 404: the
    response or survey does not exist, an answer that is not what the API documents): the caller retries the
    first with backoff and rejects the delivery with `reason` on the second."""

    def __init__(self, reason: str, *, retryable: bool, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.status = status  # the API's HTTP status when it answered


@dataclass(frozen=True)
class Answer:
    """One answer in a submission. `ref` is the stable key the mapping uses: Typeform's field.ref (never the
    field type), Formbricks' question id, Qualtrics' QID, the generic source's JSON key."""

    ref: str
    value: Any  # as the tool sends it: a number, a text, a choice label, a list of labels
    label: str = ""  # the question's text when the payload carries it (shown on the mapping page)
    kind: str = ""  # the tool's own answer type when it sends one (informational, never used to map)


@dataclass
class Submission:
    """One respondent's finished answers to one survey, as read from one payload (or fetched or polled)."""

    external_id: str  # the tool's own response id: (source, external_id) deduplicates the tool's retries
    responded_at: datetime | None  # aware when the payload gives a zone or offset, naive (local time) when not
    answers: dict[str, Answer] = field(default_factory=dict)  # by Answer.ref
    hidden: dict[str, str] = field(default_factory=dict)  # hidden fields, URL parameters, embedded data
    meta: dict[str, Any] = field(default_factory=dict)  # metadata: url, user agent, country, source, tags...
    survey_id: str = ""  # the tool's form / survey id when given


@dataclass(frozen=True)
class ConfigField:
    """A setting a source of this vendor needs besides the signing secret (an API token for a call back, a
    data centre, a survey id to poll). `secret` ones are never shown again after saving."""

    name: str
    label: StrOrPromise  # translatable (gettext_lazy)
    help_text: StrOrPromise = ""
    required: bool = True
    secret: bool = False


class Vendor:
    """Subclass per tool, instantiate once and register() it (metrics.connectors.vendors)."""

    slug: ClassVar[str]  # stored on the source: "typeform", "formbricks", "qualtrics", "generic", ...
    label: ClassVar[StrOrPromise]  # shown: "Typeform"
    docs_url: ClassVar[str] = ""  # the vendor's public documentation of its webhooks
    setup_help: ClassVar[StrOrPromise] = ""  # where the user pastes the URL and the secret in the tool (translatable)
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    fetches: ClassVar[bool] = False  # the payload carries ids only: answers come from fetch(), in a task
    polls: ClassVar[bool] = False  # no webhook: answers come from poll(), run by beat
    receives: ClassVar[bool] = True  # has an inbound endpoint (False for a polled-only tool)
    # The tool makes the signing key (SurveyMonkey: its app's "api key&secret"): the source page asks the user to
    # paste it (secret_label, secret_help) instead of showing one from new_secret().
    secret_from_tool: ClassVar[bool] = False
    secret_label: ClassVar[StrOrPromise] = ""
    secret_help: ClassVar[StrOrPromise] = ""

    def new_secret(self) -> str:
        """A new signing secret in the form this tool expects to be pasted."""
        raise NotImplementedError

    def decode(self, body: bytes, *, headers: Mapping[str, str]) -> Any:
        """The payload in a raw body, for parse() and fetch(): JSON by default (a tool that posts a form, such
        as Qualtrics' event subscriptions, overrides this). Raise PayloadInvalid when the body is not readable.
        A sample pasted on the mapping page goes through decode() too (with no headers)."""
        return decode_json(body)

    def verify(self, *, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        """Raise SignatureInvalid unless `body` (the raw bytes) is signed with `secret` as the tool documents.
        `headers` are case-insensitive (request.headers)."""
        raise NotImplementedError

    def parse(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        """The submissions in a decoded JSON payload. Raise PayloadInvalid or Ignored. For a fetching vendor:
        the submissions known from the notification alone (ids), completed by fetch()."""
        raise NotImplementedError

    def needs_fetch(self, payload: Any) -> bool:
        """Whether this decoded payload carries ids only, so that fetch() must complete it (a fetching vendor may
        also accept full payloads: Qualtrics' Web Service task)."""
        return self.fetches

    def fetch(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        """Fetching vendors: call the tool's API back for the answers the notification names. Raises FetchFailed
        (retry it later when .retryable), PayloadInvalid or Ignored (as parse)."""
        raise NotImplementedError

    def poll(self, *, config: Mapping[str, Any], since: datetime | None) -> list[Submission]:
        """Polled vendors: the submissions completed since `since` (all when None). Raises FetchFailed."""
        raise NotImplementedError


# Helpers the vendor modules share.


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value ("" when absent), case-insensitively even when `headers` is a plain dict."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value or ""


def hmac_base64(secret: str, body: bytes, digest: str = "sha256") -> str:
    """base64(HMAC-<digest>(secret, body)): the signature Typeform and SurveyMonkey send."""
    return base64.b64encode(hmac.new(secret.encode(), body, getattr(hashlib, digest)).digest()).decode()


def parse_timestamp(value: Any, key: str, *, naive_zone: tzinfo | None = None) -> datetime | None:
    """An ISO 8601 timestamp ("2026-03-01T09:30:00Z", "...+01:00", "2026-03-01 09:30:00") or a Unix epoch number.
    One with a zone or offset stays aware; one without is given `naive_zone` when the tool documents the zone it
    writes in (Typeform: UTC), else left naive (local time: the caller makes it aware in the current zone).
    None or "" gives None; anything else is PayloadInvalid naming `key`."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise PayloadInvalid(_("%(key)s is not a date and time: %(value)s") % {"key": key, "value": value})
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise PayloadInvalid(_("%(key)s is not a date and time: %(value)s") % {"key": key, "value": value}) from exc
    if not isinstance(value, str):
        raise PayloadInvalid(_("%(key)s is not a date and time: %(value)s") % {"key": key, "value": value})
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise PayloadInvalid(
            _("%(key)s is not a date and time: %(value)s") % {"key": key, "value": value[:100]}
        ) from exc
    if parsed.tzinfo is None and naive_zone is not None:
        parsed = parsed.replace(tzinfo=naive_zone)
    return parsed


def require_object(value: Any, key: str) -> dict[str, Any]:
    """`value` when it is a JSON object, else PayloadInvalid naming `key`."""
    if not isinstance(value, dict):
        raise PayloadInvalid(_("%(key)s is missing or not an object.") % {"key": key})
    return value


def as_object(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else {} (for optional parts of a payload)."""
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str:
    """A hidden field's or id's value as text (numbers as the tool sent them, None as "")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def decode_json(body: bytes) -> Any:
    """A JSON body (UTF-8, a BOM allowed), or PayloadInvalid saying where it breaks."""
    try:
        return json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise PayloadInvalid(_("The body is not UTF-8 text.")) from exc
    except json.JSONDecodeError as exc:
        raise PayloadInvalid(
            _("The body is not JSON (line %(line)s, column %(column)s: %(error)s).")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from exc


def config_text(config: Mapping[str, Any], name: str) -> str:
    """A config setting as stripped text ("" when unset)."""
    return text(config.get(name)).strip()


def config_list(config: Mapping[str, Any], name: str) -> list[str]:
    """A config setting that lists names: a list, or text separated by commas, semicolons or new lines."""
    value = config.get(name)
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text(item).strip() for item in value if text(item).strip()]
    raw = text(value)
    for separator in (";", "\n"):
        raw = raw.replace(separator, ",")
    return [item.strip() for item in raw.split(",") if item.strip()]


HTTP_TIMEOUT = 10.0  # seconds for each call to a tool's API (connect, read): a task retries, nothing waits long


def request_json(
    method: str,
    url: str,
    *,
    tool: str,
    headers: Mapping[str, str] | None = None,
    json_body: Any = None,
    params: Mapping[str, Any] | None = None,
    timeout: float = HTTP_TIMEOUT,
) -> Any:
    """Call a tool's API and return its decoded JSON answer, or raise FetchFailed: retryable for a timeout, a
    connection error, a 429 or a 5xx; not retryable for any other 4xx or an answer that is not JSON."""
    import httpx

    try:
        response = httpx.request(
            method, url, headers=dict(headers or {}), json=json_body, params=params, timeout=timeout
        )
    except httpx.TimeoutException as exc:
        raise FetchFailed(_("%(tool)s did not answer in time.") % {"tool": tool}, retryable=True) from exc
    except httpx.HTTPError as exc:
        raise FetchFailed(
            _("%(tool)s could not be reached: %(error)s") % {"tool": tool, "error": exc}, retryable=True
        ) from exc
    status = response.status_code
    if status == 429 or status >= 500:
        raise FetchFailed(
            _("%(tool)s answered %(status)s; trying again later.") % {"tool": tool, "status": status},
            retryable=True,
            status=status,
        )
    if status in (401, 403):
        raise FetchFailed(
            _("%(tool)s refused the API token or credentials (%(status)s).") % {"tool": tool, "status": status},
            retryable=False,
            status=status,
        )
    if status == 404:
        raise FetchFailed(
            _("%(tool)s does not know this survey or response (404).") % {"tool": tool},
            retryable=False,
            status=status,
        )
    if status >= 400:
        raise FetchFailed(
            _("%(tool)s refused the request (%(status)s): %(body)s")
            % {"tool": tool, "status": status, "body": response.text[:200]},
            retryable=False,
            status=status,
        )
    try:
        return response.json()
    except ValueError as exc:
        raise FetchFailed(
            _("%(tool)s answered with something that is not JSON.") % {"tool": tool}, retryable=False, status=status
        ) from exc


def api_base(config: Mapping[str, Any], default: str) -> str:
    """The API address: the source's optional override (a private cloud, a proxy, a region) or `default`."""
    override = config_text(config, "api_base_url")
    base = override or default
    if not base.startswith(("https://", "http://")):
        raise FetchFailed(_("The API address must start with https://."), retryable=False)
    return base.rstrip("/")


STANDARD_WEBHOOKS_TOLERANCE_SECONDS = 5 * 60


def standard_webhooks_verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: datetime, tool: str) -> None:
    """Standard Webhooks (https://www.standardwebhooks.com/): webhook-id, webhook-timestamp (within 5 minutes of
    now) and webhook-signature ("v1,<base64 HMAC-SHA256 of id.timestamp.body>", several space-separated allowed),
    with a whsec_ secret; verified by the standardwebhooks library."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    missing = [name for name in ("webhook-id", "webhook-timestamp", "webhook-signature") if not header(headers, name)]
    if missing:
        raise SignatureInvalid(
            _("The %(tool)s delivery has no %(headers)s header.") % {"tool": tool, "headers": ", ".join(missing)}
        )
    try:
        sent_at = float(header(headers, "webhook-timestamp"))
    except ValueError as exc:
        raise SignatureInvalid(_("The webhook-timestamp header is not a Unix time.")) from exc
    if abs(now.timestamp() - sent_at) > STANDARD_WEBHOOKS_TOLERANCE_SECONDS:
        raise SignatureInvalid(
            _("The %(tool)s delivery's webhook-timestamp is more than 5 minutes from now: a replay or a wrong clock.")
            % {"tool": tool}
        )
    try:
        verifier = Webhook(secret)
    except Exception as exc:  # a secret that is not whsec_ + base64
        raise SignatureInvalid(_("The signing secret of this source is not a Standard Webhooks secret.")) from exc
    try:
        verifier.verify(
            body,
            {name: header(headers, name) for name in ("webhook-id", "webhook-timestamp", "webhook-signature")},
            json_parse=False,
        )
    except WebhookVerificationError as exc:
        raise SignatureInvalid(
            _("The %(tool)s signature does not verify: %(error)s") % {"tool": tool, "error": exc}
        ) from exc


def new_standard_webhooks_secret() -> str:
    """whsec_ + base64 of 32 random bytes, as Standard Webhooks secrets are written."""
    import secrets

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
