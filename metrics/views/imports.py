"""The response import page: upload a CSV, see what an import would do (a preview of the first rows and every
problem), then confirm.

The uploaded file waits server-side, under a random token, in a directory of the system's temporary directory;
the token is remembered in the uploader's session, so only they can preview, import or cancel it. It is
deleted once imported or cancelled, and files older than a day are swept at the next upload. (A deployment with
several web hosts needs a shared temporary directory, or sticky sessions.) The import runs the same checks again:
the stored responses may have changed since the preview.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from journeys.models import Journey, JourneyState
from metrics.ingest.pipeline import MAX_UPLOAD_BYTES, PREVIEW_ROWS
from metrics.ingest.records import DATE_HELP, FIELDS, REQUIRED
from metrics.permissions import NOT_AN_INGESTER, can_ingest_responses
from metrics.services.responses import IngestRefused, responses_check_csv, responses_import_csv

UPLOAD_DIR = Path(tempfile.gettempdir()) / "cxplatform-response-imports"
SESSION_KEY = "response_imports"  # token -> the uploaded file's name
RESULT_KEY = "response_import_result"
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")
KEEP_SECONDS = 24 * 3600
SHOWN_PROBLEMS = 200
CHUNK = 1 << 20

COLUMN_HELP = {
    "metric": gettext_lazy("nps (0-10), csat (1-5) or ces (1-7)"),
    "score": gettext_lazy("a whole number on the metric's scale"),
    "journey": gettext_lazy("the journey's id or key"),
    "touchpoint": gettext_lazy("a touchpoint's id, key or alias"),
    "channel": gettext_lazy("a channel's key, e.g. web, app, phone"),
    "responded_at": gettext_lazy("when the customer answered; without an offset the time is local"),
    "respondent": gettext_lazy("a pseudonymous key that links one person's answers"),
    "comment": gettext_lazy("the customer's own words"),
    "source": gettext_lazy("where the response comes from (default: csv)"),
    "external_id": gettext_lazy("the response's id at the source: importing it again stores nothing new"),
}


class ResponseImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8 (with or without BOM), comma or semicolon separated, at most %(mb)d MB.")
        % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(mb)d MB: ask an administrator to import it with the import_responses command."
                )
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def _require_ingester(request: HttpRequest) -> None:
    if not can_ingest_responses(request.user):
        raise PermissionDenied(NOT_AN_INGESTER)


def _uploads(request: HttpRequest) -> dict[str, str]:
    return request.session.setdefault(SESSION_KEY, {})


def _upload_path(token: str, suffix: str = ".csv") -> Path:
    return UPLOAD_DIR / f"{token}{suffix}"


def _own_upload(request: HttpRequest, token: str, suffix: str = ".csv") -> Path:
    """The file behind a token of this session; 404 for anyone else's, or a file gone."""
    if not TOKEN.fullmatch(token) or token not in _uploads(request):
        raise Http404(_("No such upload."))
    file = _upload_path(token, suffix)
    if not file.is_file():
        raise Http404(_("The uploaded file is gone: upload it again."))
    return file


def _forget(request: HttpRequest, token: str) -> None:
    _uploads(request).pop(token, None)
    request.session.modified = True


