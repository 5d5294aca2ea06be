"""Moves and reorders based on an older map merge onto the current order, like edits merge field by field.

A move or a drag and drop names the map's structure version it was based on. When someone else changed the order
since, the page also sends the order the user saw (`seen`, the shape of journey_reorder's `stages`). The cards the
user moved are those whose place differs between `seen` and the order the user asked for; the cards someone else
moved are those whose place differs between `seen` and the current order (in both, a card's place is its stage
and its order among the cards present in both: a card added or deleted elsewhere moves nobody). The user's moves
are applied to the current order unless a card the user moved was moved by someone else too, or is gone (or its
new stage is): then nothing moves and the user is told (MoveCollision, a StaleVersion with the current map).
Without `seen` a stale move is refused as before.
"""

from collections.abc import Set as AbstractSet
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxplatform.lib.versioning import StaleVersion
from journeys.models import Journey, Stage, Touchpoint

from .map import journey_reorder, stage_move, touchpoint_move
from .versioning import lock_structure

Order = list[dict[str, Any]]  # [{"id": stage id, "touchpoints": [touchpoint ids]}, ...] from left to right
Moving = tuple[AbstractSet[int], AbstractSet[int]]  # stage ids, touchpoint ids
NOBODY: Moving = (frozenset(), frozenset())


class MoveCollision(StaleVersion):
    """A card the user moved was moved (or deleted) by someone else since the user saw the map."""

    def __init__(self, journey: Journey) -> None:
        super().__init__(
            journey,
            gettext_lazy(
                "Someone else moved or deleted the same card in the meantime. Nothing was moved; here is the latest "
                "map."
            ),
        )


# Comparing orders


def order_of(journey: Journey) -> Order:
    """The journey's current order: its stages, each with its touchpoints."""
    stages: dict[int, list[int]] = {
        pk: [] for pk in journey.stages.order_by("position", "id").values_list("pk", flat=True)
    }
    for pk, stage_id in (
        Touchpoint.objects.filter(stage__journey=journey).order_by("position", "id").values_list("pk", "stage_id")
    ):
        stages.setdefault(stage_id, []).append(pk)
    return [{"id": stage_id, "touchpoints": touchpoints} for stage_id, touchpoints in stages.items()]


def _kept_in_order(before: list[int], after: list[int], prefer_moved: AbstractSet[int]) -> set[int]:
    """The longest run of items both lists hold in the same order (a longest common subsequence). Where two
    runs are as long (two neighbours swapped: did one go up or the other down?), the items of `prefer_moved`
    are the ones left out, i.e. taken as moved."""
    common = set(before) & set(after)
    a, b = [x for x in before if x in common], [x for x in after if x in common]
    lengths = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = lengths[i + 1][j + 1] + 1 if a[i] == b[j] else max(lengths[i + 1][j], lengths[i][j + 1])
    kept, i, j = set(), 0, 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] > lengths[i][j + 1]:
            i += 1
        elif lengths[i + 1][j] < lengths[i][j + 1] or b[j] in prefer_moved:
            j += 1
        else:
            i += 1
    return kept


def _stage_of(order: Order) -> dict[int, int]:
    return {tp: entry["id"] for entry in order for tp in entry["touchpoints"]}


def moved_cards(before: Order, after: Order, prefer_moved: Moving = NOBODY) -> Moving:
    """The stages and the touchpoints whose place differs between two orders (among the cards both hold)."""
    prefer_stages, prefer_touchpoints = prefer_moved
    before_stages, after_stages = [e["id"] for e in before], [e["id"] for e in after]
    stages = (set(before_stages) & set(after_stages)) - _kept_in_order(before_stages, after_stages, prefer_stages)
    before_of, after_of = _stage_of(before), _stage_of(after)
    touchpoints = {tp for tp in set(before_of) & set(after_of) if before_of[tp] != after_of[tp]}
    lists_after = {e["id"]: e["touchpoints"] for e in after}
    for entry in before:
        stayed = [tp for tp in entry["touchpoints"] if after_of.get(tp) == entry["id"]]
        there = [tp for tp in lists_after.get(entry["id"], []) if before_of.get(tp) == entry["id"]]
        touchpoints |= set(stayed) - _kept_in_order(stayed, there, prefer_touchpoints)
    return stages, touchpoints


def _place(items: list[int], moved: list[int], wanted: list[int]) -> list[int]:
    """`items` with each of `moved` put right after the item before it in `wanted`; first or last when it is
    first or last there."""
    result = list(items)
    for item in moved:
        index = wanted.index(item)
        before = next((x for x in reversed(wanted[:index]) if x in result), None)
        after = next((x for x in wanted[index + 1 :] if x in result), None)
        if before is None:
            result.insert(0, item)
        elif after is None:
            result.append(item)
        else:
            result.insert(result.index(before) + 1, item)
    return result


