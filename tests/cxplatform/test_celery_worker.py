"""A real Celery worker process, started here against Redis, runs tasks: nothing in-process."""

import os
import socket
import subprocess
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse

from cxplatform import celery_app
from cxplatform.tasks import ping
from tests.services import PROJECT_ROOT, executable, redis_url_or_skip, stop_process


@pytest.fixture
def worker():
    """A worker process on a queue of its own; yields (queue, node name). Tasks are not eager meanwhile."""
    redis_url = redis_url_or_skip()
    queue = f"test-{uuid.uuid4().hex[:8]}"
    node = f"{queue}@{socket.gethostname()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.base",
        "SECRET_KEY": "worker-test-key",
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
    }
    process = subprocess.Popen(
        [executable("celery"), "-A", "cxplatform", "worker", "--pool", "solo", "--loglevel", "INFO", "-n", node,
         "--without-gossip", "--without-mingle"],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    celery_app.conf.task_always_eager = False
    try:
        yield queue, node
    finally:
        celery_app.conf.task_always_eager = True
        output = stop_process(process)
        print(output[-3000:])


def test_a_real_worker_process_runs_the_task(worker):
    queue, node = worker
    result = ping.apply_async(queue=queue)
    answer = result.get(timeout=60)
    assert answer == {"pong": True, "hostname": node}
    assert result.state == "SUCCESS"


@pytest.mark.django_db
def test_health_makes_a_round_trip_through_the_worker(admin_client, worker):
    queue, node = worker
    ping.apply_async(queue=queue).get(timeout=60)  # the worker is up
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_TASK_DEFAULT_QUEUE=queue):
        celery_app.conf.task_default_queue = queue
        try:
            response = admin_client.get(reverse("health"))
        finally:
            celery_app.conf.task_default_queue = "cxplatform"
    assert response.status_code == 200, response.json()
    assert response.json()["components"]["queue"]["mode"] == "worker"
    assert response.json()["components"]["queue"]["worker"] == node
