"""In a real browser: the CX editor connects a Typeform survey. She creates the source, pastes a sample payload,
maps the NPS question by its reference and the hidden fields journey and touchpoint, previews and saves; a
delivery signed as Typeform signs it then lights up the touchpoint on the measured map."""

import base64
import hashlib
import hmac
import json
import re
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from metrics.models import Delivery, DeliveryStatus, SurveyResponse, SurveySource
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_actions import log_in, shoot
from tests.cxplatform.factories import UserFactory
from tests.journeys.factories import ChannelFactory, build_map
from tests.metrics.connectors.conftest import load_payload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def claim_map(db):
    journey = build_map(stages=2, touchpoints_per_stage=2, name="Report a claim")
    journey.key = "report-a-claim"
    journey.save()
    touchpoint = journey.touchpoints.order_by("stage__position", "position").last()
    touchpoint.name, touchpoint.key = "Claim by phone", "claim-by-phone"
    touchpoint.save()
    ChannelFactory(slug="phone", name="Phone")
    UserFactory(username="carla", first_name="Carla", role=Role.CX_EDITOR)
    return journey, touchpoint


def typeform_payload(token: str, score: int) -> dict:
    """The documented form_response (tests/metrics/connectors/payloads), answered an hour ago."""
    payload = load_payload("typeform_form_response.json")
    response = payload["form_response"]
    response["token"] = token
    response["submitted_at"] = (datetime.now(tz=UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    response["answers"][0]["number"] = score
    return payload


def send_signed(url: str, secret: str, payload: dict) -> tuple[int, dict]:
    """POST as Typeform does: Typeform-Signature: sha256=base64(HMAC-SHA256(secret, raw body))."""
    body = json.dumps(payload).encode()
    signature = "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", "Typeform-Signature": signature}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, json.loads(answer.read())


def test_the_editor_connects_typeform_and_a_signed_delivery_lights_up_the_touchpoint(
    page: Page, live_server, screenshot, claim_map, settings
):
    journey, phone = claim_map
    settings.SITE_URL = live_server.url  # the address the page gives the tool
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # The touchpoint has no measured score yet.
    log_in(page, base, f"/journeys/{journey.pk}/", "carla")
    expect(page.locator(f"#tp-{phone.pk}")).to_be_visible()
    expect(page.locator(f"#tp-{phone.pk} .tp-score")).to_have_count(0)

    # The menu's "Responses" leads to the ways responses come in; the sources tab has none yet, and says what one is.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Responses", exact=True).click()
    page.get_by_role("navigation", name="Ways responses come in").get_by_role("link", name="Survey sources").click()
    expect(page.get_by_role("heading", name="No survey sources yet")).to_be_visible()
    shoot(page, screenshot, "survey-sources-empty")
    page.get_by_role("link", name="Add the first survey source").click()
    expect(page.get_by_role("heading", name="Typeform")).to_be_visible()
    shoot(page, screenshot, "survey-sources-choose")
    page.get_by_role("link", name="Choose Typeform").click()
    page.get_by_label("Name").fill("Claims survey")
    page.get_by_role("button", name="Create the source").click()

    # The endpoint URL and the secret, the latter shown only now.
    expect(page.locator(".messages")).to_contain_text("Survey source “Claims survey” created.")
    source = SurveySource.objects.get()
    endpoint = page.get_by_label("Endpoint URL").input_value()
    assert endpoint == f"{base}/hooks/{source.token}/"
    secret = page.get_by_label("Signing secret (shown only now: copy it into the tool)").input_value()
    assert secret == source.secret
    shoot(page, screenshot, "survey-source-created")
    page.get_by_role("button", name="Copy the endpoint URL").click()
    expect(page.get_by_role("button", name="Copied the endpoint URL")).to_be_visible()

    # The mapping: a pasted sample, read.
    page.get_by_role("link", name="Map the answers").click()
    sample = json.dumps(typeform_payload("sample-token", 9), indent=2)
    page.get_by_label("Sample payload", exact=True).fill(sample)
    page.get_by_role("button", name="Read the sample").click()
    questions = page.locator("table.found-table", has_text="Questions and answers")
    expect(questions.get_by_role("row", name=re.compile("How likely are you to recommend us"))).to_be_visible()
    hidden = page.locator("table.found-table", has_text="Hidden fields")
    expect(hidden.get_by_role("row", name=re.compile("touchpoint claim-by-phone"))).to_be_visible()

    # NPS by its reference, journey and touchpoint from the hidden fields; by keyboard-usable selects.
    page.get_by_label("NPS question (0 to 10)").select_option("nps")
    page.get_by_label("Journey comes from").select_option("hidden")
    page.get_by_label("Journey: name of the field, parameter or question").fill("journey")
    page.get_by_label("Touchpoint comes from").select_option("hidden")
    page.get_by_label("Touchpoint: name of the field, parameter or question").fill("touchpoint")
    expect(page.get_by_label("Touchpoint (fixed)")).to_be_hidden()  # only what "a hidden field" needs
    page.get_by_label("Comment (the customer's own words)").select_option("comment")

    # The yes/no question "Was it easy?" taken for the CES by mistake: the preview says so before anything is saved.
    page.get_by_label("CES question (1 to 7)").select_option("easy")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#mapping-preview")).to_contain_text("would be rejected")
    expect(page.locator("#mapping-preview")).to_contain_text("Question 'easy' answered True")
    page.get_by_label("CES question (1 to 7)").select_option("")
    page.get_by_label("CSAT question (1 to 5)").select_option("nps")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#mapping-preview")).to_contain_text("One question cannot measure two metrics.")
    page.get_by_label("CSAT question (1 to 5)").select_option("")

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#mapping-preview")
    expect(preview).to_contain_text("This payload would store 1 response")
    row = preview.locator(".preview-table tbody tr")
    expect(row).to_contain_text("Report a claim")
    expect(row).to_contain_text("Claim by phone")
    expect(row.locator("td").nth(1)).to_have_text("9")
    assert SurveyResponse.objects.count() == 0
    shoot(page, screenshot, "survey-source-mapping")
    page.locator(".mapping-actions").screenshot(path=str(SCREENSHOTS / "survey-source-preview.png"))

    page.get_by_role("button", name="Save the mapping").click()
    expect(page.locator(".messages")).to_contain_text("The mapping of “Claims survey” is saved.")
    source.refresh_from_db()
    assert source.mapping["metrics"] == {"nps": "nps"}
    assert source.mapping["touchpoint"] == {"from": "hidden", "key": "touchpoint"}

    # Typeform delivers a response, signed with the secret.
    status, answer = send_signed(endpoint, secret, typeform_payload("tf-resp-1", 10))
    assert (status, answer["status"], answer["responses"]) == (200, "stored", 1)
    stored = SurveyResponse.objects.get()
    assert (stored.touchpoint_id, stored.score, stored.metric) == (phone.pk, 10, "nps")

    # The touchpoint lights up on the measured map.
    page.goto(f"{base}/journeys/{journey.pk}/")
    score = page.locator(f"#tp-{phone.pk} .tp-score").first
    expect(score.locator(".tp-score-text")).to_have_text("NPS +100 · n=1")
    page.locator(f"#tp-{phone.pk}").screenshot(path=str(SCREENSHOTS / "survey-source-lit-card.png"))

    # The delivery is in the log; one with an unknown touchpoint is rejected there, and replayed once the
    # touchpoint has the alias the tool sends.
    unknown = typeform_payload("tf-resp-2", 3)
    unknown["form_response"]["hidden"]["touchpoint"] = "phone-claims"
    try:
        send_signed(endpoint, secret, unknown)
    except urllib.error.HTTPError as refused:
        assert refused.code == 422
    assert Delivery.objects.filter(status=DeliveryStatus.REJECTED).count() == 1
    page.goto(f"{base}/sources/{source.pk}/deliveries/")
    rows = page.locator(".delivery-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Rejected")
    expect(rows.first).to_contain_text("phone-claims")
    expect(rows.nth(1)).to_contain_text("Stored")
    shoot(page, screenshot, "survey-source-deliveries")
    phone.aliases = ["phone-claims"]
    phone.save()
    rows.first.get_by_role("button", name=re.compile("^Replay")).click()
    expect(page.locator(".messages")).to_contain_text("Replayed: 1 responses stored.")
    assert SurveyResponse.objects.count() == 2

    # The mapping page in Dutch, at 1280 pixels.
    page.get_by_role("button", name="NL", exact=True).click()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    page.goto(f"{base}/sources/{source.pk}/mapping/")
    expect(page.locator(".mapping-form")).to_be_visible()
    shoot(page, screenshot, "survey-source-mapping-nl")
