"""A journey's ownership across silos: stages x the departments of the touchpoint owners, the hand-overs
between departments along the journey, and the touchpoints nobody owns (the ownership page).

A fixed number of queries, however many touchpoints there are; the grouping that follows is plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from journeys.models import Journey, Stage, Touchpoint
from teams.models import Department


@dataclass(frozen=True)
class Column:
    """A department of the matrix; `department` None is the "No department" column."""

    department: Department | None

    @property
    def key(self) -> int | None:
        return self.department.pk if self.department else None

    @property
    def name(self) -> str:
        return self.department.name if self.department else str(_("No department"))


@dataclass
class Owned:
    """A touchpoint in a cell, and the department it took the customer over from, if it did."""

    touchpoint: Touchpoint
    handover_from: Column | None = None


@dataclass
class Row:
    stage: Stage
    cells: list[list[Owned]]
    orphans: list[Touchpoint]


@dataclass
class HandOver:
    before: Touchpoint
    after: Touchpoint
    from_column: Column
    to_column: Column

    @property
    def crosses_stages(self) -> bool:
        return self.before.stage_id != self.after.stage_id


@dataclass
class OwnershipMatrix:
    journey: Journey
    columns: list[Column]
    rows: list[Row]
    handovers: list[HandOver]
    orphans: list[Touchpoint]
    counts: list[int]
    touchpoint_count: int


def _column_of(touchpoint: Touchpoint) -> Column:
    membership = getattr(touchpoint.owner, "department_membership", None)
    return Column(department=membership.department if membership else None)


def ownership_matrix(*, journey_id: int) -> OwnershipMatrix:
    """Stages × departments of the touchpoint owners, the hand-overs between departments along the journey, and
    the touchpoints nobody owns. Queries: journey (+group, chain owner), stages, touchpoints (+channel, owner,
    owner's department)."""
    journey = get_object_or_404(Journey.objects.select_related("group", "chain_owner"), pk=journey_id)
    stages = list(Stage.objects.filter(journey=journey).order_by("position", "id"))
    touchpoints = list(
        Touchpoint.objects.filter(journey=journey)
        .select_related("stage", "channel", "owner", "owner__department_membership__department")
        .order_by("stage__position", "stage_id", "position", "id")
    )
    owned = [tp for tp in touchpoints if tp.owner_id]
    orphans = [tp for tp in touchpoints if not tp.owner_id]
    column_of = {tp.pk: _column_of(tp) for tp in owned}
    named = sorted({c for c in column_of.values() if c.department}, key=lambda c: c.name.lower())
    columns = named + ([Column(None)] if any(c.department is None for c in column_of.values()) else [])
    index = {column.key: i for i, column in enumerate(columns)}

    # Walk the owned touchpoints in map order: where the department changes, the customer is handed over.
    # A touchpoint without an owner is skipped here; it is listed as an orphan instead.
    handovers = []
    entries: dict[int, Owned] = {}
    previous: Touchpoint | None = None
    for tp in owned:
        entry = Owned(touchpoint=tp)
        if previous is not None and column_of[previous.pk] != column_of[tp.pk]:
            entry.handover_from = column_of[previous.pk]
            handovers.append(HandOver(previous, tp, column_of[previous.pk], column_of[tp.pk]))
        entries[tp.pk] = entry
        previous = tp

    rows = {stage.pk: Row(stage=stage, cells=[[] for _ in columns], orphans=[]) for stage in stages}
    counts = [0] * len(columns)
    for tp in touchpoints:
        row = rows[tp.stage_id]
        if tp.owner_id is None:
            row.orphans.append(tp)
            continue
        i = index[column_of[tp.pk].key]
        row.cells[i].append(entries[tp.pk])
        counts[i] += 1
    return OwnershipMatrix(
        journey=journey,
        columns=columns,
        rows=list(rows.values()),
        handovers=handovers,
        orphans=orphans,
        counts=counts,
        touchpoint_count=len(touchpoints),
    )
