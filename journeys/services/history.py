"""The history of a journey's content, and going back in it: restore a deleted part, restore the whole journey
to a moment, undo one's own last change.

Recording. django-simple-history writes a history row for every save() and delete() of a journey, stage,
touchpoint or finding (its signals; the acting user from its HistoryRequestMiddleware). The services also
write with .update() (versioned saves, position shifts with F()) and bulk_update/bulk_create (reorders,
imports), which fire no signals: each of those services ends with one call to `record_map`, which compares
the journey's rows with their latest history rows and records what differs. A position that only shifted
because a sibling came, left or moved is recorded with the reason RENUMBER, which the timeline does not show.

Changes. Every history row carries `history_change`: the id of the action it was part of (one request, or one
`acting(...)` block outside a request), so that the rows one action wrote are undone together.

Going back never rewrites history: a restore or an undo is a new change, recorded like any other, and it
never deletes survey data: a part that must go but has responses, actions or cases depending on it is
archived instead (journeys.services.archive).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Max, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.accounts.forms import person_label
from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record as audit_record
from journeys import hooks, live
from journeys.models import Finding, Journey, JourneyVersion, Stage, Touchpoint

from .archive import dependents_of
from .recording import (
    BASELINE,
    CONTENT_FIELDS,
    KINDS,
    RENUMBER,
    RESTORE,
    UNDO,
    acting,
    history_model,
    record_map,
)
from .versioning import bump_structure, lock_structure

# Reading a moment back


def state_at(journey_id: int, moment: datetime.datetime) -> dict[str, dict[int, dict[str, Any] | None]]:
    """How every part of the journey was at `moment`: per kind, id -> its fields, or None when it did not exist.
    A part with no history before `moment` is left out (it is kept as it is), unless its history starts with
    its creation after `moment`."""
    state: dict[str, dict[int, dict[str, Any] | None]] = {}
    for kind in KINDS:
        history = history_model(kind)
        scope = (
            history.objects.filter(id=journey_id)
            if kind == "journey"
            else history.objects.filter(journey_id=journey_id)
        )
        before = scope.filter(history_date__lte=moment).values("id").annotate(last=Max("history_id")).values("last")
        at = {row.id: row for row in history.objects.filter(history_id__in=Subquery(before))}
        first = scope.values("id").annotate(first=models.Min("history_id")).values("first")
        created_later = history.objects.filter(
            history_id__in=Subquery(first), history_date__gt=moment, history_type="+"
        )
        created_later = created_later.exclude(history_change_reason=BASELINE).values_list("id", flat=True)
        parts: dict[int, dict[str, Any] | None] = {pk: None for pk in created_later}
        for pk, row in at.items():
            parts[pk] = None if row.history_type == "-" else _values(kind, row)
        # A seeded part first recorded after the moment: it was there as its first record says.
        baseline = history.objects.filter(
            history_id__in=Subquery(first), history_date__gt=moment, history_change_reason=BASELINE
        )
        for row in baseline:
            parts.setdefault(row.id, _values(kind, row))
        state[kind] = parts
    return state


def _values(kind: str, row: Any) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in CONTENT_FIELDS[kind]}
    values["version"] = row.version
    return values


# Applying a target state


class RestoreRefused(ValidationError):
    pass


def _apply(journey: Journey, target: dict[str, dict[int, dict[str, Any] | None]], *, before: set | None = None) -> None:
    """Make the journey's parts as `target` says (id -> fields, or None: gone), then number the places again.
    `before`: (kind, id) of restored parts that go before the part now at their old place."""
    now = timezone.now()
    if "journey" in target and target["journey"].get(journey.pk):
        values = {k: v for k, v in target["journey"][journey.pk].items() if k != "version"}  # type: ignore[union-attr]
        Journey._base_manager.filter(pk=journey.pk).update(version=F("version") + 1, **values)
    for kind in ("stage", "touchpoint", "finding"):
        model = KINDS[kind]
        wanted = {pk: values for pk, values in target.get(kind, {}).items() if values is not None}
        existing = set(model._base_manager.filter(pk__in=list(wanted)).values_list("pk", flat=True))
        for pk, values in wanted.items():
            fields = {k: v for k, v in values.items() if k != "version"}
            fields["journey_id"] = journey.pk
            _check_parents(kind, fields, values.get("name") or str(values.get("text", ""))[:60])
            if pk in existing:
                model._base_manager.filter(pk=pk).update(version=F("version") + 1, **fields)
            else:
                model(pk=pk, version=(values.get("version") or 0) + 1, **fields).save(force_insert=True)
    gone = {kind: [pk for pk, values in target.get(kind, {}).items() if values is None] for kind in KINDS}
    Finding.objects.filter(journey_id=journey.pk, pk__in=gone["finding"]).delete()
    parts: list[tuple[type[Stage] | type[Touchpoint], str]] = [(Touchpoint, "touchpoint"), (Stage, "stage")]
    for map_model, kind in parts:
        for part in map_model._base_manager.filter(journey_id=journey.pk, pk__in=gone[kind]):
            if dependents_of(part):  # survey data, actions or cases: archived, never deleted
                if part.archived_at is None:
                    map_model._base_manager.filter(pk=part.pk).update(archived_at=now, version=F("version") + 1)
                    if kind == "stage":
                        Touchpoint.objects.filter(stage_id=part.pk).update(archived_at=now)
            else:
                part.delete()
    _renumber(journey, target, before or set())


def _check_parents(kind: str, fields: dict[str, Any], label: str) -> None:
    if kind in ("touchpoint", "finding"):
        stage = Stage._base_manager.filter(pk=fields["stage_id"]).first()
        if stage is None or stage.archived_at is not None:
            name = stage.name if stage is not None else _stage_name(fields["stage_id"])
            raise RestoreRefused(
                _(
                    "“%(name)s” cannot come back on its own: its stage “%(stage)s” is no longer on the map. Restore the stage first."
                )
                % {"name": label, "stage": name}
            )
    touchpoint_id = fields.get("touchpoint_id") if kind == "finding" else None
    if touchpoint_id and not Touchpoint.objects.filter(pk=touchpoint_id).exists():
        raise RestoreRefused(
            _(
                "“%(name)s” cannot come back on its own: its touchpoint is no longer on the map. Restore the touchpoint first."
            )
            % {"name": label}
        )


def _stage_name(stage_id: int) -> str:
    row = history_model("stage").objects.filter(id=stage_id).order_by("-history_id").first()
    return row.name if row is not None else "?"


def _renumber(journey: Journey, target: dict, before: set) -> None:
    """Places 0..n-1 again: the stages of the journey, the touchpoints of each stage, in their target order."""

    def order(kind: str, rows: list) -> list:
        wanted = target.get(kind, {})

        def key(row: Any) -> tuple:
            values = wanted.get(row.pk)
            position = values["position"] if values else row.position
            return (position, 0 if (kind, row.pk) in before else 1, row.pk)

        return sorted(rows, key=key)

    stages = order("stage", list(Stage.objects.filter(journey_id=journey.pk)))
    for index, stage in enumerate(stages):
        stage.position = index
    Stage.objects.bulk_update(stages, ["position"])
    touchpoints = list(Touchpoint.objects.filter(journey_id=journey.pk))
    by_stage: dict[int, list[Touchpoint]] = {}
    for touchpoint in touchpoints:
        by_stage.setdefault(touchpoint.stage_id, []).append(touchpoint)
    for rows in by_stage.values():
        for index, touchpoint in enumerate(order("touchpoint", rows)):
            touchpoint.position = index
    Touchpoint.objects.bulk_update(touchpoints, ["position"])


def _finish(journey: Journey, subjects: Iterable[models.Model] = (), *, shape: bool = True) -> None:
    """Record the change, and tell whoever follows the map; `shape`: stages or touchpoints came, went or moved,
    so the figures per stage and touchpoint are computed again (journeys.hooks)."""
    record_map(journey.pk, subjects=subjects)
    bump_structure(journey)
    if shape:
        hooks.structure_changed(journey_ids=[journey.pk])
    live.journey_changed(journey.pk)


# Restore a deleted part


@transaction.atomic
def part_restore(*, journey: Journey, kind: str, history_id: int, user: Any) -> models.Model:
    """Bring back the stage, touchpoint or finding whose deletion is history row `history_id`, at its place."""
    if kind not in ("stage", "touchpoint", "finding"):
        raise ValidationError({"kind": _("Only a stage, a touchpoint or a finding can be restored.")})
    journey = lock_structure(Journey, journey.pk, None)
    row = history_model(kind).objects.filter(history_id=history_id, journey_id=journey.pk, history_type="-").first()
    if row is None:
        raise ValidationError({"history_id": _("There is no such deletion in this journey's history.")})
    model = KINDS[kind]
    if model._base_manager.filter(pk=row.id).exists():
        raise RestoreRefused(_("“%(name)s” is already back.") % {"name": _label(kind, row)})
    values = _values(kind, row)
    if kind == "stage":
        values["archived_at"] = None
    if kind == "touchpoint":
        values["archived_at"] = None
    with acting(user, reason=RESTORE):
        _apply(journey, {kind: {row.id: values}}, before={(kind, row.id)})
        restored = model._base_manager.get(pk=row.id)
        _finish(journey, subjects=[restored], shape=kind != "finding")
    # Written with .update() and bulk_create (no save() signal): one audit row for the restore.
    audit_record(audit_actions.RESTORE, obj=restored, detail={"history_id": history_id})
    return restored


def _label(kind: str, row: Any) -> str:
    return row.text[:60] if kind == "finding" else row.name


# Restore the whole journey to a moment


@dataclass
class RestorePlan:
    """What a restore to `moment` would do, to confirm first: names of the parts that come back, go, change."""

    moment: datetime.datetime
    back: list[str]
    gone: list[str]
    changed: list[str]

    @property
    def is_empty(self) -> bool:
        return not (self.back or self.gone or self.changed)


def restore_plan(*, journey: Journey, moment: datetime.datetime) -> RestorePlan:
    target = state_at(journey.pk, moment)
    plan = RestorePlan(moment=moment, back=[], gone=[], changed=[])
    for kind in ("stage", "touchpoint", "finding"):
        model = KINDS[kind]
        now = {row.pk: row for row in model._base_manager.filter(journey_id=journey.pk)}
        for pk, values in target[kind].items():
            current = now.get(pk)
            if values is None:
                if current is not None and getattr(current, "archived_at", None) is None:
                    plan.gone.append(str(current))
                continue
            label = values.get("name") or str(values.get("text", ""))[:60]
            if current is None or (getattr(current, "archived_at", None) and not values.get("archived_at")):
                plan.back.append(label)
            elif any(getattr(current, name) != value for name, value in values.items() if name != "version"):
                plan.changed.append(label)
    journey_then = target["journey"].get(journey.pk)
    if journey_then and any(getattr(journey, k) != v for k, v in journey_then.items() if k != "version"):
        plan.changed.insert(0, journey_then["name"])
    return plan


@transaction.atomic
def journey_restore_to(*, journey: Journey, moment: datetime.datetime, user: Any) -> Journey:
    """The journey's parts as they were at `moment`, as a new change: deleted ones come back, later ones go
    (archived when survey data depend on them), fields and places as they were."""
    journey = lock_structure(Journey, journey.pk, None)
    if journey.archived_at is not None:
        raise RestoreRefused(_("The journey is archived: restore it from the archive first."))
    target = state_at(journey.pk, moment)
    with acting(user, reason=RESTORE):
        _apply(journey, target)
        _finish(journey)
    audit_record(audit_actions.RESTORE, obj=journey, detail={"to": moment.isoformat()})
    return Journey.objects.get(pk=journey.pk)


# Undo one's own last change


@dataclass
class Change:
    """One change of a journey: its id, who, when, and its rows per kind."""

    id: uuid.UUID
    rows: dict[str, list]


def _journey_scope(kind: str, journey_id: int) -> Any:
    history = history_model(kind)
    return history.objects.filter(id=journey_id) if kind == "journey" else history.objects.filter(journey_id=journey_id)


def last_own_change(*, journey: Journey, user: Any) -> Change | None:
    """The user's latest change on this journey that is not an undo and was not undone."""
    undone: set[str] = set()
    candidates: list[tuple[datetime.datetime, uuid.UUID]] = []
    for kind in KINDS:
        scope = _journey_scope(kind, journey.pk).filter(history_change__isnull=False)
        for reason in (
            scope.filter(history_change_reason__startswith=UNDO)
            .values_list("history_change_reason", flat=True)
            .distinct()
        ):
            undone.add(reason.removeprefix(UNDO))
        own = (
            scope.filter(history_user=user)
            .exclude(history_change_reason__startswith=UNDO)
            .values("history_change")
            .annotate(at=Max("history_date"))
            .order_by("-at")[:50]
        )
        candidates.extend((row["at"], row["history_change"]) for row in own)
    for _at, change in sorted(candidates, key=lambda item: item[0], reverse=True):
        if str(change) not in undone:
            rows = {kind: list(_journey_scope(kind, journey.pk).filter(history_change=change)) for kind in KINDS}
            return Change(id=change, rows=rows)
    return None


