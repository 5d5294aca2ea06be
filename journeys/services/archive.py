"""Archive instead of delete: a journey, stage or touchpoint that survey responses, improvement actions or
follow-up cases depend on leaves the map, the lists, the pickers and the comparison, but keeps its rows, so
its responses keep counting for its journey and stage and its figures stay in the snapshots. An editor
restores it from the archive.

A stage or journey is archived with its stages and touchpoints that were on the map, all at the same moment
(`archived_at`); restoring it brings back exactly those, not a touchpoint archived on its own before.

Stages: deleting a stage whose touchpoints (archived ones too) have dependents is refused like any other
hard delete, and the stage can be archived instead, with its touchpoints. Refusing alone would not do: a
stage measured once could then never leave the map (archiving its touchpoints one by one keeps them in the
stage, so it could still not be deleted); deleting it would take its touchpoints, and with them the link of
their responses to the stage.
"""

from __future__ import annotations

import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.audit import actions as audit_actions
from cxplatform.audit.recording import record
from cxplatform.lib.versioning import StaleVersion, delete_if_current
from journeys import hooks
from journeys.live import journey_changed
from journeys.models import Journey, Stage, Touchpoint

from .errors import HasDependents
from .recording import record_map
from .versioning import bump_structure, lock_structure

# A journey, stage or touchpoint: what can be archived, or deleted unless something depends on it.
MapObject = TypeVar("MapObject", Journey, Stage, Touchpoint)


def dependents_of(obj: Journey | Stage | Touchpoint) -> list[str]:
    """What depends on obj, as phrases ("12,304 survey responses"); empty when it can be deleted."""
    kind = {Journey: "journey_id", Stage: "stage_id", Touchpoint: "touchpoint_id"}[type(obj)]
    return [phrase for _count, phrase in hooks.map_dependents(**{kind: obj.pk})]


