"""The dashboard's content is served from the cache until what it shows changes: the KPI snapshots (a recompute
commits changed cells), targets, labels and the improvement work; responses coming in alone do not rebuild it,
but the notice that the figures are being refreshed shows at once."""

import socket
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import MetricTarget
from metrics.services.recompute import snapshots_rebuild_all, snapshots_recompute_pending
from metrics.services.responses import responses_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cached")]
URL = reverse("home")
SPRING = {"period": "custom", "from": "2024-04-01", "to": "2024-05-31"}
REFRESHING = "these figures are being refreshed"


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what the code under test left for the commit of the test's transaction, as a commit would."""

    def commit(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return commit


@pytest.fixture
def idle_worker(monkeypatch):
    """An ingest queues its recompute, but no worker has taken it yet (tests otherwise run tasks in-process)."""
    monkeypatch.setattr("metrics.tasks.recompute_pending.delay", lambda: None)


def main(response) -> str:
    """The page's content (the header around it holds a CSRF token masked anew on every page)."""
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def nps_tile(response) -> str:
    page = main(response)
    tile = page[page.index('data-metric="nps"') :]
    return tile[tile.index('<p class="tile-n">') : tile.index("</p>", tile.index('<p class="tile-n">'))]


def ingest_spring_promoters(org, count: int = 3) -> None:
    records = [
        {"metric": "nps", "score": 10, "journey": org.open_account.pk, "touchpoint": org.website.pk,
         "channel": "web", "responded_at": f"2024-04-10T10:{minute:02d}:00+02:00"}
        for minute in range(count)
    ]  # fmt: skip
    responses_create(records=records)


def snapshot_reads(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if "metrics_kpisnapshot" in query["sql"]]


def test_a_second_visit_is_served_from_the_cache(client, manager, org, django_assert_num_queries):
    client.force_login(manager)
    first = client.get(URL, SPRING)
    # session, user: the parts (the mandates awaiting the manager's decision among them), what the page shows of
    # the touchpoints and whether a recompute is pending all come from the cache, under the state of the tables
    # they read
    with django_assert_num_queries(2):
        second = client.get(URL, SPRING)
    assert main(second) == main(first)
    assert "n = " in main(second)
    other = client.get(URL, {**SPRING, "channel": org.phone.pk})
    assert main(other) != main(first)


def test_an_ingest_alone_leaves_the_figures_cached_and_says_they_are_being_refreshed(
    client, manager, org, commits, idle_worker
):
    client.force_login(manager)
    before = client.get(URL, SPRING)
    assert "n = 11" in nps_tile(before)
    assert REFRESHING not in main(before)

    commits(lambda: ingest_spring_promoters(org))

    with CaptureQueriesContext(connection) as queries:
        during = client.get(URL, SPRING)
    assert snapshot_reads(queries) == []  # not rebuilt: the figures are still those of the snapshots
    assert nps_tile(during) == nps_tile(before)
    assert REFRESHING in main(during)


def test_the_recompute_commit_shows_the_new_figures_at_once(client, manager, org, commits, idle_worker):
    client.force_login(manager)
    assert "n = 11" in nps_tile(client.get(URL, SPRING))
    commits(lambda: ingest_spring_promoters(org))
    assert "n = 11" in nps_tile(client.get(URL, SPRING))

    commits(snapshots_recompute_pending)

    after = client.get(URL, SPRING)
    assert "n = 14" in nps_tile(after)
    assert REFRESHING not in main(after)


def test_a_recompute_rebuilds_only_what_reads_the_snapshots(client, manager, org, commits, idle_worker):
    client.force_login(manager)
    client.get(URL, SPRING)
    commits(lambda: ingest_spring_promoters(org))
    commits(snapshots_recompute_pending)
    with CaptureQueriesContext(connection) as queries:
        after = client.get(URL, SPRING)
    assert "n = 14" in nps_tile(after)
    assert snapshot_reads(queries)
    # the custom KPIs, actions and business cases were served from the cache
    read = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in read if sql.startswith(('SELECT "metrics_customkpi"', 'SELECT "metrics_businesscase"'))]
    assert "Custom KPIs against their targets" in main(after)


def test_a_target_change_shows_at_once(client, manager, org, commits):
    client.force_login(manager)
    assert "No target set" in client.get(URL, SPRING).content.decode()
    target = commits(lambda: MetricTarget.objects.create(metric="csat", value=Decimal("30")))
    assert "Target 30%" in client.get(URL, SPRING).content.decode()
    commits(lambda: MetricTarget.objects.filter(pk=target.pk).update(value=Decimal("45")))
    assert "Target 45%" in client.get(URL, SPRING).content.decode()


def test_a_renamed_stage_shows_at_once(client, manager, org, commits):
    client.force_login(manager)
    assert "Signing" in main(client.get(URL, SPRING))
    commits(lambda: type(org.signing).objects.filter(pk=org.signing.pk).update(name="Signature"))
    page = main(client.get(URL, SPRING))
    assert "Signature" in page
    assert "Signing" not in page


def test_editing_a_touchpoint_description_leaves_it_cached_and_a_rename_shows_at_once(client, manager, org, commits):
    client.force_login(manager)
    client.get(URL, SPRING)
    website = type(org.website).objects.filter(pk=org.website.pk)
    commits(lambda: website.update(description="Now with a chat button", version=2))
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, SPRING)
    assert snapshot_reads(queries) == []
    commits(lambda: website.update(name="Web shop", version=3))
    assert "Web shop" in main(client.get(URL, SPRING))


def test_with_the_cache_down_the_page_is_built_afresh(client, manager, org):
    with socket.socket() as probe:  # a port nothing listens on: every cache call fails at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = {
        "default": {
            "BACKEND": "cxplatform.lib.resilient_cache.ResilientRedisCache",  # production's, with REDIS_URL
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    client.force_login(manager)
    with override_settings(CACHES=down):
        response = client.get(URL, SPRING)
    assert response.status_code == 200
    assert "n = 11" in nps_tile(response)


def test_what_one_user_may_do_does_not_leak_to_another(client, manager, process_owner, org):
    client.force_login(manager)
    assert "Set targets" in client.get(URL, SPRING).content.decode()
    client.force_login(process_owner)
    assert "Set targets" not in client.get(URL, SPRING).content.decode()


def test_each_language_has_its_own_copy(client, manager, org):
    client.force_login(manager)
    english = client.get(URL, SPRING, headers={"Accept-Language": "en"}).content.decode()
    dutch = client.get(URL, SPRING, headers={"Accept-Language": "nl"}).content.decode()
    assert "NPS by month" in english
    assert "NPS per maand" in dutch


def test_the_notice_is_not_shared_between_scopes(client, manager, org, commits, idle_worker):
    """Responses for one journey make only that journey's (and the organisation's) figures stale."""
    client.force_login(manager)
    other_journey = {**SPRING, "journey": org.complaint.pk}
    client.get(URL, other_journey)
    commits(lambda: ingest_spring_promoters(org))
    assert REFRESHING not in main(client.get(URL, other_journey))
    assert REFRESHING in main(client.get(URL, {**SPRING, "journey": org.open_account.pk}))


def test_a_recompute_that_changes_no_figure_leaves_it_cached(client, manager, org, commits):
    client.force_login(manager)
    client.get(URL, SPRING)
    commits(snapshots_rebuild_all)  # the nightly rebuild, over data that has not changed
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, SPRING)
    assert snapshot_reads(queries) == []
