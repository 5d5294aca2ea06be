"""Writes of survey connectors, a module per topic, everything importable from metrics.connectors.services:

- `sources`: source_create / source_update / source_rotate_secret / source_delete, vendor_choices, public_config;
- `deliveries`: delivery_receive (= delivery_store + delivery_start) / delivery_process / delivery_replay / delivery_sweep, source_poll;
- `preview`: mapping_preview (what a pasted sample would store), sample_submissions (for mapping_suggest).

Who may call them (CX editors and admins: metrics.permissions.can_ingest_responses) is the caller's check, as for
every service.
"""

from metrics.connectors.mapping import mapping_apply, mapping_suggest, mapping_validate

from .deliveries import (
    MAX_FETCH_ATTEMPTS,
    delivery_process,
    delivery_receive,
    delivery_replay,
    delivery_start,
    delivery_store,
    delivery_sweep,
    headers_of_interest,
    queue_delivery,
    source_poll,
    submissions_from_json,
    submissions_to_json,
)
from .preview import Preview, PreviewRecord, PreviewSubmission, mapping_preview, parse_body, sample_submissions
from .sources import public_config, source_create, source_delete, source_rotate_secret, source_update, vendor_choices

__all__ = [
    "MAX_FETCH_ATTEMPTS",
    "Preview",
    "PreviewRecord",
    "PreviewSubmission",
    "delivery_process",
    "delivery_receive",
    "delivery_replay",
    "delivery_start",
    "delivery_store",
    "delivery_sweep",
    "headers_of_interest",
    "mapping_apply",
    "mapping_preview",
    "mapping_suggest",
    "mapping_validate",
    "parse_body",
    "public_config",
    "queue_delivery",
    "sample_submissions",
    "source_create",
    "source_delete",
    "source_poll",
    "source_rotate_secret",
    "source_update",
    "submissions_from_json",
    "submissions_to_json",
    "vendor_choices",
]
