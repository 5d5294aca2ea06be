"""What the audit trail records: creations, the names of the fields an update touched (never their values), role
changes, deletions, logins and failed logins, in the transaction of the change."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from cxplatform.accounts.models import Role
from cxplatform.audit import actions
from cxplatform.audit.context import acting
from cxplatform.audit.models import AuditEvent, Via
from teams.services.actions import action_update
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.teams.factories import ActionFactory, MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def test_a_creation_is_recorded_with_its_object():
    action = ActionFactory(title="Call back within a day")
    [event] = events(object_type="teams.improvementaction", action=actions.CREATE)
    assert event.object_id == str(action.pk)
    assert event.object_repr == "Call back within a day"
    assert event.via == Via.SYSTEM


def test_an_update_names_the_fields_it_touched_and_not_their_values(cx_editor):
    action = ActionFactory(title="Call back", description="Ring Mrs Jansen on 06-12345678")
    with acting(label="cx-editor", via=Via.PAGE, user_id=cx_editor.pk):
        action_update(action=action, expected_version=action.version, title="Call back sooner", description="Ring")
    [event] = events(object_type="teams.improvementaction", action=actions.UPDATE)
    assert event.fields == ["description", "title"]
    assert event.actor_id == cx_editor.pk and event.actor_label == "cx-editor"
    assert "Jansen" not in str(event.detail) and "06-1234" not in event.object_repr


def test_a_save_that_changes_nothing_records_nothing():
    action = ActionFactory()
    before = AuditEvent.objects.count()
    action_update(action=action, expected_version=action.version, title=action.title)
    action.save()
    assert AuditEvent.objects.count() == before


def test_a_role_change_is_recorded_as_such_with_its_fields():
    user = UserFactory(role=Role.CX_EDITOR)
    user.role = Role.ADMIN
    user.is_staff = True
    user.first_name = "Renamed"
    user.save()
    [event] = events(object_type="accounts.user", action=actions.ROLE_CHANGED)
    assert event.fields == ["first_name", "is_staff", "role"]
    assert event.object_id == str(user.pk)


def test_groups_given_to_a_user_are_a_role_change_too():
    user = UserFactory()
    group = Group.objects.create(name="Auditors")
    user.groups.add(group)
    assert [e.fields for e in events(object_type="accounts.user", action=actions.ROLE_CHANGED)] == [["groups"]]
    group.user_set.remove(user)
    assert len(events(object_type="accounts.user", action=actions.ROLE_CHANGED)) == 2


def test_team_membership_changes_are_recorded():
    team = TeamFactory()
    membership = MembershipFactory(team=team)
    membership.delete()
    assert [e.action for e in events(object_type="teams.membership")] == [actions.CREATE, actions.DELETE]


def test_a_deletion_is_recorded_with_the_name_it_had():
    action = ActionFactory(title="Old idea")
    pk = action.pk
    action.delete()
    [event] = events(object_type="teams.improvementaction", action=actions.DELETE)
    assert event.object_id == str(pk) and event.object_repr == "Old idea"


def test_a_change_rolled_back_leaves_no_audit_row():
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        ActionFactory()
        raise RuntimeError("the change fails after its save")
    assert AuditEvent.objects.count() == before


def test_an_audit_row_that_cannot_be_written_rolls_the_change_back(monkeypatch):
    from cxplatform.audit import recording

    def broken(*args, **kwargs):
        raise RuntimeError("audit insert failed")

    action = ActionFactory(title="Before")
    monkeypatch.setattr(recording, "_insert", broken)
    with pytest.raises(RuntimeError):
        action_update(action=action, expected_version=action.version, title="After")
    action.refresh_from_db()
    assert action.title == "Before"


def test_comment_and_token_names_are_not_copied_into_the_trail():
    from cxplatform.accounts.services import api_token_create, api_token_revoke

    user = UserFactory()
    token, key = api_token_create(user=user, name="CI export", access="read_only", expires_at=_in_a_month())
    [event] = events(object_type="accounts.apitoken")
    assert key not in str(event.object_repr) + event.object_id + str(event.detail)
    assert token.key_hash not in str(event.object_repr) + str(event.detail)
    assert (event.action, event.object_repr) == (actions.TOKEN_CREATED, f"CI export ({key[:8]}…)")
    api_token_revoke(token=token)
    assert events(object_type="accounts.apitoken")[-1].action == actions.TOKEN_REVOKED


def test_a_login_is_recorded_with_the_address(client):
    user = UserFactory(username="carla")
    client.post(reverse("login"), {"username": "carla", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3")
    [event] = events(action=actions.LOGIN)
    assert (event.actor_id, event.actor_label, event.ip, event.via) == (user.pk, "carla", "10.1.2.3", Via.PAGE)
    client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")
    [event] = events(action=actions.LOGOUT)
    assert event.actor_id == user.pk and event.ip == "10.1.2.3"


def test_a_failed_login_is_recorded_with_the_address_and_the_name_tried_but_no_password(client):
    UserFactory(username="carla")
    client.post(reverse("login"), {"username": "carla", "password": "Secret-Guess-1"}, REMOTE_ADDR="10.9.9.9")
    [event] = events(action=actions.LOGIN_FAILED)
    assert event.ip == "10.9.9.9" and event.actor_id is None
    assert event.detail == {"username": "carla"}
    assert "Secret-Guess-1" not in str(AuditEvent.objects.values_list())


def test_a_lockout_is_recorded(client):
    UserFactory(username="carla")
    for attempt in range(6):
        client.post(reverse("login"), {"username": "carla", "password": f"wrong-{attempt}"}, REMOTE_ADDR="10.0.0.7")
    assert events(action=actions.LOGIN_LOCKED_OUT)
    assert len(events(action=actions.LOGIN_FAILED)) >= 5


def test_the_admin_site_writes_are_recorded_as_such(client, admin_user):
    client.force_login(admin_user)
    group = Group.objects.create(name="Before")
    response = client.post(reverse("admin:auth_group_change", args=[group.pk]), {"name": "After"})
    assert response.status_code == 302
    [event] = events(object_type="auth.group", action=actions.UPDATE)
    assert (event.via, event.actor_id, event.fields) == (Via.ADMIN, admin_user.pk, ["name"])


def test_a_task_acts_as_itself():
    from cxplatform.audit.workers import on_task_postrun, on_task_prerun

    class FakeTask:
        name = "teams.emit_overdue_action_events"

        class request:
            pass

    task = FakeTask()
    on_task_prerun(task=task)
    try:
        ActionFactory()
    finally:
        on_task_postrun(task=task)
    [event] = events(object_type="teams.improvementaction")
    assert (event.via, event.actor_label) == (Via.TASK, "teams.emit_overdue_action_events")
    ActionFactory()
    assert events(object_type="teams.improvementaction")[-1].via == Via.SYSTEM


def test_a_command_acts_as_itself():
    from django.core.management import call_command

    call_command("check")  # writes nothing, but acts: the context must be set and unset without harm
    from cxplatform.audit.context import current_actor

    assert current_actor().via == Via.SYSTEM


def _in_a_month():
    import datetime

    from django.utils import timezone

    return timezone.localdate() + datetime.timedelta(days=30)
