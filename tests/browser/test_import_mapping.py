"""In a real browser: imports people can do. An Excel export with Dutch headers (one row per respondent: NPS,
CSAT and CES columns) imports through the proposed column mapping, split into one response per metric; a CSV that
names touchpoints by name (not by id) imports too. Screenshots of the mapping and preview steps, in English and
in Dutch: test-results/screenshots/import-mapping-{en,nl}.png and import-preview-{en,nl}.png."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from metrics.models import ImportPreset, SurveyResponse
from tests.browser.test_actions import log_in, shoot
from tests.cxplatform.factories import UserFactory
from tests.metrics.ingest.mapped_data import DUTCH_WIDE, claim_map, csv_of, dutch_rows, xlsx_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def claims(db):
    UserFactory(username="carla", first_name="Carla", role=Role.CX_EDITOR)
    return claim_map()


def moment(days: int = 2):
    return (timezone.now() - timedelta(days=days)).replace(microsecond=0, tzinfo=None)


def upload(page: Page, path) -> None:
    page.get_by_label("CSV or Excel file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_xlsx_with_dutch_headers_imports_through_the_proposed_mapping(
    page: Page, live_server, screenshot, claims, tmp_path, language
):
    _journey, phone, online = claims
    rows = dutch_rows(moment(), count=3)
    rows[2][2] = "Claim by fone"  # a near miss: suggested, then mapped by hand
    path = tmp_path / "enquete-week-12.xlsx"
    path.write_bytes(xlsx_of(DUTCH_WIDE, rows))
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server.url, "/responses/import/", "carla")
    if language == "nl":
        page.context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
        page.reload()
        page.locator('input[type="file"]').set_input_files(str(path))
        page.locator('form[enctype] button[type="submit"]').click()
    else:
        upload(page, path)

    # The mapping step: every column with a sample and its proposed target, keyboard-reachable selects.
    expect(page).to_have_url(re.compile(r"/mapping/$"))
    nps = page.get_by_role("combobox", name=DUTCH_WIDE[3])
    expect(nps).to_have_value("nps")
    expect(page.get_by_role("combobox", name="Tevredenheid")).to_have_value("csat")
    expect(page.get_by_role("combobox", name="Contactmoment")).to_have_value("touchpoint")
    expect(page.get_by_role("combobox", name="Klantnummer")).to_have_value("respondent")
    expect(page.get_by_text("Niemand belde terug")).to_be_visible()
    nps.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("combobox", name="Tevredenheid")).to_be_focused()
    shoot(page, screenshot, f"import-mapping-{language}")
    page.locator(".mapping-form button[type=submit]").click()

    # The preview: responses as they will be stored, the near miss named with a suggestion, nothing stored.
    expect(page.locator(".import-records tbody tr")).to_have_count(6)
    problem = page.locator(".import-problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("4")
    expect(problem.locator("td").nth(1)).to_have_text("Contactmoment")
    expect(problem).to_contain_text("Claim by phone")
    shoot(page, screenshot, f"import-preview-{language}")
    assert not SurveyResponse.objects.exists()

    # The suggestion is preselected: using it clears the problem.
    expect(page.locator("select#value-1")).to_have_value(str(phone.pk))
    page.locator(".import-values").locator("xpath=ancestor::form").locator("button[type=submit]").click()
    expect(page.locator(".import-problems")).to_have_count(0)
    page.locator("section[aria-labelledby=confirm-title] .btn-primary").click()
    expect(page.locator(".import-result")).to_be_visible()
    assert SurveyResponse.objects.count() == 9
    assert SurveyResponse.objects.filter(respondent="K-1003", touchpoint=phone).count() == 3
    assert SurveyResponse.objects.filter(respondent="K-1002", touchpoint=online, metric="nps", score=9).exists()


def test_a_csv_with_touchpoint_names_imports_and_its_mapping_is_saved_as_a_preset(
    page: Page, live_server, screenshot, claims, tmp_path
):
    _journey, phone, online = claims
    when = moment().strftime("%d-%m-%Y %H:%M")
    header = ["Date", "Journey", "Touchpoint", "How likely are you to recommend us?", "Comment", "Response ID"]
    rows = [
        [when, "Report a claim", "Claim by phone", "4", "Kept waiting", "tf-1"],
        [when, "report a claim", "CLAIM ONLINE", "10", "", "tf-2"],
    ]
    path = tmp_path / "typeform-export.csv"
    path.write_bytes(csv_of(header, rows, delimiter=",", bom=False))
    log_in(page, live_server.url, "/responses/import/", "carla")
    upload(page, path)

    expect(page.get_by_role("combobox", name="Touchpoint", exact=True)).to_have_value("touchpoint")
    expect(page.get_by_role("combobox", name="Journey", exact=True)).to_have_value("journey")
    page.get_by_label("Save this mapping as a preset").check()
    page.get_by_label("Preset name").fill("Typeform claims")
    page.get_by_role("button", name="See the preview").click()

    expect(page.get_by_text("Saved the mapping as the preset “Typeform claims”.")).to_be_visible()
    records = page.locator(".import-records tbody tr")
    expect(records).to_have_count(2)
    expect(records.nth(0)).to_contain_text("Claim by phone")
    expect(records.nth(1)).to_contain_text("Claim online")
    page.get_by_role("button", name=re.compile(r"^Import 2 responses")).click()
    expect(page.locator(".import-result")).to_contain_text("2 responses stored")
    stored = SurveyResponse.objects.order_by("external_id")
    assert [(r.touchpoint_id, r.score, r.external_id) for r in stored] == [
        (phone.pk, 4, "tf-1-nps"),
        (online.pk, 10, "tf-2-nps"),
    ]
    assert ImportPreset.objects.filter(name="Typeform claims").exists()

    # Next week's export: choose the preset, straight to the preview.
    page.get_by_label("Column mapping", exact=True).select_option(label="Typeform claims")
    upload(page, path)
    expect(page).not_to_have_url(re.compile(r"/mapping/$"))
    expect(page.get_by_text("Every response in this file is already stored")).to_be_visible()
