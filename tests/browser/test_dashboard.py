"""In a real browser: the demo manager opens the dashboard, narrows it to one journey, reads the charts and
downloads a CSV, in English and in Dutch."""

import csv
import re

import pytest
from django.utils.html import escape
from playwright.sync_api import Page, expect

from journeys.models import Journey, Stage
from journeys.services import journey_create_future_state
from tests.browser.test_login import demo_password, log_in
from tests.services import PROJECT_ROOT

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


SHOTS = PROJECT_ROOT / "test-results" / "screenshots"


def panel_shot(page: Page, chart: str, name: str) -> None:
    """A screenshot of one chart's panel, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(f'section[aria-labelledby="{chart}-title"]').screenshot(path=str(SHOTS / f"{name}.png"))


def axis_categories(page: Page, chart: str, axis: str) -> list[str]:
    """The categories Plotly drew on an axis of a chart (equal categories would have been merged into one)."""
    return page.evaluate(f"document.getElementById('chart-{chart}')._fullLayout.{axis}._categories")


def tick_texts(page: Page, chart: str, axis: str) -> list[str]:
    """The tick labels as drawn, first line only (a stage's second line names its journey)."""
    return page.locator(f"#chart-{chart} .{axis}tick text").evaluate_all(
        "texts => texts.map(t => (t.querySelector('tspan') || t).textContent)"
    )


def test_same_named_stages_and_journeys_each_get_their_own_bar_and_heatmap_row(live_server, page: Page, screenshot):
    password = demo_password("manager")
    claim = Journey.objects.get(name="Report a claim")
    # The demo has a future state of "Report a claim"; a second one given the same name (as a JSON import of a
    # copy, or a rename, can make) puts two journeys of one name on the dashboard.
    second = journey_create_future_state(journey=claim, another=True)
    Journey.objects.filter(pk=second.pk).update(name="Report a claim (future state)")
    journeys = Journey.objects.count()
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, live_server.url, "manager", password)
    expect(page.locator("#chart-heatmap .heatmaplayer")).to_have_count(1)

    # A heatmap row per journey, the two future states included, each with its own stages.
    assert len(axis_categories(page, "heatmap", "yaxis")) == journeys
    rows = tick_texts(page, "heatmap", "y")
    assert rows.count("Report a claim (future state)") == 2 and len(rows) == journeys
    cells = page.evaluate("document.getElementById('chart-heatmap').data[0].customdata")
    stage_names = [[cell[0] for cell in row if cell[0]] for row in cells]
    for (pk, _name), names in zip(
        Journey.objects.order_by("group__position", "name", "id").values_list("id", "name"), stage_names, strict=True
    ):
        own = Stage.objects.filter(journey_id=pk).order_by("position", "id").values_list("name", flat=True)
        assert names == [escape(name) for name in own]  # escaped for Plotly, which reads a few HTML tags
    screenshot("dashboard-same-names")
    panel_shot(page, "heatmap", "dashboard-heatmap-same-names")

    # A bar per stage: "Decision" of two journeys is two bars, each saying its journey.
    stages = page.evaluate("document.getElementById('chart-stages').data[0].y.length")
    assert len(axis_categories(page, "stages", "yaxis")) == stages
    assert tick_texts(page, "stages", "y").count("Decision") == 2
    panel_shot(page, "stages", "dashboard-stages-same-names")


def test_a_view_without_data_says_why_in_place_of_each_chart(live_server, page: Page, screenshot):
    password = demo_password("manager")
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, live_server.url, "manager", password)
    page.goto(f"{live_server.url}/?period=custom&from=2020-01-01&to=2020-01-31")
    expect(page.get_by_role("heading", name="No survey responses for all journeys between 1 Jan 2020 and 31 Jan 2020"))
    for chart in ("trend", "channels", "heatmap", "stages", "touchpoints"):
        expect(page.locator(f"#empty-{chart}")).to_be_visible()
        expect(page.locator(f"#chart-{chart}")).to_have_count(0)
    expect(page.locator("#empty-channels")).to_have_text(
        "No responses for all journeys between 1 Jan 2020 and 31 Jan 2020."
    )
    # The improvement work is not bound to the period: its two charts stay.
    expect(page.locator(".chart.is-drawn")).to_have_count(2)
    screenshot("dashboard-empty-period")
    panel_shot(page, "heatmap", "dashboard-empty-heatmap")
