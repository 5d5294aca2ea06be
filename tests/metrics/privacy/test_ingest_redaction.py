"""Redaction at the door, through every way in: the API, a CSV import (direct and staging paths), a survey
source's delivery (the stored comment, the stored payload, a replay), and the source's setting."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

from metrics.connectors.services import delivery_replay, source_update
from metrics.models import Delivery, FollowUpCase, SurveyResponse
from metrics.services.responses import responses_create, responses_import_csv
from tests.journeys.factories import JourneyFactory
from tests.metrics.connectors.sources_data import (
    TYPEFORM_MAPPING,
    make_claims_map,
    make_source,
    post_typeform,
    recently,
    typeform_body,
)

pytestmark = pytest.mark.django_db

COMMENT = "Bel me op 06-12345678 of mail jan@voorbeeld.nl, polis 123456789, € 1.234,56"
STORED = "Bel me op [phone] of mail [e-mail], polis 123456789, € 1.234,56"


def record(journey, **values):
    return {"metric": "nps", "score": 2, "journey": journey.pk, "responded_at": "2026-01-05", **values}


def test_the_api_stores_the_redacted_comment():
    journey = JourneyFactory()
    responses_create(records=[record(journey, comment=COMMENT, respondent="klant-7")])
    stored = SurveyResponse.objects.get()
    assert (stored.comment, stored.respondent) == (STORED, "klant-7")


def test_pii_redact_setting_chooses_the_kinds_of_the_api(settings):
    journey = JourneyFactory()
    settings.PII_REDACT = frozenset({"email"})
    responses_create(records=[record(journey, comment=COMMENT)])
    assert SurveyResponse.objects.get().comment == "Bel me op 06-12345678 of mail [e-mail], polis 123456789, € 1.234,56"


@pytest.mark.parametrize("skip_invalid", [False, True], ids=["direct path", "with a bad line: staging path"])
def test_a_csv_import_stores_redacted_comments(skip_invalid):
    journey = JourneyFactory()
    lines = [
        "metric,score,journey,responded_at,comment",
        f'nps,9,{journey.pk},2026-01-05,"{COMMENT}"',
        f"nps,8,{journey.pk},2026-01-06,IBAN NL91ABNA0417164300 graag",
    ]
    if skip_invalid:
        lines.append(f"nps,11,{journey.pk},2026-01-06,bad score")
    result = responses_import_csv(file=io.BytesIO("\n".join(lines).encode()), skip_invalid=skip_invalid)
    assert result.created == 2
    assert sorted(SurveyResponse.objects.values_list("comment", flat=True)) == [STORED, "IBAN [IBAN] graag"]


@pytest.fixture
def claims(db):
    return make_claims_map()


def typeform_with(comment: str, customer: str = "jan@voorbeeld.nl", score: int = 2) -> bytes:
    body = json.loads(typeform_body(score=score, hidden={"customer": customer}, submitted_at=recently()))
    for answer in body["form_response"]["answers"]:
        if answer["field"]["ref"] == "comment":
            answer["text"] = comment
    return json.dumps(body).encode()


def test_a_source_stores_the_redacted_comment_and_a_payload_without_it_but_with_the_respondent_key(client, claims):
    source = make_source("typeform")
    response = post_typeform(client, source, typeform_with("Mail me: j.jansen@werk.nl of 06 1234 5678"))
    assert response.status_code == 200
    stored = SurveyResponse.objects.get()
    assert stored.comment == "Mail me: [e-mail] of [phone]"
    assert stored.respondent == "jan@voorbeeld.nl"  # the mapping's key, kept as the organisation sent it
    body = Delivery.objects.get().body
    assert "06 1234 5678" not in body
    assert "j.jansen@werk.nl" not in body and "Mail me: [e-mail] of [phone]" in body
    assert '"customer": "jan@voorbeeld.nl"' in body  # the identifier stays for a replay
    case = FollowUpCase.objects.get()
    assert case.response.comment == "Mail me: [e-mail] of [phone]"


def test_a_replayed_delivery_stores_the_same_rows(client, claims):
    source = make_source("typeform", mapping={**TYPEFORM_MAPPING, "journey": {"from": "fixed", "value": "nope"}})
    post_typeform(client, source, typeform_with("Bel 06-12345678"))
    delivery = Delivery.objects.get()
    assert delivery.status == "rejected"
    source_update(source=source, expected_version=source.version, mapping=TYPEFORM_MAPPING)
    delivery_replay(delivery=delivery)
    stored = SurveyResponse.objects.get()
    assert (stored.comment, stored.respondent, stored.touchpoint) == (
        "Bel [phone]",
        "jan@voorbeeld.nl",
        claims.touchpoint,
    )


def test_a_source_set_to_off_stores_the_comment_as_it_came(client, claims):
    source = make_source("typeform", redact_kinds=[])
    post_typeform(client, source, typeform_with("Bel 06-12345678"))
    assert SurveyResponse.objects.get().comment == "Bel 06-12345678"


def test_the_source_form_saves_the_kinds_and_shows_them(client, claims, cx_editor):
    source = make_source("typeform")
    client.force_login(cx_editor)
    url = reverse("metrics:source-edit", args=[source.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["redact_kinds"].value() == ["email", "phone", "iban", "bsn", "address"]
    data = {
        "name": source.name, "active": "on", "rate_limit": source.rate_limit, "max_bytes": source.max_bytes,
        "redact_kinds": ["email", "iban"], "version": source.version,
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert source.redact_kinds == ["email", "iban"]


def test_the_api_reads_and_writes_the_kinds_and_names_a_bad_one(client, claims, cx_editor):
    source = make_source("typeform")
    client.force_login(cx_editor)
    url = f"/api/v1/sources/{source.pk}/"
    assert client.get(url).json()["redact_kinds"] == ["email", "phone", "iban", "bsn", "address"]
    bad = client.patch(url, {"redact_kinds": ["names"], "version": source.version}, content_type="application/json")
    assert bad.status_code == 400 and "redact_kinds" in bad.json()
    off = client.patch(url, {"redact_kinds": [], "version": source.version}, content_type="application/json")
    assert off.status_code == 200 and off.json()["redact_kinds"] == []


@pytest.mark.parametrize("path", ["direct", "staging"])
def test_the_error_csv_of_rejected_lines_holds_the_redacted_comment(path):
    journey = JourneyFactory()
    lines = [
        "metric,score,journey,responded_at,comment,external_id",
        f"nps,9,{journey.pk},2026-01-05,fine,a1",
        f"nps,11,{journey.pk},2026-01-05,bel 06-12345678,a2",
    ]
    if path == "staging":  # a re-sent external id sends the file to the staging path
        responses_create(records=[record(journey, score=9, comment="fine", responded_at="2026-01-05", external_id="a1",
                                         source="csv")])  # fmt: skip
    error_csv = io.StringIO()
    responses_import_csv(file=io.BytesIO("\n".join(lines).encode()), skip_invalid=True, error_csv=error_csv)
    written = error_csv.getvalue()
    assert "bel [phone]" in written and "06-12345678" not in written


def test_a_mapped_import_stores_and_writes_its_rejected_rows_with_the_comment_redacted(tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from metrics.ingest.mapping import propose
    from metrics.ingest.matching import Matcher
    from metrics.services.response_imports import read_table, responses_import_table
    from tests.metrics.ingest.mapped_data import DUTCH_WIDE, claim_map, csv_of, dutch_rows

    claim_map()
    when = (timezone.now() - timedelta(days=2)).replace(microsecond=0, tzinfo=None)
    rows = dutch_rows(when, count=3)
    rows[0][6] = "Bel 06-12345678"
    rows[2][2], rows[2][6] = "Parking", "mail jan@voorbeeld.nl"
    data = csv_of(DUTCH_WIDE, [[when.strftime("%d-%m-%Y %H:%M"), *row[1:]] for row in rows])
    table = read_table(io.BytesIO(data), "x.csv")
    mapping = propose(table.names, [cells for _line, cells in table.samples()], Matcher.load())
    errors = io.StringIO()
    responses_import_table(file=io.BytesIO(data), mapping=mapping, skip_invalid=True, error_csv=errors)
    assert "Bel [phone]" in SurveyResponse.objects.values_list("comment", flat=True)
    assert "mail [e-mail]" in errors.getvalue() and "jan@voorbeeld.nl" not in errors.getvalue()


def test_the_source_page_says_what_is_redacted(client, claims, cx_editor):
    source = make_source("typeform", redact_kinds=["email", "bsn"])
    client.force_login(cx_editor)
    page = client.get(reverse("metrics:source", args=[source.pk])).content.decode()
    assert "E-mail addresses, Citizen service numbers (BSN)" in page
    source_update(source=source, expected_version=source.version, redact_kinds=[])
    page = client.get(reverse("metrics:source", args=[source.pk])).content.decode()
    assert "Nothing: the survey tool redacts comments itself" in page
