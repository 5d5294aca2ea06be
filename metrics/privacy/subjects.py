"""The rights of a respondent (GDPR articles 15 and 17): find everything stored about one person, export it, erase it.

A person is searched by a respondent key (exact, case-insensitive) or by an e-mail address. The organisation may
use e-mail addresses as respondent keys (then the address is the key), or a survey source may carry the address
in its payload (a hidden field, embedded data) while its mapping takes the respondent key from another field: a
search by e-mail therefore also reads the survey deliveries whose payload holds the address as a value, and adds
the respondent keys of the responses those deliveries stored (SurveyResponse.source and external_id against
Delivery.external_ids). Everything stored under any of these keys is the person's:

- survey responses with the key (their comments);
- the follow-up cases of those responses (the owner's outcome note);
- survey deliveries whose payload holds one of the keys or the address as a value, or that stored one of the
  person's responses (metrics.models.Delivery);
- outgoing webhook deliveries about those follow-up cases (cxplatform.webhooks: their payload copies the key,
  the comment and the outcome).

"Holds as a value": a leaf of the JSON payload (or of a form-encoded one) equal to the key, ignoring case and
surrounding spaces; a JSON number only from MIN_NUMBER_KEY digits on, so that the key "12" does not match a score
of 12 in somebody else's payload.

Erasure keeps every score (the figures stay what they were): the keys and comments are removed from the
responses, the follow-up cases are closed with the outcome "Erased on request" (the owner's note goes), the
deliveries' payloads are emptied, the webhook payloads lose the key, comment and outcome; the KPI snapshots of
the days concerned are recomputed as after an ingest. All in one transaction, with its audit row.

The audit trail never holds the key or the address: its detail names counts and `key_sha256`, the first 12 hex
digits of the SHA-256 of the searched text (stripped, lower case), so that an auditor holding the key can find
its searches without the trail revealing it.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cxplatform.audit import actions
from cxplatform.audit.recording import record
from cxplatform.webhooks.models import WebhookDelivery
from metrics.models import CaseStatus, Delivery, FollowUpCase, SurveyResponse
from metrics.privacy.retention import TOKEN_PREFIX
from metrics.services.recompute_requests import recompute_request
from metrics.themes.tagging import verbatims_forget

MAX_QUERY_LENGTH = 254  # the longest e-mail address; respondent keys are at most 100 characters
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ERASED_OUTCOME = "Erased on request"  # translated into the site's language when stored
WEBHOOK_ERASED_FIELDS = ("respondent", "comment", "outcome")
FOLLOWUP_EVENTS_PREFIX = "followup."
# A JSON number in a payload counts as a key from this many characters on: shorter ones are scores, counts, years
# (a customer number sent as a number is longer), so that the key "3" never matches somebody's NPS answer of 3.
MIN_NUMBER_KEY = 5


def clean_query(raw: Any) -> str:
    """The searched text, stripped; ValidationError keyed "key" when it is empty, too long or unusable."""
    text = str(raw or "").strip()
    if not text:
        raise ValidationError({"key": _("Give a respondent key or an e-mail address.")})
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {"key": _("A respondent key or e-mail address has at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH}}
        )
    if "\x00" in text:
        raise ValidationError({"key": _("Null characters are not allowed.")})
    return text


def key_digest(query: str) -> str:
    """What the audit trail says of a searched key: 12 hex digits of its SHA-256 (stripped, lower case)."""
    return hashlib.sha256(query.strip().lower().encode("utf-8")).hexdigest()[:12]


def is_email(query: str) -> bool:
    return bool(EMAIL.match(query))


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, str):
        yield value
    elif isinstance(value, int | float) and not isinstance(value, bool) and len(str(value)) >= MIN_NUMBER_KEY:
        yield str(value)


def payload_values(body: str) -> set[str]:
    """The values a payload holds (lower case, stripped): the leaves of its JSON, or of its form encoding; the
    words of anything else."""
    try:
        parsed: Any = json.loads(body)
    except ValueError:
        if "=" in body and "\n" not in body.strip():
            parsed = [value for _name, value in parse_qsl(body, keep_blank_values=False)]
        else:
            parsed = re.split(r"[\s,;<>\"'()\[\]{}]+", body)
    return {leaf.strip().lower() for leaf in _leaves(parsed) if leaf.strip()}


def _keys_q(keys: tuple[str, ...], prefix: str = "") -> Q:
    return reduce(or_, (Q(**{f"{prefix}respondent__iexact": key}) for key in keys))


def _response_source_id(source: str) -> int | None:
    """SurveySource.response_source is "<vendor>:<pk>"; the pk of the source, or None for CSV or API sources."""
    _vendor, _sep, pk = source.rpartition(":")
    return int(pk) if pk.isascii() and pk.isdigit() else None


@dataclass(frozen=True)
class Subject:
    """One person, as found by a search: the respondent keys (lower case) and the deliveries that are theirs.
    Querysets of the rest are built from the keys (paginate them)."""

    query: str
    keys: tuple[str, ...]
    mapped_keys: tuple[str, ...] = ()  # keys found through the deliveries carrying the e-mail address
    delivery_ids: tuple[int, ...] = ()
    webhook_delivery_ids: tuple[int, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return key_digest(self.query)

    @property
    def by_email(self) -> bool:
        return is_email(self.query)

    def responses(self) -> QuerySet[SurveyResponse]:
        return (
            SurveyResponse.objects.filter(_keys_q(self.keys))
            .select_related("journey", "touchpoint", "channel")
            .order_by("-responded_at", "-id")
        )

    def followups(self) -> QuerySet[FollowUpCase]:
        return (
            FollowUpCase.objects.filter(_keys_q(self.keys, "response__"))
            .select_related("response__journey", "touchpoint", "owner")
            .order_by("-opened_at", "-id")
        )

    def deliveries(self) -> QuerySet[Delivery]:
        return (
            Delivery.objects.filter(pk__in=self.delivery_ids).select_related("source").order_by("-received_at", "-id")
        )

    def webhook_deliveries(self) -> QuerySet[WebhookDelivery]:
        return (
            WebhookDelivery.objects.filter(pk__in=self.webhook_delivery_ids)
            .select_related("subscription")
            .order_by("-created_at", "-id")
        )

    @property
    def is_empty(self) -> bool:
        return not any(self.counts.values())


def _submission_of(external_id: str) -> str:
    """The tool's response id of a stored response's external_id ("<response id>-<metric>")."""
    return external_id.rsplit("-", 1)[0]


def _elements(value: Any) -> Iterator[Any]:
    """Every element of every list in a parsed payload (a poll's submissions, a batch's items)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _elements(item)
    elif isinstance(value, list):
        for item in value:
            yield item
            yield from _elements(item)


