"""What every survey tool's connector provides (the contract between metrics.connectors.vendors.<slug> and the
rest of metrics.connectors: sources, mappings, deliveries)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar


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
    label: str  # translatable (gettext_lazy)
    help_text: str = ""
    required: bool = True
    secret: bool = False


class Vendor:
    """Subclass per tool, instantiate once and register() it (metrics.connectors.vendors)."""

    slug: ClassVar[str]  # stored on the source: "typeform", "formbricks", "qualtrics", "generic", ...
    label: ClassVar[str]  # shown: "Typeform"
    docs_url: ClassVar[str] = ""  # the vendor's public documentation of its webhooks
    setup_help: ClassVar[str] = ""  # where the user pastes the URL and the secret in the tool (translatable)
    config_fields: ClassVar[tuple[ConfigField, ...]] = ()
    fetches: ClassVar[bool] = False  # the payload carries ids only: answers come from fetch(), in a task
    polls: ClassVar[bool] = False  # no webhook: answers come from poll(), run by beat
    receives: ClassVar[bool] = True  # has an inbound endpoint (False for a polled-only tool)

    def new_secret(self) -> str:
        """A new signing secret in the form this tool expects to be pasted."""
        raise NotImplementedError

    def verify(self, *, secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> None:
        """Raise SignatureInvalid unless `body` (the raw bytes) is signed with `secret` as the tool documents.
        `headers` are case-insensitive (request.headers)."""
        raise NotImplementedError

    def parse(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        """The submissions in a decoded JSON payload. Raise PayloadInvalid or Ignored. For a fetching vendor:
        the submissions known from the notification alone (ids), completed by fetch()."""
        raise NotImplementedError

    def fetch(self, payload: Any, *, config: Mapping[str, Any]) -> list[Submission]:
        """Fetching vendors: call the tool's API back for the answers the notification names."""
        raise NotImplementedError

    def poll(self, *, config: Mapping[str, Any], since: datetime | None) -> list[Submission]:
        """Polled vendors: the submissions completed since `since` (all when None)."""
        raise NotImplementedError