def join_phrases(phrases: list[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return _("%(first)s and %(last)s") % {"first": ", ".join(phrases[:-1]), "last": phrases[-1]}


def refuse_delete_if_depended_on(obj: Journey | Stage | Touchpoint) -> None:
    """Raise HasDependents naming what depends on obj, if anything does."""
    dependents = dependents_of(obj)
    if dependents:
        message = _("%(name)s has %(dependents)s: archive it instead.") % {
            "name": obj.name,
            "dependents": join_phrases(dependents),
        }
        raise HasDependents(obj, dependents, message)


def delete_unless_depended_on(obj: MapObject, *, expected_version: int) -> MapObject:
    """Delete obj if its version is current and nothing depends on it (else StaleVersion or HasDependents)."""
    try:
        return delete_if_current(obj, expected_version=expected_version, check=refuse_delete_if_depended_on)
    except ProtectedError as exc:
        # Something the MAP_DEPENDENTS hooks do not count still protects it (the database's last word).
        raise HasDependents(obj, [], _("%(name)s is still in use: archive it instead.") % {"name": obj.name}) from exc


def _current(model: type[MapObject], obj: MapObject, expected_version: int, *, archived: bool) -> MapObject:
    """The row locked, if its version is still expected_version and it is (not) archived; else StaleVersion."""
    current = model.all_objects.select_for_update().filter(pk=obj.pk).first()
    if current is None or current.version != expected_version or (current.archived_at is not None) != archived:
        raise StaleVersion(current if current is not None and current.archived_at is None else None)
    return current


def _mark(model: type[Journey | Stage | Touchpoint], current: MapObject, archived_at: datetime.datetime | None) -> None:
    model.all_objects.filter(pk=current.pk).update(archived_at=archived_at, version=F("version") + 1)
    _audit(current, archived_at)


def _audit(current: MapObject, archived_at: datetime.datetime | None) -> None:
    """Written with .update() (no save() signal): the audit row here, the parts that follow it in its detail."""
    record(audit_actions.ARCHIVE if archived_at else audit_actions.RESTORE, obj=current, fields=["archived_at"])


def _require_live_journey(journey: Journey) -> None:
    if journey.archived_at is not None:
        raise ValidationError(_("The journey “%(name)s” is archived: restore it first.") % {"name": journey.name})


# Touchpoints


@transaction.atomic
def touchpoint_archive(*, touchpoint: Touchpoint, expected_version: int) -> Touchpoint:
    journey_changed(touchpoint.journey_id, parts=[f"touchpoint-{touchpoint.pk}"])
    journey = lock_structure(Journey, touchpoint.journey_id, None)
    current = _current(Touchpoint, touchpoint, expected_version, archived=False)
    _mark(Touchpoint, current, timezone.now())
    Touchpoint.objects.filter(stage_id=current.stage_id, position__gt=current.position).update(
        position=F("position") - 1
    )
    bump_structure(journey)
    record_map(journey.pk)
    hooks.structure_changed(journey_ids=[journey.pk])
    return Touchpoint.all_objects.get(pk=current.pk)


@transaction.atomic
def touchpoint_restore(*, touchpoint: Touchpoint, expected_version: int) -> Touchpoint:
    """Back on the map, last in its stage."""
    journey_changed(touchpoint.journey_id, parts=[f"touchpoint-{touchpoint.pk}"])
    journey = lock_structure(Journey, touchpoint.journey_id, None)
    current = _current(Touchpoint, touchpoint, expected_version, archived=True)
    _require_live_journey(journey)
    stage = Stage.all_objects.get(pk=current.stage_id)
    if stage.archived_at is not None:
        raise ValidationError(_("The stage “%(name)s” is archived: restore it first.") % {"name": stage.name})
    position = Touchpoint.objects.filter(stage_id=stage.pk).count()
    Touchpoint.all_objects.filter(pk=current.pk).update(archived_at=None, position=position, version=F("version") + 1)
    _audit(current, None)
    bump_structure(journey)
    record_map(journey.pk)
    hooks.structure_changed(journey_ids=[journey.pk])
    return Touchpoint.objects.get(pk=current.pk)


# Stages


@transaction.atomic
def stage_archive(*, stage: Stage, expected_version: int) -> Stage:
    """The stage leaves the map with the touchpoints on it; the stages after it move up."""
    journey_changed(stage.journey_id, parts=[f"stage-{stage.pk}"])
    journey = lock_structure(Journey, stage.journey_id, None)
    current = _current(Stage, stage, expected_version, archived=False)
    moment = timezone.now()
    Touchpoint.objects.filter(stage_id=current.pk).update(archived_at=moment)
    _mark(Stage, current, moment)
    Stage.objects.filter(journey_id=journey.pk, position__gt=current.position).update(position=F("position") - 1)
    bump_structure(journey)
    record_map(journey.pk)
    hooks.structure_changed(journey_ids=[journey.pk])
    return Stage.all_objects.get(pk=current.pk)


@transaction.atomic
def stage_restore(*, stage: Stage, expected_version: int) -> Stage:
    """Back on the map as the last stage, with the touchpoints archived with it, in their order."""
    journey_changed(stage.journey_id, parts=[f"stage-{stage.pk}"])
    journey = lock_structure(Journey, stage.journey_id, None)
    current = _current(Stage, stage, expected_version, archived=True)
    _require_live_journey(journey)
    position = Stage.objects.filter(journey_id=journey.pk).count()
    returning = list(
        Touchpoint.all_objects.filter(stage_id=current.pk, archived_at=current.archived_at).order_by("position", "id")
    )
    for index, touchpoint in enumerate(returning):
        touchpoint.position, touchpoint.archived_at = index, None
    Touchpoint.all_objects.bulk_update(returning, ["position", "archived_at"])
    Stage.all_objects.filter(pk=current.pk).update(archived_at=None, position=position, version=F("version") + 1)
    _audit(current, None)
    bump_structure(journey)
    record_map(journey.pk)
    hooks.structure_changed(journey_ids=[journey.pk])
    return Stage.objects.get(pk=current.pk)


# Journeys


@transaction.atomic
def journey_archive(*, journey: Journey, expected_version: int) -> Journey:
    """The journey leaves the lists and pickers with its stages and touchpoints."""
    journey_changed(journey.pk)
    current = _current(Journey, journey, expected_version, archived=False)
    moment = timezone.now()
    Touchpoint.objects.filter(journey_id=current.pk).update(archived_at=moment)
    Stage.objects.filter(journey_id=current.pk).update(archived_at=moment)
    _mark(Journey, current, moment)
    record_map(current.pk)
    hooks.structure_changed(journey_ids=[current.pk])
    return Journey.all_objects.get(pk=current.pk)


@transaction.atomic
def journey_restore(*, journey: Journey, expected_version: int) -> Journey:
    journey_changed(journey.pk)
    current = _current(Journey, journey, expected_version, archived=True)
    moment = current.archived_at
    Touchpoint.all_objects.filter(journey_id=current.pk, archived_at=moment).update(archived_at=None)
    Stage.all_objects.filter(journey_id=current.pk, archived_at=moment).update(archived_at=None)
    _mark(Journey, current, None)
    record_map(current.pk)
    hooks.structure_changed(journey_ids=[current.pk])
    return Journey.objects.get(pk=current.pk)
