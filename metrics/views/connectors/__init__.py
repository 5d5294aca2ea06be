"""The survey source pages: the list, a new source (choose the tool, then name it), one source (its endpoint URL
and signing secret to paste into the tool, its settings), the mapping editor with its preview on a sample
payload, the delivery log with replay, and the delete.

Every page is for those who may load survey responses (metrics.permissions.can_ingest_responses: CX editors and
admins); the others get 403 on each. Writes go through metrics.connectors.services, reads through
metrics.connectors.selectors. The signing secret is shown in full once, right after it was made (creation or
rotation): it travels to the source's page in the session, which forgets it on showing it.
"""

from .deliveries import delivery_detail_view, delivery_replay_view, source_deliveries_view
from .mapping import source_mapping_view
from .sources import (
    source_create_view,
    source_delete_view,
    source_detail_view,
    source_edit_view,
    source_index,
    source_rotate_view,
)

__all__ = [
    "delivery_detail_view",
    "delivery_replay_view",
    "source_create_view",
    "source_delete_view",
    "source_deliveries_view",
    "source_detail_view",
    "source_edit_view",
    "source_index",
    "source_mapping_view",
    "source_rotate_view",
]
