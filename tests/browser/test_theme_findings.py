"""In a real browser: a CX editor reads what customers say about one touchpoint, by theme, opens the theme that
costs the most NPS and turns it into a pain point on the journey map, with its evidence.

The comments' tags (Verbatim and ResponseTheme rows) are written with the factories: the tagging itself is
tested on its own."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from journeys.models import Finding, FindingSource
from tests.browser.test_actions import log_in, shoot
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import build_map
from tests.metrics.factories import AnalysisThemeFactory, commented_response
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAITING = [
    (2, "Veertig minuten in de wacht gestaan voordat iemand opnam"),
    (3, "De wachttijd aan de telefoon was echt veel te lang"),
    (6, "Lang moeten wachten, maar daarna goed geholpen door de medewerker"),
    (1, "I was on hold for almost an hour before anyone answered"),
]
OTHERS = [
    (9, "Vriendelijke medewerker die mijn schade snel heeft geregeld"),
    (10, "Top service, snel geregeld"),
    (8, ""),
]


@pytest.fixture
def claim_line(db):
    journey = build_map(stages=2, touchpoints_per_stage=2, name="Report a claim")
    touchpoint = journey.touchpoints.order_by("stage__position", "position").first()
    touchpoint.name = "Claims phone line"
    touchpoint.save()
    editor = UserFactory(username="carla", first_name="Carla", role=Role.CX_EDITOR)
    MembershipFactory(team=TeamFactory(journey_groups=[journey.group]), user=editor)
    waiting = AnalysisThemeFactory(name_en="waiting time", name_nl="wachttijd", key="waiting-time", colour="#dc2626")
    friendly = AnalysisThemeFactory(
        name_en="friendly staff",
        name_nl="vriendelijk personeel",
        key="friendly-staff",
        sentiment="positive",
        colour="#16a34a",
    )
    for days, (score, comment) in enumerate(WAITING, start=2):
        moment = datetime.now(UTC) - timedelta(days=days * 9)
        commented_response(
            waiting,
            touchpoint=touchpoint,
            score=score,
            comment=comment,
            responded_at=moment,
            day=timezone.localtime(moment).date(),
        )
    for days, (score, comment) in enumerate(OTHERS, start=1):
        moment = datetime.now(UTC) - timedelta(days=days * 5)
        themes = (friendly,) if comment else ()
        commented_response(
            *themes,
            touchpoint=touchpoint,
            score=score,
            comment=comment or "Geen opmerking verder",
            responded_at=moment,
            day=timezone.localtime(moment).date(),
        )
    return journey, touchpoint, waiting


def test_the_editor_turns_a_theme_into_a_pain_point_with_its_evidence(page: Page, live_server, screenshot, claim_line):
    journey, touchpoint, waiting = claim_line
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, base, f"/themes/analysis/?touchpoint={touchpoint.pk}", "carla")

    # The ranked table: waiting time first (it costs NPS), with its figures; the trend is drawn.
    expect(page.get_by_role("heading", name="What customers say", exact=True)).to_be_visible()
    rows = page.locator("#theme-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("waiting time")
    expect(rows.first).to_contain_text("57.1%")  # 4 of the 7 comments
    expect(page.locator(".theme-trend svg.main-svg").first).to_be_visible()
    shoot(page, screenshot, "themes-analysis-touchpoint")

    # The theme in this scope: its quotes, and the button that makes a pain point of it.
    rows.first.get_by_role("link", name="waiting time").click()
    expect(page).to_have_url(re.compile(rf"/themes/analysis/{waiting.pk}/\?.*touchpoint={touchpoint.pk}"))
    expect(page.locator(".theme-quote")).to_have_count(4)
    expect(page.get_by_text("De wachttijd aan de telefoon was echt veel te lang")).to_be_visible()
    shoot(page, screenshot, "themes-in-scope")
    page.get_by_role("button", name=re.compile("Create a pain point")).click()

    # On the map: the message, and the pain point with its evidence on the touchpoint.
    expect(page).to_have_url(re.compile(rf"/journeys/{journey.pk}/#finding-\d+$"))
    expect(page.locator(".messages")).to_contain_text("Pain point “waiting time” added to “Claims phone line”")
    finding = Finding.objects.get()
    item = page.locator(f"#finding-{finding.pk}")
    expect(item).to_be_visible()
    expect(item).to_contain_text("Customers mention “waiting time” at “Claims phone line”")
    expect(item).to_contain_text("4 comments (57.1% of the comments)")
    expect(item).to_contain_text("points of NPS")
    expect(item).to_contain_text("De wachttijd aan de telefoon was echt veel te lang")
    expect(item).to_contain_text("Survey")
    assert finding.source == FindingSource.SURVEY and finding.touchpoint_id == touchpoint.pk
    item.scroll_into_view_if_needed()
    screenshot("themes-pain-point-on-the-map")