def merge_orders(*, seen: Order, mine: Order, current: Order, journey: Journey, moving: Moving = NOBODY) -> Order:
    """The current order with the moves the user made (from `seen` to `mine`) applied; MoveCollision when a
    card the user moved was moved by someone else (from `seen` to `current`) or is gone. `moving`: the ids of the
    stages and touchpoints the user is known to have moved (the one of an arrow button, the one dragged); where the orders alone
    leave it open which of two cards moved, those did, and else the ones someone else moved or deleted (so a doubt
    ends in telling the user rather than in a surprise)."""
    their_stages, their_touchpoints = moved_cards(seen, current, moving)
    current_of, mine_of = _stage_of(current), _stage_of(mine)
    current_stages = [e["id"] for e in current]
    gone_stages = {e["id"] for e in seen} - set(current_stages)
    gone_touchpoints = set(_stage_of(seen)) - set(current_of)
    if moving[0] or moving[1]:  # the page says which card the user moved
        my_stages, my_touchpoints = moved_cards(seen, mine, moving)
    else:
        my_stages, my_touchpoints = moved_cards(
            seen, mine, (their_stages | gone_stages, their_touchpoints | gone_touchpoints)
        )
    if (
        my_stages & their_stages
        or my_touchpoints & their_touchpoints
        or my_stages - set(current_stages)
        or my_touchpoints - set(current_of)
        or {mine_of[tp] for tp in my_touchpoints} - set(current_stages)
    ):
        raise MoveCollision(journey)
    mine_stages = [e["id"] for e in mine]
    stages = _place(
        [s for s in current_stages if s not in my_stages], [s for s in mine_stages if s in my_stages], mine_stages
    )
    lists = {e["id"]: [tp for tp in e["touchpoints"] if tp not in my_touchpoints] for e in current}
    for entry in mine:
        moved_here = [tp for tp in entry["touchpoints"] if tp in my_touchpoints]
        if moved_here:
            lists[entry["id"]] = _place(lists[entry["id"]], moved_here, entry["touchpoints"])
    return [{"id": stage, "touchpoints": lists[stage]} for stage in stages]


# The writes


@transaction.atomic
def journey_reorder_merged(
    *,
    journey: Journey,
    stages: Order,
    seen: Order | None,
    expected_structure_version: int,
    moving: Moving = NOBODY,
) -> Journey:
    """journey_reorder, or, based on an older map, the user's moves (from `seen` to `stages`) on the current one."""
    locked = lock_structure(Journey, journey.pk, None)
    if locked.structure_version == expected_structure_version or seen is None:
        return journey_reorder(journey=journey, stages=stages, expected_structure_version=expected_structure_version)
    merged = merge_orders(seen=seen, mine=stages, current=order_of(locked), journey=locked, moving=moving)
    return journey_reorder(journey=locked, stages=merged, expected_structure_version=locked.structure_version)


@transaction.atomic
def stage_step(*, stage: Stage, offset: int, seen: Order | None, expected_structure_version: int) -> None:
    """Move a stage `offset` places (-1 left, 1 right), merged onto the current map when based on an older one."""
    journey = lock_structure(Journey, stage.journey_id, None)
    if journey.structure_version == expected_structure_version or seen is None:
        stage_move(stage=stage, position=stage.position + offset, expected_structure_version=expected_structure_version)
        return
    mine = [dict(e) for e in seen]
    index = next((i for i, e in enumerate(mine) if e["id"] == stage.pk), None)
    if index is None or not 0 <= index + offset < len(mine):
        raise MoveCollision(journey)
    mine.insert(index + offset, mine.pop(index))
    merged = merge_orders(seen=seen, mine=mine, current=order_of(journey), journey=journey, moving=({stage.pk}, set()))
    journey_reorder(journey=journey, stages=merged, expected_structure_version=journey.structure_version)


@transaction.atomic
def touchpoint_step(
    *,
    touchpoint: Touchpoint,
    stage_step: int,
    position_step: int,
    seen: Order | None,
    expected_structure_version: int,
) -> None:
    """Move a touchpoint up/down in its stage, or left/right to the neighbouring stage at the same height where it
    can; merged onto the current map when based on an older one (the neighbour is the one the user saw)."""
    journey = lock_structure(Journey, touchpoint.journey_id, None)
    if journey.structure_version == expected_structure_version or seen is None:
        stage, position = touchpoint.stage, touchpoint.position + position_step
        if stage_step:
            neighbour = Stage.objects.filter(journey_id=journey.pk, position=stage.position + stage_step).first()
            if neighbour is None:
                raise ValidationError(_("There is no stage on that side."))
            stage, position = neighbour, min(touchpoint.position, neighbour.touchpoints.count())
        touchpoint_move(
            touchpoint=touchpoint, stage=stage, position=position, expected_structure_version=expected_structure_version
        )
        return
    mine = [{"id": e["id"], "touchpoints": list(e["touchpoints"])} for e in seen]
    index = next((i for i, e in enumerate(mine) if touchpoint.pk in e["touchpoints"]), None)
    if index is None or not 0 <= index + stage_step < len(mine):
        raise MoveCollision(journey)
    source = mine[index]["touchpoints"]
    position = source.index(touchpoint.pk)
    source.remove(touchpoint.pk)
    target = mine[index + stage_step]["touchpoints"]
    new_position = position + position_step if not stage_step else min(position, len(target))
    if not 0 <= new_position <= len(target):
        raise MoveCollision(journey)
    target.insert(new_position, touchpoint.pk)
    merged = merge_orders(
        seen=seen, mine=mine, current=order_of(journey), journey=journey, moving=(set(), {touchpoint.pk})
    )
    journey_reorder(journey=journey, stages=merged, expected_structure_version=journey.structure_version)
