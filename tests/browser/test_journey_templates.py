"""In a real browser: a journey started from a template, and a wide map zoomed to fit with its headers in view."""

import re

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from journeys.models import Journey
from journeys.services.templates import shipped_template
from tests.browser.conftest import SCREENSHOTS
from tests.cxplatform.factories import PASSWORD, UserFactory
from tests.journeys.factories import ChannelFactory, JourneyGroupFactory, build_map
from tests.teams.factories import MembershipFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as_editor(page: Page, base: str, groups, *, language: str = "en") -> None:
    """Log in through the form as a CX editor of the team that owns these journey groups."""
    editor = UserFactory(username="mapper", role=Role.CX_EDITOR, first_name="Mia")
    MembershipFactory(user=editor, team=TeamFactory(journey_groups=list(groups)))
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page.goto(f"{base}/login/")
    page.locator("input[name=username]").fill("mapper")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("button.btn-primary[type=submit]").click()
    page.wait_for_load_state()


def shoot(page: Page, screenshot, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(name)


def zoom_of(page: Page) -> float:
    return float(page.evaluate("getComputedStyle(document.querySelector('.map-grid')).zoom"))


def board_fits(page: Page) -> bool:
    return page.evaluate(
        "() => { const s = document.querySelector('.map-scroll'); return s.scrollWidth <= s.clientWidth + 1; }"
    )


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_editor_starts_a_journey_from_a_template_and_its_map_shows_the_stages(
    live_server, page: Page, screenshot, language
):
    group = JourneyGroupFactory(name="Being a customer")
    for slug in ["web", "app", "phone", "store", "email", "chat", "social", "letter"]:
        ChannelFactory(slug=slug)  # from the migrations, but a transactional test before this one emptied the table
    log_in_as_editor(page, live_server.url, [group], language=language)
    template = shipped_template(slug="bank-account", language=language)

    page.goto(f"{live_server.url}/journeys/new/")
    card = page.locator("label.template-card", has_text=template.name)
    expect(card).to_be_visible()
    expect(card.locator(".template-stages li")).to_have_count(len(template.summary.stage_names))
    card.click()
    # Picking a template names the journey after it, until the user types a name of their own.
    expect(page.locator("#id_name")).to_have_value(template.name)
    expect(page.locator("#id_description")).to_have_value(template.description)
    page.locator("#id_group").select_option(value=str(group.pk))
    shoot(page, screenshot, f"templates-new-journey-{language}")
    page.locator("form.new-journey button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/journeys/\d+/$"), timeout=15_000)
    journey = Journey.objects.get(name=template.name)
    expect(page).to_have_url(f"{live_server.url}/journeys/{journey.pk}/")
    expect(page.locator(".stage-name")).to_have_text(template.summary.stage_names)
    expect(page.locator(".tp-card")).to_have_count(template.summary.touchpoint_count)

    # Saved as a template of the organisation, it is offered beside the shipped ones.
    page.locator(f"a[href='/journeys/{journey.pk}/save-as-template/']").click()
    page.locator("#id_name").fill(f"{template.name} (team)")
    page.locator(".form-panel button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/journeys/templates/")
    saved = page.locator("article.template-card.is-saved")
    expect(saved).to_have_count(1)
    expect(saved.locator(".template-stages li")).to_have_text(template.summary.stage_names)
    shoot(page, screenshot, f"templates-list-{language}")


