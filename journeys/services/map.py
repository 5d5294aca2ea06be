"""Stages, touchpoints and findings: create, edit, delete, move and reorder, guarded by version numbers."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext as _

from cxplatform.accounts.models import User
from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record
from cxplatform.lib.unset import UNSET, Unset, given
from cxplatform.lib.versioning import delete_if_current, save_if_current
from journeys import hooks
from journeys.live import journey_changed
from journeys.models import Channel, Finding, Journey, Stage, Touchpoint

from .archive import delete_unless_depended_on
from .keys import check_stage_key, check_touchpoint_keys, key_collision_refused
from .recording import record_map
from .versioning import bump_structure, lock_structure

STAGE_FIELDS = ["name", "key", "customer_goal", "customer_expectation"]
TOUCHPOINT_FIELDS = [
    "name",
    "key",
    "aliases",
    "channel",
    "description",
    "customer_expectation",
    "emotion",
    "is_moment_of_truth",
    "owner",
]
FINDING_FIELDS = ["kind", "text", "source", "severity"]


def _check_fields(fields: dict[str, Any], allowed: list[str], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"{what}() got unexpected fields: {', '.join(sorted(unknown))}")


def _insert_position(count: int, position: int | None) -> int:
    if position is None:
        return count
    if not 0 <= position <= count:
        raise ValidationError({"position": _("Position must be between 0 and %(max)s.") % {"max": count}})
    return position


# Stages


@transaction.atomic
def stage_create(*, journey: Journey, name: str, position: int | None = None, **fields: Any) -> Stage:
    _check_fields(fields, STAGE_FIELDS, "stage_create")
    journey = lock_structure(Journey, journey.pk, None)
    count = journey.stages.count()
    position = _insert_position(count, position)
    stage = Stage(journey=journey, name=name, position=position, **fields)
    check_stage_key(stage)
    stage.full_clean()
    journey.stages.filter(position__gte=position).update(position=F("position") + 1)
    with key_collision_refused():
        stage.save()
    bump_structure(journey)
    record_map(journey.pk)
    journey_changed(journey.pk, parts=[f"stage-{stage.pk}"])
    return stage


@transaction.atomic
def stage_update(
    *,
    stage: Stage,
    expected_version: int,
    name: str | Unset = UNSET,
    key: str | Unset = UNSET,
    customer_goal: str | Unset = UNSET,
    customer_expectation: str | Unset = UNSET,
) -> Stage:
    """An empty key is made from the name again; a key another stage of the journey holds is refused."""
    journey_changed(stage.journey_id, parts=[f"stage-{stage.pk}"])
    changes = given(name=name, key=key, customer_goal=customer_goal, customer_expectation=customer_expectation)
    for field, value in changes.items():
        setattr(stage, field, value)
    if "key" in changes:
        check_stage_key(stage)
    with key_collision_refused():
        saved = save_if_current(stage, expected_version=expected_version, fields=STAGE_FIELDS)
    record_map(stage.journey_id, only=[stage])
    return saved


@transaction.atomic
def stage_delete(*, stage: Stage, expected_version: int) -> None:
    """Deletes the stage with its touchpoints and findings; the stages after it move up. Refused
    (HasDependents) while responses, actions or cases depend on it or its touchpoints: archive it instead."""
    journey_changed(stage.journey_id, parts=[f"stage-{stage.pk}"])
    journey = lock_structure(Journey, stage.journey_id, None)
    deleted = delete_unless_depended_on(stage, expected_version=expected_version)
    journey.stages.filter(position__gt=deleted.position).update(position=F("position") - 1)
    bump_structure(journey)
    record_map(journey.pk)
    hooks.structure_changed(journey_ids=[journey.pk])


@transaction.atomic
def stage_move(*, stage: Stage, position: int, expected_structure_version: int) -> Stage:
    journey_changed(stage.journey_id, parts=[f"stage-{stage.pk}"])
    journey = lock_structure(Journey, stage.journey_id, expected_structure_version)
    stages = list(journey.stages.order_by("position", "id"))
    current = next((s for s in stages if s.pk == stage.pk), None)
    if current is None:
        raise ValidationError({"stage": _("This stage is not part of the journey.")})
    if not 0 <= position < len(stages):
        raise ValidationError({"position": _("Position must be between 0 and %(max)s.") % {"max": len(stages) - 1}})
    stages.remove(current)
    stages.insert(position, current)
    _renumber(stages)
    Stage.objects.bulk_update(stages, ["position"])
    record(audit_actions.REORDER, obj=current, fields=["position"])  # bulk_update: no save() signal
    bump_structure(journey)
    record_map(journey.pk, subjects=[current])
    current.refresh_from_db()
    return current


# Touchpoints


@transaction.atomic
def touchpoint_create(*, stage: Stage, name: str, position: int | None = None, **fields: Any) -> Touchpoint:
    _check_fields(fields, TOUCHPOINT_FIELDS, "touchpoint_create")
    journey = lock_structure(Journey, stage.journey_id, None)
    count = stage.touchpoints.count()
    position = _insert_position(count, position)
    touchpoint = Touchpoint(journey=journey, stage=stage, name=name, position=position, **fields)
    check_touchpoint_keys(touchpoint)
    touchpoint.full_clean()
    _check_same_journey(touchpoint)
    stage.touchpoints.filter(position__gte=position).update(position=F("position") + 1)
    with key_collision_refused():
        touchpoint.save()
    bump_structure(journey)
    record_map(journey.pk)
    journey_changed(journey.pk, parts=[f"touchpoint-{touchpoint.pk}"])
    return touchpoint


@transaction.atomic
def touchpoint_update(
    *,
    touchpoint: Touchpoint,
    expected_version: int,
    name: str | Unset = UNSET,
    key: str | Unset = UNSET,
    aliases: list[str] | Unset = UNSET,
    channel: Channel | Unset | None = UNSET,
    description: str | Unset = UNSET,
    customer_expectation: str | Unset = UNSET,
    emotion: int | Unset = UNSET,
    is_moment_of_truth: bool | Unset = UNSET,
    owner: User | Unset | None = UNSET,
) -> Touchpoint:
    journey_changed(touchpoint.journey_id, parts=[f"touchpoint-{touchpoint.pk}"])
    changes = given(
        name=name,
        key=key,
        aliases=aliases,
        channel=channel,
        description=description,
        customer_expectation=customer_expectation,
        emotion=emotion,
        is_moment_of_truth=is_moment_of_truth,
        owner=owner,
    )
    for field, value in changes.items():
        setattr(touchpoint, field, value)
    if "key" in changes or "aliases" in changes:
        check_touchpoint_keys(touchpoint)
    with key_collision_refused():
        saved = save_if_current(touchpoint, expected_version=expected_version, fields=TOUCHPOINT_FIELDS)
    record_map(touchpoint.journey_id, only=[touchpoint])
    return saved


@transaction.atomic
def touchpoint_delete(*, touchpoint: Touchpoint, expected_version: int) -> None:
    """Refused (HasDependents) while responses, actions or cases depend on it: archive it instead."""
    journey_changed(touchpoint.journey_id, parts=[f"touchpoint-{touchpoint.pk}"])
    journey = lock_structure(Journey, touchpoint.journey_id, None)
    deleted = delete_unless_depended_on(touchpoint, expected_version=expected_version)
    Touchpoint.objects.filter(stage_id=deleted.stage_id, position__gt=deleted.position).update(
        position=F("position") - 1
    )
    bump_structure(journey)
    record_map(journey.pk)
    hooks.structure_changed(journey_ids=[journey.pk])


@transaction.atomic
def touchpoint_move(
    *, touchpoint: Touchpoint, stage: Stage, position: int, expected_structure_version: int
) -> Touchpoint:
    """Move a touchpoint to `position` in `stage` (the same or another stage of its journey)."""
    journey_changed(touchpoint.journey_id, parts=[f"touchpoint-{touchpoint.pk}"])
    journey = lock_structure(Journey, touchpoint.journey_id, expected_structure_version)
    if stage.journey_id != journey.pk:
        raise ValidationError({"stage": _("A touchpoint can only move to a stage of its own journey.")})
    source = list(Touchpoint.objects.filter(stage_id=touchpoint.stage_id).order_by("position", "id"))
    moving = next(t for t in source if t.pk == touchpoint.pk)
    source.remove(moving)
    target = source if stage.pk == touchpoint.stage_id else list(stage.touchpoints.order_by("position", "id"))
    if not 0 <= position <= len(target):
        raise ValidationError({"position": _("Position must be between 0 and %(max)s.") % {"max": len(target)}})
    target.insert(position, moving)
    other_stage = moving.stage_id != stage.pk
    moving.stage = stage
    _renumber(source)
    _renumber(target)
    changed = {t.pk: t for t in [*source, *target]}
    Touchpoint.objects.bulk_update(changed.values(), ["stage", "position"])
    Finding.objects.filter(touchpoint=moving).update(stage=stage)
    record(audit_actions.REORDER, obj=moving, fields=["stage", "position"] if other_stage else ["position"])
    bump_structure(journey)
    record_map(journey.pk, subjects=[moving])
    if other_stage:  # its responses now count for another stage
        hooks.structure_changed(journey_ids=[journey.pk])
    return moving


@transaction.atomic
def journey_reorder(*, journey: Journey, stages: list[dict[str, Any]], expected_structure_version: int) -> Journey:
    """Set the whole order at once: `stages` lists every stage id in order, each with every touchpoint id it
    holds, in order (`[{"id": 3, "touchpoints": [7, 5]}, ...]`). A touchpoint listed under another stage moves
    there. Refused unless every stage and touchpoint of the journey is listed exactly once."""
    journey_changed(journey.pk)
    journey = lock_structure(Journey, journey.pk, expected_structure_version)
    stage_ids = [entry["id"] for entry in stages]
    touchpoint_ids = [tp for entry in stages for tp in entry.get("touchpoints", [])]
    known_stages = set(journey.stages.values_list("id", flat=True))
    known_touchpoints = dict(journey.touchpoints.values_list("id", "stage_id"))
    if len(stage_ids) != len(set(stage_ids)) or set(stage_ids) != known_stages:
        raise ValidationError({"stages": _("List every stage of this journey exactly once.")})
    if len(touchpoint_ids) != len(set(touchpoint_ids)) or set(touchpoint_ids) != set(known_touchpoints):
        raise ValidationError({"touchpoints": _("List every touchpoint of this journey exactly once.")})
    moved_stage = any(known_touchpoints[tp] != entry["id"] for entry in stages for tp in entry.get("touchpoints", []))
    Stage.objects.bulk_update(
        [Stage(pk=stage_id, position=index) for index, stage_id in enumerate(stage_ids)], ["position"]
    )
    Touchpoint.objects.bulk_update(
        [
            Touchpoint(pk=tp, stage_id=entry["id"], position=index)
            for entry in stages
            for index, tp in enumerate(entry.get("touchpoints", []))
        ],
        ["stage", "position"],
    )
    # Findings on a touchpoint follow it to its stage.
    Finding.objects.filter(journey=journey, touchpoint__isnull=False).update(
        stage_id=Subquery(Touchpoint.objects.filter(pk=OuterRef("touchpoint_id")).values("stage_id")[:1])
    )
    record(
        audit_actions.REORDER,
        obj=journey,
        fields=["position"],
        detail={"stages": len(stage_ids), "touchpoints": len(touchpoint_ids)},
    )
    bump_structure(journey)
    record_map(journey.pk, guess_subject=True)
    if moved_stage:  # their responses now count for another stage
        hooks.structure_changed(journey_ids=[journey.pk])
    return journey


def _renumber(items: Iterable[Stage | Touchpoint]) -> None:
    for index, item in enumerate(items):
        item.position = index


def _check_same_journey(touchpoint: Touchpoint) -> None:
    if touchpoint.stage.journey_id != touchpoint.journey_id:
        raise ValidationError({"stage": _("The stage belongs to another journey.")})


# Findings


@transaction.atomic
def finding_create(*, stage: Stage | None = None, touchpoint: Touchpoint | None = None, **fields: Any) -> Finding:
    """A finding on a touchpoint (its stage follows) or, without a touchpoint, on a stage."""
    _check_fields(fields, FINDING_FIELDS, "finding_create")
    if touchpoint is not None:
        if stage is not None and stage.pk != touchpoint.stage_id:
            raise ValidationError({"stage": _("The touchpoint is not in this stage.")})
        stage = touchpoint.stage
    if stage is None:
        raise ValidationError({"stage": _("A finding belongs to a stage or a touchpoint.")})
    finding = Finding(journey_id=stage.journey_id, stage=stage, touchpoint=touchpoint, **fields)
    finding.full_clean()
    finding.save()  # recorded by simple-history
    journey_changed(finding.journey_id, parts=[f"finding-{finding.pk}"])
    return finding


@transaction.atomic
def finding_update(
    *,
    finding: Finding,
    expected_version: int,
    kind: str | Unset = UNSET,
    text: str | Unset = UNSET,
    source: str | Unset = UNSET,
    severity: int | Unset = UNSET,
) -> Finding:
    journey_changed(finding.journey_id, parts=[f"finding-{finding.pk}"])
    for field, value in given(kind=kind, text=text, source=source, severity=severity).items():
        setattr(finding, field, value)
    saved = save_if_current(finding, expected_version=expected_version, fields=FINDING_FIELDS)
    record_map(finding.journey_id, only=[finding])
    return saved


@transaction.atomic
def finding_delete(*, finding: Finding, expected_version: int) -> None:
    journey_changed(finding.journey_id, parts=[f"finding-{finding.pk}"])
    delete_if_current(finding, expected_version=expected_version)