def _their_external_ids(body: str, external_ids: list[str], wanted: set[str]) -> list[str]:
    """Of the responses a delivery stored, those of the submission that holds `wanted`. A delivery of one
    submission (a webhook): all of them. One of several (a poll's result, a batch): the submissions whose own
    element of the payload holds the value and names exactly one response id; none when that cannot be told,
    so that a search never takes in the other respondents of a batch."""
    submissions = {_submission_of(external_id) for external_id in external_ids}
    if len(submissions) <= 1:
        return list(external_ids)
    try:
        parsed = json.loads(body)
    except ValueError:
        return []
    theirs: set[str] = set()
    for element in _elements(parsed):
        values = {leaf.strip().lower() for leaf in _leaves(element)}
        named = {submission for submission in submissions if submission.lower() in values}
        if len(named) == 1 and values & wanted:
            theirs |= named
    return [external_id for external_id in external_ids if _submission_of(external_id) in theirs]


def _carrying(prefilter: Q, wanted: set[str]) -> list[tuple[int, str, list]]:
    """(id, response source, external ids of the person's responses) of the deliveries whose payload holds one of
    `wanted` as a value: the database narrows them down by substring (one query), the payload's values decide."""
    rows = Delivery.objects.filter(prefilter).values_list("id", "source__vendor", "source_id", "external_ids", "body")
    return [
        (pk, f"{vendor}:{source_id}", _their_external_ids(body, ids or [], wanted))  # SurveySource.response_source
        for pk, vendor, source_id, ids, body in rows.iterator()
        if payload_values(body) & wanted
    ]


