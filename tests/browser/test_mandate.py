"""In a real browser: a manager approves a team's proposed mandate; anyone reads a demo journey's ownership."""

import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from journeys.models import Journey
from teams import services
from teams.models import Mandate, MandateStatus, MemberRole
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import JourneyFactory, JourneyGroupFactory
from tests.teams.factories import ActionFactory, MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}{next_path}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}{next_path}")


def test_the_manager_approves_a_proposed_mandate(live_server, page: Page, screenshot):
    today = timezone.localdate()
    UserFactory(username="martin", role=Role.MANAGER, first_name="Martin", last_name="Jansen")
    sponsor = UserFactory(username="director", role=Role.MANAGER, first_name="Dirk", last_name="Director")
    group = JourneyGroupFactory(name="Being a customer")
    team = TeamFactory(name="Team Claims", description="Claims and service together.", journey_groups=[group])
    for first, role, allocation in [
        ("Priya", MemberRole.PROCESS_OWNER, 30),
        ("Emma", MemberRole.UX_MARKETING, 40),
        ("Lotte", MemberRole.ANALYST, 20),
        ("Karin", MemberRole.COACH, 10),
    ]:
        MembershipFactory(
            team=team, user=UserFactory(first_name=first, last_name="Example"), role=role, allocation=allocation
        )
    journey = JourneyFactory(name="Report a claim", group=group)
    for status, amount in [("in_progress", 30000), ("planned", 12000), ("done", 8000), ("dropped", 40000)]:
        ActionFactory(journey=journey, team=team, status=status, expected_investment=Decimal(amount))
    mandate = services.mandate_create(
        team=team,
        sponsor=sponsor,
        budget=Decimal("80000"),
        time_percent=20,
        priority="high",
        starts_on=today + datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=185),
    )

    log_in(page, live_server.url, "martin", f"/teams/{team.pk}/")
    row = page.locator(f"#mandate-{mandate.pk}")
    expect(row).to_contain_text("Awaiting decision")
    expect(page.get_by_text("€ 50,000 of € 80,000 · 63%")).to_be_visible()  # claimed of the proposed budget
    screenshot("mandate-proposed")

    row.get_by_role("button", name="Approve").click()

    expect(page.get_by_text("Mandate approved. The team can start.")).to_be_visible()
    row = page.locator(f"#mandate-{mandate.pk}")
    expect(row).to_contain_text("Approved, starts later")
    expect(row).to_contain_text("Approved by Martin Jansen on")
    expect(row.get_by_role("button", name="Approve")).to_have_count(0)
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.APPROVED
    screenshot("mandate-approved")


def test_the_manager_rejects_after_confirming_with_a_note(live_server, page: Page, screenshot):
    UserFactory(username="martin", role=Role.MANAGER, first_name="Martin", last_name="Jansen")
    team = TeamFactory(name="Team Renewal")
    mandate = services.mandate_create(
        team=team,
        budget=Decimal("400000"),
        hours=3000,
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
    )
    log_in(page, live_server.url, "martin", f"/teams/{team.pk}/")
    page.get_by_role("link", name="Reject…").click()
    expect(page.get_by_role("heading", name="Reject the mandate of Team Renewal?")).to_be_visible()
    page.get_by_label("Note for the team").fill("Too broad: come back with a business case.")
    screenshot("mandate-reject-confirm")
    page.get_by_role("button", name="Yes, reject the mandate").click()
    row = page.locator(f"#mandate-{mandate.pk}")
    expect(row).to_contain_text("Rejected by Martin Jansen")
    expect(row).to_contain_text("Too broad: come back with a business case.")
    assert Mandate.objects.get(pk=mandate.pk).status == MandateStatus.REJECTED


def test_the_ownership_matrix_of_a_demo_journey(live_server, page: Page, screenshot):
    call_command("seed_demo", stdout=StringIO())
    UserFactory(username="viewer", role=Role.MANAGER, first_name="Vera")
    journey = Journey.objects.get(name="Open an account", state="current")
    log_in(page, live_server.url, "viewer", f"/journeys/{journey.pk}/ownership/")
    expect(page.get_by_role("heading", name="Who owns “Open an account”?")).to_be_visible()
    expect(page.get_by_role("heading", name="1 touchpoint has no owner")).to_be_visible()
    table = page.get_by_role("table")
    for department in ("Sales", "Customer Service", "Claims", "Operations"):
        expect(table.get_by_role("columnheader", name=department)).to_be_visible()
    expect(page.get_by_role("heading", name="Hand-overs: where customers fall between the cracks")).to_be_visible()
    screenshot("ownership-open-an-account")

    # The team page of the demo leads there too, and shows the demo's mandate awaiting the manager.
    page.goto(f"{live_server.url}/teams/")
    screenshot("teams-demo")
    page.get_by_role("link", name="Team Becoming a customer").first.click()
    expect(page.get_by_text("Awaiting decision").first).to_be_visible()
    screenshot("team-becoming-demo")
    page.get_by_role("link", name="Ownership").first.click()
    expect(page).to_have_url(re.compile(r"/journeys/\d+/ownership/$"))
