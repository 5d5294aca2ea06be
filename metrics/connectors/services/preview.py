"""The mapping page's "paste a sample payload" preview: what would be stored, or why not, without storing."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.models import Journey, Touchpoint
from metrics.connectors.mapping import MappingProblem, is_mapped, mapping_apply, mapping_validate
from metrics.connectors.vendors import (
    Ignored,
    PayloadInvalid,
    Submission,
    Vendor,
    get_vendor,
)
from metrics.connectors.vendors.base import FetchFailed
from metrics.ingest.records import FIELDS, Lookups, RecordCleaner, RecordError
from metrics.models import SurveyResponse, SurveySource
from metrics.privacy.redaction import redactor_for

logger = logging.getLogger(__name__)


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
    ingest (metrics.ingest.records.RecordCleaner) and nothing written. The signature is not checked (a pasted
    sample has none). ValidationError keyed by the mapping's entry when `mapping` is not one."""
    clean_mapping = source.mapping if mapping is None else mapping_validate(mapping)
    vendor = get_vendor(source.vendor)
    preview = Preview()
    if not (sample_body or "").strip():
        preview.error = _("Paste a payload as the tool sends it.")
        return preview
    try:
        submissions = sample_submissions(source=source, sample_body=sample_body)
    except FetchFailed as error:
        preview.error = _("The answers could not be fetched from the tool: %(error)s") % {"error": error.reason}
        return preview
    except PayloadInvalid as invalid:
        preview.error = str(invalid.reason)
        return preview
    except Ignored as ignored:
        preview.ignored = str(ignored.reason)
        return preview
    except NotImplementedError:
        preview.error = _("%(vendor)s sends no payloads: its answers are polled.") % {"vendor": vendor.label}
        return preview
    now = timezone.now()
    pending: list[tuple[PreviewSubmission, dict[str, Any]]] = []
    for submission in submissions:
        shown = PreviewSubmission(
            external_id=submission.external_id,
            answers={
                ref: {"label": a.label, "value": a.value, "kind": a.kind} for ref, a in submission.answers.items()
            },
            hidden=dict(submission.hidden),
            meta=dict(submission.meta),
        )
        preview.submissions.append(shown)
        if not is_mapped(clean_mapping):
            continue
        applied = mapping_apply(submission, clean_mapping, source=source.response_source, received_at=now)
        shown.problems.extend(applied.problems)
        shown.unanswered = applied.unanswered
        pending.extend((shown, record) for record in applied.records)
    if not is_mapped(clean_mapping):
        if not preview.submissions:
            preview.ignored = _("The payload carries no finished response.")
        return preview
    _check_records(source, pending)
    return preview


def _check_records(source: SurveySource, pending: list[tuple[PreviewSubmission, dict[str, Any]]]) -> None:
    """The ingest's checks (metrics.ingest.records) on the records, with the names of what they refer to."""
    if not pending:
        return
    journey_ids: set[int] = set()
    touchpoint_ids: set[int] = set()
    journey_keys: set[str] = set()
    for _shown, record in pending:
        for ids, value in ((journey_ids, record["journey"]), (touchpoint_ids, record["touchpoint"])):
            if value.strip().isdigit():
                ids.add(int(value))
        if record["journey"].strip() and not record["journey"].strip().isdigit():
            journey_keys.add(record["journey"].strip().lower())
    lookups = Lookups.load(journey_ids=journey_ids, touchpoint_ids=touchpoint_ids, journey_keys=journey_keys)
    # The comment as it will be stored: redacted of the source's kinds.
    redactor = redactor_for(source.redact_kinds)
    cleaner = RecordCleaner(
        columns=FIELDS, lookups=lookups, default_source=source.response_source, redact=redactor or None
    )
    rows = []
    for position, (shown, record) in enumerate(pending):
        values = [record.get(name) for name in FIELDS]
        try:
            rows.append((shown, cleaner.clean(values, position)))
        except RecordError:
            shown.problems.extend(
                MappingProblem(shown.external_id, name, message) for name, message in cleaner.explain(values)
            )
    journeys = dict(Journey.all_objects.filter(pk__in={row[3] for _s, row in rows}).values_list("pk", "name"))
    touchpoints = dict(
        Touchpoint.all_objects.filter(pk__in={row[4] for _s, row in rows if row[4]}).values_list("pk", "name")
    )
    channels = {pk: slug for slug, pk in lookups.channels.items()}
    stored = set(
        SurveyResponse.objects.filter(
            source=source.response_source, external_id__in=[row[11] for _s, row in rows]
        ).values_list("external_id", flat=True)
    )
    for shown, row in rows:
        _position, metric, score, journey_id, touchpoint_id, channel_id, moment, _day, respondent, comment = row[:10]
        shown.records.append(
            PreviewRecord(
                metric=metric,
                score=score,
                journey_id=journey_id,
                journey=journeys.get(journey_id, ""),
                touchpoint_id=touchpoint_id,
                touchpoint=touchpoints.get(touchpoint_id, "") if touchpoint_id else "",
                channel=channels.get(channel_id, "") if channel_id else "",
                responded_at=moment,
                respondent=respondent,
                comment=comment,
                external_id=row[11],
                already_stored=row[11] in stored,
            )
        )


def sample_submissions(*, source: SurveySource, sample_body: str) -> list[Submission]:
    """The submissions of a pasted sample as the ingest would read them (fetched from the tool when the payload
    only names them). Raises PayloadInvalid, Ignored, FetchFailed, or NotImplementedError for a polled tool.
    mapping_suggest(sample_submissions(...)) proposes a first mapping."""
    vendor = get_vendor(source.vendor)
    payload = vendor.decode(sample_body.encode("utf-8"), headers={})
    if vendor.fetches and vendor.needs_fetch(payload):
        return vendor.fetch(payload, config=source.config)
    return vendor.parse(payload, config=source.config)


def parse_body(*, vendor: Vendor, body: str | bytes, config: Mapping[str, Any]) -> list[Submission]:
    """The submissions in a payload (a pasted sample: no headers); PayloadInvalid or Ignored."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return vendor.parse(vendor.decode(raw, headers={}), config=config)
