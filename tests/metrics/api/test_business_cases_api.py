"""/api/v1/business-cases/: ROI figures, the effect of one case, who may write, query counts."""

from decimal import Decimal

import pytest

from metrics.models import BusinessCase, BusinessCaseGain, GainType
from metrics.permissions import NOT_YOUR_BUSINESS_CASE
from teams.models import ActionStatus, ImprovementAction
from tests.journeys.factories import JourneyFactory, TouchpointFactory
from tests.metrics.factories import BusinessCaseFactory
from tests.teams.factories import ActionFactory, TeamFactory

JSON = "application/json"
API = "/api/v1/business-cases/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def action(team):
    return ActionFactory(title="Shorter claim form", team=team, touchpoint=TouchpointFactory())


def new_case(action, **fields) -> dict:
    return {
        "action": action.pk,
        "investment": "10000",
        "gains": [
            {"type": "referrals", "expected": "15000"},
            {"type": "retention", "expected": "10000", "realised": "8000"},
        ],
        **fields,
    }


def test_the_actions_team_editor_writes_a_case_and_gets_its_roi(client_of, editor, action):
    response = client_of(editor).post(API, new_case(action), JSON)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["expected_gains"], data["realised_gains"]) == ("25000.00", "8000.00")
    assert (data["expected_roi"], data["realised_roi"]) == ("150.0", "-20.0")
    assert data["effect"]["reason"]  # the action is not done: no effect yet, and the answer says why
    assert data["version"] == 1


@pytest.mark.parametrize("persona", ["process_owner", "manager", "outsider"])
def test_others_cannot_write_a_case(client_of, action, persona, request):
    response = client_of(request.getfixturevalue(persona)).post(API, new_case(action), JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == str(NOT_YOUR_BUSINESS_CASE)
    assert not BusinessCase.objects.exists()


def test_a_process_owner_cannot_change_or_delete_a_case(client_of, process_owner, action):
    case = BusinessCaseFactory(action=action)
    client = client_of(process_owner)
    assert client.patch(f"{API}{case.pk}/", {"investment": "1", "version": 1}, JSON).status_code == 403
    assert client.delete(f"{API}{case.pk}/").status_code == 403
    assert BusinessCase.objects.get().investment == Decimal("10000")


def test_a_patch_without_gains_keeps_them_and_realised_roi_is_not_yet_until_one_is_entered(client_of, editor, action):
    client = client_of(editor)
    case_id = client.post(API, new_case(action, gains=[{"type": "referrals", "expected": "30000"}]), JSON).json()["id"]
    response = client.patch(f"{API}{case_id}/", {"investment": "20000", "version": 1}, JSON)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["expected_roi"], data["realised_roi"], data["version"]) == ("50.0", None, 2)
    assert [gain["type"] for gain in data["gains"]] == ["referrals"]


def test_a_stale_change_is_a_409(client_of, editor, action):
    case = BusinessCaseFactory(action=action, version=3)
    response = client_of(editor).patch(f"{API}{case.pk}/", {"investment": "5", "version": 2}, JSON)
    assert response.status_code == 409
    assert response.json()["current"]["investment"] == "10000.00"


def test_a_second_case_for_an_action_is_refused(client_of, editor, action):
    BusinessCaseFactory(action=action)
    response = client_of(editor).post(API, new_case(action), JSON)
    assert response.status_code == 400
    assert "already has a business case" in response.json()["action"][0]


def test_a_gain_type_sent_twice_and_a_negative_amount_are_refused(client_of, editor, action):
    gains = [{"type": "referrals", "expected": "1"}, {"type": "referrals", "expected": "-2"}]
    response = client_of(editor).post(API, new_case(action, gains=gains), JSON)
    assert response.status_code == 400
    assert "gains" in response.json()
    assert not BusinessCase.objects.exists()


def test_a_case_moves_with_its_action_only(client_of, editor, action, team):
    case = BusinessCaseFactory(action=action)
    other = ActionFactory(team=team)
    response = client_of(editor).patch(f"{API}{case.pk}/", {"action": other.pk, "version": 1}, JSON)
    assert response.status_code == 400
    assert "action" in response.json()


def test_an_admin_deletes_a_case(client_of, admin_user, action):
    case = BusinessCaseFactory(action=action)
    assert client_of(admin_user).delete(f"{API}{case.pk}/").status_code == 204
    assert ImprovementAction.objects.filter(pk=action.pk).exists()


def test_the_list_filters_by_journey_and_action_status(client_of, process_owner):
    journey = JourneyFactory()
    on_journey = BusinessCaseFactory(action=ActionFactory(journey=journey, title="On the journey"))
    done = BusinessCaseFactory(action=ActionFactory(title="Done", status=ActionStatus.DONE))
    client = client_of(process_owner)

    def ids(**query) -> list[int]:
        response = client.get(API, query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids(journey=journey.pk) == [on_journey.pk]
    assert ids(action_status="done") == [done.pk]


def test_the_list_can_be_ordered_by_expected_roi(client_of, process_owner):
    low = BusinessCaseFactory(action=ActionFactory(title="A"))
    high = BusinessCaseFactory(action=ActionFactory(title="B"))
    BusinessCaseGain.objects.create(case=low, type=GainType.REFERRALS, expected=Decimal("5000"))
    BusinessCaseGain.objects.create(case=high, type=GainType.REFERRALS, expected=Decimal("50000"))
    rows = client_of(process_owner).get(API, {"ordering": "-expected_roi_value"}).json()["results"]
    assert [(row["id"], row["expected_roi"]) for row in rows] == [(high.pk, "400.0"), (low.pk, "-50.0")]


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_runs_a_fixed_number_of_queries(client_of, manager, django_assert_num_queries, count):
    touchpoint = TouchpointFactory()
    team = TeamFactory()
    actions = ImprovementAction.objects.bulk_create(
        [
            ImprovementAction(title=f"Action {i}", journey=touchpoint.journey, touchpoint=touchpoint, team=team)
            for i in range(count)
        ]
    )
    cases = BusinessCase.objects.bulk_create([BusinessCase(action=a, investment=Decimal("1000")) for a in actions])
    BusinessCaseGain.objects.bulk_create(
        [
            BusinessCaseGain(case=c, type=t, expected=Decimal("1000"), realised=Decimal("400"))
            for c in cases
            for t in (GainType.REFERRALS, GainType.RETENTION)
        ]
    )
    client = client_of(manager)
    # session, user, count, cases (+action, journey, touchpoint, team; gains summed), their gains
    with django_assert_num_queries(5):
        response = client.get(f"{API}?page_size=500")
    rows = response.json()["results"]
    assert len(rows) == count
    assert {(row["expected_roi"], row["realised_roi"]) for row in rows} == {("100.0", "-20.0")}
