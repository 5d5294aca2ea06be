"""The extension points (cxplatform.lib.extension_points): each one the settings configure resolves to what its
contract says, and a missing or empty setting turns its point off instead of breaking a page."""

import inspect
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from cxplatform.lib import extension_points
from cxplatform.lib.extension_points import (
    ACTION_BUSINESS_CASE_URL,
    EXTENSION_POINTS,
    JOURNEY_EDIT_POLICY,
    MAP_ACTION_CREATE_URL,
    MAP_DEPENDENTS,
    MAP_DRIVERS_URL,
    MAP_MEASURES,
    MAP_STRUCTURE_CHANGED,
)
from journeys import hooks
from journeys.permissions import can_edit_journeys
from tests.journeys.factories import JourneyFactory

CALLABLES = [point for point in EXTENSION_POINTS if point.kind in ("callable", "callables")]
URLS = [point for point in EXTENSION_POINTS if point.kind == "url"]

# How each point's provider is called (its contract), to bind against the provider's signature.
CALLS = {
    "JOURNEY_EDIT_POLICY": ((object(), object()), {}),
    "MAP_MEASURES": ((object(), {}), {}),
    "MAP_DEPENDENTS": ((), {"journey_id": 1, "stage_id": None, "touchpoint_id": None}),
    "MAP_STRUCTURE_CHANGED": ((), {"journey_ids": [1]}),
    "COMMENT_ACTION_TARGET": ((1,), {}),
    "COMMENT_MENTIONED_TEAMS": (("@claims thanks",), {}),
    "OIDC_TEAM_SYNC": ((), {"user": object(), "team_keys": frozenset(), "managed_team_keys": frozenset()}),
}
# The arguments each URL point takes, and the page it leads to today.
URL_CALLS = {
    "MAP_ACTION_CREATE_URL": ((), "/actions/new/"),
    "MAP_DRIVERS_URL": ((7,), "/journeys/7/drivers/"),
    "ACTION_BUSINESS_CASE_URL": ((7,), "/actions/7/business-case/"),
}


def test_every_point_is_configured_and_has_its_contract_written_down():
    assert {point.setting for point in EXTENSION_POINTS} == set(CALLS) | set(URL_CALLS)
    for point in EXTENSION_POINTS:
        assert getattr(settings, point.setting), point.setting
        assert point.contract and point.used_by and point.provided_by
        assert point.setting in extension_points.__doc__


@pytest.mark.parametrize("point", CALLABLES, ids=lambda point: point.setting)
def test_each_configured_callable_imports_and_takes_the_arguments_of_its_contract(point):
    configured = getattr(settings, point.setting)
    paths = configured if point.kind == "callables" else [configured]
    resolved = extension_points.providers(point) if point.kind == "callables" else [extension_points.provider(point)]
    assert resolved == [import_string(path) for path in paths]
    args, kwargs = CALLS[point.setting]
    for provider in resolved:
        assert callable(provider)
        inspect.signature(provider).bind(*args, **kwargs)  # a TypeError when the contract and provider differ


@pytest.mark.parametrize("point", URLS, ids=lambda point: point.setting)
def test_each_configured_url_name_reverses_to_its_page(point):
    args, path = URL_CALLS[point.setting]
    assert extension_points.url(point, *args) == path


@pytest.mark.parametrize("value", [None, "", "delete"])
def test_a_point_that_is_not_configured_is_off(settings, value):
    for point in EXTENSION_POINTS:
        if value == "delete":
            delattr(settings, point.setting)
        else:
            setattr(settings, point.setting, value)
    assert extension_points.provider(JOURNEY_EDIT_POLICY) is None
    assert extension_points.provider(MAP_MEASURES) is None
    assert extension_points.provider(MAP_STRUCTURE_CHANGED) is None
    assert extension_points.providers(MAP_DEPENDENTS) == []
    assert extension_points.url(MAP_ACTION_CREATE_URL) is None
    assert extension_points.url(MAP_DRIVERS_URL, 7) is None
    assert extension_points.url(ACTION_BUSINESS_CASE_URL, 7) is None
    # What the journeys app does without them: nothing depends on a map part, nobody is told of a change.
    assert hooks.map_dependents(journey_id=1) == []
    hooks.structure_changed(journey_ids=[1])


def test_a_url_name_that_does_not_reverse_is_the_same_as_none(settings):
    settings.MAP_DRIVERS_URL = "metrics:no-such-page"
    settings.ACTION_BUSINESS_CASE_URL = "no-such-app:business-case"
    assert extension_points.url(MAP_DRIVERS_URL, 7) is None
    assert extension_points.url(ACTION_BUSINESS_CASE_URL, 7) is None


@pytest.mark.django_db
def test_without_an_edit_policy_a_cx_editor_edits_every_journey(settings, cx_editor):
    journey = JourneyFactory()
    assert not can_edit_journeys(cx_editor, journey)  # the teams app's policy: not a group of their team
    settings.JOURNEY_EDIT_POLICY = None
    assert can_edit_journeys(cx_editor, journey)


def test_the_providers_are_called_as_configured_now(settings):
    """Resolved at each call, not once at import: a deployment (or a test) that changes a setting is obeyed."""
    calls = []
    settings.MAP_STRUCTURE_CHANGED = f"{__name__}.record_structure_change"
    RECORDED.calls = calls
    hooks.structure_changed(journey_ids=[3, 1, 3])
    assert calls == [[1, 3]]


RECORDED = SimpleNamespace(calls=[])


def record_structure_change(*, journey_ids: list[int]) -> None:
    RECORDED.calls.append(journey_ids)