def subject_find(query: str) -> Subject:
    """Everything stored about the person `query` names (a respondent key or an e-mail address).

    Queries: by key 5 (the responses' links, the deliveries, the webhook deliveries, the two counts); by e-mail 2
    more (the deliveries holding the address, the keys of what they stored)."""
    query = clean_query(query)
    wanted = {query.lower()}
    keys: list[str] = [query.lower()]
    mapped: list[str] = []
    delivery_ids: set[int] = set()
    if is_email(query):
        found = _carrying(Q(body__icontains=query), wanted)
        delivery_ids.update(pk for pk, _source, _ids in found)
        stored = [Q(source=source, external_id__in=ids) for _pk, source, ids in found if ids]
        if stored:
            for key in (
                SurveyResponse.objects.filter(reduce(or_, stored))
                .exclude(respondent="")
                .values_list("respondent", flat=True)
                .distinct()
            ):
                if key.strip().lower() not in keys:
                    keys.append(key.strip().lower())
                    mapped.append(key.strip().lower())
    key_tuple = tuple(keys)
    # The deliveries that stored one of the person's responses, and those holding a key as a value.
    by_source: dict[int, list[str]] = {}
    for source, external_id in (
        SurveyResponse.objects.filter(_keys_q(key_tuple)).exclude(external_id="").values_list("source", "external_id")
    ):
        source_id = _response_source_id(source)
        if source_id is not None:
            by_source.setdefault(source_id, []).append(external_id)
    searched = [key for key in key_tuple if key not in wanted or not is_email(query)]
    prefilter = [Q(body__icontains=key) for key in searched]
    prefilter += [Q(source_id=source_id, external_ids__has_any_keys=ids) for source_id, ids in by_source.items()]
    if prefilter:
        rows = Delivery.objects.filter(reduce(or_, prefilter)).values_list("id", "source_id", "external_ids", "body")
        for pk, source_id, external_ids, body in rows.iterator():
            stored_theirs = bool(set(external_ids or ()) & set(by_source.get(source_id, ())))
            if stored_theirs or payload_values(body) & set(key_tuple):
                delivery_ids.add(pk)
    webhook_ids = list(
        WebhookDelivery.objects.filter(event_type__startswith=FOLLOWUP_EVENTS_PREFIX)
        .filter(reduce(or_, (Q(payload__data__respondent__iexact=key) for key in key_tuple)))
        .values_list("id", flat=True)
    )
    responses = SurveyResponse.objects.filter(_keys_q(key_tuple)).aggregate(
        responses=Count("id"), comments=Count("id", filter=~Q(comment=""))
    )
    followups = FollowUpCase.objects.filter(_keys_q(key_tuple, "response__")).aggregate(
        followups=Count("id"), followups_active=Count("id", filter=~Q(status=CaseStatus.RESOLVED))
    )
    counts = {
        **responses,
        **followups,
        "deliveries": len(delivery_ids),
        "webhook_deliveries": len(webhook_ids),
    }
    return Subject(
        query=query,
        keys=key_tuple,
        mapped_keys=tuple(mapped),
        delivery_ids=tuple(sorted(delivery_ids)),
        webhook_delivery_ids=tuple(sorted(webhook_ids)),
        counts=counts,
    )


def audit_detail(subject: Subject, **extra: int) -> dict[str, Any]:
    """The audit row's detail: counts and the key's digest, never the key."""
    return {
        "key_sha256": subject.digest,
        "by": "e-mail" if subject.by_email else "key",
        "keys": len(subject.keys),
        **subject.counts,
        **extra,
    }


@transaction.atomic
def subject_search(query: str) -> Subject:
    """subject_find, recorded in the audit trail (personal_data_search)."""
    subject = subject_find(query)
    record(
        actions.PERSONAL_DATA_SEARCH,
        object_type="metrics.surveyresponse",
        object_repr=_("respondent search"),
        detail=audit_detail(subject),
    )
    return subject


