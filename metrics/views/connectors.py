"""The survey source pages: the list, a new source (choose the tool, then name it), one source (its endpoint URL
and signing secret to paste into the tool, its settings), the mapping editor with its preview on a sample
payload, the delivery log with replay, and the delete.

Every page is for those who may load survey responses (metrics.permissions.can_ingest_responses: CX editors and
admins); the others get 403 on each. Writes go through metrics.connectors.services, reads through
metrics.connectors.selectors. The signing secret is shown in full once, right after it was made (creation or
rotation): it travels to the source's page in the session, which forgets it on showing it.
"""

from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cxplatform.lib.emails import absolute_url
from cxplatform.lib.forms import add_service_errors, delete_confirmation, submit_versioned_delete, versioned_edit_page
from cxplatform.lib.versioning import StaleVersion
from metrics.connectors.mapping import METRICS, ORIGINS, TARGET_LABELS, mapping_suggest, read_score
from metrics.connectors.selectors import delivery_get, delivery_list, source_list
from metrics.connectors.services import (
    Preview,
    delivery_replay,
    mapping_preview,
    public_config,
    source_create,
    source_delete,
    source_rotate_secret,
    source_update,
)
from metrics.connectors.vendors import REGISTRY, Answer, Submission, Vendor, get_vendor, vendors
from metrics.forms.connectors import (
    FIXABLE_TARGETS,
    SOURCED_TARGETS,
    TARGET_TEXT,
    DeliveryFilter,
    MappingForm,
    PastedSecretForm,
    SourceCreateForm,
    SourceSettingsForm,
    config_of,
    prefixed_config_errors,
)
from metrics.models import METRIC_SCALES, Delivery, DeliveryStatus, SurveySource
from metrics.permissions import NOT_AN_INGESTER, can_ingest_responses

PAGE_SIZE = 25
DELIVERIES_PAGE_SIZE = 25
RECENT_DELIVERIES = 5
NEW_SECRET_SESSION_KEY = "survey_source_new_secret"  # noqa: S105 (a session key's name, not a secret)
REJECTED = (DeliveryStatus.REJECTED, DeliveryStatus.FAILED)


def _require_ingester(request: HttpRequest) -> None:
    if not can_ingest_responses(request.user):
        raise PermissionDenied(NOT_AN_INGESTER)


def _sources() -> QuerySet[SurveySource]:
    """The sources as source_list() gives them, with today's deliveries counted too (`stored_today`,
    `rejected_today`: since midnight, local time)."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    today = Q(deliveries__received_at__gte=midnight)
    return source_list().annotate(
        stored_today=Count("deliveries", filter=today & Q(deliveries__status=DeliveryStatus.STORED)),
        rejected_today=Count("deliveries", filter=today & Q(deliveries__status__in=REJECTED)),
    )


def _load(pk: int) -> SurveySource:
    try:
        return _sources().get(pk=pk)
    except SurveySource.DoesNotExist:
        raise Http404(_("No such survey source.")) from None


def _vendor_of(source: SurveySource) -> Vendor | None:
    """The source's tool; None when its module is gone (the pages still show and delete the source)."""
    vendors()
    return REGISTRY.get(source.vendor)


def _vendor_label(slug: str) -> str:
    vendors()
    vendor = REGISTRY.get(slug)
    return str(vendor.label) if vendor else slug


def _remember_secret(request: HttpRequest, source: SurveySource) -> None:
    secrets = request.session.get(NEW_SECRET_SESSION_KEY) or {}
    secrets[str(source.pk)] = source.secret
    request.session[NEW_SECRET_SESSION_KEY] = secrets


def _pop_secret(request: HttpRequest, source: SurveySource) -> str | None:
    secrets = request.session.get(NEW_SECRET_SESSION_KEY)
    if not secrets or str(source.pk) not in secrets:
        return None
    secret = secrets.pop(str(source.pk))
    request.session[NEW_SECRET_SESSION_KEY] = secrets
    return secret


# The list


