import datetime
import os
import warnings
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from cxplatform.accounts.models import Role
from tests.cxplatform.factories import UserFactory

# Playwright's sync API runs an event loop in the test thread; the ORM calls the browser tests make beside
# it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD[THH:MM]",
        help="Run the tests marked `calendar` as if it were this local day and time (TIME_ZONE; 10:00 unless given); "
        "the other tests are deselected, since worker processes and browsers cannot travel along.",
    )


def travel_target(value: str) -> datetime.datetime:
    """The moment --today names, in TIME_ZONE (Europe/Amsterdam unless set)."""
    try:
        moment = datetime.datetime.fromisoformat(value if "T" in value else f"{value}T10:00")
    except ValueError as error:
        raise pytest.UsageError(f"--today {value!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM ({error})") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(os.environ.get("TIME_ZONE", "Europe/Amsterdam")))
    return moment


def pytest_configure(config):
    today = config.getoption("--today")
    if today:
        import time_machine

        # tick: time goes on from there, so durations and ordering by created_at still behave.
        config._cx_travel = time_machine.travel(travel_target(today), tick=True)
        config._cx_travel.start()


def pytest_unconfigure(config):
    travel = getattr(config, "_cx_travel", None)
    if travel is not None:
        travel.stop()


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--today"):
        return
    selected = [item for item in items if item.get_closest_marker("calendar")]
    config.hook.pytest_deselected(items=[item for item in items if not item.get_closest_marker("calendar")])
    items[:] = selected


def pytest_report_header(config):
    if config.getoption("--today"):
        return f"calendar run: today is {travel_target(config.getoption('--today')).isoformat()}"
    return None


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
def outsider(db):
    """A CX editor of no team that owns the journey at hand: may read, may not change others' work."""
    return UserFactory(username="outsider", role=Role.CX_EDITOR, first_name="Olaf")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True, first_name="Anne")


@pytest.fixture(autouse=True)
def no_bad_token_history():
    """The API's count of bad tokens per address lives in the cache, which outlives a test (with Redis, a run):
    each test starts with none from the test client's address."""
    yield
    from django.core.cache import cache

    cache.delete("throttle_bad_token_127.0.0.1")


@pytest.fixture(autouse=True)
def no_webhook_subscriptions_cached():
    """Each test starts with the database's webhook subscriptions, none: the cached set of subscribed event types
    (cxplatform.webhooks.emitting) says so, so that an emit costs no query whichever test ran before."""
    from django.core.cache import cache

    from cxplatform.webhooks.emitting import SUBSCRIBED_KEY, SUBSCRIBED_SECONDS

    cache.set(SUBSCRIBED_KEY, [], SUBSCRIBED_SECONDS)
    yield


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
