"""Deliveries: a payload received (written to Postgres before it is acknowledged), processed with the source's
mapping exactly as the API ingests, replayed after the mapping is fixed, swept when left behind, polled."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record
from metrics.connectors.mapping import is_mapped, mapping_apply
from metrics.connectors.vendors import (
    Answer,
    Ignored,
    PayloadInvalid,
    Submission,
    Vendor,
    get_vendor,
)
from metrics.connectors.vendors.base import FetchFailed
from metrics.models import Delivery, DeliveryOrigin, DeliveryStatus, SurveySource
from metrics.privacy.payloads import redact_body
from metrics.privacy.redaction import redactor_for
from metrics.services.responses import IngestRefused, responses_create

logger = logging.getLogger(__name__)


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
    """A delivery whose signature was verified: delivery_store, then delivery_start. Returns the delivery with its
    final status. Never raises for the payload's content: a problem is the delivery's status and reason."""
    return delivery_start(delivery=delivery_store(source=source, body=body, headers=headers, origin=origin))


def delivery_store(
    *,
    source: SurveySource,
    body: bytes,
    headers: Mapping[str, str],
    origin: str = DeliveryOrigin.WEBHOOK,
    submissions: list[Submission] | None = None,
) -> Delivery:
    """Write the delivery to Postgres, status "received". Must not run inside a transaction (the endpoint has
    none): the row commits on its own, before the ingest, so that a crash in the ingest leaves it "received" for
    the sweeper instead of losing what the tool was told is safe. The body's free text is redacted of the
    source's kinds first, its identifiers kept (metrics.privacy.payloads): the original comment is never stored.
    `submissions`: a poll's, already parsed."""
    kept = headers_of_interest(headers)
    text = redact_body(
        body.decode("utf-8", errors="replace"),
        redactor=redactor_for(source.redact_kinds),
        vendor=source.vendor,
        headers=kept,
        config=source.config,
        mapping=source.mapping,
        submissions=submissions,
    )
    with transaction.atomic():
        delivery = Delivery.objects.create(source=source, origin=origin, body=text, headers=kept)
        # Its arrival, with its size: never its body (answers, respondent keys).
        record(
            audit_actions.DELIVERY_RECEIVED,
            obj=delivery,
            object_repr=source.name,
            detail={"source": source.pk, "origin": str(origin), "bytes": len(body)},
        )
    delivery.source = source
    return delivery


def delivery_start(*, delivery: Delivery) -> Delivery:
    """Ingest a stored delivery now or, when its answers must come from the tool's API (a fetching vendor's
    notification), queue the task that fetches and ingests them: the delivery then stays "received". A
    notification the tool's parse already refuses or ignores is settled now, without a task."""
    vendor = get_vendor(delivery.source.vendor)
    if vendor.fetches:
        try:
            payload = vendor.decode(delivery.body.encode("utf-8"), headers=delivery.headers)
            if vendor.needs_fetch(payload):
                vendor.parse(payload, config=delivery.source.config)
                queue_delivery(delivery_id=delivery.pk)
                return delivery
        except (PayloadInvalid, Ignored):
            pass  # delivery_process reads it again and records why
    return delivery_process(delivery=delivery)


def queue_delivery(*, delivery_id: int, countdown: int = 0) -> bool:
    """Queue the task that processes a delivery (once the transaction commits); never raises: with the broker
    down the delivery stays "received" in Postgres and the sweeper queues it again."""
    from metrics.tasks.connectors import process_delivery

    def send() -> None:
        try:
            process_delivery.apply_async(args=[delivery_id], countdown=countdown)
        except Exception:  # broker unreachable, however it says so
            logger.exception("could not queue delivery %s; the sweeper will", delivery_id)

    transaction.on_commit(send)
    return True


def _submissions(delivery: Delivery, vendor: Vendor) -> list[Submission]:
    """The delivery's submissions: parsed from its body (a poll's: as stored), fetched from the tool's API when
    the payload names them only. Raises PayloadInvalid, Ignored or FetchFailed."""
    config = delivery.source.config
    if delivery.origin == DeliveryOrigin.POLL:
        return submissions_from_json(delivery.body)
    payload = vendor.decode(delivery.body.encode("utf-8"), headers=delivery.headers)
    if vendor.fetches and vendor.needs_fetch(payload):
        return vendor.fetch(payload, config=config)
    return vendor.parse(payload, config=config)


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
            message = _("The answers could not be fetched (attempt %(n)d): %(error)s") % {
                "n": locked.attempts,
                "error": failed.reason,
            }
            if not failed.retryable:
                _finish(locked, DeliveryStatus.REJECTED, message)
            elif locked.attempts >= MAX_FETCH_ATTEMPTS:
                _finish(locked, DeliveryStatus.FAILED, message)
            else:
                fetch_failed = failed
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
        result = responses_create(
            records=records, default_source=source.response_source, redact_kinds=source.redact_kinds
        )
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
    body = redact_body(
        submissions_to_json(submissions),
        redactor=redactor_for(source.redact_kinds),
        mapping=source.mapping,
        submissions=submissions,
    )
    delivery = Delivery.objects.create(source=source, origin=DeliveryOrigin.POLL, body=body, headers={})
    delivery.source = source
    return delivery_process(delivery=delivery, submissions=submissions)
