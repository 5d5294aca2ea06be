"""A survey source's mapping editor: a pasted sample read, the mapping as selects, its preview (htmx), saved."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cxplatform.lib.forms import add_service_errors
from cxplatform.lib.versioning import StaleVersion
from metrics.connectors.mapping import METRICS, mapping_suggest, read_score
from metrics.connectors.selectors import latest_webhook_body
from metrics.connectors.services import (
    Preview,
    mapping_preview,
    source_update,
)
from metrics.connectors.vendors import Answer, Submission
from metrics.forms.connectors import (
    FIXABLE_TARGETS,
    SOURCED_TARGETS,
    TARGET_TEXT,
    MappingForm,
)
from metrics.models import METRIC_SCALES, SurveySource

from .common import (
    load_source,
    pretty_json,
    require_ingester,
    vendor_label,
    vendor_of,
)

# The mapping


def _found(preview: Preview | None) -> dict[str, dict[str, Any]]:
    """The questions, hidden fields and metadata of the sample's submissions (the first value of each)."""
    found: dict[str, dict[str, Any]] = {"answers": {}, "hidden": {}, "meta": {}}
    if preview is None:
        return found
    for submission in preview.submissions:
        for ref, answer in submission.answers.items():
            found["answers"].setdefault(ref, answer)
        for name, value in submission.hidden.items():
            found["hidden"].setdefault(name, value)
        for name, value in _flatten(submission.meta):
            found["meta"].setdefault(name, value)
    return found


def _shown(value: Any) -> str:
    """A sample value as text: a list of choices joined, an object as JSON."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ", ".join(str(item) for item in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _flatten(meta: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Metadata as dotted paths to scalars ("source.utm_campaign"), as the mapping's "meta" keys read them."""
    if isinstance(meta, dict):
        rows: list[tuple[str, Any]] = []
        for name, value in meta.items():
            rows.extend(_flatten(value, f"{prefix}{name}."))
        return rows
    return [(prefix.rstrip("."), meta)] if prefix else []


def _submissions_for_suggestion(found: dict[str, dict[str, Any]]) -> list[Submission]:
    answers = {ref: Answer(ref, a.get("value"), a.get("label") or "") for ref, a in found["answers"].items()}
    return [Submission(external_id="sample", responded_at=None, answers=answers, hidden=dict(found["hidden"]))]