@transaction.atomic
def undo_last_change(*, journey: Journey, user: Any) -> Change:
    """Revert the user's own latest change on this journey, as a new change. Refused (RestoreRefused) when
    there is none, or when someone else changed one of its parts since."""
    journey = lock_structure(Journey, journey.pk, None)
    change = last_own_change(journey=journey, user=user)
    if change is None:
        raise RestoreRefused(_("There is no change of yours on this map to undo."))
    target: dict[str, dict[int, dict[str, Any] | None]] = {}
    for kind, rows in change.rows.items():
        if not rows:
            continue
        history = history_model(kind)
        first = min(row.history_id for row in rows)
        last = max(row.history_id for row in rows)
        ids = {row.id for row in rows}
        subject_ids = {row.id for row in rows if row.history_change_reason != RENUMBER}
        later = (
            history.objects.filter(id__in=subject_ids, history_id__gt=last)
            .exclude(history_change=change.id)
            .exclude(history_change_reason=RENUMBER)
            .exclude(history_user=user)  # one's own later changes were undone already: this is the latest left
            .select_related("history_user")
            .order_by("history_id")
            .first()
        )
        if later is not None:
            who = person_label(later.history_user) if later.history_user else _("Someone")
            raise RestoreRefused(
                _("%(who)s changed “%(name)s” after you, so your change was not undone: it would overwrite theirs.")
                % {"who": who, "name": _label(kind, later)}
            )
        before = history.objects.filter(
            history_id__in=Subquery(
                history.objects.filter(id__in=ids, history_id__lt=first)
                .values("id")
                .annotate(last=Max("history_id"))
                .values("last")
            )
        )
        previous = {row.id: row for row in before}
        target[kind] = {}
        for pk in ids:
            prior = previous.get(pk)
            target[kind][pk] = None if prior is None or prior.history_type == "-" else _values(kind, prior)
    with acting(user, reason=f"{UNDO}{change.id}"):
        _apply(journey, target)
        _finish(journey, shape=bool(target.get("stage") or target.get("touchpoint")))
    audit_record(audit_actions.RESTORE, obj=journey, detail={"undo": str(change.id)})
    return change


# Named versions


@transaction.atomic
def version_create(*, journey: Journey, name: str, at: datetime.datetime | None = None, user: Any) -> JourneyVersion:
    version = JourneyVersion(journey=journey, name=name.strip(), at=at or timezone.now(), created_by=user)
    version.full_clean()
    version.save()
    return version
