"""Recording the history of a journey's content (see journeys.services.history for the whole story).

simple-history's signals record save() and delete(); `record_map` records what .update() and the bulk writes
changed, by comparing the journey's rows with their latest history rows. Every row carries the change it was
part of (`history_change`): one request, or one `acting(...)` block.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Max, Subquery
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from journeys.models import Finding, Journey, Stage, Touchpoint

RENUMBER = "renumber"  # a position shifted by another part's change: not shown in the timeline
BASELINE = "baseline"  # the first record of a row made before it had any history (seeded, or older)
RESTORE = "restore"
UNDO = "undo:"  # followed by the id of the change it undid

KINDS: dict[str, type[models.Model]] = {
    "journey": Journey,
    "stage": Stage,
    "touchpoint": Touchpoint,
    "finding": Finding,
}
# What a restore puts back, per kind (attnames); the version is bumped, never restored.
CONTENT_FIELDS = {
    "journey": ["name", "description", "group_id", "state", "phase", "chain_owner_id"],
    "stage": ["journey_id", "position", "name", "customer_goal", "customer_expectation", "archived_at"],
    "touchpoint": [
        "journey_id",
        "stage_id",
        "position",
        "name",
        "channel_id",
        "description",
        "customer_expectation",
        "emotion",
        "is_moment_of_truth",
        "owner_id",
        "copied_from_id",
        "archived_at",
    ],
    "finding": ["journey_id", "stage_id", "touchpoint_id", "kind", "text", "source", "severity"],
}
# A difference in only these fields is a side effect of another part's change (a shift, a finding following
# its touchpoint), unless the part is named as the subject.
FOLLOWING_FIELDS = {"journey": set(), "stage": {"position"}, "touchpoint": {"position"}, "finding": {"stage_id"}}


def kind_of(model: type[models.Model]) -> str:
    return next(kind for kind, cls in KINDS.items() if cls is model)


def history_model(kind: str) -> Any:
    return KINDS[kind].history.model  # type: ignore[attr-defined]


# Who acts, and in which change


@dataclass
class _Acting:
    change: uuid.UUID
    user: Any
    reason: str
    at: datetime.datetime | None = None


_acting: ContextVar[_Acting | None] = ContextVar("journeys_history_acting", default=None)
_paused: ContextVar[bool] = ContextVar("journeys_history_paused", default=False)


@contextmanager
def paused() -> Iterator[None]:
    """No record_map inside (the demo seeding: fast; it writes the baselines in bulk at its end, record_baselines)."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)


@contextmanager
def acting(user: Any, *, reason: str = "") -> Iterator[uuid.UUID]:
    """Record everything written inside as one change by `user` (outside a request, or for an undo/restore)."""
    token = _acting.set(_Acting(change=uuid.uuid4(), user=user, reason=reason))
    try:
        yield _acting.get().change  # type: ignore[union-attr]
    finally:
        _acting.reset(token)


def _request() -> Any:
    return getattr(HistoricalRecords.context, "request", None)


def current_change() -> uuid.UUID | None:
    acting_now = _acting.get()
    if acting_now is not None:
        return acting_now.change
    request = _request()
    if request is None:
        return None
    if not hasattr(request, "_journey_history_change"):
        request._journey_history_change = uuid.uuid4()
    return request._journey_history_change


def change_moment() -> datetime.datetime:
    """The moment of the current change: every row of one change carries the same, so that a moment is always
    between two changes, never inside one."""
    acting_now = _acting.get()
    if acting_now is not None:
        if acting_now.at is None:
            acting_now.at = timezone.now()
        return acting_now.at
    request = _request()
    if request is None:
        return timezone.now()
    if getattr(request, "_journey_history_at", None) is None:
        request._journey_history_at = timezone.now()
    return request._journey_history_at


def current_user() -> Any:
    acting_now = _acting.get()
    if acting_now is not None:
        return acting_now.user
    user = getattr(_request(), "user", None)
    return user if user is not None and user.is_authenticated else None


def _current_reason() -> str:
    acting_now = _acting.get()
    return acting_now.reason if acting_now is not None else ""


@receiver(pre_create_historical_record)
def _stamp(sender: Any, instance: Any, history_instance: Any, **kwargs: Any) -> None:
    """A row written by save() or delete(): in the current change, by the acting user."""
    if not hasattr(history_instance, "history_change"):
        return
    history_instance.history_change = current_change()
    history_instance.history_date = change_moment()
    if history_instance.history_user_id is None and _acting.get() is not None:
        history_instance.history_user = current_user()
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = _current_reason() or None


# Recording what .update() and the bulk writes changed


def _latest(kind: str, journey_id: int, pks: Iterable[int] | None = None) -> dict[int, Any]:
    """The latest history row of each part of the journey (or of `pks`), by id."""
    history = history_model(kind)
    scope = (
        history.objects.filter(id=journey_id) if kind == "journey" else history.objects.filter(journey_id=journey_id)
    )
    if pks is not None:
        scope = history.objects.filter(id__in=list(pks))
    last = scope.values("id").annotate(last=Max("history_id")).values("last")
    return {row.id: row for row in history.objects.filter(history_id__in=Subquery(last))}


