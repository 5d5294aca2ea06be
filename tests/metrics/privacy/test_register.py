"""The processing register: which personal data, where, why, how long, how many rows; CSV and JSON; admins only."""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pytest
from django.apps import apps
from django.test import override_settings
from django.urls import reverse

from metrics.privacy.register import CATEGORIES
from tests.metrics.factories import SurveyResponseFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("metrics:privacy-register")
CSV = reverse("metrics:privacy-register-csv")
JSON = reverse("metrics:privacy-register-json")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_category_names_a_model_and_fields_that_exist():
    for category in CATEGORIES:
        model = apps.get_model(category.model)
        names = {field.attname for field in model._meta.concrete_fields} | {
            field.name for field in model._meta.concrete_fields
        }
        assert set(category.fields) <= names, category.slug


@pytest.mark.parametrize("persona", ["cx_editor", "manager", "process_owner"])
def test_only_admins_see_the_register(client_of, request, persona):
    client = client_of(request.getfixturevalue(persona))
    for url in (PAGE, CSV, JSON):
        assert client.get(url).status_code == 403, url


def test_the_register_lists_the_personal_data_with_retention_from_the_settings_and_counts(admin_client):
    SurveyResponseFactory(respondent="K-1", comment="slow")
    SurveyResponseFactory(respondent="K-2", comment="")
    SurveyResponseFactory(respondent="", comment="")
    with override_settings(VOC_RETENTION_MONTHS=18, AUDIT_RETENTION_DAYS=365):
        html = admin_client.get(PAGE).content.decode()
    for words in (
        "Respondent keys",
        "Verbatim comments",
        "Follow-up outcomes",
        "Survey delivery payloads",
        "Webhook delivery bodies",
        "User accounts",
        "Sessions",
        "Audit trail",
        "Login attempts",
        "metrics_surveyresponse",
    ):
        assert words in html, words
    assert "18 months (VOC_RETENTION_MONTHS)" in html
    assert "365 days (AUDIT_RETENTION_DAYS)" in html
    data = json.loads(admin_client.get(JSON).content)
    counts = {row["slug"]: row["count"] for row in data["categories"]}
    assert counts["respondent_keys"] == 2
    assert counts["verbatims"] == 1
    assert counts["users"] == 1  # the admin


def test_the_retention_defaults_when_the_settings_are_absent(admin_client, settings):
    for name in ("VOC_RETENTION_MONTHS", "AUDIT_RETENTION_DAYS"):
        if hasattr(settings, name):
            delattr(settings, name)
    html = admin_client.get(PAGE).content.decode()
    assert "24 months (VOC_RETENTION_MONTHS)" in html
    assert "400 days (AUDIT_RETENTION_DAYS)" in html


def test_the_csv_is_formula_safe_and_named_after_the_day(admin_client, monkeypatch):
    from metrics.privacy import register

    first = dataclasses.replace(CATEGORIES[0], name='=HYPERLINK("http://evil")')
    monkeypatch.setattr(register, "CATEGORIES", (first, *CATEGORIES[1:]))
    response = admin_client.get(CSV)
    assert response["Content-Disposition"].startswith('attachment; filename="processing-register-20')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Id", "Personal data"]
    assert len(rows) == len(CATEGORIES) + 1
    assert {row[0] for row in rows[1:]} == {category.slug for category in CATEGORIES}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "HYPERLINK" in rows[1][1]  # kept, neutralised


def test_the_register_costs_one_query_per_category_whatever_the_data(admin_client, django_assert_num_queries):
    # session, user, then one COUNT per category
    expected = 2 + len(CATEGORIES)
    with django_assert_num_queries(expected):
        admin_client.get(PAGE)
    for n in range(30):
        SurveyResponseFactory(respondent=f"K-{n}", comment="x")
    with django_assert_num_queries(expected):
        admin_client.get(PAGE)
