"""Two customers' data as the product really stores it: Jan (customer key C-1042, e-mail jan.jansen@example.nl)
answered twice through a Typeform source whose mapping takes the respondent key from the hidden field `customer`
while the payload also carries his e-mail in the hidden field `email`; once more in a CSV import keyed in lower
case; and once keyed by his e-mail address. Another customer (C-2000) answered the same survey."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from metrics.models import Delivery, SurveyResponse, SurveySource
from metrics.privacy import redaction
from tests.metrics.connectors.sources_data import ClaimsMap, make_claims_map, make_source, post_typeform, recently
from tests.metrics.connectors.sources_data import typeform_body as _typeform_body
from tests.metrics.factories import SurveyResponseFactory

JAN_KEY = "C-1042"
JAN_EMAIL = "jan.jansen@example.nl"
OTHER_KEY = "C-2000"


def digest(text: str) -> str:
    return hashlib.sha256(text.strip().lower().encode()).hexdigest()[:12]


@dataclass
class People:
    claims: ClaimsMap
    source: SurveySource
    jan_deliveries: list[Delivery]
    other_delivery: Delivery
    jan_csv: SurveyResponse
    jan_by_email: SurveyResponse
    other_csv: SurveyResponse


def typeform_body(*, token: str, score: int, customer: str, email: str, comment: str) -> bytes:
    body = _typeform_body(
        token=token, score=score, hidden={"customer": customer, "email": email}, submitted_at=recently(2)
    )
    return body.replace(b"Quick and friendly <b>agent</b>", comment.encode())


def build_people(client) -> People:
    """The data, ingested through the real endpoint (the deliveries, responses and follow-up cases it makes)."""
    claims = make_claims_map()
    source = make_source("typeform")
    # This organisation keeps the e-mail hidden field in the stored payload (its source redacts every other kind),
    # so that an admin can find a respondent by e-mail; by default it would be stored as "[e-mail]".
    source.redact_kinds = [kind for kind in redaction.KINDS if kind != redaction.EMAIL]
    source.save(update_fields=["redact_kinds"])
    posts = [
        ("jan-1", 3, JAN_KEY, JAN_EMAIL, "Nobody called me back about my car"),
        ("jan-2", 9, JAN_KEY, JAN_EMAIL, ""),
        ("other-1", 2, OTHER_KEY, "piet@example.nl", "Waited an hour on the phone"),
    ]
    for token, score, customer, email, comment in posts:
        response = post_typeform(
            client, source, typeform_body(token=token, score=score, customer=customer, email=email, comment=comment)
        )
        assert response.status_code == 200, response.content
    deliveries = {d.external_ids[0].split("-nps")[0]: d for d in Delivery.objects.all()}
    jan_csv = SurveyResponseFactory(
        journey=claims.journey,
        respondent="c-1042",
        metric="csat",
        score=2,
        comment="Second letter never arrived",
        source="csv",
        responded_at=recently(40),
    )
    jan_by_email = SurveyResponseFactory(
        journey=claims.journey,
        respondent="Jan.Jansen@Example.nl",
        metric="ces",
        score=6,
        comment="",
        source="csv",
        responded_at=recently(50),
    )
    other_csv = SurveyResponseFactory(
        journey=claims.journey, respondent=OTHER_KEY, score=10, comment="Great", source="csv", responded_at=recently(3)
    )
    return People(
        claims=claims,
        source=source,
        jan_deliveries=[deliveries["jan-1"], deliveries["jan-2"]],
        other_delivery=deliveries["other-1"],
        jan_csv=jan_csv,
        jan_by_email=jan_by_email,
        other_csv=other_csv,
    )