def test_zoom_to_fit_makes_a_twelve_stage_map_fit_the_width_and_is_remembered(live_server, page: Page):
    page.set_viewport_size({"width": 1280, "height": 800})
    journey = build_map(stages=12, touchpoints_per_stage=3, name="Twelve stages")
    log_in_as_editor(page, live_server.url, [journey.group])
    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    zoom = page.get_by_role("toolbar", name="Zoom the map")
    expect(zoom).to_be_visible()
    assert not board_fits(page), "twelve stages at 100% are wider than the screen"

    zoom.get_by_role("button", name="Fit to screen").click()
    expect(zoom.get_by_role("button", name="Fit to screen")).to_have_attribute("aria-pressed", "true")
    assert board_fits(page)
    last_stage = page.locator(".stage-head").last.bounding_box()
    assert last_stage["x"] + last_stage["width"] <= 1280
    level = int(zoom.locator("output").inner_text().rstrip("%"))
    assert 20 <= level < 75

    # The choice survives a reload, and an edit that swaps the board in again.
    page.reload()
    expect(zoom.locator("output")).to_have_text(f"{level}%")
    assert board_fits(page)

    # Keys: 0 back to 100%, − one step out.
    page.locator("h1").click()
    page.keyboard.press("0")
    expect(zoom.locator("output")).to_have_text("100%")
    assert not board_fits(page)
    page.keyboard.press("-")
    expect(zoom.locator("output")).to_have_text("90%")
    zoom.get_by_role("button", name="50%").click()
    expect(zoom.locator("output")).to_have_text("50%")


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_headers_and_the_curves_scale_stay_in_view_when_a_wide_map_scrolls(
    live_server, page: Page, screenshot, language
):
    page.set_viewport_size({"width": 1280, "height": 800})
    journey = build_map(stages=12, touchpoints_per_stage=4, findings_per_touchpoint=1, name="Twelve stages")
    log_in_as_editor(page, live_server.url, [journey.group], language=language)
    page.goto(f"{live_server.url}/journeys/{journey.pk}/")
    expect(page.locator(".curve-scale span")).to_have_count(5)

    scroll = page.locator(".map-scroll")
    scroll.evaluate("element => element.scrollIntoView()")  # the board fills the window, as when one works on it
    scroll.evaluate("element => element.scrollTo(element.scrollWidth / 2, element.scrollHeight / 2)")
    page.wait_for_timeout(100)  # one frame for the sticky positions
    box = scroll.bounding_box()
    head = page.locator(".stage-head").last.bounding_box()
    assert abs(head["y"] - box["y"]) <= 2, "the stage header row stays at the top of the board"
    assert page.evaluate(  # and nothing covers it (the site's sticky top bar)
        "([x, y]) => !!document.elementFromPoint(x, y)?.closest('.stage-head')",
        [box["x"] + box["width"] / 2, box["y"] + 10],
    )
    label = page.locator(".lane-findings .lane-label").last.bounding_box()
    assert abs(label["x"] - box["x"]) <= 2, "the lane labels stay at the left of the board"
    assert scroll.evaluate("element => element.scrollTop") > 0 and scroll.evaluate("element => element.scrollLeft") > 0
    page.screenshot(path=str(SCREENSHOTS / f"templates-wide-map-scrolled-{language}.png"))

    # The curve's scale is in its lane label: at the left while the curve scrolls, in the order +2 .. −2.
    scroll.evaluate("element => element.scrollTo(element.scrollWidth, 0)")
    page.locator(".lane-curve").scroll_into_view_if_needed()
    ticks = page.locator(".curve-scale span")
    expect(ticks).to_have_text(["+2", "+1", "0", "−1", "−2"])
    tops = [ticks.nth(i).bounding_box()["y"] for i in range(5)]
    assert tops == sorted(tops) and tops[4] - tops[0] > 100
    assert ticks.first.bounding_box()["x"] < box["x"] + 160

    # Zoomed out, the scale's labels keep their size on screen.
    size_at_100 = ticks.first.bounding_box()["height"]
    curve_at_100 = page.locator(".emotion-curve").bounding_box()["height"]
    page.get_by_role("toolbar").locator("[data-zoom=fit]").click()
    assert board_fits(page)
    assert ticks.first.bounding_box()["height"] == pytest.approx(size_at_100, abs=2)
    # ...and so does the curve: narrower, as high as before, its scale spread over that height.
    expect(page.locator(".emotion-curve")).to_have_js_property("offsetHeight", round(curve_at_100 / zoom_of(page)))
    tops = [ticks.nth(i).bounding_box()["y"] for i in range(5)]
    assert tops[4] - tops[0] > 100
    scroll.evaluate("element => element.scrollTo(0, 160)")
    page.wait_for_timeout(100)
    assert abs(page.locator(".stage-head").first.bounding_box()["y"] - scroll.bounding_box()["y"]) <= 2
    shoot(page, screenshot, f"templates-wide-map-fit-{language}")
