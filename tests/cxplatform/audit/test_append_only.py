"""No one edits or deletes the audit trail, except the retention purge: the model, its queryset and (Postgres)
a trigger refuse."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from cxplatform.audit import actions
from cxplatform.audit.models import AppendOnly, AuditEvent
from cxplatform.audit.recording import record
from cxplatform.audit.retention import audit_purge
from cxplatform.audit.tasks import purge_expired_audit_events

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is Postgres's")


def test_the_orm_refuses_to_change_or_delete_an_event():
    event = record(actions.EXPORT)
    event.action = actions.DELETE
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == actions.EXPORT


@postgres_only
@pytest.mark.parametrize(
    "sql", ["UPDATE audit_auditevent SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditevent WHERE id = %s"]
)
def test_postgres_refuses_raw_sql_updates_and_deletes(sql):
    event = record(actions.EXPORT)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == actions.EXPORT


@postgres_only
@pytest.mark.django_db(transaction=True)  # the flag is local to the outermost transaction: no test transaction
def test_the_purge_flag_lasts_only_for_its_transaction():
    old = record(actions.EXPORT)
    with transaction.atomic():
        AuditEvent.objects.purge_before(timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old.pk])


def test_deleting_a_person_keeps_their_rows_and_their_name(admin_user):
    from tests.cxplatform.factories import UserFactory

    user = UserFactory(username="leaver")
    with transaction.atomic():
        from cxplatform.audit.context import acting

        with acting(label="leaver", via="page", user_id=user.pk):
            event = record(actions.EXPORT)
    user_pk = user.pk
    user.delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor_label, event.actor_id) == ("leaver", user_pk)


@override_settings(AUDIT_RETENTION_DAYS=400)
def test_the_nightly_purge_deletes_only_events_past_the_retention():
    now = timezone.now()
    old = record(actions.EXPORT)
    recent = record(actions.EXPORT)
    # Placed in the past the only way the trail allows: inserted so.
    AuditEvent.objects.create(action=actions.LOGIN, at=now - datetime.timedelta(days=401))
    AuditEvent.objects.create(action=actions.LOGIN, at=now - datetime.timedelta(days=399))
    assert purge_expired_audit_events.delay().get() == 1
    remaining = set(AuditEvent.objects.values_list("action", flat=True))
    assert AuditEvent.objects.filter(pk__in=[old.pk, recent.pk]).count() == 2
    assert AuditEvent.objects.filter(action=actions.LOGIN).count() == 1
    assert actions.AUDIT_PURGED in remaining
    assert audit_purge(now=now) == 0


def test_the_purge_is_scheduled_nightly():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE["audit-retention"]
    assert schedule["task"] == "audit.purge_expired"
