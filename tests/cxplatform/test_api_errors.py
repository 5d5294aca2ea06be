"""The API's error answers for what the services refuse (cxplatform.api.errors): a stale edit is a 409 carrying
the object as it is now, a refused hard delete a 409 naming what depends on it, and a service's ValidationError
a 400 keyed by field. The same bodies from every app."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from cxplatform.accounts.models import Role
from cxplatform.lib.errors import Conflict
from cxplatform.lib.versioning import StaleVersion
from metrics.models import FollowUpCase, SurveyResponse
from metrics.services.followups import followups_open_for
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory
from tests.metrics.factories import CustomKpiFactory, SurveyResponseFactory
from tests.teams.factories import (
    ActionFactory,
    MandateFactory,
    MembershipFactory,
    TeamFactory,
    owning_every_journey_group,
)

JSON = "application/json"
CHANGED = "Someone else changed this in the meantime. Your change was not saved; here is the latest version."
CASE_CHANGED = (
    "Someone else changed this case in the meantime. Your change was not saved; here is the case as it is now."
)
pytestmark = pytest.mark.django_db


def assert_stale(response, client, url: str, detail: str = CHANGED) -> dict:
    """A 409 whose body is exactly detail, code and the object as a GET of it answers now, in that order."""
    assert response.status_code == 409, response.content
    body = response.json()
    assert list(body) == ["detail", "code", "current"]
    assert body["detail"] == detail
    assert body["code"] == "stale_version"
    assert body["current"] == client.get(url).json()
    return body


@pytest.fixture
def editor(cx_editor, client_of):
    with owning_every_journey_group(cx_editor):
        yield client_of(cx_editor)


def test_a_stale_journey_patch_is_a_409_with_the_journey_as_it_is_now(editor):
    journey = JourneyFactory(name="Open an account")
    url = f"/api/v1/journeys/{journey.pk}/"
    assert editor.patch(url, {"version": 1, "name": "Open a bank account"}, JSON).status_code == 200

    stale = editor.patch(url, {"version": 1, "name": "Open a savings account"}, JSON)

    body = assert_stale(stale, editor, url)
    assert (body["current"]["name"], body["current"]["version"]) == ("Open a bank account", 2)


def test_a_stale_move_is_a_409_with_the_whole_map(editor):
    """A move guarded by the journey's structure_version answers with the map, to redo the move on."""
    stage = StageFactory(name="Report")
    StageFactory(journey=stage.journey, name="Assess")
    url = f"/api/v1/stages/{stage.pk}/"

    stale = editor.patch(url, {"version": 1, "position": 1, "structure_version": 99}, JSON)

    assert stale.status_code == 409
    body = stale.json()
    assert (list(body), body["code"]) == (["detail", "code", "current"], "stale_version")
    assert body["current"] == editor.get(f"/api/v1/journeys/{stage.journey_id}/map/").json()


def test_a_stale_action_patch_is_a_409_with_the_action_as_it_is_now(editor, cx_editor):
    team = TeamFactory()
    MembershipFactory(team=team, user=cx_editor, role="change_manager")
    action = ActionFactory(team=team, title="Shorter form")
    url = f"/api/v1/actions/{action.pk}/"
    assert editor.patch(url, {"version": 1, "title": "A shorter form"}, JSON).status_code == 200

    stale = editor.patch(url, {"version": 1, "title": "The shortest form"}, JSON)

    body = assert_stale(stale, editor, url)
    assert (body["current"]["title"], body["current"]["version"]) == ("A shorter form", 2)


def test_a_stale_kpi_patch_is_a_409_with_the_kpi_as_it_is_now(client_of, manager):
    kpi = CustomKpiFactory(name="Retention")
    client = client_of(manager)
    url = f"/api/v1/kpis/{kpi.pk}/"
    assert client.patch(url, {"target": "95", "version": 1}, JSON).status_code == 200

    stale = client.patch(url, {"target": "80", "version": 1}, JSON)

    body = assert_stale(stale, client, url)
    assert (body["current"]["target"], body["current"]["version"]) == ("95.0000", 2)


