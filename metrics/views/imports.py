"""The response import page: upload a CSV or .xlsx file, map its columns (a proposal preselected; skipped for a
file with the standard header or when a saved preset is chosen), see what an import would do (a preview of the
first rows as they will be stored and every problem, by the file's own lines and headers), then confirm.

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
from collections.abc import Sequence
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cxplatform.lib.forms import add_service_errors
from journeys.models import Journey, JourneyState, Touchpoint
from metrics.ingest.csvfile import FileRefused
from metrics.ingest.mapping import FIXABLE, IGNORE, TARGET_LABELS, TARGETS, Mapping, propose
from metrics.ingest.matching import Matcher, norm
from metrics.ingest.pipeline import MAX_UPLOAD_BYTES, PREVIEW_ROWS
from metrics.ingest.records import DATE_HELP, FIELDS, REQUIRED
from metrics.ingest.tabular import Table
from metrics.models import ImportPreset, SurveyResponse
from metrics.permissions import NOT_AN_INGESTER, can_ingest_responses
from metrics.services.response_imports import (
    MappingInvalid,
    import_preset_delete,
    import_preset_save,
    is_standard,
    read_table,
    responses_check_table,
    responses_import_table,
)
from metrics.services.responses import CSV_SOURCE, IngestRefused, responses_check_csv, responses_import_csv

UPLOAD_DIR = Path(tempfile.gettempdir()) / "cxplatform-response-imports"
SESSION_KEY = "response_imports"  # token -> the uploaded file's name
MAPPING_KEY = "response_import_mappings"  # token -> its column mapping (metrics.ingest.mapping.Mapping.as_json)
SAMPLE_ROWS = 20  # rows read for the proposal and the samples of the mapping step
SHOWN_SAMPLES = 4
MAX_VALUE_PICKERS = 50  # unmatched values offered for mapping at once
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


def _upload_help() -> str:
    return _(
        "CSV (UTF-8 with or without BOM, comma or semicolon separated) or Excel (.xlsx, its first sheet), "
        "any header; at most %(mb)d MB."
    ) % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}


class ResponseImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or Excel file"),
        # Lazy as a whole: `gettext_lazy(...) % values` would be translated once, at import, in English.
        help_text=lazy(_upload_help, str)(),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    preset = forms.TypedChoiceField(
        label=gettext_lazy("Column mapping"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("A saved preset skips the mapping step and goes straight to the preview."),
    )

    def __init__(self, *args, presets: Sequence[ImportPreset] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.presets = {preset.pk: preset for preset in presets}
        choices = [("", _("Propose one from the file (you check it next)"))]
        choices += [(str(preset.pk), preset.name) for preset in presets]
        self.fields["preset"].choices = choices
        if not presets:
            self.fields["preset"].widget = forms.HiddenInput()

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

    def clean_preset(self) -> ImportPreset | None:
        pk = self.cleaned_data.get("preset")
        return None if pk is None else self.presets[pk]


def _require_ingester(request: HttpRequest) -> None:
    if not can_ingest_responses(request.user):
        raise PermissionDenied(NOT_AN_INGESTER)


def _uploads(request: HttpRequest) -> dict[str, str]:
    return request.session.setdefault(SESSION_KEY, {})


def _mappings(request: HttpRequest) -> dict[str, dict]:
    return request.session.setdefault(MAPPING_KEY, {})


def _suffix(name: str) -> str:
    return ".xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else ".csv"


def _upload_path(token: str, suffix: str = ".csv") -> Path:
    return UPLOAD_DIR / f"{token}{suffix}"


def _own_upload(request: HttpRequest, token: str, suffix: str | None = None) -> Path:
    """The file behind a token of this session; 404 for anyone else's, or a file gone."""
    if not TOKEN.fullmatch(token) or token not in _uploads(request):
        raise Http404(_("No such upload."))
    file = _upload_path(token, suffix or _suffix(_uploads(request)[token]))
    if not file.is_file():
        raise Http404(_("The uploaded file is gone: upload it again."))
    return file


def _forget(request: HttpRequest, token: str) -> None:
    _uploads(request).pop(token, None)
    request.session.get(MAPPING_KEY, {}).pop(token, None)
    request.session.modified = True