def _scale_warnings(form: MappingForm, found: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Per metric field: the sample's answer to the chosen question when it is off the metric's scale."""
    warnings: dict[str, str] = {}
    for metric in METRICS:
        ref = form[metric].value()
        answer = found["answers"].get(ref) if ref else None
        if answer is None or answer.get("value") in (None, "", []):
            continue
        score = read_score(answer.get("value"))
        low, high = METRIC_SCALES[metric]
        if score is None:
            warnings[metric] = _("The sample answers %(value)s: not a whole number, so not a %(metric)s score.") % {
                "value": answer.get("value"),
                "metric": metric.upper(),
            }
        elif not low <= score <= high:
            warnings[metric] = _(
                "The sample answers %(score)d, outside the %(metric)s scale (%(low)d to %(high)d): is this the "
                "right question?"
            ) % {"score": score, "metric": metric.upper(), "low": low, "high": high}
    return warnings


def _latest_body(source: SurveySource) -> str:
    """The latest webhook delivery's payload, pretty, to start the mapping from ("" when none came yet)."""
    body = latest_webhook_body(source=source)
    return pretty_json(body) if body else ""


def _mapping_page(
    request: HttpRequest,
    source: SurveySource,
    form: MappingForm,
    *,
    found: dict[str, dict[str, Any]],
    preview: Preview | None = None,
    sample_error: str = "",
    reasons: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    names = sorted({*found["hidden"], *found["meta"], *found["answers"]})
    metric_rows = [
        (form[metric], _scale_warnings(form, found).get(metric), (reasons or {}).get(metric)) for metric in METRICS
    ]
    target_rows = [
        {
            "name": target,
            "label": TARGET_TEXT[target],
            "origin": form[f"{target}_from"],
            "key": form[f"{target}_key"],
            "fixed": form[f"{target}_fixed"] if target in FIXABLE_TARGETS else None,
            "reason": (reasons or {}).get(target),
        }
        for target in SOURCED_TARGETS
    ]
    shown = {
        "answers": [(ref, a.get("label") or "", _shown(a.get("value"))) for ref, a in found["answers"].items()],
        "hidden": [(name, _shown(value)) for name, value in found["hidden"].items()],
        "meta": [(name, _shown(value)) for name, value in found["meta"].items()],
    }
    context = {
        "source": source,
        "vendor_label": vendor_label(source.vendor),
        "form": form,
        "found": shown,
        "has_sample": any(found.values()),
        "names": names,
        "metric_rows": metric_rows,
        "target_rows": target_rows,
        "comment_reason": (reasons or {}).get("comment"),
        **_preview_context(preview),
        "sample_error": sample_error,
    }
    return render(request, "metrics/connectors/source_mapping.html", context, status=status)


def _preview_context(preview: Preview | None) -> dict[str, Any]:
    stored = sum(len(s.records) for s in preview.submissions if not s.problems) if preview else 0
    return {"preview": preview, "stored_count": stored}


def _read(source: SurveySource, sample: str) -> tuple[Preview | None, str]:
    """The sample read without a mapping: its submissions (for the found fields), or why it cannot be read."""
    if not sample.strip():
        return None, ""
    preview = mapping_preview(source=source, mapping={}, sample_body=sample)
    return preview, preview.error or preview.ignored


@require_http_methods(["GET", "POST"])
def source_mapping_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_ingester(request)
    source = load_source(pk)
    if vendor_of(source) is None:
        raise Http404(_("This source's survey tool is no longer available."))
    mapping = source.mapping or {}
    if request.method == "GET":
        sample = _latest_body(source)
        read, error = _read(source, sample)
        found = _found(read)
        form = MappingForm(initial={"sample": sample}, mapping=mapping, found=found, version=source.version)
        return _mapping_page(request, source, form, found=found, sample_error=error)

    sample = request.POST.get("sample", "")
    read, error = _read(source, sample)
    found = _found(read)
    action = request.POST.get("action", "save")
    if action == "read":
        # A fresh sample: propose a mapping for what is still unmapped, and say why each was proposed.
        reasons: dict[str, str] = {}
        proposed = mapping
        if found["answers"] and not (mapping.get("metrics") and mapping.get("journey")):
            suggestion = mapping_suggest(_submissions_for_suggestion(found))
            proposed = {**suggestion.mapping, **{k: v for k, v in mapping.items() if v}}
            reasons = suggestion.reasons
        form = MappingForm(
            initial={"sample": sample, "version": request.POST.get("version")},
            mapping=proposed,
            found=found,
            version=_posted_version(request, source),
        )
        return _mapping_page(request, source, form, found=found, sample_error=error, reasons=reasons)

    form = MappingForm(request.POST, mapping=mapping, found=found, version=source.version)
    if not form.is_valid():
        if action == "preview" and request.htmx:
            return render(
                request,
                "metrics/connectors/_mapping_preview.html",
                {"form_errors": True, "form": form},
            )  # 200: htmx swaps only successful answers in
        return _mapping_page(request, source, form, found=found, sample_error=error, status=422)
    if action == "preview":
        preview = mapping_preview(source=source, mapping=form.clean_mapping, sample_body=sample)
        if request.htmx:
            return render(request, "metrics/connectors/_mapping_preview.html", _preview_context(preview))
        return _mapping_page(request, source, form, found=found, preview=preview, sample_error=error)
    try:
        source_update(source=source, expected_version=form.cleaned_data["version"] or 0, mapping=form.clean_mapping)
    except StaleVersion as stale:
        if stale.current is None:
            messages.error(request, stale.message)
            return redirect("metrics:source-list")
        form.add_error(
            None, _("Someone else changed this source's mapping meanwhile: it was not saved. Check it again and save.")
        )
        form.data = form.data.copy()
        form.data["version"] = str(stale.current.version)  # type: ignore[attr-defined]
        return _mapping_page(request, source, form, found=found, sample_error=error, status=409)
    except ValidationError as error_:
        add_service_errors(form, error_)
        return _mapping_page(request, source, form, found=found, sample_error=error, status=422)
    messages.success(
        request,
        _("The mapping of “%(name)s” is saved. Rejected deliveries can now be replayed.") % {"name": source.name},
    )
    return redirect("metrics:source", pk=pk)


def _posted_version(request: HttpRequest, source: SurveySource) -> int:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else source.version
