"""The follow-up pages: the inbox of cases, and one case with the forms that work it.

Writes go through metrics.services.followups and are checked with metrics.permissions, like the API: a refusal
is a 403 with the reason. A form based on an outdated version of the case is refused (409) and the page shows
the case as it is now, and the user's form again with what they typed beside what someone else changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cxplatform.lib.forms import add_service_errors, rebase_stale_form
from cxplatform.lib.versioning import StaleVersion
from metrics.forms.followups import CaseActionForm, CaseLinkForm, CaseReassignForm, CaseStatusForm, FollowUpFilter
from metrics.models import CaseStatus, FollowUpCase
from metrics.permissions import (
    NOT_A_CASE_ASSIGNER,
    NOT_A_CASE_READER,
    NOT_YOUR_CASE,
    can_reassign_case,
    can_see_all_cases,
    can_see_case,
    can_work_case,
)
from metrics.selectors.followups import (
    followup_action_choices,
    followup_action_prefill,
    followup_assignable_users,
    followup_detail,
    followup_list,
)
from metrics.services.followups import followup_action_create, followup_update

PAGE_SIZE = 25


# The inbox


def followup_inbox(request: HttpRequest) -> HttpResponse:
    see_all = can_see_all_cases(request.user)
    filters = FollowUpFilter(request.GET or None, queryset=followup_list(user=request.user), with_owner=see_all)
    rows = filters.qs if filters.is_bound and filters.is_valid() else filters.queryset
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "metrics/followup_inbox.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "see_all": see_all,
            "is_filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


# One case


def _load(request: HttpRequest, pk: int) -> FollowUpCase:
    try:
        case = followup_detail(pk=pk)
    except FollowUpCase.DoesNotExist:
        raise Http404(_("No such follow-up case.")) from None
    if not can_see_case(request.user, case):
        raise PermissionDenied(NOT_A_CASE_READER)
    return case


def _context(request: HttpRequest, case: FollowUpCase, **forms) -> dict:
    can_work = can_work_case(request.user, case)
    context = {"case": case, "response": case.response, "can_work": can_work, "can_reassign": False}
    if can_work:
        context.update(
            status_form=forms.get("status_form") or CaseStatusForm(case=case),
            link_form=forms.get("link_form") or CaseLinkForm(case=case, actions=followup_action_choices(case=case)),
            action_form=forms.get("action_form")
            or CaseActionForm(initial={**followup_action_prefill(case=case), "version": case.version}),
        )
    if can_reassign_case(request.user):
        context["can_reassign"] = True
        context["reassign_form"] = forms.get("reassign_form") or CaseReassignForm(
            case=case, users=followup_assignable_users()
        )
    context["unsaved_note"] = forms.get("unsaved_note", "")
    return context


def followup_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load(request, pk)
    return render(request, "metrics/followup_detail.html", _context(request, case))


def _working(request: HttpRequest, pk: int) -> FollowUpCase:
    case = _load(request, pk)
    if not can_work_case(request.user, case):
        raise PermissionDenied(NOT_YOUR_CASE)
    return case


def _stale(request: HttpRequest, pk: int, stale: StaleVersion, form_name: str, form) -> HttpResponse:
    """Refuse an edit based on an outdated case: show the case as it is now, and the user's form again with
    what they typed, now based on the current version, beside what someone else changed (409)."""
    if stale.current is None:
        messages.error(request, stale.message)
        return redirect("metrics:followup-inbox")
    case = _load(request, pk)
    form_for = FORMS[form_name]
    rebased = rebase_stale_form(
        form,
        stale,
        fresh_form=lambda current: form_for(None, case),
        bound_form=lambda data, current: form_for(data, case),
    )
    return render(request, "metrics/followup_detail.html", _context(request, case, **{form_name: rebased}), status=409)


def _invalid(request: HttpRequest, case: FollowUpCase, **forms) -> HttpResponse:
    return render(request, "metrics/followup_detail.html", _context(request, case, **forms), status=422)


# How each form of the page is made for a case: (data or None, case) -> form, unbound ones with its values.
FORMS = {
    "status_form": lambda data, case: CaseStatusForm(data, case=case),
    "link_form": lambda data, case: CaseLinkForm(data, case=case, actions=followup_action_choices(case=case)),
    "action_form": lambda data, case: CaseActionForm(
        data, initial={**followup_action_prefill(case=case), "version": case.version}
    ),
    "reassign_form": lambda data, case: CaseReassignForm(data, case=case, users=followup_assignable_users()),
}


def _write(request: HttpRequest, case: FollowUpCase, form_name: str, form, write):
    """Run `write` (a service call) for a valid form. Returns (its result, None), or (None, the page to show
    instead): the user's form again, based on the case as it is now, when it was based on an older version
    (409), or the form with the service's errors (422)."""
    try:
        return write(), None
    except StaleVersion as stale:
        return None, _stale(request, case.pk, stale, form_name, form)
    except ValidationError as error:
        add_service_errors(form, error)
        return None, _invalid(request, case, **{form_name: form})


