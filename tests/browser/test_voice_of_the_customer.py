"""In a real browser: a CX editor loads survey responses from a CSV (checked first, then imported); the
detractor among them lands as a follow-up case in the process owner's inbox, who calls the customer back;
the manager reads the custom KPIs against their targets."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from metrics.models import CaseStatus, Direction, FollowUpCase, SurveyResponse
from tests.browser.test_actions import log_in, shoot
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import build_map
from tests.metrics.factories import CustomKpiFactory, KpiMeasurementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def claim_map(db):
    journey = build_map(stages=2, touchpoints_per_stage=2, findings_per_touchpoint=0, name="Report a claim")
    touchpoint = journey.touchpoints.order_by("stage__position", "position").first()
    owner = UserFactory(username="pieter", first_name="Pieter", last_name="de Vries", role=Role.PROCESS_OWNER)
    touchpoint.owner = owner
    touchpoint.name = "Claims phone line"
    touchpoint.save()
    UserFactory(username="carla", first_name="Carla", role=Role.CX_EDITOR)
    return journey, touchpoint


def write_csv(tmp_path, journey, touchpoint):
    """Dutch Excel style: semicolons and dd-mm-yyyy dates; one line with a score out of range."""
    day = (timezone.localdate() - timedelta(days=2)).strftime("%d-%m-%Y")
    lines = [
        "metric;score;journey;touchpoint;responded_at;respondent;comment;external_id",
        f"nps;3;{journey.pk};{touchpoint.pk};{day} 10:15;R-1;Niemand belde terug;ext-1",
        f"csat;5;{journey.pk};{touchpoint.pk};{day} 11:00;R-2;Prima geholpen;ext-2",
        f"nps;9;{journey.pk};;{day} 12:30;R-2;;ext-3",
        f"ces;12;{journey.pk};{touchpoint.pk};{day} 13:00;R-3;;ext-4",
    ]
    path = tmp_path / "responses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def test_the_editor_imports_a_csv_and_the_detractor_reaches_the_owners_inbox(
    page: Page, live_server, screenshot, claim_map, tmp_path
):
    journey, touchpoint = claim_map
    base = live_server.url
    log_in(page, base, "/responses/import/", "carla")
    page.get_by_label("CSV or Excel file").set_input_files(str(write_csv(tmp_path, journey, touchpoint)))
    page.get_by_role("button", name="Check the file").click()

    # The check stores nothing: it previews the rows and names the bad line and its field.
    expect(page.get_by_text("Niemand belde terug").first).to_be_visible()
    problem = page.locator(".import-problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("5")  # the line number (1 is the header)
    expect(problem.locator("td").nth(1)).to_have_text("score")
    shoot(page, screenshot, "voc-import-preview")
    assert SurveyResponse.objects.count() == 0

    page.get_by_role("button", name=re.compile(r"Import 3 responses")).click()
    expect(page.locator(".alert, .messages").first).to_contain_text("3")
    assert SurveyResponse.objects.count() == 3
    shoot(page, screenshot, "voc-import-done")

    # The NPS 3 at the phone line opened a case for its process owner.
    case = FollowUpCase.objects.get()
    assert case.owner.username == "pieter"
    page.context.clear_cookies()
    log_in(page, base, "/followups/", "pieter")
    row = page.get_by_role("row", name=re.compile("Claims phone line"))
    expect(row).to_contain_text("Open")
    shoot(page, screenshot, "voc-followup-inbox")
    row.get_by_role("link", name=f"Case {case.pk}").click()
    expect(page.locator("blockquote.verbatim")).to_have_text("Niemand belde terug")
    page.get_by_label("Status").select_option(CaseStatus.CONTACTED)
    page.get_by_label("Outcome note").fill("Called back; the claim form is resent by post.")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator(".case-status").first).to_have_text("Contacted")
    shoot(page, screenshot, "voc-followup-case")
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED
    assert case.contacted_at is not None


def test_the_manager_sees_which_kpis_are_off_track(page: Page, live_server, screenshot, db):
    UserFactory(username="martin", first_name="Martin", role=Role.MANAGER)
    today = timezone.localdate().replace(day=1)
    retention = CustomKpiFactory(name="Customer retention", unit="%", target=Decimal("92"))
    KpiMeasurementFactory(kpi=retention, period_start=today, value=Decimal("93.1"))
    handling = CustomKpiFactory(
        name="Average handling time claims", unit="min", direction=Direction.LOWER, target=Decimal("8")
    )
    KpiMeasurementFactory(kpi=handling, period_start=today, value=Decimal("11"))
    log_in(page, live_server.url, "/kpis/", "martin")
    expect(page.get_by_role("row", name=re.compile("Customer retention"))).to_contain_text("On track")
    expect(page.get_by_role("row", name=re.compile("Average handling time claims"))).to_contain_text("Off track")
    shoot(page, screenshot, "voc-kpis")
