"""In a real browser: a CX editor opens a survey source's settings and chooses which personal data is redacted
from its comments (a tool that redacts itself: untick them all)."""

import pytest
from playwright.sync_api import Page, expect

from cxplatform.accounts.models import Role
from metrics.connectors.services import source_create
from metrics.models import SurveySource
from tests.browser.test_actions import log_in, shoot
from tests.cxplatform.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_editor_chooses_the_kinds_of_personal_data_to_redact(page: Page, live_server, screenshot):
    UserFactory(username="carla", first_name="Carla", role=Role.CX_EDITOR)
    source = source_create(name="Claims survey (Typeform)", vendor="typeform", created_by=None)
    path = f"/sources/{source.pk}/edit/"
    log_in(page, live_server.url, path, "carla")
    expect(page.get_by_label("Phone numbers")).to_be_checked()
    expect(page.get_by_label("Citizen service numbers (BSN)")).to_be_checked()
    shoot(page, screenshot, "source-redaction-settings")
    page.get_by_label("Phone numbers").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("saved")).to_be_visible()
    source.refresh_from_db()
    assert SurveySource.objects.get(pk=source.pk).redact_kinds == ["email", "iban", "bsn", "address"]
