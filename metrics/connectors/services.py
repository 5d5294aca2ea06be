"""Writes of survey connectors: sources (create, update, rotate the secret, delete), the mapping preview and the
deliveries (receive, process, replay, fetch, poll).

Who may call them (CX editors and admins: metrics.permissions.can_ingest_responses) is the caller's check, as for
every service.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.lib.versioning import delete_if_current, save_if_current
from journeys.models import Journey, Touchpoint
from metrics.connectors.mapping import MappingProblem, is_mapped, mapping_apply, mapping_validate
from metrics.connectors.vendors import (
    REGISTRY,
    Answer,
    Ignored,
    PayloadInvalid,
    Submission,
    Vendor,
    get_vendor,
    vendors,
)
from metrics.ingest.records import FIELDS, Lookups, RecordCleaner, RecordError
from metrics.models import Delivery, DeliveryOrigin, DeliveryStatus, SurveyResponse, SurveySource
from metrics.services.responses import IngestRefused, responses_create

logger = logging.getLogger(__name__)

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


HEADERS_KEPT = 40  # headers of a delivery kept with it (the signature's, the tool's ids), each cut at:
HEADER_LENGTH = 500
HEADERS_NEVER_KEPT = frozenset({"cookie", "authorization", "proxy-authorization", "x-forwarded-for", "x-real-ip"})
MAX_REASON_PROBLEMS = 20  # listed in a rejected delivery's reason; the count is always given
# A fetching vendor's call back: tried this many times (with backoff) before the delivery is marked failed.
MAX_FETCH_ATTEMPTS = 6


def headers_of_interest(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers kept with a delivery: what identifies and signs it, never credentials or addresses."""
    kept: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in HEADERS_NEVER_KEPT or len(kept) >= HEADERS_KEPT:
            continue
        kept[lower] = str(value)[:HEADER_LENGTH]
    return kept


def delivery_receive(
    *, source: SurveySource, body: bytes, headers: Mapping[str, str], origin: str = DeliveryOrigin.WEBHOOK
) -> Delivery:
    """A delivery whose signature was verified: written to Postgres (committed) first, then ingested in this
    request (a fetching vendor: queued for a task instead, the delivery stays "received"). Returns the delivery
    with its final status. Never raises for the payload's content: a problem is the delivery's status and reason.

    Must not run inside a transaction (the endpoint has none): the delivery row commits on its own, before the
    ingest, so that a crash in the ingest leaves it "received" for the sweeper instead of losing it."""
    delivery = Delivery.objects.create(
        source=source,
        origin=origin,
        body=body.decode("utf-8", errors="replace"),
        headers=headers_of_interest(headers),
    )
    delivery.source = source
    if get_vendor(source.vendor).fetches:
        queue_delivery(delivery_id=delivery.pk)
        return delivery
    return delivery_process(delivery=delivery)


def queue_delivery(*, delivery_id: int, countdown: int = 0) -> bool:
    """Queue the task that processes a delivery (once the transaction commits); never raises: with the broker
    down the delivery stays "received" in Postgres and the sweeper queues it again."""
    from metrics.connectors.tasks import process_delivery

    def send() -> None:
        try:
            process_delivery.apply_async(args=[delivery_id], countdown=countdown)
        except Exception:  # broker unreachable, however it says so
            logger.exception("could not queue delivery %s; the sweeper will", delivery_id)

    transaction.on_commit(send)
    return True


class FetchFailed(Exception):
    """The tool's API could not be reached or refused the call back (a fetching vendor): retried."""


def _submissions(delivery: Delivery, vendor: Vendor) -> list[Submission]:
    """The delivery's submissions: parsed from its body (a poll's: as stored), fetched for a fetching vendor.
    Raises PayloadInvalid, Ignored or FetchFailed."""
    config = delivery.source.config
    if delivery.origin == DeliveryOrigin.POLL:
        return submissions_from_json(delivery.body)
    submissions = parse_body(vendor=vendor, body=delivery.body, config=config)
    if vendor.fetches:
        try:
            return vendor.fetch(json.loads(delivery.body), config=config)
        except (PayloadInvalid, Ignored):
            raise
        except Exception as error:
            raise FetchFailed(str(error) or type(error).__name__) from error
    return submissions


def _finish(delivery: Delivery, status: str, reason: str = "", *, created: int = 0, external_ids: Any = None) -> None:
    delivery.status = status
    delivery.reason = reason
    delivery.responses_created = created
    if external_ids is not None:
        delivery.external_ids = external_ids
    delivery.processed_at = timezone.now()
    delivery.save(update_fields=["status", "reason", "responses_created", "external_ids", "processed_at", "attempts"])


