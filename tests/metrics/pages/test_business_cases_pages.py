"""The business-case page of an action (figures, gains, effect, form), its link from the action's page, and
the list of all cases by ROI."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from metrics.models import BusinessCase, BusinessCaseGain, GainType, KpiSnapshot, Metric, Period
from metrics.permissions import NOT_YOUR_BUSINESS_CASE
from teams.models import ActionStatus, ActionTransition, ImprovementAction
from teams.services.actions import action_transition
from tests.journeys.factories import TouchpointFactory
from tests.metrics.factories import BusinessCaseFactory
from tests.teams.factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(team):
    return ActionFactory(
        title="Shorter claim form",
        team=team,
        touchpoint=TouchpointFactory(name="Claim form"),
        expected_investment=Decimal("12000"),
        expected_gains=Decimal("30000"),
    )


def page_url(action) -> str:
    return reverse("metrics:business-case", args=[action.pk])


def html_of(response) -> str:
    return response.content.decode()


def form_data(**fields) -> dict:
    data = {"investment": "10000", "effect_weeks": "8", "notes": ""}
    for gain_type in GainType.values:
        data[f"{gain_type}_expected"] = ""
        data[f"{gain_type}_realised"] = ""
    return {**data, **fields}


def test_a_new_case_starts_from_the_actions_estimate(client_of, editor, action):
    response = client_of(editor).get(page_url(action))
    assert response.status_code == 200
    assert response.context["form"].initial["investment"] == Decimal("12000")
    html = html_of(response)
    assert "No business case yet" in html
    assert "30,000.00" in html  # the action's gains estimate, to split by type


def test_the_team_editor_writes_the_case_and_sees_expected_and_realised_roi(client_of, editor, action):
    client = client_of(editor)
    response = client.post(
        page_url(action),
        form_data(referrals_expected="15000", retention_expected="10000", cross_sell_realised="8000"),
    )
    assert response.status_code == 302
    case = BusinessCase.objects.get()
    assert case.gains.count() == 3
    html = html_of(client.get(page_url(action)))
    assert "150.0%" in html and "-20.0%" in html


def test_realised_roi_reads_not_yet_without_realised_gains(client_of, process_owner, action):
    case = BusinessCaseFactory(action=action)
    BusinessCaseGain.objects.create(case=case, type=GainType.REFERRALS, expected=Decimal("25000"))
    response = client_of(process_owner).get(page_url(action))
    html = html_of(response)
    assert "150.0%" in html and "not yet" in html
    assert response.context["form"] is None  # a process owner reads only
    assert reverse("metrics:business-case-delete", args=[action.pk]) not in html


def test_a_negative_gain_is_shown_at_its_field_and_nothing_is_stored(client_of, editor, action):
    response = client_of(editor).post(page_url(action), form_data(investment="0", referrals_expected="-1"))
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert {"investment", "referrals_expected"} <= set(errors)
    assert not BusinessCase.objects.exists()


def test_a_stale_save_shows_the_case_as_it_is_now(client_of, editor, action):
    case = BusinessCaseFactory(action=action, version=2)
    response = client_of(editor).post(page_url(action), form_data(investment="1", version="1"))
    assert response.status_code == 409
    assert "Someone else changed this in the meantime" in html_of(response)
    assert BusinessCase.objects.get(pk=case.pk).investment == Decimal("10000")


def test_a_process_owner_cannot_save_a_case(client_of, process_owner, action):
    response = client_of(process_owner).post(page_url(action), form_data())
    assert response.status_code == 403
    assert escape(str(NOT_YOUR_BUSINESS_CASE)) in html_of(response)
    assert not BusinessCase.objects.exists()


def test_deleting_a_case_asks_for_confirmation_first(client_of, editor, action):
    BusinessCaseFactory(action=action)
    client = client_of(editor)
    url = reverse("metrics:business-case-delete", args=[action.pk])
    assert "This cannot be undone" in html_of(client.get(url))
    assert BusinessCase.objects.exists()
    assert client.post(url).status_code == 302
    assert not BusinessCase.objects.exists()


def test_the_page_shows_the_effect_with_n_margins_and_low_samples(client_of, process_owner, action):
    for status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE):
        action_transition(action=action, to_status=status, by=None)
    done_day = datetime.date(2025, 3, 10)
    moment = datetime.datetime.combine(done_day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))
    ActionTransition.objects.filter(action=action, to_status=ActionStatus.DONE).update(at=moment)
    common = {"period": Period.DAY, "journey_id": action.journey_id, "touchpoint_id": action.touchpoint_id}
    KpiSnapshot.objects.bulk_create(
        [
            KpiSnapshot(
                **common, period_start=done_day - datetime.timedelta(days=5), metric=Metric.NPS, n=10, low=4, high=3
            ),
            KpiSnapshot(
                **common, period_start=done_day + datetime.timedelta(days=5), metric=Metric.NPS, n=40, low=4, high=24
            ),
        ]
    )
    html = html_of(client_of(process_owner).get(page_url(action)))
    effect = html[html.index('id="effect"') :]
    effect = effect[: effect.index("</section>")]
    # Before: n 10, NPS -10.0; after: n 40, NPS (24 - 4) / 40 = 50.0; change +60.0
    assert "-10.0" in effect and "50.0" in effect and "+60.0" in effect
    assert "n = 10" in effect and "n = 40" in effect
    assert effect.count('class="low-sample"') == 1 + 2 * 2  # the NPS before; CSAT and CES have no responses
    assert "±" in effect


def test_the_page_says_why_there_is_no_effect_yet(client_of, process_owner, action):
    html = html_of(client_of(process_owner).get(page_url(action)))
    assert "The action is not done yet" in html


def test_the_actions_page_links_to_its_business_case(client_of, process_owner, action):
    html = html_of(client_of(process_owner).get(reverse("teams:action", args=[action.pk])))
    assert f'href="{page_url(action)}"' in html


@override_settings(ACTION_BUSINESS_CASE_URL="")
def test_without_the_setting_the_actions_page_has_no_business_case_link(client_of, process_owner, action):
    html = html_of(client_of(process_owner).get(reverse("teams:action", args=[action.pk])))
    assert page_url(action) not in html


# The list of all cases


def test_the_list_sorts_by_realised_roi_with_cases_without_one_last(client_of, manager):
    cases = {}
    for title, realised in (("No result yet", None), ("Paid off", "30000"), ("Lost money", "2000")):
        cases[title] = BusinessCaseFactory(action=ActionFactory(title=title))
        BusinessCaseGain.objects.create(
            case=cases[title], type=GainType.RETENTION, expected=Decimal("20000"), realised=realised
        )
    response = client_of(manager).get(reverse("metrics:business-case-list"), {"sort": "-realised_roi"})
    assert [case.action.title for case in response.context["page"]] == ["Paid off", "Lost money", "No result yet"]
    html = html_of(response)
    assert "200.0%" in html and "-80.0%" in html and "not yet" in html


def cases_with_expected_gains(**gains_by_title: str) -> None:
    """One case per title (investment 10,000), with the expected gains given."""
    for title, expected in gains_by_title.items():
        case = BusinessCaseFactory(action=ActionFactory(title=title))
        BusinessCaseGain.objects.create(case=case, type=GainType.RETENTION, expected=Decimal(expected))


def titles(response) -> list[str]:
    return [case.action.title for case in response.context["page"]]


def test_the_list_shows_the_best_expected_return_first(client_of, manager):
    cases_with_expected_gains(**{"A small win": "11000", "B big win": "30000", "C loss": "5000", "D middle": "15000"})
    response = client_of(manager).get(reverse("metrics:business-case-list"))
    assert titles(response) == ["B big win", "D middle", "A small win", "C loss"]
    html = html_of(response)
    assert '<option value="-expected_roi" selected>Expected ROI, highest first</option>' in html
    assert 'aria-sort="descending"' in html


def test_the_order_is_chosen_in_the_url_and_kept_by_the_filters_and_the_pages(client_of, manager):
    cases_with_expected_gains(**{f"Action {number:02}": str(10000 + number * 100) for number in range(30)})
    client = client_of(manager)
    url = reverse("metrics:business-case-list")
    response = client.get(url, {"sort": "title"})
    assert titles(response)[:2] == ["Action 00", "Action 01"]
    assert 'href="?sort=title&amp;page=2"' in html_of(response)
    # the column's heading turns the order round, keeping the filters
    journey = ImprovementAction.objects.first().journey_id
    html = html_of(client.get(url, {"journey": journey, "sort": "-expected_roi"}))
    assert f'href="?journey={journey}&amp;sort=expected_roi"' in html
    assert titles(client.get(url, {"journey": journey, "sort": "expected_roi"})) == ["Action 00"]
    lowest_first = client.get(url, {"sort": "expected_roi"})
    assert titles(lowest_first)[:2] == ["Action 00", "Action 01"]
    assert 'aria-sort="ascending"' in html_of(lowest_first)


def test_an_empty_list_says_where_cases_are_written(client_of, manager):
    assert "No business cases yet" in html_of(client_of(manager).get(reverse("metrics:business-case-list")))


@pytest.mark.parametrize("count", [2, 200])
def test_the_list_page_runs_a_fixed_number_of_queries(client_of, manager, django_assert_num_queries, count):
    touchpoint = TouchpointFactory()
    actions = ImprovementAction.objects.bulk_create(
        [
            ImprovementAction(title=f"Action {i:03}", journey=touchpoint.journey, touchpoint=touchpoint)
            for i in range(count)
        ]
    )
    cases = BusinessCase.objects.bulk_create([BusinessCase(action=a, investment=Decimal("1000")) for a in actions])
    BusinessCaseGain.objects.bulk_create(
        [BusinessCaseGain(case=c, type=GainType.REFERRALS, expected=Decimal("1500")) for c in cases]
    )
    client = client_of(manager)
    # session, user, count, the page's cases (+action, journey, touchpoint, team; gains summed), their gains,
    # the journeys of the filter
    with django_assert_num_queries(6):
        response = client.get(reverse("metrics:business-case-list"))
    assert len(response.context["page"]) == min(count, 25)
    assert "50.0%" in html_of(response)


@pytest.mark.parametrize("gains", [0, 5])
def test_the_business_case_page_runs_a_fixed_number_of_queries(
    client_of, editor, action, django_assert_num_queries, gains
):
    case = BusinessCaseFactory(action=action)
    BusinessCaseGain.objects.bulk_create(
        [BusinessCaseGain(case=case, type=t, expected=Decimal("100")) for t in GainType.values[:gains]]
    )
    for status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DONE):
        action_transition(action=action, to_status=status, by=None)
    client = client_of(editor)
    # session, user, the action (+journey, touchpoint, team), the case (+action; gains summed), its gains, the
    # editor's teams (may they edit?), when the action was done, the snapshot cells summed per metric and window
    with django_assert_num_queries(8):
        response = client.get(page_url(action))
    assert response.context["form"] is not None


def test_an_unknown_order_falls_back_to_the_best_expected_return_first(client_of, manager):
    cases_with_expected_gains(**{"A small win": "11000", "B big win": "30000"})
    response = client_of(manager).get(reverse("metrics:business-case-list"), {"sort": "price"})
    assert response.status_code == 200
    assert titles(response) == ["B big win", "A small win"]