def _sweep() -> None:
    """Remove uploads and error files older than KEEP_SECONDS (abandoned previews)."""
    cutoff = time.time() - KEEP_SECONDS
    for old in UPLOAD_DIR.glob("*.csv"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()


def _save_upload(request: HttpRequest, upload) -> str:
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    _sweep()
    token = secrets.token_urlsafe(16)
    with _upload_path(token).open("wb") as target:
        for chunk in upload.chunks(CHUNK):
            target.write(chunk)
    _uploads(request)[token] = upload.name
    request.session.modified = True
    return token


def _example_csv() -> str:
    """Two example lines that would import here: the first current journey and one of its touchpoints."""
    journey = (
        Journey.objects.filter(state=JourneyState.CURRENT, touchpoints__isnull=False)
        .values("pk", "touchpoints")
        .order_by("pk", "touchpoints")
        .first()
    )
    journey_id, touchpoint_id = (journey["pk"], journey["touchpoints"]) if journey else (1, 1)
    return "\n".join(
        [
            ";".join(FIELDS),
            f"nps;9;{journey_id};{touchpoint_id};web;2025-03-05T14:30:00+01:00;r-1042;Quick and friendly.;survey-tool;"
            "sv-88121",
            f"csat;2;{journey_id};;phone;05-03-2025 09:12;;Waited 40 minutes.;;",
        ]
    )


def _columns() -> list[dict]:
    return [{"name": name, "required": name in REQUIRED, "help": COLUMN_HELP[name]} for name in FIELDS]


@require_http_methods(["GET", "POST"])
def response_import(request: HttpRequest) -> HttpResponse:
    _require_ingester(request)
    form = ResponseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = _save_upload(request, form.cleaned_data["file"])
        return redirect("metrics:response-import-preview", token=token)
    return render(
        request,
        "metrics/response_import.html",
        {
            "form": form,
            "columns": _columns(),
            "date_formats": DATE_HELP,
            "example": _example_csv(),
            "result": request.session.pop(RESULT_KEY, None),
        },
    )


@require_http_methods(["GET", "POST"])
def response_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what an import would do, nothing stored. POST: the import itself."""
    _require_ingester(request)
    file = _own_upload(request, token)
    if request.method == "POST":
        return _import(request, token, file)
    context = {"token": token, "name": _uploads(request)[token], "shown": SHOWN_PROBLEMS}
    try:
        with file.open("rb") as source:
            check = responses_check_csv(file=source, preview_rows=PREVIEW_ROWS)
    except IngestRefused as refused:  # the file as a whole: empty, not UTF-8, wrong header
        context.update(file_problems=refused.problems)
        return render(request, "metrics/response_import_preview.html", context)
    problem_lines = {problem.position for problem in check.problems}
    context.update(
        check=check,
        header=check.header.names if check.header else [],
        rows=[(line, values, line in problem_lines) for line, values in check.preview],
        problems=check.problems[:SHOWN_PROBLEMS],
    )
    return render(request, "metrics/response_import_preview.html", context)


def _import(request: HttpRequest, token: str, file: Path) -> HttpResponse:
    skip_invalid = request.POST.get("skip_invalid") == "on"
    error_file = _upload_path(token, ".errors.csv")
    try:
        with file.open("rb") as source:
            if skip_invalid:
                with error_file.open("w", encoding="utf-8", newline="") as error_csv:
                    result = responses_import_csv(file=source, skip_invalid=True, error_csv=error_csv)
            else:
                result = responses_import_csv(file=source)
    except IngestRefused as refused:
        messages.error(
            request,
            _("Nothing was imported: %(count)d problems (the stored responses may have changed since the preview).")
            % {"count": refused.error_count},
        )
        return redirect("metrics:response-import-preview", token=token)
    file.unlink(missing_ok=True)
    if not result.rejected:
        error_file.unlink(missing_ok=True)
        _forget(request, token)
    request.session[RESULT_KEY] = {
        "created": result.created,
        "duplicates": result.duplicates,
        "rejected": result.rejected,
        "followups": result.followups_opened,
        "errors_token": token if result.rejected else None,
    }
    messages.success(request, _("Imported %(created)d responses.") % {"created": result.created})
    return redirect("metrics:response-import")


@require_POST
def response_import_cancel(request: HttpRequest, token: str) -> HttpResponse:
    _require_ingester(request)
    _own_upload(request, token).unlink(missing_ok=True)
    _forget(request, token)
    messages.info(request, _("The upload was discarded; nothing was imported."))
    return redirect("metrics:response-import")


def response_import_rejected(request: HttpRequest, token: str) -> FileResponse:
    """The lines an import skipped, as an error CSV (the lines as they were, plus an `error` column)."""
    _require_ingester(request)
    file = _own_upload(request, token, ".errors.csv")
    return FileResponse(file.open("rb"), as_attachment=True, filename="rejected-lines.csv", content_type="text/csv")