def _sweep() -> None:
    """Remove uploads and error files older than KEEP_SECONDS (abandoned previews)."""
    cutoff = time.time() - KEEP_SECONDS
    for pattern in ("*.csv", "*.xlsx"):
        for old in UPLOAD_DIR.glob(pattern):
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < cutoff:
                    old.unlink()


def _save_upload(request: HttpRequest, upload) -> str:
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    _sweep()
    token = secrets.token_urlsafe(16)
    with _upload_path(token, _suffix(upload.name)).open("wb") as target:
        for chunk in upload.chunks(CHUNK):
            target.write(chunk)
    _uploads(request)[token] = upload.name
    request.session.modified = True
    return token


def _mapping_of(request: HttpRequest, token: str) -> Mapping | None:
    data = request.session.get(MAPPING_KEY, {}).get(token)  # a read: the session is not saved again
    return None if data is None else Mapping.from_json(data)


def _keep_mapping(request: HttpRequest, token: str, mapping: Mapping) -> None:
    _mappings(request)[token] = mapping.as_json()
    request.session.modified = True


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
    presets = list(ImportPreset.objects.select_related("created_by"))
    form = ResponseImportForm(request.POST or None, request.FILES or None, presets=presets)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        token = _save_upload(request, upload)
        preset = form.cleaned_data["preset"]
        if preset is not None:
            _keep_mapping(request, token, Mapping.from_json(preset.mapping))
            return redirect("metrics:response-import-preview", token=token)
        with _upload_path(token, _suffix(upload.name)).open("rb") as source:
            try:
                table = read_table(source, upload.name)
            except IngestRefused:  # the preview says why
                return redirect("metrics:response-import-preview", token=token)
            if is_standard(table):  # the API's own header: straight to the preview, as always
                return redirect("metrics:response-import-preview", token=token)
        return redirect("metrics:response-import-mapping", token=token)
    return render(
        request,
        "metrics/response_import.html",
        {
            "form": form,
            "presets": presets,
            "columns": _columns(),
            "date_formats": DATE_HELP,
            "example": _example_csv(),
            "result": request.session.pop(RESULT_KEY, None),
        },
    )


