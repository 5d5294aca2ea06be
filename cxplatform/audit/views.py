"""The audit trail's page (/audit/) and its CSV export, admins only."""

from __future__ import annotations

from functools import cache

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.lib.csv_download import csv_download

from . import actions
from .forms import AuditSearchForm
from .models import Via
from .permissions import can_read_audit
from .recording import record
from .selectors import audit_event_search

PAGE_SIZE = 50


@cache
def _type_labels() -> dict[str, str]:
    return {
        f"{model._meta.app_label}.{model._meta.model_name}": str(model._meta.verbose_name).capitalize()
        for model in apps.get_models()
    }


def type_label(object_type: str) -> str:
    return _type_labels().get(object_type, object_type)


def _search(request: HttpRequest) -> AuditSearchForm:
    if not can_read_audit(request.user):
        raise PermissionDenied(_("Only admins read the audit trail."))
    form = AuditSearchForm(request.GET)
    form.is_valid()
    return form


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def audit_list_view(request: HttpRequest) -> HttpResponse:
    form = _search(request)
    page = None
    if form.is_valid():
        page = Paginator(audit_event_search(form.cleaned_data), PAGE_SIZE).get_page(request.GET.get("page"))
        for event in page.object_list:
            event.action_label = actions.label(event.action)
            event.type_label = type_label(event.object_type)
    query = _query(request)
    return render(
        request,
        "audit/list.html",
        {
            "filters": form,
            "page": page,
            "is_filtered": form.is_valid() and form.is_filtered(),
            "query": query,
            "via_labels": dict(Via.choices),
        },
        status=200 if form.is_valid() else 400,
    )


def audit_export_view(request: HttpRequest) -> HttpResponse:
    form = _search(request)
    if not form.is_valid():
        return audit_list_view(request)
    events = audit_event_search(form.cleaned_data)
    via_labels = dict(Via.choices)
    header = [
        _("When"),
        _("Who"),
        _("Credential"),
        _("Via"),
        _("Action"),
        _("Object type"),
        _("Object id"),
        _("Object"),
        _("Fields touched"),
        _("IP address"),
        _("Request"),
    ]
    rows = [
        [
            timezone.localtime(event.at).isoformat(timespec="seconds"),
            event.actor_label,
            event.credential,
            str(via_labels.get(event.via, event.via)),
            actions.label(event.action),
            type_label(event.object_type),
            event.object_id,
            event.object_repr,
            " ".join(event.fields or []),
            event.ip or "",
            event.path,
        ]
        for event in events.iterator(chunk_size=2000)
    ]
    filters = {name: str(value) for name, value in form.cleaned_data.items() if value}
    with transaction.atomic():
        record(actions.EXPORT, object_type="audit.auditevent", detail={"rows": len(rows), "filters": filters})
    return csv_download(f"audit-{timezone.localdate():%Y-%m-%d}.csv", header, rows)
