"""The custom-KPI pages: the list with each KPI's status, one KPI with its measurements (record one, or upload
a CSV), and the forms to define, edit and delete a KPI.

Reads go through metrics.selectors.custom_kpis, writes through metrics.services, with the permission checks of
metrics.permissions, like the API: a refusal is a 403 with the reason.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cxplatform.lib.forms import (
    add_service_errors,
    delete_confirmation,
    submit_versioned_delete,
    versioned_edit_page,
)
from metrics.forms.kpis import KpiFilter, KpiForm, MeasurementForm, MeasurementImportForm
from metrics.models import CustomKpi, KpiStatus
from metrics.permissions import NOT_A_KPI_MANAGER, NOT_A_MEASURER, can_manage_kpis, can_record_measurements
from metrics.selectors.custom_kpis import kpi_detail, kpi_list, measurement_list
from metrics.services.kpi_csv import ImportRefused, measurements_import_csv
from metrics.services.kpis import kpi_create, kpi_delete, kpi_update, measurement_record

PAGE_SIZE = 25
MEASUREMENTS_PAGE_SIZE = 24


def _number(value: Decimal | None) -> str:
    """A stored value (four decimals) as people write it: 96.5, not 96.5000; with the locale's separators."""
    if value is None:
        return ""
    places = max(-value.normalize().as_tuple().exponent, 0)
    return number_format(value, decimal_pos=places, force_grouping=True)


def _for_display(rows, *numbers: str) -> None:
    """Give each row its status in words (`status_label`) and each of `numbers` as text (`<name>_text`)."""
    labels = {status: str(label) for status, label in KpiStatus.choices}  # translated once, not per row
    for row in rows:
        row.status_label = labels[row.status]
        for name in numbers:
            setattr(row, f"{name}_text", _number(getattr(row, name)))


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_kpis(request.user):
        raise PermissionDenied(NOT_A_KPI_MANAGER)


def _require_measurer(request: HttpRequest) -> None:
    if not can_record_measurements(request.user):
        raise PermissionDenied(NOT_A_MEASURER)


def _load(pk: int) -> CustomKpi:
    try:
        return kpi_detail(pk=pk)
    except CustomKpi.DoesNotExist:
        raise Http404(_("No such KPI.")) from None


# The list


def kpi_index(request: HttpRequest) -> HttpResponse:
    filters = KpiFilter(request.GET or None, queryset=kpi_list())
    queryset = filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    _for_display(page.object_list, "latest_value", "target")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "metrics/kpi_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "is_filtered": any(v for k, v in request.GET.items() if k != "page"),
            "can_manage": can_manage_kpis(request.user),
        },
    )


# One KPI


def _detail_context(request: HttpRequest, kpi: CustomKpi, **extra) -> dict:
    _for_display([kpi], "latest_value", "target", "tolerance")
    page = Paginator(measurement_list(kpi=kpi), MEASUREMENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    _for_display(page.object_list, "value")
    can_record = can_record_measurements(request.user)
    return {
        "kpi": kpi,
        "page": page,
        "can_manage": can_manage_kpis(request.user),
        "can_record": can_record,
        "measurement_form": extra.get("measurement_form") or (MeasurementForm() if can_record else None),
        "import_form": extra.get("import_form") or (MeasurementImportForm() if can_record else None),
        "import_problems": extra.get("import_problems", []),
    }


def kpi_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "metrics/kpi_detail.html", _detail_context(request, _load(pk)))


@require_POST
def measurement_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_measurer(request)
    kpi = get_object_or_404(CustomKpi, pk=pk)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            measurement_record(kpi=kpi, period_start=data["period_start"], value=data["value"], note=data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(kpi)s: %(value)s recorded for the period from %(period)s.")
                % {"kpi": kpi.name, "value": data["value"], "period": data["period_start"].isoformat()},
            )
            return redirect("metrics:kpi", pk=pk)
    context = _detail_context(request, _load(pk), measurement_form=form)
    return render(request, "metrics/kpi_detail.html", context, status=422)


@require_POST
def measurement_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_measurer(request)
    kpi = get_object_or_404(CustomKpi, pk=pk)
    form = MeasurementImportForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            result = measurements_import_csv(kpi=kpi, file=form.cleaned_data["file"])
        except ImportRefused as refused:
            problems = refused.problems
        else:
            messages.success(
                request,
                _("%(recorded)s measurements recorded, of which %(replaced)s replaced an earlier value.")
                % {"recorded": result.recorded, "replaced": result.replaced},
            )
            return redirect("metrics:kpi", pk=pk)
    context = _detail_context(request, _load(pk), import_form=form, import_problems=problems)
    return render(request, "metrics/kpi_detail.html", context, status=422)


# Define, edit, delete


@require_http_methods(["GET", "POST"])
def kpi_create_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = KpiForm(request.POST or None, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            kpi = kpi_create(**data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("KPI “%(name)s” created. Record its first measurement.") % {"name": kpi.name})
            return redirect("metrics:kpi", pk=kpi.pk)
    return render(request, "metrics/kpi_form.html", {"form": form, "kpi": None}, status=422 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
def kpi_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    kpi = get_object_or_404(CustomKpi, pk=pk)
    return versioned_edit_page(
        request,
        KpiForm(request.POST or None, instance=kpi),
        instance=kpi,
        save=lambda **data: kpi_update(kpi=kpi, **data),
        fresh_form=lambda current: KpiForm(instance=current),
        saved_message=lambda: _("KPI “%(name)s” saved.") % {"name": kpi.name},
        saved_url=reverse("metrics:kpi", args=[pk]),
        gone_url=reverse("metrics:kpi-list"),
        page=lambda form, shown, status: render(
            request, "metrics/kpi_form.html", {"form": form, "kpi": shown}, status=status
        ),
    )


@require_http_methods(["GET", "POST"])
def kpi_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    kpi = get_object_or_404(CustomKpi, pk=pk)
    confirmation, status = None, 200
    if request.method == "POST":
        outcome = submit_versioned_delete(
            request,
            delete=lambda version: kpi_delete(kpi=kpi, expected_version=version),
            form_of=lambda current: KpiForm(instance=current),
        )
        if outcome.deleted:
            messages.success(request, _("KPI “%(name)s” deleted.") % {"name": kpi.name})
        if outcome.done:
            return redirect("metrics:kpi-list")
        kpi, confirmation, status = outcome.instance, outcome.confirmation, outcome.status
    context = {
        "kpi": kpi,
        "measurement_count": kpi.measurements.count(),
        "confirmation": confirmation or delete_confirmation(KpiForm(instance=kpi)),
    }
    return render(request, "metrics/kpi_confirm_delete.html", context, status=status)