class MappingForm(forms.Form):
    """One select per column of the file, the values fixed for the whole file, and an optional preset name."""

    journey = forms.TypedChoiceField(label=gettext_lazy("Journey for the whole file"), required=False, coerce=str)
    channel = forms.ChoiceField(label=gettext_lazy("Channel for the whole file"), required=False)
    source = forms.CharField(
        label=gettext_lazy("Source for the whole file"),
        required=False,
        max_length=SurveyResponse._meta.get_field("source").max_length,
        help_text=gettext_lazy("Where the answers come from, e.g. the survey tool's name (default: csv)."),
    )
    save_preset = forms.BooleanField(label=gettext_lazy("Save this mapping as a preset"), required=False)
    preset_name = forms.CharField(
        label=gettext_lazy("Preset name"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Reuse it for the next export of this survey: on this page, the command and the API."),
    )

    def __init__(self, *args, names: list[str], matcher: Matcher, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.names = names
        self.matcher = matcher
        targets = [(target, TARGET_LABELS[target]) for target in (IGNORE, *TARGETS)]
        for index, name in enumerate(names):
            self.fields[f"column-{index}"] = forms.ChoiceField(
                label=name or _("column %(n)d") % {"n": index + 1}, choices=targets, required=False
            )
        self.fields["journey"].choices = [("", _("— from a column —"))] + [
            (str(pk), name) for pk, name in matcher.journey_choices()
        ]
        self.fields["channel"].choices = [("", _("— from a column, or none —"))] + [
            (slug, matcher.channel_display(slug)) for slug in matcher.channel_labels
        ]

    @classmethod
    def initial_from(cls, mapping: Mapping, names: list[str]) -> dict:
        initial: dict[str, object] = {f"column-{i}": mapping.columns.get(name, IGNORE) for i, name in enumerate(names)}
        initial.update({key: mapping.fixed.get(key, "") for key in FIXABLE})
        return initial

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column-{index}"] for index in range(len(self.names))]

    def mapping(self, *, keep_values: Mapping | None = None) -> Mapping:
        data = self.cleaned_data
        columns: dict[str, str] = {}
        for index, name in enumerate(self.names):
            target = data.get(f"column-{index}") or IGNORE
            if target and name not in columns:
                columns[name] = target
        fixed = {key: str(data[key]).strip() for key in FIXABLE if data.get(key) and str(data[key]).strip()}
        return Mapping(columns=columns, fixed=fixed, values=keep_values.values if keep_values else {})

    def clean(self):
        data = super().clean()
        if data.get("save_preset") and not (data.get("preset_name") or "").strip():
            self.add_error("preset_name", _("Give the preset a name."))
        return data


def _samples(table: Table, count: int = SAMPLE_ROWS) -> list[list[str]]:
    return [cells for _line, cells in table.samples(count)]


@require_http_methods(["GET", "POST"])
def response_import_mapping(request: HttpRequest, token: str) -> HttpResponse:
    """Step 2 of a file with its own header: which column holds what (a proposal preselected)."""
    _require_ingester(request)
    file = _own_upload(request, token)
    name = _uploads(request)[token]
    matcher = Matcher.load()
    with file.open("rb") as source:
        try:
            table = read_table(source, name)
            samples = _samples(table)
        except IngestRefused:
            return redirect("metrics:response-import-preview", token=token)
        except FileRefused:  # a row further on cannot be read: the preview names it
            samples = []
    current = _mapping_of(request, token)
    proposed = current or propose(table.names, samples, matcher)
    form = MappingForm(
        request.POST or None,
        names=table.names,
        matcher=matcher,
        initial=MappingForm.initial_from(proposed, table.names),
    )
    problems: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping(keep_values=current)
        problems = mapping.problems(table.names, matcher)
        if not problems:
            saved = None
            if form.cleaned_data["save_preset"]:
                try:
                    saved = import_preset_save(
                        name=form.cleaned_data["preset_name"], mapping=mapping, user=request.user
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
            if not form.errors:
                _keep_mapping(request, token, mapping)
                if saved is not None:
                    messages.success(request, _("Saved the mapping as the preset “%(name)s”.") % {"name": saved.name})
                return redirect("metrics:response-import-preview", token=token)
    columns = []
    for index, field in enumerate(form.column_fields()):
        values = [row[index] for row in samples if index < len(row) and row[index]]
        columns.append({"field": field, "samples": values[:SHOWN_SAMPLES], "name": table.names[index]})
    return render(
        request,
        "metrics/response_import_mapping.html",
        {
            "token": token,
            "name": name,
            "form": form,
            "columns": columns,
            "problems": problems,
            "proposed": current is None,
            "date_formats": DATE_HELP,
        },
    )


def _preview_records(check, matcher: Matcher) -> list[dict]:
    """The first records as they will be stored, with names instead of ids."""
    shown = []
    lines = {problem.position for problem in check.problems}
    for line, record in check.mapped.preview:
        journey = int(record["journey"]) if record["journey"] else None
        touchpoint = int(record["touchpoint"]) if record["touchpoint"] else None
        shown.append(
            {
                "line": line,
                "problem": line in lines,
                "metric": record["metric"],
                "score": record["score"],
                "journey": matcher.journey_name(journey) if journey else "",
                "touchpoint": matcher.touchpoint_name(touchpoint) if touchpoint else "",
                "channel": matcher.channel_display(record["channel"]) if record["channel"] else "",
                "responded_at": record["responded_at"],
                "respondent": record["respondent"],
                "comment": record["comment"],
                "source": record["source"] or CSV_SOURCE,
                "external_id": record["external_id"],
            }
        )
    return shown


@require_http_methods(["GET", "POST"])
def response_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what an import would do, nothing stored. POST: the import itself."""
    _require_ingester(request)
    file = _own_upload(request, token)
    mapping = _mapping_of(request, token)
    if request.method == "POST":
        return _import(request, token, file, mapping)
    name = _uploads(request)[token]
    context = {"token": token, "name": name, "shown": SHOWN_PROBLEMS, "mapped": mapping is not None}
    if mapping is not None:
        return _mapped_preview(request, token, file, mapping, context)
    if file.suffix == ".xlsx":  # a workbook without a mapping: only one that cannot be read comes here
        try:
            with file.open("rb") as source:
                read_table(source, name)
        except IngestRefused as refused:
            context.update(file_problems=refused.problems)
            return render(request, "metrics/response_import_preview.html", context)
        return redirect("metrics:response-import-mapping", token=token)
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


def _mapped_preview(request: HttpRequest, token: str, file: Path, mapping: Mapping, context: dict) -> HttpResponse:
    matcher = Matcher.load()
    try:
        with file.open("rb") as source:
            check = responses_check_table(
                file=source, name=context["name"], mapping=mapping, preview=PREVIEW_ROWS, matcher=matcher
            )
    except IngestRefused as refused:
        context.update(file_problems=refused.problems)
        return render(request, "metrics/response_import_preview.html", context)
    except MappingInvalid as invalid:
        for _what, message in invalid.problems:
            messages.error(request, message)
        return redirect("metrics:response-import-mapping", token=token)
    assert check.mapped is not None
    unmatched = [
        {
            "value": entry.value,
            "lines": entry.lines,
            "journey": matcher.journey_name(entry.journey_id),
            "suggestion": entry.suggestion,
            "choices": matcher.touchpoints_of(entry.journey_id),
        }
        for entry in list(check.mapped.unmatched.values())[:MAX_VALUE_PICKERS]
    ]
    context.update(
        check=check,
        records=_preview_records(check, matcher),
        problems=check.problems[:SHOWN_PROBLEMS],
        unmatched=unmatched,
        generated_respondents=check.mapped.generated_respondents,
        example_respondent=check.mapped.preview[0][1]["respondent"] if check.mapped.preview else "",
    )
    return render(request, "metrics/response_import_preview.html", context)


@require_POST
def response_import_values(request: HttpRequest, token: str) -> HttpResponse:
    """Map touchpoint values the file writes differently onto touchpoints (from the preview)."""
    _require_ingester(request)
    _own_upload(request, token)
    mapping = _mapping_of(request, token)
    if mapping is None:
        raise Http404(_("This upload has no column mapping."))
    chosen = mapping.values.setdefault("touchpoint", {})
    picked: list[tuple[str, int]] = []
    for key, value in request.POST.items():
        if not key.startswith("value-") or not value:
            continue
        raw = request.POST.get("raw-" + key.removeprefix("value-"), "")
        try:
            touchpoint_id = int(value)
        except ValueError:
            continue
        if raw.strip():
            picked.append((raw, touchpoint_id))
    # Only the touchpoints picked, not every touchpoint there is.
    known = set(Touchpoint.all_objects.filter(pk__in={pk for _raw, pk in picked}).values_list("pk", flat=True))
    count = 0
    for raw, touchpoint_id in picked:
        if touchpoint_id in known:
            chosen[norm(raw)] = touchpoint_id
            count += 1
    _keep_mapping(request, token, mapping)
    if count:
        messages.success(request, _("Mapped %(count)d values onto touchpoints.") % {"count": count})
    else:
        messages.info(request, _("No value was mapped: choose a touchpoint for a value first."))
    return redirect("metrics:response-import-preview", token=token)


def _import(request: HttpRequest, token: str, file: Path, mapping: Mapping | None) -> HttpResponse:
    skip_invalid = request.POST.get("skip_invalid") == "on"
    error_file = _upload_path(token, ".errors.csv")
    name = _uploads(request)[token]
    try:
        with file.open("rb") as source:
            if mapping is not None:
                if skip_invalid:
                    with error_file.open("w", encoding="utf-8", newline="") as error_csv:
                        result = responses_import_table(
                            file=source, name=name, mapping=mapping, skip_invalid=True, error_csv=error_csv
                        )
                else:
                    result = responses_import_table(file=source, name=name, mapping=mapping)
            elif skip_invalid:
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


@require_http_methods(["GET", "POST"])
def import_preset_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_ingester(request)
    preset = get_object_or_404(ImportPreset, pk=pk)
    if request.method == "POST":
        import_preset_delete(preset=preset)
        messages.success(request, _("The preset “%(name)s” was deleted.") % {"name": preset.name})
        return redirect("metrics:response-import")
    return render(request, "metrics/import_preset_confirm_delete.html", {"preset": preset})
