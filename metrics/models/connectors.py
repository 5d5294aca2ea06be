"""Survey connectors: a survey tool that sends (or is polled for) answers, and every payload it delivered.

The behaviour (signature, mapping, ingest) lives in metrics.connectors; here only the rows.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.privacy.redaction import KIND_CHOICES, all_kinds

DEFAULT_RATE_LIMIT = 600  # deliveries per minute and source
DEFAULT_MAX_BYTES = 1024 * 1024  # a payload's size; Typeform's largest forms stay far below


def new_endpoint_token() -> str:
    """The unguessable part of a source's URL (/hooks/<token>/): 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


class SurveySource(models.Model):
    """A survey tool (its vendor slug, from metrics.connectors.vendors.REGISTRY) sending answers to
    /hooks/<token>/, signed with `secret`, read through `mapping` (documented in metrics.connectors.mapping).

    `secret` is a shared secret: the HMAC is computed again on every delivery, so it is stored as it is (not
    hashed); it is shown to the user once, on creation and on rotation. `config` holds the vendor's own settings
    (metrics.connectors.vendors.base.ConfigField); fields marked secret there are never shown back.
    """

    name = models.CharField(_("name"), max_length=100)
    vendor = models.CharField(_("survey tool"), max_length=30)
    token = models.CharField(_("endpoint token"), max_length=64, unique=True, default=new_endpoint_token)
    # Empty for a polled tool, which signs nothing.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    mapping = models.JSONField(_("mapping"), default=dict, blank=True)
    active = models.BooleanField(_("active"), default=True)
    rate_limit = models.PositiveIntegerField(_("rate limit (deliveries per minute)"), default=DEFAULT_RATE_LIMIT)
    max_bytes = models.PositiveIntegerField(_("largest payload (bytes)"), default=DEFAULT_MAX_BYTES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    secret_rotated_at = models.DateTimeField(_("secret changed at"), default=timezone.now)
    # Deliveries refused for their signature are not stored (their body came from who knows whom); they are
    # counted here, so that a user whose tool has the wrong secret sees why nothing arrives.
    signature_failures = models.PositiveIntegerField(_("deliveries refused for their signature"), default=0)
    last_signature_failure_at = models.DateTimeField(_("last refused signature"), null=True, blank=True)
    last_signature_failure = models.CharField(_("why it was refused"), max_length=200, blank=True)
    # A polled tool (LimeSurvey): the moment up to which answers were fetched.
    polled_until = models.DateTimeField(_("polled until"), null=True, blank=True)
    # The kinds of personal data replaced by a marker in the comments this source delivers (and in the free text
    # of its stored payloads), metrics.privacy.redaction.KINDS; empty = off, for a tool that redacts itself.
    redact_kinds = models.JSONField(_("personal data redacted from comments"), default=all_kinds, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("survey source")
        verbose_name_plural = _("survey sources")

    def __str__(self) -> str:
        return self.name

    @property
    def response_source(self) -> str:
        """The `source` of the responses this source stores (<= 60 characters): with their external_id it
        deduplicates the tool's retries; a response stays traceable to its source after the source is deleted."""
        return f"{self.vendor}:{self.pk}"

    @property
    def redacted_labels(self) -> list[str]:
        """The kinds of personal data redacted from its comments, as the form names them."""
        return [str(label) for kind, label in KIND_CHOICES if kind in (self.redact_kinds or ())]

    @property
    def hook_path(self) -> str:
        """The path the tool posts to; the pages make it absolute."""
        return f"/hooks/{self.token}/"


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # stored, not yet ingested (or being fetched)
    STORED = "stored", _("Stored")
    DUPLICATE = "duplicate", _("Duplicate")
    REJECTED = "rejected", _("Rejected")  # the payload or the mapping: replayable once the mapping is fixed
    IGNORED = "ignored", _("Ignored")  # nothing to ingest (a test ping, an unfinished response)
    FAILED = "failed", _("Failed")  # a fetch from the tool failed after its retries


class DeliveryOrigin(models.TextChoices):
    WEBHOOK = "webhook", _("Webhook")
    POLL = "poll", _("Poll")


class Delivery(models.Model):
    """One payload a source delivered (or one poll's result), written to Postgres before it is acknowledged and
    before it is ingested, so that nothing acknowledged is ever lost; kept with its outcome and reason."""

    source = models.ForeignKey(
        SurveySource, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("source")
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=DeliveryOrigin.choices, default=DeliveryOrigin.WEBHOOK
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    body = models.TextField(_("payload"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)  # the ones of interest (signature ids...)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    responses_created = models.PositiveIntegerField(_("responses created"), default=0)
    external_ids = models.JSONField(_("response ids"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["source", "-received_at", "-id"], name="delivery_source_log"),
            models.Index(fields=["source", "status", "-received_at"], name="delivery_source_status"),
            # The sweeper's: deliveries left in "received" by a killed worker.
            models.Index(fields=["received_at"], name="delivery_pending", condition=models.Q(status="received")),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.received_at:%Y-%m-%d %H:%M:%S} {self.status}"

    @property
    def replayable(self) -> bool:
        return self.status in (DeliveryStatus.REJECTED, DeliveryStatus.FAILED)
