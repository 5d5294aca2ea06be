"""The retention of the audit trail: rows older than AUDIT_RETENTION_DAYS are deleted each night (the one
delete the append-only table allows; cxplatform.audit.models.AuditQuerySet.purge_before)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import actions
from .models import AuditEvent
from .recording import record


@transaction.atomic
def audit_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the audit rows older than the retention period; the purge itself is recorded, with its count."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted = AuditEvent.objects.purge_before(cutoff)
    if deleted:
        record(
            actions.AUDIT_PURGED,
            object_type="audit.auditevent",
            detail={"deleted": deleted, "before": cutoff.date().isoformat()},
        )
    return deleted
