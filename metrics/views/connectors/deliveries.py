"""A survey source's delivery log, one delivery with its payload, and the replay of a rejected one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from metrics.connectors.selectors import REJECTED, delivery_get, delivery_list
from metrics.connectors.services import delivery_replay
from metrics.forms.connectors import DeliveryFilter
from metrics.models import Delivery, DeliveryStatus, SurveySource

from .common import (
    DELIVERIES_PAGE_SIZE,
    load_source,
    pretty_json,
    require_ingester,
    vendor_label,
)

# Deliveries


def source_deliveries_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_ingester(request)
    source = load_source(pk)
    filters = DeliveryFilter(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    deliveries = delivery_list(source=source, status=status or None).defer("body", "headers")
    page = Paginator(deliveries, DELIVERIES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "source": source,
        "vendor_label": vendor_label(source.vendor),
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "is_filtered": bool(status),
        "here": request.get_full_path(),
    }
    return render(request, "metrics/connectors/delivery_list.html", context)


def _load_delivery(source: SurveySource, pk: int) -> Delivery:
    try:
        return delivery_get(source=source, pk=pk)
    except Delivery.DoesNotExist:
        raise Http404(_("No such delivery.")) from None


def delivery_detail_view(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    require_ingester(request)
    source = load_source(pk)
    delivery = _load_delivery(source, delivery_pk)
    context = {
        "source": source,
        "delivery": delivery,
        "payload": pretty_json(delivery.body),
        "reasons": [line for line in delivery.reason.splitlines() if line.strip()],
    }
    return render(request, "metrics/connectors/delivery_detail.html", context)


@require_POST
def delivery_replay_view(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    require_ingester(request)
    source = load_source(pk)
    delivery = _load_delivery(source, delivery_pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("metrics:source-delivery", args=[pk, delivery_pk])
    try:
        replayed = delivery_replay(delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if replayed.status == DeliveryStatus.STORED:
        messages.success(
            request,
            _("Replayed: %(count)d responses stored.") % {"count": replayed.responses_created},
        )
    elif replayed.status in REJECTED:
        messages.error(
            request,
            _("Replayed, and rejected again: %(reason)s")
            % {"reason": replayed.reason.splitlines()[0] if replayed.reason else ""},
        )
    else:
        messages.info(
            request,
            _("Replayed: %(status)s. %(reason)s")
            % {"status": replayed.get_status_display(), "reason": replayed.reason},
        )
    return redirect(back)
