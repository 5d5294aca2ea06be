"""In a real browser: the demo manager opens the dashboard, narrows it to one journey, reads the charts and
downloads a CSV, in English and in Dutch."""

import csv
import re

import pytest
from playwright.sync_api import Page, expect

from journeys.models import Journey
from tests.browser.test_login import demo_password, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tile_n(page: Page, metric: str) -> int:
    text = page.locator(f'.tile[data-metric="{metric}"] .tile-n').inner_text()
    return int(re.search(r"n = (\d+)", text).group(1))


def test_the_manager_filters_the_dashboard_and_downloads_its_figures(live_server, page: Page, screenshot, tmp_path):
    password = demo_password("manager")
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, live_server.url, "manager", password)
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()

    # The charts are drawn by Plotly: an SVG in each chart, the trend with its band and its line.
    for chart in ("trend", "channels", "heatmap", "stages", "touchpoints", "actions", "roi"):
        expect(page.locator(f"#chart-{chart} svg.main-svg").first).to_be_visible()
    expect(page.locator("#chart-trend .scatterlayer .trace")).to_have_count(3)
    expect(page.locator("#chart-heatmap .heatmaplayer")).to_have_count(1)
    whole = tile_n(page, "nps")
    assert whole > 1000
    screenshot("dashboard-en")

    # Choosing a journey submits the filter: the URL says so and every figure narrows to it.
    journey = Journey.objects.get(name="Report a claim")
    page.get_by_label("Journey", exact=True).select_option(str(journey.pk))
    expect(page).to_have_url(re.compile(rf"[?&]journey={journey.pk}\b"))
    narrowed = tile_n(page, "nps")
    assert 0 < narrowed < whole
    expect(page.locator("#chart-heatmap .heatmaplayer")).to_have_count(1)
    heatmap_rows = page.evaluate("document.getElementById('chart-heatmap').data[0].y.length")
    assert heatmap_rows == 1

    # A link to the same URL shows the same view.
    page.goto(page.url)
    assert tile_n(page, "nps") == narrowed

    # The touchpoints' figures download as CSV, for the same journey.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download “CSAT and CES by touchpoint” as CSV").click()
    download = download_info.value
    assert re.match(r"cx-dashboard-touchpoints-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:2] == ["Journey", "Touchpoint"]
    assert {row[0] for row in rows[1:]} == {"Report a claim"}
    assert len(rows) > 3

    # In Dutch: the page and the charts' labels.
    page.get_by_role("button", name="NL").click()
    expect(page.get_by_role("heading", name="NPS per maand")).to_be_visible()
    expect(page.locator("#chart-trend svg.main-svg").first).to_be_visible()
    expect(page.locator("#chart-trend .legendtext").filter(has_text="95%-band")).to_have_count(1)
    screenshot("dashboard-nl")