def source_index(request: HttpRequest) -> HttpResponse:
    _require_ingester(request)
    page = Paginator(_sources().order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for source in page.object_list:
        source.vendor_label = _vendor_label(source.vendor)
    return render(request, "metrics/connectors/source_list.html", {"page": page, "is_filtered": False})


# A new source: the tool, then its name and settings


@require_http_methods(["GET", "POST"])
def source_create_view(request: HttpRequest) -> HttpResponse:
    _require_ingester(request)
    slug = request.GET.get("vendor", "")
    tools = sorted(vendors(), key=lambda vendor: (vendor.slug == "generic", str(vendor.label)))  # "any other" last
    if slug not in REGISTRY:
        status = 400 if slug else 200
        return render(
            request, "metrics/connectors/source_choose.html", {"vendors": tools, "unknown": slug}, status=status
        )
    vendor = get_vendor(slug)
    form = SourceCreateForm(request.POST or None, vendor=vendor, initial={"name": vendor.label})
    if request.method == "POST" and form.is_valid():
        try:
            source = source_create(
                name=form.cleaned_data["name"],
                vendor=slug,
                created_by=request.user,
                config=form.config(),
                secret=form.cleaned_data.get("secret"),
            )
        except ValidationError as error:
            add_service_errors(form, prefixed_config_errors(error, vendor))
        else:
            if not vendor.secret_from_tool:  # the user has the tool's own key already
                _remember_secret(request, source)
            messages.success(
                request,
                _("Survey source “%(name)s” created. Paste its endpoint URL and signing secret into %(tool)s.")
                % {"name": source.name, "tool": vendor.label},
            )
            return redirect("metrics:source", pk=source.pk)
    return render(
        request,
        "metrics/connectors/source_create.html",
        {"form": form, "vendor": vendor},
        status=422 if form.is_bound else 200,
    )


# One source


def _mapping_summary(source: SurveySource) -> list[tuple[str, str]]:
    """(what, where from) of each mapped entry, in words."""
    mapping = source.mapping or {}
    rows: list[tuple[str, str]] = []
    for metric, ref in (mapping.get("metrics") or {}).items():
        rows.append((metric.upper(), _("the answer to question %(ref)s") % {"ref": ref}))
    for target, label in TARGET_LABELS.items():
        spec = mapping.get(target)
        if not spec:
            continue
        if spec["from"] == "fixed":
            where = _("always %(value)s") % {"value": spec["value"]}
        else:
            where = f"{ORIGINS[spec['from']]} “{spec['key']}”"
        rows.append((str(label).capitalize(), where))
    return rows


def source_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_ingester(request)
    source = _load(pk)
    vendor = _vendor_of(source)
    recent = list(delivery_list(source=source).defer("body", "headers")[:RECENT_DELIVERIES])
    config = []
    if vendor is not None:
        shown = public_config(source)
        for config_field in vendor.config_fields:
            value = shown.get(config_field.name)
            config.append((config_field.label, config_field.secret, value))
    context = {
        "source": source,
        "vendor": vendor,
        "vendor_label": _vendor_label(source.vendor),
        "endpoint_url": absolute_url(source.hook_path),
        "new_secret": _pop_secret(request, source),
        "config": config,
        "mapping_rows": _mapping_summary(source),
        "is_mapped": bool((source.mapping or {}).get("metrics")) and bool((source.mapping or {}).get("journey")),
        "recent": recent,
    }
    return render(request, "metrics/connectors/source_detail.html", context)


@require_http_methods(["GET", "POST"])
def source_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_ingester(request)
    source = _load(pk)
    vendor = _vendor_of(source)
    if vendor is None:
        raise Http404(_("This source's survey tool is no longer available."))

    def save(*, expected_version: int, name: str, active: bool, **config: Any) -> SurveySource:
        try:
            return source_update(
                source=source, expected_version=expected_version, name=name, active=active, config=config_of(config)
            )
        except ValidationError as error:
            raise prefixed_config_errors(error, vendor) from None

    return versioned_edit_page(
        request,
        SourceSettingsForm(request.POST or None, instance=source, vendor=vendor),
        instance=source,
        save=save,
        fresh_form=lambda current: SourceSettingsForm(instance=current, vendor=vendor),
        bound_form=lambda data, current: SourceSettingsForm(data, instance=current, vendor=vendor),
        saved_message=lambda: _("Survey source “%(name)s” saved.") % {"name": source.name},
        saved_url=reverse("metrics:source", args=[pk]),
        gone_url=reverse("metrics:source-list"),
        page=lambda form, shown, status: render(
            request, "metrics/connectors/source_edit.html", {"form": form, "source": shown}, status=status
        ),
    )


@require_http_methods(["GET", "POST"])
def source_rotate_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_ingester(request)
    source = _load(pk)
    vendor = _vendor_of(source)
    if vendor is None:
        raise Http404(_("This source's survey tool is no longer available."))
    # A tool that makes the key itself (SurveyMonkey): the user pastes the new one.
    form = PastedSecretForm(request.POST or None, vendor=vendor) if vendor.secret_from_tool else None
    status = 200
    if request.method == "POST" and (form is None or form.is_valid()):
        version = request.POST.get("version", "")
        try:
            source = source_rotate_secret(
                source=source,
                expected_version=int(version) if version.isdigit() else 0,
                secret=form.cleaned_data["secret"] if form else None,
            )
        except StaleVersion as stale:
            messages.error(request, stale.message)
            if stale.current is None:
                return redirect("metrics:source-list")
            return redirect("metrics:source-rotate", pk=pk)
        except ValidationError as error:
            add_service_errors(form or PastedSecretForm(vendor=vendor), error)
        else:
            if form is None:
                _remember_secret(request, source)
                message = _("The signing secret of “%(name)s” was replaced: paste the new one into the tool now.")
            else:
                message = _("The signing key of “%(name)s” was replaced.")
            messages.success(request, message % {"name": source.name})
            return redirect("metrics:source", pk=pk)
    if form is not None and form.is_bound and form.errors:
        status = 422
    context = {"source": source, "vendor": vendor, "form": form}
    return render(request, "metrics/connectors/source_rotate.html", context, status=status)


@require_http_methods(["GET", "POST"])
def source_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_ingester(request)
    source = _load(pk)
    vendor = _vendor_of(source)

    def form_of(instance: Any) -> SourceSettingsForm:
        return SourceSettingsForm(instance=instance, vendor=vendor)

    confirmation, status = None, 200
    if request.method == "POST":
        outcome = submit_versioned_delete(
            request,
            delete=lambda version: source_delete(source=source, expected_version=version or 0),
            form_of=form_of,
            current=lambda fresh: _load(fresh.pk),
        )
        if outcome.deleted:
            messages.success(
                request,
                _("Survey source “%(name)s” deleted. The responses it brought stay.") % {"name": source.name},
            )
        if outcome.done:
            return redirect("metrics:source-list")
        source, confirmation, status = outcome.instance, outcome.confirmation, outcome.status  # type: ignore[assignment]
    context = {
        "source": source,
        "vendor_label": _vendor_label(source.vendor),
        "confirmation": confirmation or delete_confirmation(form_of(source)),
    }
    return render(request, "metrics/connectors/source_confirm_delete.html", context, status=status)


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
    body = (
        Delivery.objects.filter(source=source, origin="webhook")
        .order_by("-received_at", "-id")
        .values_list("body", flat=True)
        .first()
    )
    return _pretty(body) if body else ""


def _pretty(body: str) -> str:
    try:
        return json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        return body


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
        "vendor_label": _vendor_label(source.vendor),
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
    _require_ingester(request)
    source = _load(pk)
    if _vendor_of(source) is None:
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


# Deliveries


def source_deliveries_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_ingester(request)
    source = _load(pk)
    filters = DeliveryFilter(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    deliveries = delivery_list(source=source, status=status or None).defer("body", "headers")
    page = Paginator(deliveries, DELIVERIES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "source": source,
        "vendor_label": _vendor_label(source.vendor),
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
    _require_ingester(request)
    source = _load(pk)
    delivery = _load_delivery(source, delivery_pk)
    context = {
        "source": source,
        "delivery": delivery,
        "payload": _pretty(delivery.body),
        "reasons": [line for line in delivery.reason.splitlines() if line.strip()],
    }
    return render(request, "metrics/connectors/delivery_detail.html", context)


@require_POST
def delivery_replay_view(request: HttpRequest, pk: int, delivery_pk: int) -> HttpResponse:
    _require_ingester(request)
    source = _load(pk)
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
