"""“Create a future state” clicked again never makes a second, same-named copy silently (page and API)."""

import pytest

from journeys.models import Journey, JourneyState
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_the_editor_owns_every_journey_group")]
JSON = "application/json"


@pytest.fixture
def claim() -> Journey:
    journey = JourneyFactory(name="Report a claim")
    TouchpointFactory(stage=StageFactory(journey=journey, name="Reporting"), name="Claim by phone")
    return journey


def future_states(journey: Journey) -> list[str]:
    return list(Journey.objects.filter(current_state=journey).order_by("id").values_list("name", flat=True))


def test_the_api_answers_a_second_click_with_409_and_the_existing_future_state(editor_client, claim):
    url = f"/api/v1/journeys/{claim.pk}/future-state/"
    first = editor_client.post(url, {}, content_type=JSON)
    assert first.status_code == 201
    again = editor_client.post(url, {}, content_type=JSON)
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "future_state_exists"
    assert body["existing"]["id"] == first.json()["id"]
    assert future_states(claim) == ["Report a claim (future state)"]


def test_another_future_state_on_purpose_gets_a_distinct_name(editor_client, claim):
    url = f"/api/v1/journeys/{claim.pk}/future-state/"
    editor_client.post(url, {}, content_type=JSON)
    second = editor_client.post(url, {"another": True}, content_type=JSON)
    assert second.status_code == 201
    assert second.json()["name"] == "Report a claim (future state 2)"
    assert future_states(claim) == ["Report a claim (future state)", "Report a claim (future state 2)"]
    same_name = editor_client.post(url, {"another": True, "name": "Report a claim (future state)"}, content_type=JSON)
    assert same_name.status_code == 400
    assert "name" in same_name.json()


def test_the_page_offers_to_open_the_existing_future_state_instead_of_copying_again(editor_client, claim):
    url = f"/journeys/{claim.pk}/future-state/"
    first = editor_client.post(url)
    future = Journey.objects.get(current_state=claim)
    assert first.status_code == 302
    again = editor_client.post(url)
    assert again.status_code == 409
    page = again.content.decode()
    assert f'href="/journeys/{future.pk}/"' in page
    assert "Report a claim (future state 2)" in page  # what “create another” would be called
    assert future_states(claim) == ["Report a claim (future state)"]
    another = editor_client.post(url, {"another": "1"})
    assert another.status_code == 302
    assert future_states(claim) == ["Report a claim (future state)", "Report a claim (future state 2)"]
    assert Journey.objects.filter(state=JourneyState.FUTURE).count() == 2
