"""A stale edit on the KPI, target, business-case and follow-up pages keeps what the user typed: the form comes
back (409) based on the current version, with each field someone else changed, theirs beside mine; saving it
again succeeds."""

from decimal import Decimal

import pytest
from django.urls import reverse

from metrics.models import BusinessCase, CaseStatus, CustomKpi, FollowUpCase, Metric, MetricTarget, SurveyResponse
from metrics.services.followups import followups_open_for
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import TouchpointFactory
from tests.metrics.factories import BusinessCaseFactory, CustomKpiFactory, SurveyResponseFactory
from tests.stale_forms import conflict_rows, hidden_value, resend
from tests.teams.factories import ActionFactory, MembershipFactory, TeamFactory

pytestmark = pytest.mark.django_db
LONG = "Measured by the claims team each month from the complaints log; a complaint counts once. " * 4


def opened(client, url: str) -> str:
    return hidden_value(client.get(url).content.decode(), "_base")


def says_stale(response) -> bool:
    content = response.content.decode()
    return response.status_code == 409 and "in the meantime" in content and 'aria-live="assertive"' in content


def test_a_stale_kpi_edit_keeps_my_description_and_takes_their_target(client_of, manager):
    kpi = CustomKpiFactory(name="Complaints", target=Decimal("90"), description="")
    url = reverse("metrics:kpi-edit", args=[kpi.pk])
    client = client_of(manager)
    base = opened(client, url)
    CustomKpi.objects.filter(pk=kpi.pk).update(target=Decimal("95"), version=2)  # someone else saved first
    form = {"name": "Complaints", "kind": "customer", "unit": "%", "direction": "higher", "tolerance": "5"}

    response = client.post(url, {**form, "target": "90", "description": LONG, "version": 1, "_base": base})

    assert says_stale(response)
    assert conflict_rows(response.content.decode()) == {
        "target": {"theirs": "95.0000", "yours": "90", "checked": "theirs"}
    }
    assert LONG.strip() in response.content.decode()
    assert client.post(url, resend(response)).status_code == 302
    kpi.refresh_from_db()
    assert (kpi.target, kpi.description.strip(), kpi.version) == (Decimal("95"), LONG.strip(), 3)


def test_a_stale_target_change_lets_me_keep_my_value(client_of, manager):
    target = MetricTarget.objects.create(metric=Metric.CSAT, value=Decimal("80"))
    url = reverse("metrics:target-edit", args=[target.pk])
    client = client_of(manager)
    base = opened(client, url)
    MetricTarget.objects.filter(pk=target.pk).update(value=Decimal("85"), version=2)

    response = client.post(url, {"metric": "csat", "value": "70", "version": 1, "_base": base})

    assert says_stale(response)
    content = response.content.decode()
    assert conflict_rows(content) == {"value": {"theirs": "85", "yours": "70", "checked": "yours"}}
    assert 'name="value" value="70"' in content
    assert "Now 85%." in content  # the heading says what is stored
    assert client.post(url, resend(response, value="yours")).status_code == 302
    assert MetricTarget.objects.get().value == Decimal("70")


def test_a_stale_business_case_save_keeps_my_investment_and_takes_their_notes(client_of, cx_editor):
    team = TeamFactory(name="Claims team")
    MembershipFactory(team=team, user=cx_editor)
    action = ActionFactory(title="Shorter claim form", team=team, touchpoint=TouchpointFactory(name="Claim form"))
    case = BusinessCaseFactory(action=action, investment=Decimal("10000"), notes="")
    url = reverse("metrics:business-case", args=[action.pk])
    client = client_of(cx_editor)
    base = opened(client, url)
    BusinessCase.objects.filter(pk=case.pk).update(notes="Agreed with finance", version=2)
    data = {"investment": "12500", "effect_weeks": str(case.effect_weeks), "notes": "", "version": 1, "_base": base}

    response = client.post(url, data)

    assert says_stale(response)
    rows = conflict_rows(response.content.decode())
    assert rows == {"notes": {"theirs": "Agreed with finance", "yours": "", "checked": "theirs"}}
    assert 'value="12500"' in response.content.decode()
    assert client.post(url, resend(response)).status_code == 302
    case.refresh_from_db()
    assert (case.investment, case.notes, case.version) == (Decimal("12500"), "Agreed with finance", 3)


def test_a_stale_case_report_keeps_my_outcome_note(client_of):
    owner = UserFactory(username="priya", role="process_owner")
    response_row = SurveyResponseFactory(touchpoint=TouchpointFactory(owner=owner), score=3)
    followups_open_for(responses=SurveyResponse.objects.filter(pk=response_row.pk))
    case = FollowUpCase.objects.get()
    client = client_of(owner)
    base = hidden_value(client.get(reverse("metrics:followup", args=[case.pk])).content.decode(), "_base")
    FollowUpCase.objects.filter(pk=case.pk).update(status=CaseStatus.CONTACTED, outcome="Left a voicemail", version=2)
    url = reverse("metrics:followup-status", args=[case.pk])

    response = client.post(url, {"status": "contacted", "outcome": LONG, "version": 1, "_base": base})

    assert says_stale(response)
    rows = conflict_rows(response.content.decode())
    assert set(rows) == {"outcome"}  # the status is contacted on both sides
    assert (rows["outcome"]["theirs"], rows["outcome"]["checked"]) == ("Left a voicemail", "yours")
    assert LONG.strip() in response.content.decode()
    assert client.post(url, resend(response, "status_form")).status_code == 302
    case.refresh_from_db()
    assert (case.outcome.strip(), case.version) == (LONG.strip(), 3)
