import os
import warnings

import pytest
from django.utils import translation

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


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in Dutch leaves Dutch active in the thread."""
    yield
    translation.deactivate()


@pytest.fixture
def client_of(client):
    """client_of(user): the test client, logged in as that user."""

    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def editor_client(client, cx_editor):
    client.force_login(cx_editor)
    return client


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and before it is dropped: end any session a finished test left open on it
    (a worker process, or a thread of a transactional test), and say which. Otherwise the drop fails and the
    next run starts from a database that is still there."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid), application_name, state, left(query, 200) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        for _ended, application, state, query in cursor.fetchall():
            warnings.warn(f"a session was left on the test database ({application!r}, {state}): {query}", stacklevel=1)
