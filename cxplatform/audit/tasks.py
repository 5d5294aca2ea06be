from celery import shared_task

from .retention import audit_purge


@shared_task(name="audit.purge_expired")
def purge_expired_audit_events() -> int:
    """Nightly (CELERY_BEAT_SCHEDULE): the audit rows past AUDIT_RETENTION_DAYS are deleted."""
    return audit_purge()
