"""The rights of a respondent: an admin finds everything stored about one person by key or e-mail, exports it,
erases it; the figures stay, the audit trail records each step without the key."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cxplatform.audit.models import AuditEvent
from cxplatform.webhooks.models import WebhookDelivery, WebhookSubscription
from metrics.models import CaseStatus, Delivery, FollowUpCase, KpiSnapshot, PendingRecompute, SurveyResponse
from metrics.privacy.subjects import (
    ERASED_OUTCOME,
    clean_query,
    payload_values,
    subject_erase,
    subject_export,
    subject_find,
)
from metrics.services.recompute import snapshots_rebuild_all
from metrics.webhooks import case_data
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.privacy.people import JAN_EMAIL, JAN_KEY, OTHER_KEY, build_people, digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(client):
    return build_people(client)


def jan_responses():
    return SurveyResponse.objects.filter(respondent__iexact=JAN_KEY) | SurveyResponse.objects.filter(
        respondent__iexact=JAN_EMAIL
    )


# Finding


def test_a_key_finds_the_persons_responses_cases_and_deliveries_ignoring_case(people):
    subject = subject_find("  c-1042 ")
    assert subject.counts == {
        "responses": 3,  # two through Typeform, one from a CSV keyed in lower case
        "comments": 2,
        "followups": 1,
        "followups_active": 1,
        "deliveries": 2,
        "webhook_deliveries": 0,
    }
    assert {r.comment for r in subject.responses()} == {
        "Nobody called me back about my car",
        "",
        "Second letter never arrived",
    }
    assert set(subject.deliveries()) == set(people.jan_deliveries)
    assert [case.response.respondent for case in subject.followups()] == [JAN_KEY]


def test_an_email_finds_what_the_source_mapped_to_it_and_the_responses_keyed_by_it(people):
    subject = subject_find(JAN_EMAIL.upper())
    assert subject.mapped_keys == ("c-1042",)
    assert subject.counts["responses"] == 4  # the three under C-1042, and the one keyed by the address
    assert people.jan_by_email in set(subject.responses())
    assert set(subject.deliveries()) == set(people.jan_deliveries)
    assert OTHER_KEY not in {r.respondent for r in subject.responses()}


def test_a_key_that_is_only_a_number_in_someone_elses_payload_finds_nothing(people):
    # Jan's NPS answer is the JSON number 3: a score, not a key.
    subject = subject_find("3")
    assert subject.is_empty
    assert "3" not in payload_values(people.jan_deliveries[0].body)


def test_an_unknown_key_finds_nothing(people):
    assert subject_find("nobody@example.nl").is_empty


@pytest.mark.parametrize("bad", ["", "   ", "x" * 255, "a\x00b"])
def test_an_unusable_key_is_refused_naming_the_field(bad):
    with pytest.raises(ValidationError) as error:
        clean_query(bad)
    assert "key" in error.value.message_dict


def test_the_webhook_deliveries_about_the_persons_cases_are_found(people):
    subscription = WebhookSubscription.objects.create(name="Tickets", url="https://example.org/hook", events=["*"])
    case = FollowUpCase.objects.get(response__respondent=JAN_KEY)
    WebhookDelivery.objects.create(
        subscription=subscription,
        event_type="followup.opened",
        payload={"type": "followup.opened", "data": case_data(case)},
    )
    other = FollowUpCase.objects.get(response__respondent=OTHER_KEY)
    WebhookDelivery.objects.create(
        subscription=subscription,
        event_type="followup.opened",
        payload={"type": "followup.opened", "data": case_data(other)},
    )
    assert subject_find(JAN_KEY).counts["webhook_deliveries"] == 1


# Export


def test_the_export_holds_everything_stored_about_the_person(people, admin_user):
    data = subject_export(JAN_EMAIL)
    assert data["respondent_keys"] == [JAN_EMAIL, "c-1042"]
    assert len(data["survey_responses"]) == 4
    comments = {row["comment"] for row in data["survey_responses"]}
    assert "Nobody called me back about my car" in comments
    by_metric = {row["metric"]: row for row in data["survey_responses"]}
    assert by_metric["ces"]["score"] == 6 and by_metric["ces"]["journey"] == "Report a claim"
    assert data["followup_cases"][0]["status"] == "open"
    assert data["followup_cases"][0]["owner"]
    assert data["followup_cases"][0]["deadline"]
    assert len(data["survey_deliveries"]) == 2
    hidden = data["survey_deliveries"][0]["payload"]["form_response"]["hidden"]
    assert hidden["email"] == JAN_EMAIL
    json.dumps(data)  # plain JSON


# Erasure


def snapshot_values():
    return sorted(
        KpiSnapshot.objects.values_list(
            "period",
            "period_start",
            "journey_id",
            "touchpoint_id",
            "channel_id",
            "metric",
            "n",
            "low",
            "high",
            "total",
            "total_sq",
        )
    )


def test_erasure_removes_keys_comments_notes_and_payloads_and_keeps_every_figure(
    people, django_capture_on_commit_callbacks
):
    snapshots_rebuild_all()
    before = snapshot_values()
    case = FollowUpCase.objects.get(response__respondent=JAN_KEY)
    case.outcome = "Called Jan on 06-12345678, he was angry"
    case.save()
    erased_ids = set(jan_responses().values_list("pk", flat=True))
    scores_before = dict(SurveyResponse.objects.values_list("pk", "score"))
    assert FollowUpCase.objects.exclude(status=CaseStatus.RESOLVED).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        erased = subject_erase(JAN_EMAIL)

    assert erased.as_dict() == {
        "responses": 4,
        "comments": 2,
        "followups_closed": 1,
        "deliveries_emptied": 2,
        "webhook_deliveries_emptied": 0,
    }
    tokens = set()
    for response in SurveyResponse.objects.filter(pk__in=erased_ids):
        assert response.respondent.startswith("anon:") and response.comment == ""
        tokens.add(response.respondent)
    assert len(tokens) == 1  # one meaningless token links the person's answers, and nothing else
    assert dict(SurveyResponse.objects.values_list("pk", "score")) == scores_before
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.RESOLVED, ERASED_OUTCOME)
    assert case.resolved_at is not None
    for delivery in people.jan_deliveries:
        delivery.refresh_from_db()
        assert delivery.body == ""
    # Nobody else's data is touched.
    people.other_delivery.refresh_from_db()
    assert "piet@example.nl" in people.other_delivery.body
    assert SurveyResponse.objects.filter(respondent=OTHER_KEY).count() == 2
    assert FollowUpCase.objects.get(response__respondent=OTHER_KEY).status == CaseStatus.OPEN
    # The figures: recomputed (nothing pending any more), and equal; only the open cases went down by one.
    assert not PendingRecompute.objects.exists()
    assert snapshot_values() == before
    assert FollowUpCase.objects.exclude(status=CaseStatus.RESOLVED).count() == 1
    # Nothing is left to find.
    assert subject_find(JAN_EMAIL).counts == {
        "responses": 0,
        "comments": 0,
        "followups": 0,
        "followups_active": 0,
        "deliveries": 0,
        "webhook_deliveries": 0,
    }


def test_erasure_marks_the_persons_days_out_of_date_until_recomputed(people):
    PendingRecompute.objects.all().delete()  # the ingest's own requests (its transaction never commits here)
    days = sorted(jan_responses().values_list("day", flat=True))
    subject_erase(JAN_EMAIL)  # by e-mail: the responses keyed by the address and by the key mapped to it
    pending = PendingRecompute.objects.get()
    assert pending.journey_id == people.claims.journey.pk
    assert (pending.day_from, pending.day_to) == (days[0], days[-1])


def test_erasure_scrubs_the_webhook_payloads_about_the_persons_cases(people):
    subscription = WebhookSubscription.objects.create(name="Tickets", url="https://example.org/hook", events=["*"])
    case = FollowUpCase.objects.get(response__respondent=JAN_KEY)
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_type="followup.opened",
        payload={"type": "followup.opened", "data": case_data(case)},
    )
    subject_erase(JAN_KEY)
    delivery.refresh_from_db()
    data = delivery.payload["data"]
    assert (data["respondent"], data["comment"], data["outcome"]) == ("", "", "")
    assert data["score"] == 3  # the rest of the event stays
    assert JAN_KEY not in json.dumps(delivery.payload)


def test_search_export_and_erasure_are_audited_by_counts_and_digest_never_the_key(people, admin_user, client_of):
    client = client_of(admin_user)
    response = client.post(reverse("metrics:privacy-respondents"), {"key": JAN_EMAIL})
    detail_url = response["Location"]
    token = detail_url.rstrip("/").split("/")[-1]
    client.get(reverse("metrics:privacy-subject-export", args=[token]))
    client.post(reverse("metrics:privacy-subject-erase", args=[token]))

    events = {event.action: event for event in AuditEvent.objects.filter(action__startswith="personal_data")}
    assert set(events) == {"personal_data_search", "personal_data_export", "personal_data_erase"}
    for event in events.values():
        assert event.detail["key_sha256"] == digest(JAN_EMAIL)
        assert event.actor_id == admin_user.pk
    assert events["personal_data_search"].detail["responses"] == 4
    assert events["personal_data_erase"].detail["erased"]["followups_closed"] == 1
    everything = json.dumps(
        list(AuditEvent.objects.values()), default=str
    ).lower()  # every column of every row: paths, reprs, details
    assert "jansen" not in everything
    assert "c-1042" not in everything


def test_an_email_in_a_polled_batch_takes_in_only_its_own_submissions_key(people):
    """A polled tool's delivery holds many respondents: the address names one submission, not the batch."""
    source = people.source
    body = {
        "submissions": [
            {
                "external_id": "s1",
                "answers": [{"ref": "nps", "value": 4}],
                "hidden": {"email": JAN_EMAIL, "customer": "C-1042"},
            },
            {
                "external_id": "s2",
                "answers": [{"ref": "nps", "value": 8}],
                "hidden": {"email": "kees@example.nl", "customer": "C-3000"},
            },
        ]
    }
    Delivery.objects.create(
        source=source, origin="poll", body=json.dumps(body), status="stored", external_ids=["s1-nps", "s2-nps"]
    )
    for external_id, key in (("s1-nps", "C-1042-B"), ("s2-nps", "C-3000")):
        SurveyResponseFactory(
            journey=people.claims.journey, respondent=key, source=source.response_source, external_id=external_id
        )
    subject = subject_find(JAN_EMAIL)
    assert "c-1042-b" in subject.mapped_keys
    assert "c-3000" not in subject.keys


