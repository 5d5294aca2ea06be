"""Retention: old respondent keys and comments anonymised, every figure the same before and after."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from cxplatform.audit.models import AuditEvent
from metrics.models import Delivery, DeliveryStatus, KpiSnapshot, Metric, SurveyResponse
from metrics.privacy.retention import TOKEN_PREFIX, retention_anonymise, retention_cutoff
from metrics.selectors.drivers import driver_analysis
from metrics.services.recompute import snapshots_rebuild_all
from tests.metrics.connectors.sources_data import make_source
from tests.metrics.factories import SurveyResponseFactory
from tests.metrics.selectors.test_drivers import answer, driver_journey, save

pytestmark = [pytest.mark.django_db(transaction=False)]

TODAY = timezone.localdate()
OLD_DAY = TODAY - datetime.timedelta(days=800)  # beyond 24 months (and the month it is in)
YOUNG_DAY = TODAY - datetime.timedelta(days=20)
OLD_PERIOD = {"date_from": OLD_DAY - datetime.timedelta(days=3), "date_to": OLD_DAY + datetime.timedelta(days=3)}


@pytest.fixture(autouse=True)
def _no_report_cache(settings):
    settings.REPORT_CACHE_SECONDS = 0  # the driver figures are read again, not served from the cache


def snapshot_rows():
    return sorted(
        KpiSnapshot.objects.values_list(
            "period", "period_start", "journey_id", "touchpoint_id", "channel_id", "metric", "n", "low", "high",
            "total", "total_sq",
        )
    )  # fmt: skip


def driver_figures(journey):
    analysis = driver_analysis(journey=journey, **OLD_PERIOD)
    # Rounded: the sums run in respondent order, and a token sorts elsewhere than the key it replaced, so a
    # float sum may differ in its 15th digit.
    rows = [
        (
            row.name,
            row.n,
            *(None if x is None else round(x, 9) for x in (row.importance, row.p_value, row.performance)),
            row.status,
        )
        for row in analysis.rows
    ]
    return analysis.nps_respondents, analysis.linked_respondents, rows


@pytest.mark.parametrize("postgres_sql", [True, False])
def test_old_keys_and_comments_are_anonymised_and_the_snapshots_and_drivers_stay_the_same(postgres_sql, monkeypatch):
    """On PostgreSQL through SQL of its own; elsewhere (`make run`'s SQLite) through the ORM: the same result."""
    from metrics.privacy import retention

    monkeypatch.setattr(retention, "uses_postgres_sql", lambda: postgres_sql)
    journey = driver_journey(respondents=60, day=OLD_DAY)
    SurveyResponse.objects.filter(journey=journey, metric=Metric.NPS).update(comment="Bel me: 06-12345678")
    young = answer(journey, "jan@voorbeeld.nl", Metric.NPS, 3, day=YOUNG_DAY)
    young.comment = "Ik wacht nog steeds"
    save([young])
    snapshots_rebuild_all()
    before, drivers_before = snapshot_rows(), driver_figures(journey)
    assert drivers_before[1] == 60  # the old respondents are linked

    counts = retention_anonymise()

    assert counts.keys == 60 and counts.keyed_responses == 60 * 4 + 5
    assert counts.comments_removed == 60
    old = SurveyResponse.objects.filter(journey=journey, day=OLD_DAY)
    assert not old.exclude(respondent__startswith=TOKEN_PREFIX).exists()
    assert not old.exclude(comment="").exists()
    # One token per person: still four answers (five for the first five) under each token.
    per_token = sorted(set(old.values_list("respondent", flat=True)))
    assert len(per_token) == 60
    kept = SurveyResponse.objects.get(day=YOUNG_DAY)
    assert (kept.respondent, kept.comment) == ("jan@voorbeeld.nl", "Ik wacht nog steeds")

    snapshots_rebuild_all()
    assert snapshot_rows() == before
    assert driver_figures(journey) == drivers_before


def test_a_second_run_changes_nothing_and_every_run_is_in_the_audit_trail():
    SurveyResponseFactory(
        respondent="klant-1",
        comment="mail piet@voorbeeld.nl",
        responded_at=timezone.now() - datetime.timedelta(days=800),
    )
    first = retention_anonymise()
    token = SurveyResponse.objects.get().respondent
    second = retention_anonymise()
    assert (first.keys, first.comments_removed) == (1, 1)
    assert (second.keys, second.keyed_responses, second.comments_removed) == (0, 0, 0)
    assert SurveyResponse.objects.get().respondent == token
    events = AuditEvent.objects.filter(action="retention_anonymise").order_by("id")
    assert [event.detail["keys"] for event in events] == [1, 0]
    assert events[0].via == "task"
    assert "klant-1" not in str(events[0].detail) and "piet" not in str(events[0].detail)


@pytest.mark.parametrize("postgres_sql", [True, False])
def test_comments_can_be_kept_redacted_instead(postgres_sql, monkeypatch):
    from metrics.privacy import retention

    monkeypatch.setattr(retention, "uses_postgres_sql", lambda: postgres_sql)
    old = timezone.now() - datetime.timedelta(days=800)
    SurveyResponseFactory(comment="Refund to NL91ABNA0417164300 please, paid € 1.234,56", responded_at=old)
    SurveyResponseFactory(comment="Fine, gave a 9", responded_at=old)
    counts = retention_anonymise(comments="redact")
    assert counts.comments_redacted == 1
    assert sorted(SurveyResponse.objects.values_list("comment", flat=True)) == [
        "Fine, gave a 9",
        "Refund to [IBAN] please, paid € 1.234,56",
    ]


def test_the_cutoff_is_the_start_of_a_month():
    now = datetime.datetime(2026, 12, 7, 3, 15, tzinfo=datetime.UTC)
    cutoff = retention_cutoff(now=now, months=24)
    assert (cutoff.year, cutoff.month, cutoff.day, cutoff.hour) == (2024, 12, 1, 0)
    assert retention_cutoff(now=now, months=12).date() == datetime.date(2025, 12, 1)
    assert retention_cutoff(now=datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC), months=1).date() == (
        datetime.date(2025, 12, 1)
    )


