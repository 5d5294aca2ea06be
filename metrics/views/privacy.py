"""The privacy pages (admins only): a respondent's data (search, see, export as JSON, erase after confirmation)
and the processing register (CSV and JSON downloads).

The searched key or e-mail address never appears in a URL: the search is posted, and its text waits in the
admin's session under a random token (PRIVACY_LOOKUPS, the last few searches); the result, export and erase pages
name the token. URLs end up in access logs, browser histories and the audit trail's `path`, none of which should
hold the person's key. The services (metrics.privacy.subjects) write the audit rows.
"""

from __future__ import annotations

import json
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cxplatform.accounts.roles import is_admin
from cxplatform.lib.csv_download import csv_download
from metrics.privacy.register import column_labels, register_records, register_rows
from metrics.privacy.subjects import (
    MAX_QUERY_LENGTH,
    Subject,
    days_of,
    subject_erase,
    subject_export,
    subject_find,
    subject_search,
)

NOT_AN_ADMIN = gettext_lazy("Only admins can see and erase personal data, and the processing register.")
LOOKUPS_SESSION_KEY = "privacy_lookups"  # token -> the searched text
LOOKUPS_KEPT = 5
PAGE_SIZE = 25


def require_admin(request: HttpRequest) -> None:
    if not is_admin(request.user):
        raise PermissionDenied(NOT_AN_ADMIN)


def _remember(request: HttpRequest, query: str) -> str:
    lookups = dict(request.session.get(LOOKUPS_SESSION_KEY) or {})
    while len(lookups) >= LOOKUPS_KEPT:
        lookups.pop(next(iter(lookups)))
    token = secrets.token_urlsafe(12)
    lookups[token] = query
    request.session[LOOKUPS_SESSION_KEY] = lookups
    return token


def _forget(request: HttpRequest, token: str) -> None:
    lookups = dict(request.session.get(LOOKUPS_SESSION_KEY) or {})
    lookups.pop(token, None)
    request.session[LOOKUPS_SESSION_KEY] = lookups


def _query_of(request: HttpRequest, token: str) -> str:
    query = (request.session.get(LOOKUPS_SESSION_KEY) or {}).get(token)
    if not query:
        raise Http404(_("This search is no longer available: search again."))
    return query


def _search_page(request: HttpRequest, *, error: str = "", value: str = "", status: int = 200) -> HttpResponse:
    context = {"error": error, "value": value, "max_length": MAX_QUERY_LENGTH, "current": "respondents"}
    return render(request, "metrics/privacy/respondent_search.html", context, status=status)


@require_http_methods(["GET", "POST"])
def respondent_search_view(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    if request.method != "POST":
        return _search_page(request)
    raw = request.POST.get("key", "")
    try:
        subject = subject_search(raw)
    except ValidationError as error:
        return _search_page(
            request, error=" ".join(error.message_dict["key"]), value=raw[:MAX_QUERY_LENGTH], status=400
        )
    return redirect("metrics:privacy-subject", token=_remember(request, subject.query))


def _page(request: HttpRequest, rows: QuerySet, param: str) -> Page:
    """One section's page; each section pages on its own parameter, keeping the others'."""
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))
    for name, number in (("prev_query", page.number - 1), ("next_query", page.number + 1)):
        query = request.GET.copy()
        query[param] = str(number)
        setattr(page, name, query.urlencode())
    return page


@require_GET
def respondent_detail_view(request: HttpRequest, token: str) -> HttpResponse:
    require_admin(request)
    subject = subject_find(_query_of(request, token))
    context = {
        "token": token,
        "subject": subject,
        "counts": subject.counts,
        "responses": _page(request, subject.responses(), "responses"),
        "followups": _page(request, subject.followups(), "followups"),
        "deliveries": _page(request, subject.deliveries().defer("body", "headers"), "deliveries"),
        "webhook_deliveries": _page(request, subject.webhook_deliveries().defer("payload"), "webhooks"),
        "current": "respondents",
    }
    return render(request, "metrics/privacy/respondent_detail.html", context)


def respondent_export_view(request: HttpRequest, token: str) -> HttpResponse:
    require_admin(request)
    data = subject_export(_query_of(request, token))
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    # Named after the day, not the person: a download folder should not list whose data it holds.
    filename = f"personal-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def respondent_erase_view(request: HttpRequest, token: str) -> HttpResponse:
    require_admin(request)
    query = _query_of(request, token)
    if request.method == "POST":
        erased = subject_erase(query)
        _forget(request, token)
        messages.success(
            request,
            _(
                "Erased: %(responses)d responses lost their respondent key (%(comments)d comments removed, the scores "
                "stay), %(followups)d follow-up cases closed, %(deliveries)d survey deliveries and %(webhooks)d webhook "
                "deliveries emptied. The figures are being recomputed."
            )
            % {
                "responses": erased.responses,
                "comments": erased.comments,
                "followups": erased.followups_closed,
                "deliveries": erased.deliveries_emptied,
                "webhooks": erased.webhook_deliveries_emptied,
            },
        )
        return redirect("metrics:privacy-respondents")
    subject: Subject = subject_find(query)
    first, last = days_of(subject)
    context = {"token": token, "subject": subject, "counts": subject.counts, "first": first, "last": last}
    return render(request, "metrics/privacy/respondent_confirm_erase.html", context)


# The processing register


@require_GET
def register_view(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    return render(request, "metrics/privacy/register.html", {"rows": register_rows(), "current": "register"})


def _register_filename(extension: str) -> str:
    return f"processing-register-{timezone.localdate():%Y-%m-%d}.{extension}"


@require_GET
def register_csv_view(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    records = register_records(register_rows())
    return csv_download(
        _register_filename("csv"),
        column_labels(),
        ([record[name] if record[name] is not None else "" for name in record] for record in records),
    )


@require_GET
def register_json_view(request: HttpRequest) -> HttpResponse:
    require_admin(request)
    payload = {"generated_at": timezone.now().isoformat(), "categories": register_records(register_rows())}
    response = HttpResponse(
        json.dumps(payload, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_register_filename("json")}"'
    return response
