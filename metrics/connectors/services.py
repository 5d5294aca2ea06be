"""Writes of survey connectors: sources (create, update, rotate the secret, delete), the mapping preview and the
deliveries (receive, process, replay, fetch, poll).

Who may call them (CX editors and admins: metrics.permissions.can_ingest_responses) is the caller's check, as for
every service.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.lib.versioning import delete_if_current, save_if_current
from metrics.connectors.mapping import MappingProblem, mapping_validate
from metrics.connectors.vendors import REGISTRY, Submission, Vendor, get_vendor, vendors
from metrics.models import Delivery, SurveySource

__all__ = [
    "Preview",
    "PreviewRecord",
    "PreviewSubmission",
    "delivery_process",
    "delivery_receive",
    "delivery_replay",
    "mapping_preview",
    "source_create",
    "source_delete",
    "source_rotate_secret",
    "source_update",
]


def vendor_choices() -> list[tuple[str, str]]:
    """(slug, label) of every survey tool a source can be, for forms and the API."""
    return [(vendor.slug, str(vendor.label)) for vendor in vendors()]


def _vendor(slug: str) -> Vendor:
    vendors()  # loads the registry
    if slug not in REGISTRY:
        known = ", ".join(sorted(REGISTRY))
        raise ValidationError(
            {"vendor": _("Unknown survey tool %(slug)s (known: %(known)s).") % {"slug": repr(slug), "known": known}}
        )
    return get_vendor(slug)


def _clean_config(vendor: Vendor, config: Mapping[str, Any] | None, *, current: Mapping[str, Any]) -> dict[str, Any]:
    """The vendor's settings: only its config fields; a secret field left empty keeps its stored value (it is
    never shown back, so an edit form sends it empty)."""
    config = dict(config or {})
    names = {f.name for f in vendor.config_fields}
    unknown = sorted(set(config) - names)
    errors: dict[str, str] = {}
    if unknown:
        errors["config"] = _("Unknown settings for %(vendor)s: %(names)s.") % {
            "vendor": vendor.label,
            "names": ", ".join(unknown),
        }
    clean: dict[str, Any] = {}
    for config_field in vendor.config_fields:
        value = config.get(config_field.name)
        if isinstance(value, str):
            value = value.strip()
        if value in (None, "") and config_field.secret:
            value = current.get(config_field.name)
        if value in (None, ""):
            if config_field.required:
                errors[config_field.name] = _("This field is required.")
            continue
        if not isinstance(value, str | int | float | bool):
            errors[config_field.name] = _("Enter a text.")
            continue
        clean[config_field.name] = value
    if errors:
        raise ValidationError(errors)
    return clean


def public_config(source: SurveySource) -> dict[str, Any]:
    """The source's settings as shown back: secret fields only say whether they are set."""
    vendor = get_vendor(source.vendor)
    secret = {f.name for f in vendor.config_fields if f.secret}
    return {name: (bool(value) if name in secret else value) for name, value in source.config.items()}