def test_old_delivery_payloads_are_emptied_but_a_pending_one_is_kept():
    survey_source = make_source()
    long_ago = timezone.now() - datetime.timedelta(days=200)
    done = Delivery.objects.create(source=survey_source, body='{"why": "x"}', status=DeliveryStatus.STORED)
    pending = Delivery.objects.create(source=survey_source, body='{"why": "y"}')
    recent = Delivery.objects.create(source=survey_source, body='{"why": "z"}', status=DeliveryStatus.STORED)
    Delivery.objects.filter(pk__in=[done.pk, pending.pk]).update(received_at=long_ago)
    counts = retention_anonymise()
    assert counts.delivery_bodies == 1
    assert dict(Delivery.objects.values_list("pk", "body")) == {
        done.pk: "",
        pending.pk: '{"why": "y"}',
        recent.pk: '{"why": "z"}',
    }


def test_beat_runs_it_nightly():
    entry = django_settings.CELERY_BEAT_SCHEDULE["voc-retention"]
    assert entry["task"] == "metrics.retention_anonymise"


def test_old_outgoing_webhook_payloads_are_emptied_once_sent():
    from cxplatform.webhooks.models import DeliveryStatus as Sent
    from cxplatform.webhooks.models import WebhookDelivery, WebhookSubscription

    subscription = WebhookSubscription.objects.create(name="CRM", url="https://crm.example.org/hook")
    payload = {"data": {"comment": "Bel [phone]", "respondent": "klant-7"}}
    sent = WebhookDelivery.objects.create(subscription=subscription, event_type="followup.opened", payload=payload,
                                          status=Sent.SUCCEEDED)  # fmt: skip
    retrying = WebhookDelivery.objects.create(subscription=subscription, event_type="followup.opened",
                                              payload=payload, status=Sent.FAILED)  # fmt: skip
    WebhookDelivery.objects.update(created_at=timezone.now() - datetime.timedelta(days=200))
    assert retention_anonymise().webhook_payloads == 1
    sent.refresh_from_db()
    retrying.refresh_from_db()
    assert (sent.payload, retrying.payload) == ({}, payload)
