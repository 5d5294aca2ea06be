"""The business-case pages: one improvement action's case (investment, gains, ROI, and the before/after effect
on its touchpoint's scores) with its form, and the list of all cases by ROI.

The action's page in the teams app links here through settings.ACTION_BUSINESS_CASE_URL, so that teams does
not import metrics. Writes go through metrics.services.business_cases, checked with metrics.permissions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cxplatform.lib.forms import (
    add_service_errors,
    delete_confirmation,
    submit_versioned_delete,
    submit_versioned_edit,
)
from metrics.forms.business_cases import BusinessCaseForm, BusinessCasePageFilter
from metrics.models import BusinessCase
from metrics.permissions import NOT_YOUR_BUSINESS_CASE, can_edit_business_case
from metrics.selectors.business_cases import (
    DEFAULT_EFFECT_WEEKS,
    action_effect,
    business_case_for_action,
    business_case_list,
    case_roi,
    gain_rows,
)
from metrics.services.business_cases import business_case_delete, business_case_save
from teams.models import ImprovementAction

PAGE_SIZE = 25


def _action(pk: int) -> ImprovementAction:
    return get_object_or_404(ImprovementAction.objects.select_related("journey", "touchpoint", "team"), pk=pk)


def _form(action: ImprovementAction, case: BusinessCase | None, data=None) -> BusinessCaseForm:
    if case is not None:
        return BusinessCaseForm(data, instance=case)
    # A new case starts from what the action's team estimated when they created it.
    initial = {"investment": action.expected_investment or None}
    return BusinessCaseForm(data, initial=initial)


def _context(request: HttpRequest, action: ImprovementAction, case: BusinessCase | None, form=None) -> dict:
    can_edit = can_edit_business_case(request.user, action)
    if can_edit and form is None:
        form = _form(action, case)
    return {
        "action": action,
        "case": case,
        "roi": case_roi(case) if case is not None else None,
        "gains": gain_rows(case),
        "effect": action_effect(action=action, weeks=case.effect_weeks if case else DEFAULT_EFFECT_WEEKS),
        "can_edit": can_edit,
        "form": form if can_edit else None,
    }


@require_http_methods(["GET", "POST"])
def business_case_view(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = _action(action_pk)
    case = business_case_for_action(action=action)
    if request.method == "GET":
        return render(request, "metrics/business_case.html", _context(request, action, case))
    if not can_edit_business_case(request.user, action):
        raise PermissionDenied(NOT_YOUR_BUSINESS_CASE)
    form = _form(action, case, request.POST)
    status = 422
    if form.is_valid() and case is None:
        data = form.cleaned_data
        try:
            business_case_save(
                action=action,
                investment=data["investment"],
                effect_weeks=data["effect_weeks"],
                notes=data["notes"],
                gains=form.gains(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Business case of “%(title)s” saved.") % {"title": action.title})
            return redirect("metrics:business-case", action_pk=action.pk)
    elif form.is_valid():

        def save(*, expected_version: int, **data) -> BusinessCase:
            return business_case_save(
                action=action,
                investment=data["investment"],
                effect_weeks=data["effect_weeks"],
                notes=data["notes"],
                gains=form.gains(),
                expected_version=expected_version,
            )

        edit = submit_versioned_edit(
            request, form, instance=case, save=save, fresh_form=lambda current: _form(action, current)
        )
        if edit.saved:
            messages.success(request, _("Business case of “%(title)s” saved.") % {"title": action.title})
            return redirect("metrics:business-case", action_pk=action.pk)
        # Stale: the user's input based on the current version, with theirs beside it (409).
        form, status = edit.form, (edit.status if edit.status == 409 else 422)
    if case is not None:
        # The form wrote the refused values onto `case`; the figures above the form show what is stored.
        case = business_case_for_action(action=action)
    return render(request, "metrics/business_case.html", _context(request, action, case, form), status=status)


@require_http_methods(["GET", "POST"])
def business_case_delete_view(request: HttpRequest, action_pk: int) -> HttpResponse:
    action = _action(action_pk)
    case = get_object_or_404(BusinessCase, action=action)
    if not can_edit_business_case(request.user, action):
        raise PermissionDenied(NOT_YOUR_BUSINESS_CASE)
    confirmation, status = None, 200
    if request.method == "POST":
        outcome = submit_versioned_delete(
            request,
            delete=lambda version: business_case_delete(case=case, expected_version=version),
            form_of=lambda current: _form(action, current),
        )
        if outcome.deleted:
            messages.success(request, _("Business case of “%(title)s” deleted.") % {"title": action.title})
        if outcome.done:
            return redirect("metrics:business-case", action_pk=action.pk)
        case, confirmation, status = outcome.instance, outcome.confirmation, outcome.status
    context = {"action": action, "case": case, "confirmation": confirmation or delete_confirmation(_form(action, case))}
    return render(request, "metrics/business_case_confirm_delete.html", context, status=status)


def business_case_index(request: HttpRequest) -> HttpResponse:
    filters = BusinessCasePageFilter(request.GET, queryset=business_case_list())
    sort = filters.chosen_sort()
    # A filter the form refuses (it says so): every case, in the order asked for.
    queryset = filters.qs if filters.is_valid() else filters.filter_sort(filters.queryset, "sort", sort)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.roi = case_roi(case)  # from the sums the query annotated: no query per case
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "metrics/business_case_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "sort": sort,
            "sort_links": _sort_links(request, sort),
            "is_filtered": any(v for k, v in request.GET.items() if k not in ("page", "sort")),
        },
    )


def _sort_links(request: HttpRequest, sort: str) -> dict[str, str]:
    """The URL each ROI column's heading links to, with the filters kept: highest first, or lowest first when the
    list is already sorted highest first by that column."""
    links = {}
    for column in ("expected_roi", "realised_roi"):
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = column if sort == f"-{column}" else f"-{column}"
        links[column] = f"?{query.urlencode()}"
    return links
