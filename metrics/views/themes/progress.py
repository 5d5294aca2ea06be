"""The progress of the tagging after a codebook change (an htmx fragment, polled every 2 s while incomplete).

The codebook page includes the same fragment (templates/metrics/themes/_progress.html) with the context
{"progress": metrics.themes.tagging.tagging_progress()}; the fragment polls this view itself while the
tagging is not complete, and stops once it is. Everyone logged in may look (it shows counts only).
Queries: one (the codebook version, the comments and the tagged verbatims), besides the session and the user.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from metrics.themes.tagging import tagging_progress


@require_GET
def theme_progress_view(request: HttpRequest) -> HttpResponse:
    return render(request, "metrics/themes/_progress.html", {"progress": tagging_progress()})
