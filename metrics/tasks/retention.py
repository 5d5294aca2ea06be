"""The nightly retention task (beat: voc-retention)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from metrics.privacy.retention import retention_anonymise


@shared_task(name="metrics.retention_anonymise", time_limit=3600, soft_time_limit=3540)
def retention_anonymise_task() -> dict[str, int]:
    """Anonymise the respondent keys and comments older than VOC_RETENTION_MONTHS, empty old delivery payloads.
    Returns the counts."""
    return asdict(retention_anonymise())