def _reason(problems: list[str], total: int) -> str:
    shown = problems[:MAX_REASON_PROBLEMS]
    text = "\n".join(shown)
    if total > len(shown):
        text += "\n" + _("... and %(count)d more problems.") % {"count": total - len(shown)}
    return text


PROCESSABLE = (DeliveryStatus.RECEIVED, DeliveryStatus.REJECTED, DeliveryStatus.FAILED)


def delivery_process(*, delivery: Delivery, submissions: list[Submission] | None = None) -> Delivery:
    """Ingest a stored delivery with its source's current mapping: all or nothing, as the API ingests
    (metrics.services.responses.responses_create: snapshots marked stale, follow-up cases opened), the delivery's
    status, reason and counts updated in the same transaction. `submissions`: already fetched (the task).
    A delivery already processed (stored, duplicate, ignored) is returned as it is: two workers never ingest one
    delivery twice (the row is locked while it is processed)."""
    source = SurveySource.objects.get(pk=delivery.source_id)
    vendor = get_vendor(source.vendor)
    found: list[Submission] | Exception | None = submissions
    if found is None and delivery.origin != DeliveryOrigin.POLL and vendor.fetches:
        # The call back happens outside the transaction: no row is locked while the tool's API answers.
        try:
            found = _submissions(delivery, vendor)
        except (PayloadInvalid, Ignored, FetchFailed) as error:
            found = error
    fetch_failed: FetchFailed | None = None
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        locked.source = source
        if locked.status not in PROCESSABLE:
            return locked
        locked.attempts += 1
        try:
            if isinstance(found, Exception):
                raise found
            _ingest(locked, source, found if found is not None else _submissions(locked, vendor))
        except PayloadInvalid as invalid:
            _finish(locked, DeliveryStatus.REJECTED, str(invalid.reason))
        except Ignored as ignored:
            _finish(locked, DeliveryStatus.IGNORED, str(ignored.reason))
        except FetchFailed as failed:
            fetch_failed = failed
            message = _("The answers could not be fetched (attempt %(n)d): %(error)s") % {
                "n": locked.attempts,
                "error": failed,
            }
            if locked.attempts >= MAX_FETCH_ATTEMPTS:
                _finish(locked, DeliveryStatus.FAILED, message)
                fetch_failed = None  # given up: nothing to retry
            else:
                locked.reason = message
                locked.processed_at = timezone.now()
                locked.save(update_fields=["attempts", "reason", "processed_at"])
    if fetch_failed is not None:
        raise fetch_failed  # the task retries it, with backoff
    return locked


def _ingest(delivery: Delivery, source: SurveySource, submissions: list[Submission]) -> None:
    if not submissions:
        _finish(delivery, DeliveryStatus.IGNORED, _("The payload carries no finished response."))
        return
    if not is_mapped(source.mapping):
        _finish(
            delivery,
            DeliveryStatus.REJECTED,
            _(
                "The source has no mapping yet: say on its page which question is the score and where the journey "
                "comes from, then replay this delivery."
            ),
        )
        return
    records: list[dict[str, Any]] = []
    problems: list[str] = []
    unanswered = 0
    for submission in submissions:
        applied = mapping_apply(
            submission, source.mapping, source=source.response_source, received_at=delivery.received_at
        )
        problems.extend(str(problem) for problem in applied.problems)
        unanswered += applied.unanswered
        records.extend(applied.records)
    if problems:
        _finish(delivery, DeliveryStatus.REJECTED, _reason(problems, len(problems)))
        return
    if not records:
        _finish(
            delivery,
            DeliveryStatus.IGNORED,
            _("No score question of the mapping was answered (%(count)d submissions).") % {"count": unanswered},
        )
        return
    external_ids = [record["external_id"] for record in records]
    try:
        result = responses_create(records=records, default_source=source.response_source)
    except IngestRefused as refused:
        lines = []
        for problem in refused.problems:
            record = (
                records[problem.position]
                if isinstance(problem.position, int) and problem.position < len(records)
                else None
            )
            where = f"{record['external_id']}: " if record else ""
            what = f"{problem.field}: " if problem.field else ""
            lines.append(f"{where}{what}{problem.message}")
        _finish(delivery, DeliveryStatus.REJECTED, _reason(lines, refused.error_count), external_ids=external_ids)
        return
    if result.created:
        reason = ""
        if result.duplicates:
            reason = _("%(count)d of its responses were stored before.") % {"count": result.duplicates}
        _finish(delivery, DeliveryStatus.STORED, reason, created=result.created, external_ids=external_ids)
    else:
        _finish(
            delivery,
            DeliveryStatus.DUPLICATE,
            _("Every response of this delivery was stored before (a retry)."),
            external_ids=external_ids,
        )


