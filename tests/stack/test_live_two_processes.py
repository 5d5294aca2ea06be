"""Scale out: two web processes (the Procfile's web line, each on its own port) share live map updates through
Redis. A change made through process 1 reaches a WebSocket connected to process 2, as it would reach a browser
behind a load balancer that sent it to the other process."""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth.hashers import make_password
from websockets.sync.client import connect

from cxplatform.accounts.models import Role
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import JourneyFactory
from tests.services import postgres_or_skip, redis_url_or_skip, stop_process, wait_for
from tests.stack.test_make_run import log_in
from tests.stack.test_procfile_stack import get, start

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def receive(socket, kind: str, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(socket.recv(timeout=max(0.1, deadline - time.monotonic())))
        if message["type"] == kind:
            return message


def test_a_change_through_process_1_reaches_a_socket_on_process_2(tmp_path, settings):
    postgres_or_skip()
    redis_url = redis_url_or_skip()
    # The processes run the production settings, whose password hasher the quick test hasher is not.
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    user = UserFactory(username="live-admin", role=Role.ADMIN, first_name="Ada", last_name="Lovelace")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    journey = JourneyFactory(name="Move house")
    queue = f"live-{journey.pk}-{time.monotonic_ns()}"  # the same installation: one queue name, one layer prefix
    first, base_1 = start(["web"], tmp_path / "1", REDIS_URL=redis_url, CELERY_QUEUE=queue)
    second, base_2 = start(["web"], tmp_path / "2", REDIS_URL=redis_url, CELERY_QUEUE=queue)
    try:
        for base in (base_1, base_2):
            wait_for(lambda base=base: get(f"{base}/login/")[0] == 200, timeout=90, what=f"{base} to serve")
        opener = log_in(base_1, "live-admin", PASSWORD)
        cookies = {
            cookie.name: cookie.value
            for handler in opener.handlers
            if hasattr(handler, "cookiejar")
            for cookie in handler.cookiejar
        }
        host_2 = urllib.parse.urlsplit(base_2).netloc
        with connect(
            f"ws://{host_2}/ws/journeys/{journey.pk}/",
            additional_headers={"Cookie": f"sessionid={cookies['sessionid']}", "Origin": base_2},
            open_timeout=10,
        ) as socket:
            hello = receive(socket, "hello")
            assert hello["user"]["name"] == "Ada Lovelace"

            # A stage added through process 1's page form.
            _status, page = get(f"{base_1}/journeys/{journey.pk}/", opener)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page) or re.search(
                r'"X-CSRFToken": "([^"]+)"', page
            )
            token = token.group(1) if token else cookies["csrftoken"]
            form = urllib.parse.urlencode({"name": "Pack the boxes", "csrfmiddlewaretoken": token}).encode()
            request = urllib.request.Request(
                f"{base_1}/journeys/{journey.pk}/stages/add/", data=form, headers={"Referer": f"{base_1}/journeys/"}
            )
            with opener.open(request, timeout=30) as response:
                assert response.status == 200  # redirected to the map

            change = receive(socket, "changed")
            assert change["by"]["name"] == "Ada Lovelace"
            assert change["revision"] > hello["revision"]
            stage_id = journey.stages.get(name="Pack the boxes").pk
            assert change["parts"] == [f"stage-{stage_id}"]

            # The board process 2 then answers has it.
            status, board = get(f"{base_2}/journeys/{journey.pk}/board/", opener)
            assert status == 200 and "Pack the boxes" in board
    finally:
        output = stop_process(first) + stop_process(second)
    assert "Traceback" not in output, output[-3000:]
