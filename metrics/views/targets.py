"""The target pages: every NPS, CSAT and CES target, grouped by scope (the whole organisation, journeys,
touchpoints), and the forms to set, change and remove one.

Everyone reads; managers and admins write (metrics.permissions.can_manage_kpis), like the API: a refusal is a
403 with the reason. Reads go through metrics.selectors.targets, writes through metrics.services.targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cxplatform.lib.forms import (
    add_service_errors,
    delete_confirmation,
    submit_versioned_delete,
    versioned_edit_page,
)
from metrics.formatting import target_text
from metrics.forms.targets import TargetForm, journey_label
from metrics.models import Metric, MetricTarget
from metrics.permissions import NOT_A_KPI_MANAGER, can_manage_kpis
from metrics.selectors.targets import target_index, target_list
from metrics.services.targets import target_create, target_delete, target_update

METRIC_ORDER = {metric: position for position, metric in enumerate(Metric.values)}  # NPS, CSAT, CES
SCALES = {
    Metric.NPS: gettext_lazy("NPS score, -100 to +100"),
    Metric.CSAT: gettext_lazy("% satisfied (4-5 of 5)"),
    Metric.CES: gettext_lazy("mean ease, 1 to 7"),
}


def scope_text(target: MetricTarget) -> str:
    if target.touchpoint_id is not None:
        return _("the touchpoint “%(touchpoint)s” of “%(journey)s”") % {
            "touchpoint": target.touchpoint.name,
            "journey": journey_label(target.journey),
        }
    if target.journey_id is not None:
        return _("the journey “%(journey)s”") % {"journey": journey_label(target.journey)}
    return _("the whole organisation")


def _for_display(target: MetricTarget) -> MetricTarget:
    target.value_text = target_text(target.metric, target.value)
    target.scale_text = SCALES[target.metric]
    target.scope_text = scope_text(target)
    user = target.updated_by
    target.updated_by_name = (user.get_full_name() or user.username) if user else ""
    return target


def _with_scope():
    return MetricTarget.objects.select_related("journey", "touchpoint", "updated_by")


def _require_manager(request: HttpRequest) -> None:
    if not can_manage_kpis(request.user):
        raise PermissionDenied(NOT_A_KPI_MANAGER)


# The list


@dataclass
class JourneyTargets:
    label: str
    targets: list[MetricTarget] = field(default_factory=list)


def _order(target: MetricTarget) -> tuple:
    journey = target.journey
    touchpoint = target.touchpoint
    return (
        journey.name if journey else "",
        journey.pk if journey else 0,
        touchpoint.stage.position if touchpoint else -1,
        touchpoint.position if touchpoint else -1,
        touchpoint.pk if touchpoint else 0,
        METRIC_ORDER[target.metric],
    )


ORGANISATION_EMPTY = gettext_lazy(
    "No organisation-wide targets: a journey or touchpoint without a target of its own has none."
)
JOURNEYS_EMPTY = gettext_lazy("No journey has a target of its own: the organisation's apply.")
TOUCHPOINTS_EMPTY = gettext_lazy("No touchpoint has a target of its own: its journey's or the organisation's apply.")


@dataclass
class TargetSection:
    """One table of the targets page (templates/metrics/_target_table.html): the targets of one scope, or for
    the touchpoints their groups by journey."""

    scope: str
    heading: str
    empty: str
    targets: list = field(default_factory=list)
    groups: list = field(default_factory=list)


def target_index_view(request: HttpRequest) -> HttpResponse:
    organisation, journeys, touchpoints = [], [], {}
    for target in sorted(target_list(), key=_order):
        _for_display(target)
        if target.touchpoint_id is not None:
            group = touchpoints.setdefault(target.journey_id, JourneyTargets(journey_label(target.journey)))
            group.targets.append(target)
        elif target.journey_id is not None:
            target.journey_text = journey_label(target.journey)
            journeys.append(target)
        else:
            organisation.append(target)
    sections = [
        TargetSection("organisation", gettext_lazy("Whole organisation"), ORGANISATION_EMPTY, targets=organisation),
        TargetSection("journeys", gettext_lazy("Journeys"), JOURNEYS_EMPTY, targets=journeys),
        TargetSection("touchpoints", gettext_lazy("Touchpoints"), TOUCHPOINTS_EMPTY, groups=list(touchpoints.values())),
    ]
    return render(
        request,
        "metrics/target_list.html",
        {
            "sections": sections,
            "has_targets": bool(organisation or journeys or touchpoints),
            "can_manage": can_manage_kpis(request.user),
        },
    )


# Set, change, remove


@require_http_methods(["GET", "POST"])
def target_create_view(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    # ?metric=&journey=&touchpoint= preselect a scope (a link from a journey or touchpoint).
    initial = {name: request.GET[name] for name in ("metric", "journey", "touchpoint") if request.GET.get(name)}
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            target = target_create(user=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(metric)s target of %(value)s set for %(scope)s.")
                % {
                    "metric": target.get_metric_display(),
                    "value": target_text(target.metric, target.value),
                    "scope": scope_text(target),
                },
            )
            return redirect("metrics:target-list")
    status = 422 if form.is_bound else 200
    return render(request, "metrics/target_form.html", {"form": form, "target": None}, status=status)


@require_http_methods(["GET", "POST"])
def target_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = _for_display(get_object_or_404(_with_scope(), pk=pk))  # the heading says what is stored
    return versioned_edit_page(
        request,
        TargetForm(request.POST or None, instance=target),
        instance=target,
        save=lambda **data: target_update(target=target, user=request.user, **data),
        fresh_form=lambda current: TargetForm(instance=current),
        # After someone else's change, the page shows the target as it is now.
        current=lambda _stored: _for_display(_with_scope().get(pk=pk)),
        saved_message=lambda: (
            _("%(metric)s target of %(scope)s saved: %(value)s.")
            % {
                "metric": target.get_metric_display(),
                "scope": scope_text(target),
                "value": target_text(target.metric, target.value),
            }
        ),
        saved_url=reverse("metrics:target-list"),
        gone_url=reverse("metrics:target-list"),
        page=lambda form, shown, status: render(
            request, "metrics/target_form.html", {"form": form, "target": shown}, status=status
        ),
    )


def _after_removal(target: MetricTarget) -> str:
    """What applies to the target's scope once it is removed, in words."""
    level, value = target_index().after_removal(target)
    metric = target.get_metric_display()
    if level == "journey":
        return _("After this, the journey's %(metric)s target of %(value)s applies to this touchpoint.") % {
            "metric": metric,
            "value": target_text(target.metric, value),
        }
    if level == "organisation":
        return _("After this, the organisation's %(metric)s target of %(value)s applies here.") % {
            "metric": metric,
            "value": target_text(target.metric, value),
        }
    if target.journey_id is not None:
        return _("After this, no %(metric)s target applies here: the organisation has none.") % {"metric": metric}
    return _(
        "After this, only the journeys and touchpoints with a target of their own for %(metric)s have one; the rest "
        "have none."
    ) % {"metric": metric}


@require_http_methods(["GET", "POST"])
def target_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    target = get_object_or_404(_with_scope(), pk=pk)
    status = 200
    confirmation = None
    if request.method == "POST":
        outcome = submit_versioned_delete(
            request,
            delete=lambda version: target_delete(target=target, expected_version=version),
            form_of=lambda current: TargetForm(instance=current),
            current=lambda _fresh: _with_scope().get(pk=pk),
        )
        if outcome.deleted:
            messages.success(
                request,
                _("%(metric)s target of %(scope)s removed.")
                % {"metric": target.get_metric_display(), "scope": scope_text(target)},
            )
        if outcome.done:
            return redirect("metrics:target-list")
        target, confirmation, status = outcome.instance, outcome.confirmation, outcome.status
    context = {
        "target": _for_display(target),
        "after_removal": _after_removal(target),
        "confirmation": confirmation or delete_confirmation(TargetForm(instance=target)),
    }
    return render(request, "metrics/target_confirm_delete.html", context, status=status)
