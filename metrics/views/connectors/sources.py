"""The survey source pages themselves: the list, a new source, one source, its settings, its secret, its delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cxplatform.lib.emails import absolute_url
from cxplatform.lib.forms import add_service_errors, delete_confirmation, submit_versioned_delete, versioned_edit_page
from cxplatform.lib.versioning import StaleVersion
from metrics.connectors.mapping import ORIGINS, TARGET_LABELS
from metrics.connectors.selectors import delivery_list, source_list_with_today
from metrics.connectors.services import (
    public_config,
    source_create,
    source_delete,
    source_rotate_secret,
    source_update,
)
from metrics.connectors.vendors import REGISTRY, get_vendor, vendors
from metrics.forms.connectors import (
    PastedSecretForm,
    SourceCreateForm,
    SourceSettingsForm,
    config_of,
    prefixed_config_errors,
)
from metrics.models import SurveySource

from .common import (
    PAGE_SIZE,
    RECENT_DELIVERIES,
    load_source,
    pop_secret,
    remember_secret,
    require_ingester,
    vendor_label,
    vendor_of,
)

# The list


def source_index(request: HttpRequest) -> HttpResponse:
    require_ingester(request)
    page = Paginator(source_list_with_today().order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for source in page.object_list:
        source.vendor_label = vendor_label(source.vendor)
    return render(request, "metrics/connectors/source_list.html", {"page": page, "is_filtered": False})


# A new source: the tool, then its name and settings


@require_http_methods(["GET", "POST"])
def source_create_view(request: HttpRequest) -> HttpResponse:
    require_ingester(request)
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
                remember_secret(request, source)
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
    require_ingester(request)
    source = load_source(pk)
    vendor = vendor_of(source)
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
        "vendor_label": vendor_label(source.vendor),
        "endpoint_url": absolute_url(source.hook_path),
        "new_secret": pop_secret(request, source),
        "config": config,
        "mapping_rows": _mapping_summary(source),
        "is_mapped": bool((source.mapping or {}).get("metrics")) and bool((source.mapping or {}).get("journey")),
        "recent": recent,
    }
    return render(request, "metrics/connectors/source_detail.html", context)


@require_http_methods(["GET", "POST"])
def source_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_ingester(request)
    source = load_source(pk)
    vendor = vendor_of(source)
    if vendor is None:
        raise Http404(_("This source's survey tool is no longer available."))

    def save(
        *,
        expected_version: int,
        name: str,
        active: bool,
        rate_limit: int,
        max_bytes: int,
        redact_kinds: list[str],
        **config: Any,
    ) -> SurveySource:
        try:
            return source_update(
                source=source,
                expected_version=expected_version,
                name=name,
                active=active,
                rate_limit=rate_limit,
                max_bytes=max_bytes,
                redact_kinds=redact_kinds,
                config=config_of(config),
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
    require_ingester(request)
    source = load_source(pk)
    vendor = vendor_of(source)
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
                remember_secret(request, source)
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
    require_ingester(request)
    source = load_source(pk)
    vendor = vendor_of(source)

    def form_of(instance: Any) -> SourceSettingsForm:
        return SourceSettingsForm(instance=instance, vendor=vendor)

    confirmation, status = None, 200
    if request.method == "POST":
        outcome = submit_versioned_delete(
            request,
            delete=lambda version: source_delete(source=source, expected_version=version or 0),
            form_of=form_of,
            current=lambda fresh: load_source(fresh.pk),
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
        "vendor_label": vendor_label(source.vendor),
        "confirmation": confirmation or delete_confirmation(form_of(source)),
    }
    return render(request, "metrics/connectors/source_confirm_delete.html", context, status=status)
