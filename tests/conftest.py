import os

import pytest

from cxplatform.accounts.models import Role
from tests.cxplatform.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser tests make beside
# it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def cx_editor(db):
    return UserFactory(username="cx-editor", role=Role.CX_EDITOR, first_name="Emma")


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role=Role.MANAGER, first_name="Martin")


@pytest.fixture
def process_owner(db):
    return UserFactory(username="process-owner", role=Role.PROCESS_OWNER, first_name="Priya")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True, first_name="Anne")


@pytest.fixture
def editor_client(client, cx_editor):
    client.force_login(cx_editor)
    return client