@require_POST
def followup_status_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _working(request, pk)
    form = CaseStatusForm(request.POST, case=case)
    if not form.is_valid():
        return _invalid(request, case, status_form=form)
    data = form.cleaned_data
    _case, refusal = _write(
        request,
        case,
        "status_form",
        form,
        lambda: followup_update(
            case=case, expected_version=data["version"], status=data["status"], outcome=data["outcome"]
        ),
    )
    if refusal:
        return refusal
    messages.success(request, _("The case is now: %(status)s.") % {"status": CaseStatus(case.status).label})
    return redirect("metrics:followup", pk=pk)


@require_POST
def followup_link_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _working(request, pk)
    form = CaseLinkForm(request.POST, case=case, actions=followup_action_choices(case=case))
    if not form.is_valid():
        return _invalid(request, case, link_form=form)
    action = form.cleaned_data["action"]
    version = form.cleaned_data["version"]
    _case, refusal = _write(
        request, case, "link_form", form, lambda: followup_update(case=case, expected_version=version, action=action)
    )
    if refusal:
        return refusal
    if action is None:
        messages.success(request, _("The case is no longer linked to an improvement action."))
    else:
        messages.success(request, _("The case is linked to “%(title)s”.") % {"title": action.title})
    return redirect("metrics:followup", pk=pk)


@require_POST
def followup_action_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _working(request, pk)
    form = CaseActionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, action_form=form)
    data = form.cleaned_data
    action, refusal = _write(
        request,
        case,
        "action_form",
        form,
        lambda: followup_action_create(
            case=case,
            expected_version=data["version"],
            by=request.user,
            title=data["title"],
            description=data["description"],
        ),
    )
    if refusal:
        return refusal
    messages.success(
        request,
        _("Improvement action “%(title)s” proposed and linked to this case.") % {"title": action.title},
    )
    return redirect("metrics:followup", pk=pk)


@require_POST
def followup_reassign_view(request: HttpRequest, pk: int) -> HttpResponse:
    case = _load(request, pk)
    if not can_reassign_case(request.user):
        raise PermissionDenied(NOT_A_CASE_ASSIGNER)
    form = CaseReassignForm(request.POST, case=case, users=followup_assignable_users())
    if not form.is_valid():
        return _invalid(request, case, reassign_form=form)
    owner = form.cleaned_data["owner"]
    version = form.cleaned_data["version"]
    _case, refusal = _write(
        request, case, "reassign_form", form, lambda: followup_update(case=case, expected_version=version, owner=owner)
    )
    if refusal:
        return refusal
    if owner is None:
        messages.success(request, _("The case is now unassigned."))
    else:
        name = owner.get_full_name() or owner.username
        messages.success(request, _("The case now belongs to %(name)s.") % {"name": name})
    return redirect("metrics:followup", pk=pk)
