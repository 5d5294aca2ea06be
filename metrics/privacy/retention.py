"""Retention: personal data of old responses is anonymised nightly (beat, metrics.tasks.retention).

Responses that were answered before the *cutoff* (the first day of the calendar month VOC_RETENTION_MONTHS
months before this one, local time) lose
- their respondent key: each distinct old key is replaced by a meaningless random token ("anon:<32 hex>"), the
  same token for every old response of that key within one run. The key-driver analysis
  (metrics.selectors.drivers) pairs a respondent's journey NPS with their touchpoint scores *by respondent key*:
  removing the key would unpair them and change its figures; a token keeps the pairs and identifies nobody (it
  is drawn at random, not derived from the key, and the old key is kept nowhere). The cutoff is a month start, so
  the responses of one month are anonymised in one run, with one token per person: pairs within a month stay
  paired. (A person whose answers straddle the cutoff keeps their key on the younger ones only.)
- their comment: removed (VOC_RETENTION_COMMENTS=remove, the default: a verbatim can identify its writer by
  what it tells, which no pattern catches, so after the retention period it goes), or redacted of every kind of
  personal data (redact: for organisations that must keep the text of old feedback).
Scores, dates, journeys, touchpoints and channels are not touched: every KPI snapshot and every figure stays
the same.

Besides, the payloads of survey deliveries (metrics.models.Delivery.body: free text redacted at the door, but
respondent keys kept for replay) and of outgoing webhook deliveries (cxplatform.webhooks: a follow-up case's
comment and respondent key) are emptied DELIVERY_BODY_RETENTION_DAYS after they arrived; the rows stay, with
their outcome.

What the tagging derived from a removed or redacted comment (its Verbatim with the search vector, its themes:
metrics.themes.tagging) goes in the same transaction; a redacted comment is tagged again after commit.

Set-based and batched: one UPDATE per batch of ids, never one per row. Idempotent: a second run finds nothing
(tokens start with "anon:", removed comments are empty, redacted ones no longer change). The whole run is one
transaction, with its audit record ("retention_anonymise", counts only).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet
from django.utils import timezone

from cxplatform.audit import actions
from cxplatform.audit.context import acting
from cxplatform.audit.recording import record
from cxplatform.webhooks.models import DeliveryStatus as WebhookStatus
from cxplatform.webhooks.models import WebhookDelivery
from metrics.models import Delivery, DeliveryStatus, SurveyResponse
from metrics.themes.tagging import verbatims_forget

from .redaction import KINDS, Redactor

TOKEN_PREFIX = "anon:"  # noqa: S105  a marker, no secret
BATCH = 20_000  # ids per UPDATE
REMOVE = "remove"
REDACT = "redact"
RESPONSES = SurveyResponse._meta.db_table


@dataclass
class RetentionCounts:
    keys: int = 0  # distinct respondent keys replaced by a token
    keyed_responses: int = 0  # responses whose key was replaced
    comments_removed: int = 0
    comments_redacted: int = 0
    delivery_bodies: int = 0  # survey deliveries whose payload was emptied
    webhook_payloads: int = 0  # outgoing webhook deliveries whose payload was emptied


def retention_cutoff(*, now: datetime | None = None, months: int | None = None) -> datetime:
    """The first moment kept: local midnight of the first day of the month `months` months before this one."""
    months = settings.VOC_RETENTION_MONTHS if months is None else months
    zone = ZoneInfo(settings.TIME_ZONE)
    today = (now or timezone.now()).astimezone(zone).date()
    index = today.year * 12 + today.month - 1 - months
    return datetime.combine(today.replace(year=index // 12, month=index % 12 + 1, day=1), time(), tzinfo=zone)


def retention_anonymise(
    *,
    now: datetime | None = None,
    months: int | None = None,
    comments: str | None = None,
    body_days: int | None = None,
    batch: int = BATCH,
) -> RetentionCounts:
    """Anonymise what is older than the retention period (see the module). Returns the counts (also in the
    audit record)."""
    now = now or timezone.now()
    cutoff = retention_cutoff(now=now, months=months)
    comments = settings.VOC_RETENTION_COMMENTS if comments is None else comments
    if comments not in (REMOVE, REDACT):
        raise ValueError(f"VOC_RETENTION_COMMENTS: {comments!r} is neither {REMOVE!r} nor {REDACT!r}")
    body_days = settings.DELIVERY_BODY_RETENTION_DAYS if body_days is None else body_days
    counts = RetentionCounts()
    with acting(via="task", label="retention (nightly)"), transaction.atomic():
        with connection.cursor() as cursor:
            bounds = _id_bounds(cursor, cutoff)
            if bounds is not None and not uses_postgres_sql():
                # SQLite (`make run` without DATABASE_URL): the same result through the ORM, key by key.
                counts.keys, counts.keyed_responses = _replace_keys_portable(cutoff)
                if comments == REMOVE:
                    counts.comments_removed = _remove_comments(cursor, cutoff, bounds, batch)
                else:
                    counts.comments_redacted = _redact_comments_portable(cutoff)
            elif bounds is not None:
                counts.keys, counts.keyed_responses = _replace_keys(cursor, cutoff, bounds, batch)
                if comments == REMOVE:
                    counts.comments_removed = _remove_comments(cursor, cutoff, bounds, batch)
                else:
                    counts.comments_redacted = _redact_comments(cursor, cutoff, bounds, batch)
        bodies_before = now - timedelta(days=body_days)
        counts.delivery_bodies = (
            Delivery.objects.filter(received_at__lt=bodies_before)
            .exclude(status=DeliveryStatus.RECEIVED)  # not processed yet: the sweeper still needs it
            .exclude(body="")
            .update(body="")
        )
        counts.webhook_payloads = (
            WebhookDelivery.objects.filter(
                created_at__lt=bodies_before, status__in=[WebhookStatus.SUCCEEDED, WebhookStatus.GIVEN_UP]
            )
            .exclude(payload={})
            .update(payload={})
        )
        detail = {
            **asdict(counts),
            "cutoff": cutoff.date().isoformat(),
            "comments": comments,
            "delivery_bodies_before": bodies_before.date().isoformat(),
        }
        record(actions.RETENTION_ANONYMISE, object_type="metrics.surveyresponse", detail=detail)
    return counts


def _id_bounds(cursor: CursorWrapper, cutoff: datetime) -> tuple[int, int] | None:
    cursor.execute(f"SELECT MIN(id), MAX(id) FROM {RESPONSES} WHERE responded_at < %s", [cutoff])  # noqa: S608
    low, high = cursor.fetchone()
    return None if low is None else (low, high)


def _batches(bounds: tuple[int, int], batch: int) -> Iterator[tuple[int, int]]:
    low, high = bounds
    for start in range(low, high + 1, batch):
        yield start, min(start + batch - 1, high)


def _replace_keys(cursor: CursorWrapper, cutoff: datetime, bounds: tuple[int, int], batch: int) -> tuple[int, int]:
    """One random token per distinct old key (a temporary table, dropped at commit), then the updates by batch."""
    cursor.execute("CREATE TEMPORARY TABLE retention_tokens (key text PRIMARY KEY, token text NOT NULL) ON COMMIT DROP")
    old_keys = (
        f"SELECT DISTINCT respondent AS key FROM {RESPONSES} "  # noqa: S608  the table's name, no input
        "WHERE responded_at < %s AND respondent <> '' AND respondent NOT LIKE %s"
    )
    fill = "INSERT INTO retention_tokens (key, token) SELECT key, %s || replace(gen_random_uuid()::text, '-', '') "
    cursor.execute(fill + f"FROM ({old_keys}) old", [TOKEN_PREFIX, cutoff, TOKEN_PREFIX + "%"])
    keys = cursor.rowcount
    updated = 0
    if keys:
        for start, end in _batches(bounds, batch):
            cursor.execute(
                f"UPDATE {RESPONSES} r SET respondent = t.token FROM retention_tokens t "  # noqa: S608
                "WHERE r.respondent = t.key AND r.responded_at < %s AND r.id BETWEEN %s AND %s",
                [cutoff, start, end],
            )
            updated += cursor.rowcount
    cursor.execute("DROP TABLE retention_tokens")
    return keys, updated


def uses_postgres_sql() -> bool:
    """Whether the set-based SQL above can run (temporary tables, gen_random_uuid(), UPDATE ... FROM)."""
    return connection.vendor == "postgresql"


def _old_responses(cutoff: datetime) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(responded_at__lt=cutoff)


def _replace_keys_portable(cutoff: datetime) -> tuple[int, int]:
    """_replace_keys for databases other than PostgreSQL: one UPDATE per distinct old key (the demo's sizes)."""
    old = _old_responses(cutoff).exclude(respondent="").exclude(respondent__startswith=TOKEN_PREFIX)
    keys = list(old.order_by().values_list("respondent", flat=True).distinct())
    updated = sum(old.filter(respondent=key).update(respondent=TOKEN_PREFIX + uuid.uuid4().hex) for key in keys)
    return len(keys), updated


def _redact_comments_portable(cutoff: datetime) -> int:
    redactor = Redactor(KINDS)
    changed: list[int] = []
    for pk, text in _old_responses(cutoff).exclude(comment="").values_list("pk", "comment").iterator():
        new = redactor(text)
        if new != text and _old_responses(cutoff).filter(pk=pk).update(comment=new):
            changed.append(pk)
    verbatims_forget(changed)
    return len(changed)


def _remove_comments(cursor: CursorWrapper, cutoff: datetime, bounds: tuple[int, int], batch: int) -> int:
    """Each batch's removed comments lose what the tagging derived from them (metrics.themes.tagging)."""
    removed = 0
    for start, end in _batches(bounds, batch):
        cursor.execute(
            f"UPDATE {RESPONSES} SET comment = '' "  # noqa: S608
            "WHERE responded_at < %s AND comment <> '' AND id BETWEEN %s AND %s RETURNING id",
            [cutoff, start, end],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        verbatims_forget(ids, rebuild=False)
        removed += len(ids)
    return removed


def _redact_comments(cursor: CursorWrapper, cutoff: datetime, bounds: tuple[int, int], batch: int) -> int:
    """Every kind, whatever the source chose at the door. Only comments with a digit or an "@" can hold any."""
    redactor = Redactor(KINDS)
    redacted = 0
    for start, end in _batches(bounds, batch):
        cursor.execute(
            f"SELECT id, comment FROM {RESPONSES} "  # noqa: S608
            "WHERE responded_at < %s AND comment ~ '[0-9@]' AND id BETWEEN %s AND %s",
            [cutoff, start, end],
        )
        changed = [(pk, new) for pk, text in cursor.fetchall() if (new := redactor(text)) != text]
        if changed:
            ids = [pk for pk, _new in changed]
            cursor.execute(
                f"UPDATE {RESPONSES} r SET comment = c.comment "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::text[]) AS c(id, comment) WHERE r.id = c.id",
                [ids, [new for _pk, new in changed]],
            )
            redacted += cursor.rowcount
            verbatims_forget(ids)  # tagged again, redacted, after commit
    return redacted
