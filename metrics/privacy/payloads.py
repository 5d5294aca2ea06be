"""Minimise at the door, for the raw payloads a survey source delivered (metrics.models.Delivery.body).

A delivery is stored before it is ingested (so that nothing acknowledged is lost) and kept to be replayed once a
mapping is fixed. Its body would otherwise keep the original comment that the ingest redacts. So before the body
is written, every text value in it (a JSON document; a form, whose values may be JSON; plain text) is redacted
of the source's kinds, *except* where a value the mapping uses as an identifier occurs: the respondent key, the
journey, touchpoint and channel (hidden fields, URL parameters, metadata, answers), and each submission's own
response id. Those are found by parsing the payload with the source's tool and mapping, exactly as the ingest
will. A replay reads the same identifiers and the same (already redacted) comment, so it stores the same rows.

The signature is checked on the body as it arrived, before this runs; a stored body is never verified again.
A payload stored before the source had a mapping keeps no identifier: should one of them be an e-mail address,
it is redacted, and the mapping must read the respondent key from elsewhere (said in the report of issue 16).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from metrics.connectors.mapping import MISSING, TARGETS, read_value
from metrics.connectors.vendors import Submission, get_vendor

from .redaction import Redactor

logger = logging.getLogger(__name__)

IDENTIFYING_TARGETS = tuple(target for target in TARGETS if target != "comment")


def identifiers(submissions: list[Submission], mapping: Mapping[str, Any]) -> set[str]:
    """The values the mapping reads as identifiers from these submissions (and their response ids)."""
    kept: set[str] = set()
    specs = [mapping.get(target) for target in IDENTIFYING_TARGETS]
    specs += [{"from": "answer", "key": ref} for ref in (mapping.get("metrics") or {}).values() if ref]
    for submission in submissions:
        if submission.external_id:
            kept.add(str(submission.external_id))
        for spec in specs:
            if not spec or spec.get("from") == "fixed":
                continue
            value = read_value(submission, spec)
            if value is MISSING or value is None or isinstance(value, dict | list | bool):
                continue
            kept.add(str(value))
    return kept


class _Notification(Exception):
    """A fetching tool's notification: ids only (the answers are fetched, never stored); kept as it is, since
    the ids are what the fetch asks for."""


def _submissions(vendor_slug: str, body: bytes, headers: Mapping[str, str], config: Mapping[str, Any]) -> list:
    """The payload's submissions as the ingest will read them; none when it cannot be read now (the ingest will
    say why). Raises _Notification for a notification whose answers must be fetched from the tool."""
    try:
        vendor = get_vendor(vendor_slug)
        payload = vendor.decode(body, headers=headers)
        if vendor.fetches and vendor.needs_fetch(payload):
            raise _Notification
        return list(vendor.parse(payload, config=config))
    except _Notification:
        raise
    except Exception:
        return []


def redact_body(
    body: str,
    *,
    redactor: Redactor,
    vendor: str = "",
    headers: Mapping[str, str] | None = None,
    config: Mapping[str, Any] | None = None,
    mapping: Mapping[str, Any] | None = None,
    submissions: list[Submission] | None = None,
) -> str:
    """The body with its free text redacted, its identifiers kept. `submissions`: already parsed (a poll)."""
    if not redactor or not body:
        return body
    if submissions is None:
        try:
            submissions = _submissions(vendor, body.encode("utf-8"), headers or {}, config or {})
        except _Notification:
            return body
    keep = identifiers(submissions, mapping or {})
    return _redact_text_payload(body, redactor, keep)


def _redact_text_payload(body: str, redactor: Redactor, keep: set[str]) -> str:
    stripped = body.lstrip("\ufeff").strip()
    if stripped[:1] in ("{", "["):
        try:
            document = json.loads(stripped)
        except ValueError:
            pass
        else:
            return json.dumps(_walk(document, redactor, keep), ensure_ascii=False)
    if "=" in stripped and " " not in stripped:  # a form (Qualtrics' event subscription)
        pairs = parse_qsl(stripped, keep_blank_values=True)
        if pairs:
            return urlencode([(name, _redact_text_payload(value, redactor, keep)) for name, value in pairs])
    return redactor(body, keep=keep)


def _walk(node: Any, redactor: Redactor, keep: set[str]) -> Any:
    if isinstance(node, str):
        if node in keep:
            return node
        return redactor(node, keep=keep)
    if isinstance(node, list):
        return [_walk(item, redactor, keep) for item in node]
    if isinstance(node, dict):
        return {key: _walk(value, redactor, keep) for key, value in node.items()}
    return node