@transaction.atomic
def source_create(
    *,
    name: str,
    vendor: str,
    created_by: Any,
    config: Mapping[str, Any] | None = None,
    mapping: Mapping[str, Any] | None = None,
    active: bool = True,
    rate_limit: int | None = None,
    max_bytes: int | None = None,
) -> SurveySource:
    """A new source with a new endpoint token and signing secret (vendor.new_secret()): show source.secret to the
    user now, it is the only time besides a rotation. ValidationError keyed by field."""
    tool = _vendor(vendor)
    source = SurveySource(
        name=(name or "").strip(),
        vendor=vendor,
        secret=tool.new_secret(),
        config=_clean_config(tool, config, current={}),
        mapping=mapping_validate(mapping),
        active=active,
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    if rate_limit is not None:
        source.rate_limit = rate_limit
    if max_bytes is not None:
        source.max_bytes = max_bytes
    source.full_clean()
    source.save()
    return source


UPDATABLE = ("name", "config", "mapping", "active", "rate_limit", "max_bytes")


@transaction.atomic
def source_update(*, source: SurveySource, expected_version: int, **changes: Any) -> SurveySource:
    """Change any of name, config (secret fields left empty keep their value), mapping, active, rate_limit,
    max_bytes. The vendor, token and secret do not change here (source_rotate_secret). Raises StaleVersion when
    the source changed since `expected_version`, ValidationError keyed by field."""
    unknown = sorted(set(changes) - set(UPDATABLE))
    if unknown:
        raise ValidationError({name: _("This cannot be changed.") for name in unknown})
    tool = _vendor(source.vendor)
    if "name" in changes:
        source.name = (changes["name"] or "").strip()
    if "config" in changes:
        source.config = _clean_config(tool, changes["config"], current=source.config)
    if "mapping" in changes:
        source.mapping = mapping_validate(changes["mapping"])
    for name in ("active", "rate_limit", "max_bytes"):
        if name in changes:
            setattr(source, name, changes[name])
    return save_if_current(source, expected_version=expected_version, fields=[*changes])


@transaction.atomic
def source_rotate_secret(*, source: SurveySource, expected_version: int) -> SurveySource:
    """A new signing secret; the old one stops working at once (paste the new one into the tool). Show
    source.secret to the user now."""
    source.secret = get_vendor(source.vendor).new_secret()
    source.secret_rotated_at = timezone.now()
    return save_if_current(source, expected_version=expected_version, fields=["secret", "secret_rotated_at"])


@transaction.atomic
def source_delete(*, source: SurveySource, expected_version: int) -> SurveySource:
    """Delete the source and its delivery log; the responses it stored stay (their source still reads
    "<vendor>:<id>"). Its URL answers 404 from now on."""
    return delete_if_current(source, expected_version=expected_version)


# Deliveries ------------------------------------------------------------------------------------------------


def delivery_receive(*, source: SurveySource, body: bytes, headers: Mapping[str, str]) -> Delivery:
    """A delivery whose signature was verified: written to Postgres (committed) first, then ingested in this
    request (a fetching vendor: queued for a task instead, the delivery stays "received"). Returns the delivery
    with its final status. Never raises for the payload's content: a problem is the delivery's status and reason."""
    raise NotImplementedError


def delivery_process(*, delivery: Delivery) -> Delivery:
    """Ingest a stored delivery with its source's current mapping: all or nothing, as the API ingests
    (metrics.services.responses.responses_create: snapshots marked stale, follow-up cases opened), the delivery's
    status, reason and counts updated in the same transaction."""
    raise NotImplementedError


def delivery_replay(*, delivery: Delivery) -> Delivery:
    """Run a rejected (or failed) delivery again with the source's current mapping (after it was fixed, or the
    touchpoint got the alias the tool sends). ValidationError when the delivery is not replayable."""
    raise NotImplementedError


# The mapping preview -------------------------------------------------------------------------------------------


@dataclass
class PreviewRecord:
    """A response as it would be stored, with the names of what it refers to."""

    metric: str
    score: int
    journey_id: int
    journey: str
    touchpoint_id: int | None
    touchpoint: str
    channel: str
    responded_at: datetime
    respondent: str
    comment: str
    external_id: str
    already_stored: bool = False  # a retry: the ingest counts it as a duplicate


@dataclass
class PreviewSubmission:
    """One submission of the sample: its records, or the problems that would reject the delivery."""

    external_id: str
    records: list[PreviewRecord] = field(default_factory=list)
    problems: list[MappingProblem] = field(default_factory=list)
    unanswered: bool = False  # no mapped score question answered: nothing stored for it
    answers: dict[str, Any] = field(default_factory=dict)  # ref -> (label, value), for the mapping form
    hidden: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Preview:
    """What a sample payload would store under a mapping, without storing anything. `error` when the payload
    itself is refused (not JSON, not the tool's shape), `ignored` when the tool's event carries no answers."""

    submissions: list[PreviewSubmission] = field(default_factory=list)
    error: str = ""
    ignored: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and all(not s.problems for s in self.submissions)


def mapping_preview(*, source: SurveySource, mapping: Mapping[str, Any] | None, sample_body: str) -> Preview:
    """What `sample_body` (a payload as the tool sends it, pasted) would store under `mapping` (the source's own
    when None): per submission the records as they would be stored, or the problems, with the same checks as the
    ingest (metrics.ingest.records) and nothing written. The signature is not checked (a pasted sample has none)."""
    raise NotImplementedError


def parse_body(*, vendor: Vendor, body: str | bytes, config: Mapping[str, Any]) -> list[Submission]:
    """The submissions in a payload; PayloadInvalid for a body that is not JSON, Ignored passed on."""
    from metrics.connectors.vendors import PayloadInvalid

    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PayloadInvalid(_("The payload is not JSON.")) from None
    return vendor.parse(payload, config=config)
