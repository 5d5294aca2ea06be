"""In a real browser, at a laptop's 1280 px (and 1440 px): the Dutch map and dashboard of a demo seeded in Dutch
(LANGUAGE_CODE=nl). The page header fits (the "Uitloggen" button in sight), the lane labels and the score legend
stay in their column, and the channels, the buttons and the demo's names are Dutch. Screenshots for a person to
look at: test-results/screenshots/dutch-map-1280.png and dutch-dashboard-1280.png."""

import pytest
from playwright.sync_api import Page, expect

from journeys.models import Journey
from tests.browser.test_login import demo_password

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENGLISH_CHANNELS = {"Web", "App", "Phone", "Store", "Email", "Chat", "Social", "Letter"} - {"App", "Chat"}


@pytest.fixture
def dutch_demo(settings):
    settings.LANGUAGE_CODE = "nl"
    return demo_password("editor")


def log_in_in_dutch(page: Page, base: str, password: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": "nl", "url": base}])
    page.goto(f"{base}/login/")
    page.get_by_label("Gebruikersnaam").fill("editor")
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def assert_the_header_fits(page: Page) -> None:
    width = page.viewport_size["width"]
    header = page.evaluate(
        """() => {
            const bar = document.querySelector("header.topbar");
            return {scroll: bar.scrollWidth, client: bar.clientWidth, page: document.documentElement.scrollWidth};
        }"""
    )
    assert header["scroll"] <= header["client"], header
    assert header["page"] <= width, header
    logout = page.get_by_role("button", name="Uitloggen").bounding_box()
    assert logout["x"] >= 0 and logout["x"] + logout["width"] <= width, logout


def overflowing_lane_labels(page: Page) -> list[str]:
    """The lane labels whose text or score legend reaches past their column (over the first stage)."""
    return page.evaluate(
        """() => [...document.querySelectorAll(".lane-label")].filter(label => {
            const right = label.getBoundingClientRect().right;
            const parts = [...label.querySelectorAll("li")];
            return label.scrollWidth > label.clientWidth
                || parts.some(part => part.getBoundingClientRect().right > right + 0.5);
        }).map(label => label.innerText.split("\\n")[0])"""
    )


def test_the_dutch_map_and_dashboard_fit_a_laptop_screen(live_server, page: Page, dutch_demo, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_in_dutch(page, live_server.url, dutch_demo)
    journey = Journey.objects.get(name="Schade melden")

    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    expect(page.get_by_role("heading", name="Schade melden", level=1)).to_be_visible()
    expect(page.locator(".lane-label", has_text="Klantverwachtingen")).to_be_visible()
    expect(page.locator(".map-score-legend")).to_be_visible()
    expect(page.get_by_role("link", name="Belangrijkste drijfveren")).to_be_visible()
    channels = set(page.locator(".tp-channel").all_inner_texts())
    assert {"TELEFOON", "BRIEF", "WEBSITE"} <= channels, channels  # Dutch names, capitals by the stylesheet
    assert not {name.upper() for name in ENGLISH_CHANNELS} & channels, channels
    assert_the_header_fits(page)
    assert overflowing_lane_labels(page) == []
    screenshot("dutch-map-1280")

    # The edit dialog offers the channels by their Dutch names.
    page.get_by_role("button", name="“Alarmnummer” bewerken").click()
    expect(page.locator('select[name="channel"]')).to_be_visible()
    options = page.locator('select[name="channel"] option').all_inner_texts()
    assert "Telefoon" in options and "Phone" not in options, options
    page.keyboard.press("Escape")

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.locator("#chart-channels svg.main-svg").first).to_be_visible()
    assert_the_header_fits(page)
    screenshot("dutch-dashboard-1280")

    # A little wider, where the name and role badge come back in: still no overflow.
    for width in (1440, 1600):
        page.set_viewport_size({"width": width, "height": 900})
        assert_the_header_fits(page)
    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    assert_the_header_fits(page)
    assert overflowing_lane_labels(page) == []
