"""manage.py seed_demo: the demo organisation, idempotent, with printed passwords that work."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from cxplatform.accounts.models import Role, User
from journeys.models import JourneyGroup
from teams.models import Team


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+.+?\s{2,}(\w+)\s+(\S+)$", output, flags=re.MULTILINE))


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_seeding_twice_leaves_the_same_row_counts():
    seed()
    first = row_counts()
    second_output = seed()
    assert row_counts() == first
    assert "passwords are unchanged" in second_output
    assert first["journeys.JourneyGroup"] == 3
    assert first["teams.Department"] >= 5


@pytest.mark.django_db
def test_the_demo_has_the_three_journey_groups_and_a_team_for_each():
    seed()
    names = list(JourneyGroup.objects.values_list("name", flat=True))
    assert names == ["Becoming a customer", "Being a customer", "Staying a customer"]
    for group in JourneyGroup.objects.all():
        assert Team.objects.filter(journey_groups=group).exists(), group


@pytest.mark.django_db
def test_every_role_has_a_demo_user_whose_printed_password_works():
    passwords = printed_passwords(seed())
    roles = {}
    for username, password in passwords.items():
        user = authenticate(username=username, password=password)
        assert user is not None, username
        roles[user.role] = username
    assert set(roles) == {Role.CX_EDITOR, Role.MANAGER, Role.PROCESS_OWNER, Role.ADMIN}
    assert User.objects.get(username=roles[Role.ADMIN]).is_superuser


@pytest.mark.django_db
def test_reset_passwords_prints_new_working_passwords():
    old = printed_passwords(seed())
    new = printed_passwords(seed("--reset-passwords"))
    assert set(new) == set(old)
    for username, password in new.items():
        assert password != old[username]
        assert authenticate(username=username, password=password) is not None
        assert authenticate(username=username, password=old[username]) is None
