"""In a real browser: the manager opens the map of a demo journey and sees what customers measured beside what
the team designed: scores on the touchpoint cards against their targets, and two emotion curves."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import User
from journeys.models import Journey, JourneyState, Touchpoint
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_actions import shoot
from tests.browser.test_login import demo_password
from tests.cxplatform.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLAIMS = "Report a claim"


def log_in_to(page: Page, base: str, path: str, username: str, password: str) -> None:
    page.goto(f"{base}{path}")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}{path}")


def card(page: Page, touchpoint: Touchpoint):
    return page.locator(f"#tp-{touchpoint.pk}")


def test_the_map_of_a_demo_journey_shows_measured_scores_and_both_emotion_curves(live_server, page: Page, screenshot):
    password = demo_password("manager")  # seeds the demo: a year of responses, their snapshots and the targets
    journey = Journey.objects.get(name=CLAIMS, state=JourneyState.CURRENT)
    phone = Touchpoint.objects.get(journey=journey, name="Claim by phone")
    page.set_viewport_size({"width": 1500, "height": 1000})
    path = f"/journeys/{journey.pk}/"
    log_in_to(page, live_server.url, path, "manager", password)

    # The weak claim line: its CSAT (about 42%) misses its own target of 70%, said in words too.
    phone_score = card(page, phone).locator(".tp-score").first
    expect(phone_score).to_have_class(re.compile(r"\bis-missed\b"))
    expect(phone_score.locator(".tp-score-text")).to_have_text(re.compile(r"^CSAT \d+% · n=[\d,]+$"))
    expect(phone_score).to_have_attribute("title", "CSAT: target 70% missed")
    n_90_days = int(re.search(r"n=([\d,]+)", phone_score.inner_text()).group(1).replace(",", ""))
    assert n_90_days >= 30
    expect(page.locator(".tp-card .tp-score").first).to_be_visible()
    scored = page.locator(".tp-card:has(.tp-score)")
    assert scored.count() >= 5

    # Both curves are drawn: the designed one and the measured one, named in the legend.
    expect(page.locator(".emotion-curve .main-svg").first).to_be_visible()
    expect(page.locator(".emotion-curve .scatterlayer .trace")).to_have_count(2)
    expect(page.locator(".emotion-curve .legend .legendtext")).to_have_text(["Designed emotion", "Measured experience"])
    shoot(page, screenshot, "map-measured")
    page.locator(".map-head").screenshot(path=str(SCREENSHOTS / "map-measured-head.png"))
    page.locator(".lane-touchpoints").screenshot(path=str(SCREENSHOTS / "map-measured-cards.png"))
    page.locator(".lane-curve").scroll_into_view_if_needed()
    page.locator(".lane-curve").screenshot(path=str(SCREENSHOTS / "map-measured-curve.png"))

    # Another period, kept in the URL: a year holds more responses.
    page.get_by_label("Period", exact=True).select_option(label="Last 12 months")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"\?period=12m"))
    phone_score = card(page, phone).locator(".tp-score").first
    n_year = int(re.search(r"n=([\d,]+)", phone_score.inner_text()).group(1).replace(",", ""))
    assert n_year > n_90_days
    # The key-driver analysis opens on the same period.
    drivers = reverse("metrics:journey-drivers", args=[journey.pk]) + "?period=12m"
    expect(page.get_by_role("link", name="Key drivers")).to_have_attribute("href", drivers)
    expect(page.locator(".emotion-curve .scatterlayer .trace")).to_have_count(2)

    # Over 30 days the less frequent touchpoints have fewer than 30 responses: marked in words, not colour alone.
    page.goto(f"{live_server.url}{path}?period=30d")
    low = page.locator(".tp-card .tp-score.is-low")
    expect(low.first.locator(".tp-low")).to_have_text("low sample")
    page.locator(".lane-touchpoints").screenshot(path=str(SCREENSHOTS / "map-measured-cards-30d.png"))

    # A period without responses says so on every card, and draws only the designed curve.
    page.goto(f"{live_server.url}{path}?period=custom&from=2001-01-01&to=2001-01-31")
    expect(page.locator(".tp-card .tp-measured-empty").first).to_have_text("No scores in this period")
    expect(page.locator(".tp-card .tp-score")).to_have_count(0)
    expect(page.locator(".emotion-curve .main-svg").first).to_be_visible()
    expect(page.locator(".emotion-curve .scatterlayer .trace")).to_have_count(1)

    # The demo CX editor moves a touchpoint on the 30-day view: the board that comes back keeps that period.
    editor = User.objects.get(username="editor")
    editor.set_password(PASSWORD)
    editor.save()
    page.context.clear_cookies()
    log_in_to(page, live_server.url, f"{path}?period=30d", "editor", PASSWORD)
    before = card(page, phone).locator(".tp-score-text").first.inner_text()
    with page.expect_response(lambda response: "/move/" in response.url) as moved:
        page.get_by_role("button", name="Move “Claim by phone” down").click()
    assert moved.value.status == 200
    expect(page.locator("#map-status .alert-success")).to_contain_text("Touchpoint “Claim by phone” moved.")
    expect(card(page, phone).locator(".tp-score-text").first).to_have_text(before)
    expect(page.locator(".tp-card .tp-score.is-low").first).to_be_visible()
    expect(page.locator(".emotion-curve .scatterlayer .trace")).to_have_count(2)

    # In Dutch, on the same period.
    page.goto(f"{live_server.url}{path}?period=12m")
    page.get_by_role("button", name="NL", exact=True).click()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?period=12m"))
    expect(card(page, phone).locator(".tp-score").first).to_have_class(re.compile(r"\bis-missed\b"))
    expect(page.locator(".emotion-curve .scatterlayer .trace")).to_have_count(2)
    shoot(page, screenshot, "map-measured-nl")
    page.locator(".map-head").screenshot(path=str(SCREENSHOTS / "map-measured-head-nl.png"))