def _rows(kind: str, journey_id: int, pks: Iterable[int] | None = None) -> list[models.Model]:
    """The rows, locked: a row another transaction is changing is read once it has committed, with its history
    rows, so that its change is never recorded twice nor under the wrong name."""
    model = KINDS[kind]
    manager = model._base_manager.select_for_update().order_by("pk")
    if pks is not None:
        return list(manager.filter(pk__in=list(pks)))
    if kind == "journey":
        return list(manager.filter(pk=journey_id))
    return list(manager.filter(journey_id=journey_id))


def record_baselines(journey_ids: Iterable[int] | None = None) -> int:
    """A hidden baseline row for every part of these journeys (of all, without ids) that has no history yet: parts
    written while recording was paused (the demo seeding) or before history was recorded at all (the migration
    that added it does the same). Their first change then shows as a change from what they were, not as the
    baseline itself. Written in bulk; returns how many."""
    ids = list(journey_ids) if journey_ids is not None else None
    written = 0
    for kind, model in KINDS.items():
        rows = model._base_manager.order_by("pk")
        if ids is not None:
            rows = rows.filter(pk__in=ids) if kind == "journey" else rows.filter(journey_id__in=ids)
        missing = list(rows.exclude(pk__in=history_model(kind).objects.values("id")))
        for start in range(0, len(missing), 2000):
            _bulk_history(kind, missing[start : start + 2000], history_type="+", reason=BASELINE)
        written += len(missing)
    return written


def record_map(
    journey_id: int,
    *,
    only: Iterable[models.Model] = (),
    subjects: Iterable[models.Model] = (),
    new: bool = False,
    guess_subject: bool = False,
) -> int:
    """Record every difference between the journey's rows and their latest history rows; returns how many rows
    were written. `only`: just these parts (a versioned save of one part). `subjects`: the parts the user acted
    on (a move), recorded as their change even when only their position differs. `new`: rows without history
    were just made (an import), not older than the history. `guess_subject`: a drag and drop, which names no
    part: the one that travelled furthest is taken as the one moved."""
    if _paused.get():
        return 0
    only_by_kind: dict[str, list[int]] = {}
    for obj in only:
        only_by_kind.setdefault(kind_of(type(obj)), []).append(obj.pk)
    subject_keys = {(kind_of(type(obj)), obj.pk) for obj in subjects}
    written = 0
    for kind in KINDS:
        if only_by_kind and kind not in only_by_kind:
            continue
        pks = only_by_kind.get(kind)
        written += _record_kind(kind, journey_id, pks, subject_keys, new=new, guess_subject=guess_subject)
    return written


def _record_kind(
    kind: str, journey_id: int, pks: list[int] | None, subject_keys: set, *, new: bool, guess_subject: bool
) -> int:
    rows = _rows(kind, journey_id, pks)
    if not rows:
        return 0
    latest = _latest(kind, journey_id, [row.pk for row in rows])
    fields = CONTENT_FIELDS[kind]
    changed: dict[str, list[tuple[models.Model, str]]] = {"+": [], "~": []}
    moved: list[tuple[int, models.Model]] = []  # (how far, row) of rows that only shifted
    for row in rows:
        last = latest.get(row.pk)
        if last is None:
            changed["+"].append((row, "" if new else BASELINE))
            continue
        if last.history_type == "-":
            changed["+"].append((row, ""))
            continue
        diff = {name for name in fields if getattr(row, name) != getattr(last, name)}
        if not diff:
            continue
        if diff <= FOLLOWING_FIELDS[kind] and (kind, row.pk) not in subject_keys:
            moved.append((abs((getattr(row, "position", 0) or 0) - (getattr(last, "position", 0) or 0)), row))
            continue
        changed["~"].append((row, ""))
    if guess_subject and moved and not changed["~"] and kind in ("stage", "touchpoint"):
        subject = max(moved, key=lambda item: item[0])[1]
        moved = [item for item in moved if item[1] is not subject]
        changed["~"].append((subject, ""))
    changed["~"].extend((row, RENUMBER) for _distance, row in moved)
    written = 0
    for history_type, entries in changed.items():
        for reason in {reason for _row, reason in entries}:
            objs = [row for row, row_reason in entries if row_reason == reason]
            _bulk_history(kind, objs, history_type=history_type, reason=reason)
            written += len(objs)
    return written


def _bulk_history(kind: str, objs: list[models.Model], *, history_type: str, reason: str) -> None:
    history = history_model(kind)
    now = change_moment()
    history.objects.bulk_create(
        [
            history(
                history_date=now,
                history_type=history_type,
                history_user=current_user(),
                history_change_reason=(reason or _current_reason() or None),
                history_change=current_change(),
                **{field.attname: getattr(obj, field.attname) for field in history.tracked_fields},
            )
            for obj in objs
        ]
    )
