"""LimeSurvey: polled through RemoteControl 2 JSON-RPC on a real local HTTP server."""

import base64
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from metrics.connectors.vendors import FetchFailed, PayloadInvalid, get_vendor
from tests.metrics.connectors.conftest import load_payload

RPC = "/index.php/admin/remotecontrol"


@pytest.fixture
def limesurvey():
    return get_vendor("limesurvey")


@pytest.fixture
def rpc(fake_api):
    """A RemoteControl 2 server: a session key for the right user, the export as base64 JSON."""
    state = {"export": load_payload("limesurvey_export_responses.json"), "released": []}

    def answer(request):
        call = json.loads(request.body)
        method, params = call["method"], call["params"]
        if method == "get_session_key":
            ok = params == ["api-user", "api-pass"]
            return 200, {
                "id": call["id"],
                "result": "sess-1" if ok else {"status": "Invalid user name or password"},
                "error": None,
            }
        if method == "export_responses":
            assert params == ["sess-1", 123456, "json", None, "complete", "code", "short"]
            if state["export"] is None:
                return 200, {"id": call["id"], "result": {"status": "No Response found."}, "error": None}
            encoded = base64.b64encode(json.dumps(state["export"]).encode()).decode()
            return 200, {"id": call["id"], "result": encoded, "error": None}
        if method == "release_session_key":
            state["released"].append(params[0])
            return 200, {"id": call["id"], "result": "OK", "error": None}
        return 200, {"id": call["id"], "result": None, "error": f"unknown method {method}"}

    fake_api.routes[("POST", RPC)] = answer
    state["config"] = {
        "url": fake_api.url,
        "username": "api-user",
        "password": "api-pass",
        "survey_id": "123456",
        "hidden_fields": "journey, touchpoint",
    }
    state["api"] = fake_api
    return state


def test_limesurvey_is_polled_not_received(limesurvey):
    assert limesurvey.polls and not limesurvey.receives


def test_poll_logs_in_exports_completed_responses_and_logs_out(limesurvey, rpc):
    first, second = limesurvey.poll(config=rpc["config"], since=None)
    methods = [json.loads(request.body)["method"] for request in rpc["api"].requests]
    assert methods == ["get_session_key", "export_responses", "release_session_key"]
    assert {request.path for request in rpc["api"].requests} == {RPC}
    assert rpc["released"] == ["sess-1"]
    assert first.external_id == "1042"
    assert first.responded_at == datetime(2026, 3, 2, 10, 14, 2)  # no zone configured: naive, local time
    assert first.answers["NPS"].value == "9"
    assert first.answers["COMMENT"].value == "Quick and friendly <b>agent</b>"
    assert "submitdate" not in first.answers and "id" not in first.answers
    assert first.hidden == {"journey": "report-a-claim", "touchpoint": "claim-by-phone"}
    assert first.meta["startlanguage"] == "nl"
    assert second.hidden["touchpoint"] == "claim-online"


def test_the_server_time_zone_makes_times_aware(limesurvey, rpc):
    first, _ = limesurvey.poll(config={**rpc["config"], "timezone": "Europe/Amsterdam"}, since=None)
    assert first.responded_at == datetime(2026, 3, 2, 10, 14, 2, tzinfo=ZoneInfo("Europe/Amsterdam"))


def test_since_keeps_only_later_responses(limesurvey, rpc):
    since = timezone.make_aware(datetime(2026, 3, 2, 12, 0))
    [later] = limesurvey.poll(config=rpc["config"], since=since)
    assert later.external_id == "1043"


def test_the_newer_export_shape_reads_too(limesurvey, rpc):
    rpc["export"] = {"responses": [{"id": 7, "submitdate": "2026-03-02 10:14:02", "NPS": "10"}]}
    [submission] = limesurvey.poll(config=rpc["config"], since=None)
    assert (submission.external_id, submission.answers["NPS"].value) == ("7", "10")


def test_no_responses_yet_is_an_empty_poll(limesurvey, rpc):
    rpc["export"] = None
    assert limesurvey.poll(config=rpc["config"], since=None) == []
    assert rpc["released"] == ["sess-1"]


def test_a_wrong_password_fails_for_good(limesurvey, rpc):
    with pytest.raises(FetchFailed, match="Invalid user name or password") as failure:
        limesurvey.poll(config={**rpc["config"], "password": "wrong"}, since=None)
    assert not failure.value.retryable


def test_an_unreachable_server_is_retryable(limesurvey):
    config = {"url": "http://127.0.0.1:9", "username": "u", "password": "p", "survey_id": "1"}
    with pytest.raises(FetchFailed) as failure:
        limesurvey.poll(config=config, since=None)
    assert failure.value.retryable


@pytest.mark.parametrize(
    "change", [{"survey_id": "12; drop"}, {"url": "ftp://survey.example.com"}, {"timezone": "Mars/Olympus"}]
)
def test_a_bad_setting_fails_for_good(limesurvey, rpc, change):
    with pytest.raises(FetchFailed) as failure:
        limesurvey.poll(config={**rpc["config"], **change}, since=None)
    assert not failure.value.retryable


def test_a_bad_submit_date_names_the_response(limesurvey):
    with pytest.raises(PayloadInvalid, match=r"responses\[0\]\.submitdate"):
        limesurvey.parse({"responses": [{"id": "1", "submitdate": "gisteren"}]}, config={})
