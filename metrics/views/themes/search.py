"""The verbatim search page (/verbatims/) and its CSV: the comments that match the words and filters.

Everyone logged in may search, as they read the responses. The search itself is metrics.themes.search; bad
filter values show as the form's errors (400), never as a failure.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cxplatform.lib.csv_files import CsvWriter
from metrics.forms.verbatim_search import VerbatimSearchForm
from metrics.themes.search import EXPORT_CAP, VerbatimExport, uses_full_text, verbatim_search


@require_safe
def verbatim_search_view(request: HttpRequest) -> HttpResponse:
    form = VerbatimSearchForm(request.GET or None)
    return _page(request, form)


def _page(request: HttpRequest, form: VerbatimSearchForm) -> HttpResponse:
    valid = not form.is_bound or form.is_valid()
    result = verbatim_search(form.filters(), page=form.page_number()) if valid else None
    return render(
        request,
        "metrics/themes/verbatim_search.html",
        {
            "form": form,
            "result": result,
            "query": form.query(),
            "q": form.filters().q,
            "is_filtered": form.is_bound and form.is_filtered(),
            "full_text": uses_full_text(),
            "export_cap": EXPORT_CAP,
            "first_page_url": reverse("metrics:verbatim-search") + (f"?{form.query()}" if form.query() else ""),
        },
        status=200 if valid else 400,
    )


@require_safe
def verbatim_csv_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The matching comments as CSV (formula-safe), streamed, the latest EXPORT_CAP at most."""
    form = VerbatimSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _page(request, form)
    export = VerbatimExport(form.filters(), cap=EXPORT_CAP)
    # The response streams after the view returns, when no language is active any more: fix the texts now.
    dutch = (translation.get_language() or "en").startswith("nl")
    header = [
        _("Response"),
        _("Day"),
        _("Journey"),
        _("Touchpoint"),
        _("Metric"),
        _("Score"),
        _("Language"),
        _("Themes"),
        _("Comment"),
    ]
    note = _("Only the latest %(cap)s matching comments are in this file: narrow the filters for the rest.") % {
        "cap": f"{EXPORT_CAP:,}"
    }
    writer = CsvWriter(io.StringIO())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.line(header)
        for hit in export:
            themes = "; ".join(theme.name_nl if dutch else theme.name_en for theme in hit.themes)
            row = [hit.response_id, hit.day.isoformat(), hit.journey, hit.touchpoint, hit.metric.upper()]
            yield writer.line([*row, hit.score, hit.language, themes, hit.comment])
        if export.capped:
            yield writer.line([note])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"verbatims-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