def test_by_default_an_email_in_a_payload_is_not_stored_so_it_finds_only_responses_keyed_by_it(client):
    from tests.metrics.connectors.sources_data import make_claims_map, make_source, post_typeform
    from tests.metrics.privacy.people import typeform_body

    make_claims_map()
    source = make_source("typeform")  # redacts every kind, e-mail addresses included
    body = typeform_body(token="jan-1", score=3, customer=JAN_KEY, email=JAN_EMAIL, comment="Call me")
    assert post_typeform(client, source, body).status_code == 200
    [delivery] = Delivery.objects.all()
    assert JAN_EMAIL not in delivery.body and "[e-mail]" in delivery.body
    assert JAN_KEY in delivery.body  # the mapped respondent key is an identifier, kept
    subject = subject_find(JAN_EMAIL)
    assert subject.counts["responses"] == 0 and subject.counts["deliveries"] == 0


def test_erasure_keeps_the_key_driver_figures(settings):
    """The erased key gives way to one token on all of the person's answers: the driver analysis pairs them still."""
    from tests.metrics.privacy.test_retention import OLD_DAY, driver_figures
    from tests.metrics.selectors.test_drivers import driver_journey

    settings.REPORT_CACHE_SECONDS = 0
    journey = driver_journey(respondents=60, day=OLD_DAY)
    key = SurveyResponse.objects.filter(journey=journey).exclude(respondent="").values_list("respondent", flat=True)[0]
    before = driver_figures(journey)
    subject_erase(key)
    assert not SurveyResponse.objects.filter(respondent=key).exists()
    assert driver_figures(journey) == before
