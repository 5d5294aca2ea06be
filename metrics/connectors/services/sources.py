"""Survey sources: create, update, rotate the secret, delete (CX editors and admins; the caller checks
metrics.permissions.can_ingest_responses)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.lib.versioning import delete_if_current, save_if_current
from metrics.connectors.mapping import mapping_validate
from metrics.connectors.vendors import (
    REGISTRY,
    Vendor,
    get_vendor,
    vendors,
)
from metrics.models import SurveySource
from metrics.privacy.redaction import clean_kinds

logger = logging.getLogger(__name__)


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
    secret: str | None = None,
    redact_kinds: list[str] | None = None,
) -> SurveySource:
    """A new source with a new endpoint token and signing secret (vendor.new_secret()): show source.secret to the
    user now, it is the only time besides a rotation. A tool that makes the key itself (vendor.secret_from_tool:
    SurveyMonkey) takes the `secret` the user pasted instead. ValidationError keyed by field."""
    tool = _vendor(vendor)
    source = SurveySource(
        name=(name or "").strip(),
        vendor=vendor,
        secret=_secret(tool, secret),
        config=_clean_config(tool, config, current={}),
        mapping=mapping_validate(mapping),
        active=active,
        redact_kinds=clean_kinds(redact_kinds),
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    if rate_limit is not None:
        source.rate_limit = rate_limit
    if max_bytes is not None:
        source.max_bytes = max_bytes
    source.full_clean()
    source.save()
    return source


def _secret(tool: Vendor, pasted: str | None) -> str:
    if not tool.secret_from_tool:
        return tool.new_secret()
    pasted = (pasted or "").strip()
    if not pasted:
        raise ValidationError(
            {
                "secret": _("Paste the %(what)s from %(tool)s.")
                % {"what": tool.secret_label or _("signing key"), "tool": tool.label}
            }
        )
    return pasted


UPDATABLE = ("name", "config", "mapping", "active", "rate_limit", "max_bytes", "redact_kinds")


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
    if "redact_kinds" in changes:
        source.redact_kinds = clean_kinds(changes["redact_kinds"])
    for name in ("active", "rate_limit", "max_bytes"):
        if name in changes:
            setattr(source, name, changes[name])
    return save_if_current(source, expected_version=expected_version, fields=[*changes])


@transaction.atomic
def source_rotate_secret(*, source: SurveySource, expected_version: int, secret: str | None = None) -> SurveySource:
    """A new signing secret; the old one stops working at once (paste the new one into the tool). Show
    source.secret to the user now. A tool that makes the key itself (vendor.secret_from_tool) takes the new
    `secret` the user pasted."""
    source.secret = _secret(get_vendor(source.vendor), secret)
    source.secret_rotated_at = timezone.now()
    return save_if_current(source, expected_version=expected_version, fields=["secret", "secret_rotated_at"])


@transaction.atomic
def source_delete(*, source: SurveySource, expected_version: int) -> SurveySource:
    """Delete the source and its delivery log; the responses it stored stay (their source still reads
    "<vendor>:<id>"). Its URL answers 404 from now on."""
    return delete_if_current(source, expected_version=expected_version)