# Export


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _payload(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body


def subject_export_data(subject: Subject) -> dict[str, Any]:
    """Everything stored about the person, as a JSON object (the download of the rights page and the API).
    Four queries, one per kind of record."""
    responses = [
        {
            "id": response.pk,
            "respondent_key": response.respondent,
            "journey": response.journey.name,
            "touchpoint": response.touchpoint.name if response.touchpoint else None,
            "channel": response.channel.name if response.channel else None,
            "metric": response.metric,
            "score": response.score,
            "responded_at": _iso(response.responded_at),
            "source": response.source,
            "comment": response.comment,
        }
        for response in subject.responses()
    ]
    followups = [
        {
            "id": case.pk,
            "response": case.response_id,
            "touchpoint": case.touchpoint.name,
            "status": case.status,
            "owner": str(case.owner) if case.owner else None,
            "outcome": case.outcome,
            "deadline": _iso(case.due_date),
            "opened_at": _iso(case.opened_at),
            "resolved_at": _iso(case.resolved_at),
        }
        for case in subject.followups()
    ]
    deliveries = [
        {
            "id": delivery.pk,
            "source": delivery.source.name,
            "received_at": _iso(delivery.received_at),
            "status": delivery.status,
            "payload": _payload(delivery.body),
        }
        for delivery in subject.deliveries()
    ]
    webhook_deliveries = [
        {
            "id": delivery.pk,
            "event": delivery.event_type,
            "subscription": delivery.subscription.name,
            "created_at": _iso(delivery.created_at),
            "payload": delivery.payload,
        }
        for delivery in subject.webhook_deliveries()
    ]
    return {
        "exported_at": timezone.now().isoformat(),
        "searched_by": "e-mail" if subject.by_email else "respondent key",
        "respondent_keys": list(subject.keys),
        "counts": dict(subject.counts),
        "survey_responses": responses,
        "followup_cases": followups,
        "survey_deliveries": deliveries,
        "webhook_deliveries": webhook_deliveries,
    }


@transaction.atomic
def subject_export(query: str) -> dict[str, Any]:
    """The export, recorded in the audit trail (personal_data_export)."""
    subject = subject_find(query)
    data = subject_export_data(subject)
    record(
        actions.PERSONAL_DATA_EXPORT,
        object_type="metrics.surveyresponse",
        object_repr=_("respondent export"),
        detail=audit_detail(subject),
    )
    return data


# Erasure


@dataclass(frozen=True)
class Erased:
    responses: int
    comments: int
    followups_closed: int
    deliveries_emptied: int
    webhook_deliveries_emptied: int

    def as_dict(self) -> dict[str, int]:
        return {
            "responses": self.responses,
            "comments": self.comments,
            "followups_closed": self.followups_closed,
            "deliveries_emptied": self.deliveries_emptied,
            "webhook_deliveries_emptied": self.webhook_deliveries_emptied,
        }


def erased_outcome() -> str:
    """The outcome note of an erased case, in the site's language (LANGUAGE_CODE), whoever erases."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(ERASED_OUTCOME)


def _scrub(payload: Any) -> Any:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        return payload
    data = dict(payload["data"])
    for name in WEBHOOK_ERASED_FIELDS:
        if name in data:
            data[name] = ""
    return {**payload, "data": data}


@transaction.atomic
def erased_key_token() -> str:
    """What stands in for an erased respondent key: random, linked to nothing (metrics.privacy.retention's form)."""
    return TOKEN_PREFIX + uuid.uuid4().hex


@transaction.atomic
def subject_erase(query: str) -> Erased:
    """Erase the person `query` names, all or nothing: keys and comments off their responses (scores stay),
    their follow-up cases closed as "Erased on request" (the owner's note goes), the payloads of their deliveries
    emptied, the webhook payloads about their cases without key, comment and outcome; the snapshots of the days
    concerned recomputed after commit; one audit row (personal_data_erase) with the counts."""
    subject = subject_find(query)
    now = timezone.now()
    responses = SurveyResponse.objects.filter(_keys_q(subject.keys))
    ranges = {
        row["journey_id"]: (row["first"], row["last"])
        for row in responses.order_by().values("journey_id").annotate(first=Min("day"), last=Max("day"))
    }
    cases = FollowUpCase.objects.filter(_keys_q(subject.keys, "response__"))
    outcome = erased_outcome()
    # Closed ones keep their resolved_at; the others are closed now. Both lose the owner's note.
    closed = cases.filter(status=CaseStatus.RESOLVED).update(outcome=outcome, version=F("version") + 1)
    closed += cases.exclude(status=CaseStatus.RESOLVED).update(
        status=CaseStatus.RESOLVED, outcome=outcome, resolved_at=now, version=F("version") + 1
    )
    commented = list(responses.exclude(comment="").values_list("pk", flat=True))
    comments = len(commented)
    # The key goes; a meaningless token takes its place, the same on all of the person's answers, so that the
    # key-driver analysis (which pairs a respondent's answers by key) keeps every figure, as retention does.
    erased_responses = responses.update(respondent=erased_key_token(), comment="")
    # What the tagging derived from the comments goes with them (their themes, their search vectors).
    verbatims_forget(commented, rebuild=False)
    deliveries = Delivery.objects.filter(pk__in=subject.delivery_ids).update(body="")
    webhooks = 0
    for delivery in WebhookDelivery.objects.filter(pk__in=subject.webhook_delivery_ids).only("id", "payload"):
        delivery.payload = _scrub(delivery.payload)
        delivery.save(update_fields=["payload"])
        webhooks += 1
    recompute_request(ranges=ranges)
    erased = Erased(
        responses=erased_responses,
        comments=comments,
        followups_closed=closed,
        deliveries_emptied=deliveries,
        webhook_deliveries_emptied=webhooks,
    )
    record(
        actions.PERSONAL_DATA_ERASE,
        object_type="metrics.surveyresponse",
        object_repr=_("respondent erasure"),
        fields=["respondent", "comment", "outcome", "body", "payload"],
        detail={**audit_detail(subject), "erased": erased.as_dict()},
    )
    return erased


def days_of(subject: Subject) -> tuple[date | None, date | None]:
    """The first and last day of the person's responses (the confirmation page says which figures are
    recomputed)."""
    span = subject.responses().order_by().aggregate(first=Min("day"), last=Max("day"))
    return span["first"], span["last"]
