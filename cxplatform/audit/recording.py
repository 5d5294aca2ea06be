"""Writing the audit trail. `record()` inserts one row on the default database, inside the caller's transaction:
call it inside the transaction.atomic() of the change it describes, so that the change and its record commit
together or not at all."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db import connections, models
from django.utils import timezone

from .context import current_actor
from .models import AuditEvent
from .registry import OPAQUE_REPR, SECRET_KEYED


def describe(obj: models.Model | None) -> tuple[str, str, str]:
    """(object_type, object_id, object_repr) of a model instance."""
    if obj is None:
        return "", "", ""
    meta = obj._meta
    if meta.label in SECRET_KEYED:  # its primary key is the secret (DRF's token key): named by its owner
        owner = getattr(obj, "user_id", "")
        return f"{meta.app_label}.{meta.model_name}", "", f"{meta.verbose_name} of user #{owner}"
    if meta.label in OPAQUE_REPR:  # its str() may hold personal data or a secret
        return f"{meta.app_label}.{meta.model_name}", str(obj.pk or ""), f"{meta.verbose_name} #{obj.pk}"
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk or ""), str(obj)[:200]


def record(
    action: str,
    *,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    fields: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """One audit row for `action` on `obj` (or on the object named by object_type/object_id/object_repr), by
    whoever is acting (cxplatform.audit.context.current_actor)."""
    if obj is not None:
        object_type, described_id, described_repr = describe(obj)
        object_id = object_id or described_id
        object_repr = object_repr or described_repr
    actor = current_actor()
    values = {
        "at": timezone.now(),
        "actor_id": actor.user_id,
        "actor_label": actor.label[:200],
        "credential": actor.credential[:200],
        "via": str(actor.via),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id)[:64],
        "object_repr": str(object_repr)[:200],
        "fields": sorted(set(fields)),
        "detail": detail or {},
        "ip": actor.ip,
        "path": actor.path,
    }
    event = AuditEvent(**values)
    event.pk = _insert(values)
    event._state.adding = False
    event._state.db = DB
    return event


DB = "default"


@cache
def _statement(vendor: str) -> tuple[str, tuple[models.Field, ...], bool]:
    meta = AuditEvent._meta
    columns = tuple(field for field in meta.concrete_fields if not field.primary_key)
    connection = connections[DB]
    quote = connection.ops.quote_name
    returning = connection.features.can_return_columns_from_insert
    sql = "INSERT INTO {} ({}) VALUES ({}){}".format(  # noqa: S608 (names from the model, quoted)
        quote(meta.db_table),
        ", ".join(quote(field.column) for field in columns),
        ", ".join(["%s"] * len(columns)),
        f" RETURNING {quote(meta.pk.column)}" if returning else "",
    )
    return sql, columns, returning


def _insert(values: dict[str, Any]) -> int:
    """One INSERT through the cursor, on the caller's connection and transaction: a write pays for its audit
    row with one statement, without the ORM's save() around it (bench/audit_bench.py)."""
    connection = connections[DB]
    sql, columns, returning = _statement(connection.vendor)
    params = [field.get_db_prep_save(values[field.attname], connection) for field in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] if returning else cursor.lastrowid
