"""POST /hooks/<token>/: where survey tools deliver their answers.

The order matters: an unknown (or inactive) token is a 404; a payload over the source's size limit a 413 before
it is read; a source over its rate limit a 429 with Retry-After; a bad or missing signature a 401 with nothing
stored. Only then is the delivery written to Postgres (committed), and ingested in this request; the tool gets
2xx only once the delivery row is committed:

- 200 {"status": "stored" | "duplicate" | "ignored", "responses": n}
- 202 {"status": "received"}: a fetching tool's delivery, whose answers a task fetches; or an ingest that crashed
  after the delivery was stored (the sweeper processes it again)
- 422 {"status": "rejected", "detail": reason}: the payload or the mapping; kept, and replayable on the page
- 503: the database cannot be reached (nothing acknowledged: the tool retries)

Deliveries refused for their signature are not stored (their body came from who knows whom): the source counts
them (SurveySource.signature_failures, the last one's reason and time), so that the page can say why nothing
arrives when the secret in the tool is wrong.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from cxplatform.audit.context import acting
from cxplatform.audit.models import Via
from metrics.connectors.limits import rate_limit_take
from metrics.connectors.services import delivery_start, delivery_store
from metrics.connectors.vendors import SignatureInvalid, get_vendor
from metrics.models import DeliveryStatus, SurveySource

logger = logging.getLogger(__name__)

ANSWERS = {
    DeliveryStatus.STORED: 200,
    DeliveryStatus.DUPLICATE: 200,
    DeliveryStatus.IGNORED: 200,
    DeliveryStatus.RECEIVED: 202,
    DeliveryStatus.REJECTED: 422,
    # A fetch given up on (only after a task's retries; never in this request), kept for completeness.
    DeliveryStatus.FAILED: 422,
}
READ_CHUNK = 64 * 1024


def _refuse(status: int, code: str, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"status": "refused", "code": code, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, or None once it passes `limit` bytes (a sender that gave no or a false Content-Length)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = request.read(READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


# Exempt from CSRF: a survey tool has no session or CSRF cookie to send. The endpoint is authenticated by the
# unguessable token in its URL and, for every delivery, by the tool's signature over the raw body with the
# source's secret, which a forged cross-site request cannot produce.
@csrf_exempt
@login_not_required
def receive_delivery(request: HttpRequest, token: str) -> HttpResponse:
    try:
        return _receive(request, token)
    except DatabaseError:
        logger.exception("survey delivery refused: the database is unreachable")
        return _refuse(503, "unavailable", _("The service is unavailable; send it again later."), Retry_After="30")


def _receive(request: HttpRequest, token: str) -> HttpResponse:
    source = SurveySource.objects.filter(token=token, active=True).first()
    if source is None or not get_vendor(source.vendor).receives:
        return _refuse(404, "unknown_source", _("No active survey source at this address."))
    if request.method == "HEAD":  # some tools check that the address exists before they save it
        return HttpResponse(status=200)
    if request.method != "POST":
        response = _refuse(405, "method_not_allowed", _("Deliveries are sent with POST."))
        response["Allow"] = "POST, HEAD"
        return response
    too_large = _("The payload is larger than %(limit)d bytes.") % {"limit": source.max_bytes}
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > source.max_bytes:
        return _refuse(413, "too_large", too_large)
    allowance = rate_limit_take(token=source.token, limit=source.rate_limit)
    if not allowance.allowed:
        return _refuse(
            429,
            "rate_limited",
            _("More than %(limit)d deliveries in a minute to this source; send it again later.")
            % {"limit": source.rate_limit},
            Retry_After=str(allowance.retry_after),
        )
    body = _read_body(request, source.max_bytes)
    if body is None:
        return _refuse(413, "too_large", too_large)
    vendor = get_vendor(source.vendor)
    try:
        vendor.verify(secret=source.secret, headers=request.headers, body=body, now=timezone.now())
    except SignatureInvalid as invalid:
        SurveySource.objects.filter(pk=source.pk).update(
            signature_failures=F("signature_failures") + 1,
            last_signature_failure_at=timezone.now(),
            last_signature_failure=str(invalid.reason)[:200],
        )
        return _refuse(401, "bad_signature", str(invalid.reason))
    # The survey source is the actor of what follows (the delivery and the import of its answers).
    with acting(label=source.name, via=Via.SOURCE, credential=f"survey source #{source.pk}"):
        return _answer(source, body, request)


def _answer(source: SurveySource, body: bytes, request: HttpRequest) -> HttpResponse:
    delivery = delivery_store(source=source, body=body, headers=request.headers)
    # From here the delivery is safe in Postgres: whatever happens next, the tool may have its 2xx.
    try:
        delivery = delivery_start(delivery=delivery)
    except Exception:
        logger.exception("survey delivery %s could not be processed now; the sweeper will retry it", delivery.pk)
        return JsonResponse({"status": DeliveryStatus.RECEIVED, "responses": 0, "delivery": delivery.pk}, status=202)
    answer: dict[str, object] = {
        "status": delivery.status,
        "responses": delivery.responses_created,
        "delivery": delivery.pk,
    }
    if delivery.reason:
        answer["detail"] = delivery.reason
    return JsonResponse(answer, status=ANSWERS.get(DeliveryStatus(delivery.status), 200))
