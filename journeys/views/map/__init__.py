"""The map editor: one page per journey, edited in place with htmx.

Every successful write answers with the re-rendered board (one fragment, a fixed number of queries) and htmx
swaps it in. A stale version answers 409 with the fresh board and the reason; invalid input answers 422 with
the form and its errors, retargeted into the editor dialog. Without htmx a write redirects to the page.

- `board`: the page, and the board it shows (assembled here, answered after every write);
- `dialogs`: what every write shares (who may write, the editor dialog, a part deleted meanwhile);
- `edits`: the write views for stages, touchpoints and findings.
"""

from journeys.views.map.board import map_board, map_page
from journeys.views.map.edits import (
    finding_create,
    finding_delete,
    finding_edit,
    map_reorder,
    stage_archive,
    stage_create,
    stage_delete,
    stage_edit,
    stage_move,
    touchpoint_archive,
    touchpoint_create,
    touchpoint_delete,
    touchpoint_edit,
    touchpoint_move,
)

__all__ = [
    "finding_create",
    "finding_delete",
    "finding_edit",
    "map_board",
    "map_page",
    "map_reorder",
    "stage_archive",
    "stage_create",
    "stage_delete",
    "stage_edit",
    "stage_move",
    "touchpoint_archive",
    "touchpoint_create",
    "touchpoint_delete",
    "touchpoint_edit",
    "touchpoint_move",
]
