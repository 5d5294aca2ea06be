"""The live map's WebSocket (journeys/consumers.py) and announcements (journeys/live.py), through the real ASGI
application (cxplatform/asgi.py): session cookie, origin check, routing. The channel layer is the in-memory one
here; tests/stack/test_live_two_processes.py runs the Redis one across two server processes."""

from __future__ import annotations

import asyncio
import concurrent.futures

import pytest
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client

from cxplatform.asgi import application
from journeys import live
from journeys.consumers import REFUSED
from journeys.services import stage_create, touchpoint_create
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import build_map
from tests.journeys.websocket_client import WebsocketCommunicator

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://127.0.0.1")


def run(coroutine):
    """asyncio.run, on a thread of its own: the browser tests' Playwright (a session fixture) keeps an event loop
    running on the main thread once it has started, and asyncio.run refuses to start a second one there."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(autouse=True)
def in_memory_layer(settings):
    # A layer of its own for each test (the setting's change resets Channels' layers).
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.LIVE_RECHECK_SECONDS = 1


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}".encode()


def communicator(journey_id: int, cookie: bytes | None = None, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [origin] if origin else []
    if cookie:
        headers.append((b"cookie", cookie))
    return WebsocketCommunicator(application, f"/ws/journeys/{journey_id}/", headers=headers)


async def refused(socket: WebsocketCommunicator) -> bool:
    """Accepted only to be closed with 4403 (or not accepted at all)."""
    connected, _ = await socket.connect()
    if not connected:
        return True
    message = await socket.receive_output(timeout=5)
    await socket.wait()
    return message == {"type": "websocket.close", "code": REFUSED}


async def receive_until(socket: WebsocketCommunicator, kind: str, timeout: float = 5) -> dict:
    """The next message of this type from the socket (presence or change messages may come in between)."""
    async with asyncio.timeout(timeout):
        while True:
            message = await socket.receive_json_from(timeout=timeout)
            if message["type"] == kind:
                return message


async def joined(socket: WebsocketCommunicator) -> dict:
    connected, _ = await socket.connect()
    assert connected
    hello = await receive_until(socket, "hello")
    return hello


def test_an_anonymous_visitor_cannot_open_a_journeys_socket():
    journey = build_map(stages=1, touchpoints_per_stage=1)
    assert run(refused(communicator(journey.pk)))


def test_an_inactive_user_cannot_open_a_journeys_socket(cx_editor):
    journey = build_map(stages=1, touchpoints_per_stage=1)
    cookie = session_cookie(cx_editor)
    cx_editor.is_active = False
    cx_editor.save(update_fields=["is_active"])
    assert run(refused(communicator(journey.pk, cookie)))


def test_a_session_still_owing_its_two_factor_code_cannot_open_a_journeys_socket(cx_editor):
    from cxplatform.accounts import two_factor

    journey = build_map(stages=1, touchpoints_per_stage=1)
    two_factor.two_factor_enable(user=cx_editor, key=two_factor.new_secret(), last_t=0)
    # Logged in with the password, the code not entered yet (cxplatform.accounts.two_factor).
    assert run(refused(communicator(journey.pk, session_cookie(cx_editor))))


def test_a_reader_not_allowed_on_the_journey_cannot_open_its_socket(cx_editor, monkeypatch):
    # The place a per-journey restriction goes: the socket follows journeys.permissions.can_read_journey.
    journey = build_map(stages=1, touchpoints_per_stage=1)
    monkeypatch.setattr("journeys.consumers.can_read_journey", lambda user, journey: False)
    assert run(refused(communicator(journey.pk, session_cookie(cx_editor))))


def test_a_socket_for_a_journey_that_does_not_exist_is_refused(cx_editor):
    assert run(refused(communicator(999999, session_cookie(cx_editor))))


def test_a_socket_opened_from_another_site_is_refused(cx_editor):
    journey = build_map(stages=1, touchpoints_per_stage=1)
    socket = communicator(journey.pk, session_cookie(cx_editor), origin=(b"origin", b"https://evil.example"))
    connected, _ = run(socket.connect())
    assert not connected


def test_a_reader_receives_a_change_once_it_is_committed_and_not_a_rolled_back_one(cx_editor, manager):
    journey = build_map(stages=1, touchpoints_per_stage=0)
    stage = journey.stages.get()

    def add_and_roll_back():
        with transaction.atomic():
            touchpoint_create(stage=stage, name="Never saved")
            transaction.set_rollback(True)

    def add():
        return touchpoint_create(stage=stage, name="Claim by phone")

    async def scenario():
        socket = communicator(journey.pk, session_cookie(manager))
        hello = await joined(socket)
        assert hello["user"]["name"] == str(manager)
        await database_sync_to_async(add_and_roll_back)()
        assert await socket.receive_nothing(timeout=0.3)
        touchpoint = await database_sync_to_async(add)()
        change = await receive_until(socket, "changed")
        await socket.disconnect()
        return hello, change, touchpoint

    hello, change, touchpoint = run(scenario())
    assert change["parts"] == [f"touchpoint-{touchpoint.pk}"]
    # The rolled-back change did not move the revision; the committed one did, once.
    assert change["revision"] == hello["revision"] + 1
    assert live.current_revision(journey.pk) == change["revision"]


def test_a_change_says_who_made_it_and_moves_the_revision(cx_editor, manager):
    journey = build_map(stages=1, touchpoints_per_stage=0)

    async def scenario():
        socket = communicator(journey.pk, session_cookie(manager))
        await joined(socket)
        await database_sync_to_async(lambda: live.journey_changed(journey.pk, user=cx_editor))()
        first = await receive_until(socket, "changed")
        await database_sync_to_async(lambda: stage_create(journey=journey, name="Assessment"))()
        second = await receive_until(socket, "changed")
        await socket.disconnect()
        return first, second

    first, second = run(scenario())
    assert first["by"] == {
        "id": cx_editor.pk,
        "name": "Emma " + cx_editor.last_name,
        "initials": first["by"]["initials"],
    }
    assert first["by"]["initials"] == ("E" + cx_editor.last_name[0]).upper()
    assert second["revision"] == first["revision"] + 1


def test_a_change_to_another_journey_is_not_sent(manager):
    journey = build_map(stages=1, touchpoints_per_stage=0)
    other = build_map(stages=1, touchpoints_per_stage=0)

    async def scenario():
        socket = communicator(journey.pk, session_cookie(manager))
        await joined(socket)
        await database_sync_to_async(lambda: stage_create(journey=other, name="Elsewhere"))()
        nothing = await socket.receive_nothing(timeout=0.3)
        await socket.disconnect()
        return nothing

    assert run(scenario())


def test_presence_join_here_editing_and_leave(cx_editor, manager):
    journey = build_map(stages=1, touchpoints_per_stage=1)
    touchpoint = journey.touchpoints.get()

    async def scenario():
        emma = communicator(journey.pk, session_cookie(cx_editor))
        martin = communicator(journey.pk, session_cookie(manager))
        await joined(emma)
        await joined(martin)
        # Emma hears Martin join; Martin hears from Emma that she is here.
        emma_hears = await receive_until(emma, "presence")
        martin_hears = await receive_until(martin, "presence")
        # Emma opens the card's edit dialog: Martin sees it.
        await emma.send_json_to({"type": "editing", "part": f"tp-{touchpoint.pk}"})
        editing = await receive_until(martin, "presence")
        # A part that is not a card of the map is ignored (nothing is echoed into the page).
        await emma.send_json_to({"type": "editing", "part": "<img src=x>"})
        cleared = await receive_until(martin, "presence")
        await emma.disconnect()
        left = await receive_until(martin, "presence")
        await martin.disconnect()
        return emma_hears, martin_hears, editing, cleared, left

    emma_hears, martin_hears, editing, cleared, left = run(scenario())
    assert emma_hears["event"] == "join" and emma_hears["user"]["name"] == str(manager)
    assert martin_hears["event"] == "here" and martin_hears["user"]["name"] == str(cx_editor)
    assert editing["event"] == "editing" and editing["part"] == f"tp-{touchpoint.pk}"
    assert editing["user"]["id"] == cx_editor.pk
    assert cleared["event"] == "editing" and cleared["part"] is None
    assert left["event"] == "leave" and left["id"] == martin_hears["id"]


def test_logging_out_closes_the_socket_of_that_session_at_once(cx_editor, settings):
    settings.LIVE_RECHECK_SECONDS = 600  # not the periodic check: the logout itself
    journey = build_map(stages=1, touchpoints_per_stage=1)
    client = Client()
    client.force_login(cx_editor)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"

    async def scenario():
        socket = communicator(journey.pk, cookie.encode())
        await joined(socket)
        await database_sync_to_async(lambda: client.post("/logout/"))()
        message = await socket.receive_output(timeout=5)
        return message

    assert run(scenario()) == {"type": "websocket.close", "code": REFUSED}


def test_a_deactivated_user_is_disconnected_by_the_periodic_check(cx_editor):
    journey = build_map(stages=1, touchpoints_per_stage=1)
    cookie = session_cookie(cx_editor)

    def deactivate():
        cx_editor.is_active = False
        cx_editor.save(update_fields=["is_active"])

    async def scenario():
        socket = communicator(journey.pk, cookie)
        await joined(socket)
        await database_sync_to_async(deactivate)()
        # LIVE_RECHECK_SECONDS is 1 here: the next check closes the socket.
        async with asyncio.timeout(10):
            while True:
                message = await socket.receive_output(timeout=10)
                if message["type"] == "websocket.close":
                    return message

    assert run(scenario()) == {"type": "websocket.close", "code": REFUSED}


def test_a_deactivated_user_is_disconnected_at_their_next_message(cx_editor, settings):
    settings.LIVE_RECHECK_SECONDS = 600
    journey = build_map(stages=1, touchpoints_per_stage=1)
    cookie = session_cookie(cx_editor)

    def deactivate():
        UserFactory._meta.model.objects.filter(pk=cx_editor.pk).update(is_active=False)

    async def scenario():
        socket = communicator(journey.pk, cookie)
        await joined(socket)
        await database_sync_to_async(deactivate)()
        await socket.send_json_to({"type": "editing", "part": None})
        async with asyncio.timeout(5):
            while True:
                message = await socket.receive_output(timeout=5)
                if message["type"] == "websocket.close":
                    return message

    assert run(scenario()) == {"type": "websocket.close", "code": REFUSED}


def test_the_board_fragment_answers_the_board_for_signed_in_readers_only(client, manager):
    journey = build_map(stages=2, touchpoints_per_stage=2)
    url = f"/journeys/{journey.pk}/board/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="map-board"' in html and "Stage 2 touchpoint 2" in html
    assert "<html" not in html
    assert client.get("/journeys/999999/board/").status_code == 404


@pytest.mark.parametrize("touchpoints_per_stage", [1, 100])
def test_the_board_fragment_runs_a_fixed_number_of_queries(
    editor_client, django_assert_num_queries, touchpoints_per_stage
):
    journey = build_map(stages=2, touchpoints_per_stage=touchpoints_per_stage, findings_per_touchpoint=1)
    # session, user, journey (+group, chain owner, current state), personas, stages, touchpoints (+channel,
    # owner), findings (+touchpoint), the edit policy (the editor's teams), the measured scores' snapshot cells
    # and targets, the touchpoints' top complaints (theme mentions). The live revision comes from the cache, not
    # the database.
    with django_assert_num_queries(11):
        response = editor_client.get(f"/journeys/{journey.pk}/board/?period=last_90_days")
    assert response.status_code == 200


def test_a_broken_or_binary_frame_from_the_page_is_ignored(manager):
    journey = build_map(stages=1, touchpoints_per_stage=0)

    async def scenario():
        socket = communicator(journey.pk, session_cookie(manager))
        await joined(socket)
        await socket.send_input({"type": "websocket.receive", "text": "{not json"})
        await socket.send_input({"type": "websocket.receive", "bytes": b"\x00\x01"})
        await socket.send_json_to(["editing"])
        await database_sync_to_async(lambda: stage_create(journey=journey, name="Still connected"))()
        change = await receive_until(socket, "changed")
        await socket.disconnect()
        return change

    assert run(scenario())["type"] == "changed"


def test_the_acting_user_is_not_loaded_when_a_change_is_announced_from_a_thread():
    """asgiref looks at every context variable's value when it hands the context to the event loop
    (async_to_sync, as `journey_changed` sends): a lazy request.user kept there was loaded from the database
    inside the loop, which Django refuses, and the request never answered (seen logging in under uvicorn)."""
    from asgiref.sync import async_to_sync
    from django.test import RequestFactory
    from django.utils.functional import SimpleLazyObject

    from journeys.live import ActingUserMiddleware

    loaded = []
    request = RequestFactory().get("/")
    request.user = SimpleLazyObject(lambda: loaded.append("user") or object())

    async def nothing():
        return "sent"

    middleware = ActingUserMiddleware(lambda req: async_to_sync(nothing)())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:  # no event loop of Playwright's in the way
        answers = pool.submit(middleware, request).result()
    assert answers == "sent"
    assert loaded == []
