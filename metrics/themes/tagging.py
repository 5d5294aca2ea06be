"""Comments tagged with their themes (contract; implemented in issue 17's tagging work).

Every response with a comment gets a Verbatim row (language, the codebook version it was tagged with, its search
vector on PostgreSQL) and one ResponseTheme row per theme found. Tagging is set-based and idempotent: a batch
deletes its responses' old rows and inserts the new ones in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    version: int  # the codebook's current version
    total: int  # responses with a comment
    done: int  # of which tagged with the current version

    @property
    def complete(self) -> bool:
        return self.done >= self.total

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, int(100 * self.done / self.total))


def tag_responses(response_ids: Sequence[int]) -> int:
    """Tag these responses now (with the current codebook); returns how many had a comment."""
    raise NotImplementedError


def retag_request() -> int:
    """Call inside the transaction of a codebook change: raises CodebookState.version and, on commit, has a
    worker tag every comment again. Returns the new version."""
    raise NotImplementedError


def tagging_progress() -> Progress:
    raise NotImplementedError


def verbatims_forget(response_ids: Sequence[int]) -> None:
    """The comments of these responses changed (redacted, removed): their derived rows go, and are rebuilt."""
    raise NotImplementedError