def test_a_stale_followup_patch_is_a_409_with_the_case_as_it_is_now(client_of):
    owner = UserFactory(role=Role.PROCESS_OWNER)
    response = SurveyResponseFactory(touchpoint=TouchpointFactory(owner=owner), score=3)
    followups_open_for(responses=SurveyResponse.objects.filter(pk=response.pk))
    client = client_of(owner)
    url = f"/api/v1/followups/{FollowUpCase.objects.get().pk}/"
    assert client.patch(url, {"outcome": "First", "version": 1}, JSON).status_code == 200

    stale = client.patch(url, {"outcome": "Second", "version": 1}, JSON)

    body = assert_stale(stale, client, url, CASE_CHANGED)
    assert (body["current"]["outcome"], body["current"]["version"]) == ("First", 2)


def test_a_stale_delete_is_a_409_and_deletes_nothing(editor):
    journey = JourneyFactory()
    url = f"/api/v1/journeys/{journey.pk}/"
    assert editor.patch(url, {"version": 1, "name": "Renamed"}, JSON).status_code == 200

    assert_stale(editor.delete(f"{url}?version=1"), editor, url)


def test_a_delete_refused_for_its_dependents_is_a_409_naming_them(editor):
    touchpoint = TouchpointFactory(name="Claim by phone")
    SurveyResponseFactory(touchpoint=touchpoint, journey=touchpoint.journey)

    refused = editor.delete(f"/api/v1/touchpoints/{touchpoint.pk}/?version=1")

    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "Claim by phone has 1 survey response: archive it instead.",
        "code": "has_dependents",
        "dependents": ["1 survey response"],
    }


def test_a_service_validation_error_is_a_400_keyed_by_the_field(editor):
    stage = StageFactory()
    url = f"/api/v1/stages/{stage.pk}/"

    refused = editor.patch(url, {"version": 1, "position": 5, "structure_version": 1}, JSON)

    assert refused.status_code == 400
    assert refused.json() == {"position": ["Position must be between 0 and 0."]}


def test_a_service_validation_error_without_a_field_is_a_400_under_non_field_errors(editor):
    future = JourneyFactory(state="future")

    refused = editor.post(f"/api/v1/journeys/{future.pk}/future-state/", {}, JSON)

    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["Only a current-state journey can get a future state."]}


def test_a_teams_service_validation_error_is_a_400_too(client_of, manager):
    mandate = MandateFactory(status="approved")

    refused = client_of(manager).post(f"/api/v1/mandates/{mandate.pk}/decide/", {"approve": True}, JSON)

    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["This mandate was already approved."]}


# The handler itself, with views of its own: what it answers does not depend on an app.


class Refused(Conflict):
    code = "refused_for_a_test"

    def details(self) -> dict:
        return {"reasons": ["one", "two"]}


def answer_of(exc: Exception):
    class Raising(APIView):
        permission_classes = []

        def get(self, request):
            raise exc

    return Raising.as_view()(APIRequestFactory().get("/api/v1/test/"))


def test_any_conflict_a_service_raises_is_a_409_with_its_code_and_details():
    response = answer_of(Refused("Not now."))
    assert response.status_code == 409
    assert response.data == {"detail": "Not now.", "code": "refused_for_a_test", "reasons": ["one", "two"]}


def test_a_django_validation_error_is_keyed_by_field_with_its_non_field_errors_apart():
    error = DjangoValidationError({"name": ["Too long."], NON_FIELD_ERRORS: ["Not both."]})
    response = answer_of(error)
    assert response.status_code == 400
    assert response.data == {"name": ["Too long."], "non_field_errors": ["Not both."]}


def test_a_view_that_cannot_render_the_current_object_leaves_a_stale_version_unanswered():
    with pytest.raises(StaleVersion):
        answer_of(StaleVersion(None))
