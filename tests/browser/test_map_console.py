"""In a real browser: editing the map swaps in a new board (htmx) with a new emotion curve; the page's console
stays clean (no "Resize must be passed a displayed plot div" from the curve that was swapped out)."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_map_editor import add_stage, add_touchpoint, open_map_as_editor
from tests.journeys.factories import ChannelFactory, build_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def collect_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    return errors


def test_editing_the_map_leaves_no_error_in_the_console(live_server, page: Page):
    page.set_viewport_size({"width": 1280, "height": 900})
    for slug in ("web", "phone"):  # a transactional test before this one may have flushed them
        ChannelFactory(slug=slug)
    journey = build_map(stages=2, touchpoints_per_stage=2, name="Report a claim")
    errors = collect_errors(page)
    open_map_as_editor(page, live_server.url, journey)
    curve = page.locator(".emotion-curve.js-plotly-plot")
    expect(curve).to_have_count(1)

    add_touchpoint(page, "Stage 1", "Call the hotline", "-1", channel="Phone")
    expect(page.locator(".tp-name", has_text="Call the hotline")).to_be_visible()
    add_stage(page, "Settlement", "Get paid")
    # the window changes size too: the curve follows, the swapped-out ones are gone for good
    page.set_viewport_size({"width": 1100, "height": 900})
    page.wait_for_timeout(600)  # Plotly resizes after 100 ms; the observers report within a frame
    expect(curve).to_have_count(1)
    expect(page.locator(".emotion-curve .main-svg").first).to_be_visible()
    assert errors == []