def delivery_replay(*, delivery: Delivery) -> Delivery:
    """Run a rejected (or failed) delivery again with the source's current mapping (after it was fixed, or the
    touchpoint got the alias the tool sends). ValidationError when the delivery is not replayable. A fetching
    vendor's delivery is fetched again, in this request."""
    if not delivery.replayable:
        raise ValidationError(
            {"status": _("Only rejected or failed deliveries can be replayed; this one is %(status)s.") % {
                "status": delivery.get_status_display()
            }}
        )  # fmt: skip
    try:
        return delivery_process(delivery=delivery)
    except FetchFailed:
        delivery.refresh_from_db()
        return delivery


def delivery_sweep(*, older_than_seconds: int) -> int:
    """Queue again the deliveries left "received" (a worker killed, the broker down when they came in) whose
    last attempt is older than `older_than_seconds`. Returns how many were queued."""
    limit = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = list(
        Delivery.objects.filter(status=DeliveryStatus.RECEIVED, received_at__lt=limit)
        .filter(Q(processed_at__isnull=True) | Q(processed_at__lt=limit))
        .order_by("received_at")
        .values_list("pk", flat=True)[:1000]
    )
    for delivery_id in stuck:
        queue_delivery(delivery_id=delivery_id)
    return len(stuck)


def submissions_to_json(submissions: list[Submission]) -> str:
    """A poll's submissions as the body of its delivery (read back by submissions_from_json)."""

    def moment(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return json.dumps(
        {
            "submissions": [
                {
                    "external_id": s.external_id,
                    "responded_at": moment(s.responded_at),
                    "survey_id": s.survey_id,
                    "answers": [
                        {"ref": a.ref, "value": a.value, "label": a.label, "kind": a.kind} for a in s.answers.values()
                    ],
                    "hidden": s.hidden,
                    "meta": s.meta,
                }
                for s in submissions
            ]
        },
        default=str,
    )


def submissions_from_json(body: str) -> list[Submission]:
    try:
        data = json.loads(body)
        return [
            Submission(
                external_id=item["external_id"],
                responded_at=datetime.fromisoformat(item["responded_at"]) if item.get("responded_at") else None,
                survey_id=item.get("survey_id", ""),
                answers={
                    a["ref"]: Answer(a["ref"], a["value"], a.get("label", ""), a.get("kind", ""))
                    for a in item["answers"]
                },
                hidden=item.get("hidden") or {},
                meta=item.get("meta") or {},
            )
            for item in data["submissions"]
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise PayloadInvalid(_("The stored poll result cannot be read: %(error)s") % {"error": error}) from None


@transaction.atomic
def source_poll(*, source: SurveySource) -> Delivery | None:
    """Ask a polled tool (LimeSurvey) for the responses completed since the last poll; what it returns is stored
    as one delivery and ingested. None when there was nothing new. The tool's errors propagate (the task logs
    them and beat tries again at the next poll)."""
    vendor = get_vendor(source.vendor)
    started = timezone.now()
    submissions = vendor.poll(config=source.config, since=source.polled_until)
    SurveySource.objects.filter(pk=source.pk).update(polled_until=started)
    source.polled_until = started
    if not submissions:
        return None
    delivery = Delivery.objects.create(
        source=source, origin=DeliveryOrigin.POLL, body=submissions_to_json(submissions), headers={}
    )
    delivery.source = source
    return delivery_process(delivery=delivery, submissions=submissions)


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
    ingest (metrics.ingest.records.RecordCleaner) and nothing written. The signature is not checked (a pasted
    sample has none). ValidationError keyed by the mapping's entry when `mapping` is not one."""
    clean_mapping = source.mapping if mapping is None else mapping_validate(mapping)
    vendor = get_vendor(source.vendor)
    preview = Preview()
    if not (sample_body or "").strip():
        preview.error = _("Paste a payload as the tool sends it.")
        return preview
    try:
        submissions = parse_body(vendor=vendor, body=sample_body, config=source.config)
        if vendor.fetches and submissions and not any(submission.answers for submission in submissions):
            try:
                submissions = vendor.fetch(json.loads(sample_body), config=source.config)
            except (PayloadInvalid, Ignored):
                raise
            except Exception as error:
                preview.error = _("The answers could not be fetched from the tool: %(error)s") % {"error": error}
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
    cleaner = RecordCleaner(columns=FIELDS, lookups=lookups, default_source=source.response_source)
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


def parse_body(*, vendor: Vendor, body: str | bytes, config: Mapping[str, Any]) -> list[Submission]:
    """The submissions in a payload; PayloadInvalid for a body that is not JSON, Ignored passed on."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PayloadInvalid(_("The payload is not JSON.")) from None
    return vendor.parse(payload, config=config)
