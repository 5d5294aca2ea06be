"""Recording every write of an audited model (cxplatform.audit.registry.AUDITED) through Django's model signals.

Why signals, against the house rule of calling services explicitly: the audit trail must hold a row for every
write, whichever path made it (a page, the API, the admin site, a shell), and a path that forgot to call
record() would be a hole nobody sees. The signal handlers run inside the save's own transaction, on the same
connection, so a change and its row commit together or not at all.

Updates name the fields they touched, never their values: each instance keeps a snapshot of its field values
from when it was loaded (post_init, no query), compared on save. The writes that bypass save() (`.update()`,
bulk_create, bulk_update) are recorded by their services as one summary row each (record() with counts), and the
versioned edits (cxplatform.lib.versioning.save_if_current) through `record_update` below.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from . import actions
from .recording import record
from .registry import AUDITED, IGNORED_FIELDS, NAMED_ACTIONS, ROLE_FIELDS

SNAPSHOT = "_audit_snapshot"
_MISSING = object()


@dataclass(frozen=True)
class _Plan:
    """What is compared for one model: its columns (attnames), their field names, the mutable ones (JSON)."""

    attnames: tuple[str, ...]
    names: dict[str, str]
    mutable: frozenset[str]
    is_user: bool


_plans: dict[type[models.Model], _Plan] = {}


def _plan_of(model: type[models.Model]) -> _Plan:
    attnames: list[str] = []
    names: dict[str, str] = {}
    mutable: set[str] = set()
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in IGNORED_FIELDS:
            continue
        attnames.append(field.attname)
        names[field.attname] = field.name
        if isinstance(field, models.JSONField):
            mutable.add(field.attname)
    user_model = apps.get_model("accounts", "User")
    return _Plan(tuple(attnames), names, frozenset(mutable), issubclass(model, user_model))


def _snapshot(instance: models.Model, plan: _Plan) -> None:
    values = instance.__dict__
    snap = {name: values[name] for name in plan.attnames if name in values}
    for name in plan.mutable & snap.keys():
        snap[name] = copy.deepcopy(snap[name])
    values[SNAPSHOT] = snap


def _on_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    _snapshot(instance, _plans[sender])


def touched_fields(instance: models.Model, candidates: Any = None) -> list[str]:
    """The names of the fields whose value differs from the snapshot (limited to `candidates` when given)."""
    plan = _plans.get(type(instance))
    if plan is None:
        return []
    snap = instance.__dict__.get(SNAPSHOT, {})
    values = instance.__dict__
    wanted = None if candidates is None else {str(name) for name in candidates}
    touched = []
    for attname in plan.attnames:
        name = plan.names[attname]
        if wanted is not None and name not in wanted and attname not in wanted:
            continue
        before = snap.get(attname, _MISSING)
        if before is _MISSING:
            # Not loaded (deferred) when the snapshot was taken: changed only if the save names it.
            if wanted is not None and attname in values:
                touched.append(name)
            continue
        if values.get(attname, _MISSING) != before:
            touched.append(name)
    return touched


def _named(instance: models.Model, action: str) -> str:
    return NAMED_ACTIONS.get(instance._meta.label, {}).get(action, action)


def _update_action(instance: models.Model, touched: list[str]) -> str:
    plan = _plans[type(instance)]
    if plan.is_user and ROLE_FIELDS.intersection(touched):
        return actions.ROLE_CHANGED
    named = NAMED_ACTIONS.get(instance._meta.label, {})
    return next((named[name] for name in touched if name in named), actions.UPDATE)


def record_update(instance: models.Model, *, fields: Any = None) -> None:
    """Record an update of `instance` written without save() (save_if_current's .update()): the fields among
    `fields` whose value differs from when it was loaded. Nothing is recorded when none does."""
    if type(instance) not in _plans:
        return
    touched = touched_fields(instance, fields)
    if touched:
        record(_update_action(instance, touched), obj=instance, fields=touched)
    _snapshot(instance, _plans[type(instance)])


def _on_save(
    sender: type[models.Model], instance: models.Model, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created:
        record(_named(instance, actions.CREATE), obj=instance)
    else:
        touched = touched_fields(instance, update_fields)
        if touched:
            record(_update_action(instance, touched), obj=instance, fields=touched)
    _snapshot(instance, _plans[sender])


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    record(_named(instance, actions.DELETE), obj=instance)


def _m2m_handler(field: models.ManyToManyField):
    model = field.model
    is_user = _plans[model].is_user if model in _plans else False
    name = field.name
    related_name = field.remote_field.get_accessor_name() or name

    def on_m2m(sender: Any, instance: models.Model, action: str, reverse: bool, pk_set: Any, **kwargs: Any) -> None:
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if action != "post_clear" and not pk_set:
            return
        if not reverse:
            record(actions.ROLE_CHANGED if is_user else actions.UPDATE, obj=instance, fields=[name])
            return
        # The other side changed it (group.user_set.add(user)): each person on this side is touched.
        if is_user and pk_set:
            for pk in sorted(pk_set):
                record(actions.ROLE_CHANGED, object_type="accounts.user", object_id=pk, fields=[name])
        record(actions.UPDATE, obj=instance, fields=[related_name])

    return on_m2m


def audited_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in sorted(AUDITED)]


def connect() -> None:
    """Connect the handlers to every audited model (AuditConfig.ready)."""
    for model in audited_models():
        _plans[model] = _plan_of(model)
    for model in _plans:
        uid = f"audit-{model._meta.label}"
        post_init.connect(_on_init, sender=model, dispatch_uid=uid, weak=False)
        post_save.connect(_on_save, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_on_delete, sender=model, dispatch_uid=uid, weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m_handler(field), sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}", weak=False
            )


def disconnect() -> None:
    """Disconnect them all (the bench compares a write with and without the audit trail)."""
    for model in list(_plans):
        uid = f"audit-{model._meta.label}"
        post_init.disconnect(sender=model, dispatch_uid=uid)
        post_save.disconnect(sender=model, dispatch_uid=uid)
        post_delete.disconnect(sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.disconnect(sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
    _plans.clear()
