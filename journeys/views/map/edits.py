"""The write views of the map: add, edit, move, archive and delete stages, touchpoints and findings, and the
drag-and-drop reorder. Each answers with the board (journeys.views.map.board), or the editor dialog with its
form (journeys.views.map.dialogs).
"""

import json

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from journeys import services
from journeys.forms import FindingForm, StageForm, TouchpointForm
from journeys.models import Finding, FindingKind, Journey, Stage, Touchpoint
from journeys.views.map.board import board_response
from journeys.views.map.dialogs import (
    Gone,
    direction,
    edited_part,
    form_data,
    form_view,
    gone_dialog,
    map_write,
    part_of,
    posted_int,
    refused_delete,
)

# Stages


@map_write("GET", "POST")
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    form = StageForm(form_data(request))

    def save(form: StageForm) -> str:
        stage = services.stage_create(journey=journey, **form.changes())
        return _("Stage “%(name)s” added.") % {"name": stage.name}

    action = reverse("journeys:stage-create", args=[pk])
    return form_view(request, pk, form, title=_("Add a stage"), action=action, save=save)


@map_write("GET", "POST")
def stage_edit(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    action = reverse("journeys:stage-edit", args=[pk, stage_pk])
    try:
        stage = edited_part(request, Stage, stage_pk, pk, lambda: StageForm(request.POST, instance=Stage(pk=stage_pk)))
    except Gone as gone:
        return gone_dialog(request, gone.form, title=_("Edit the stage"), action=action)
    form = StageForm(form_data(request), instance=stage)

    def save(form: StageForm) -> str:
        saved = services.stage_update(
            stage=form.instance, expected_version=form.cleaned_data["version"], **form.changes()
        )
        return _("Stage “%(name)s” saved.") % {"name": saved.name}

    form_for = lambda data, current: StageForm(data, instance=current)  # noqa: E731
    return form_view(request, pk, form, title=_("Edit the stage"), action=action, save=save, form_for=form_for)


@map_write("POST")
def stage_delete(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    version = posted_int(request, "version")
    stage = part_of(Stage, stage_pk, pk)
    try:
        services.stage_delete(stage=stage, expected_version=version)
    except services.HasDependents as refused:
        return refused_delete(request, pk, refused, "stage-archive")
    return board_response(request, pk, message=_("Stage “%(name)s” deleted.") % {"name": stage.name})


@map_write("POST")
def stage_archive(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    version = posted_int(request, "version")
    stage = part_of(Stage, stage_pk, pk)
    services.stage_archive(stage=stage, expected_version=version)
    message = _("Stage “%(name)s” archived with its touchpoints; restore it from “Archived”.") % {"name": stage.name}
    return board_response(request, pk, message=message)


@map_write("POST")
def stage_move(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    offset = direction(request, {"left": -1, "right": 1})
    structure_version = posted_int(request, "structure_version")
    seen = posted_order(request, "seen_order", required=False)
    stage = part_of(Stage, stage_pk, pk)
    services.stage_step(stage=stage, offset=offset, seen=seen, expected_structure_version=structure_version)
    return board_response(request, pk, message=_("Stage “%(name)s” moved.") % {"name": stage.name})


# Touchpoints


@map_write("GET", "POST")
def touchpoint_create(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = part_of(Stage, stage_pk, pk)
    form = TouchpointForm(form_data(request))

    def save(form: TouchpointForm) -> str:
        touchpoint = services.touchpoint_create(stage=stage, **form.changes())
        return _("Touchpoint “%(name)s” added.") % {"name": touchpoint.name}

    action = reverse("journeys:touchpoint-create", args=[pk, stage_pk])
    title = _("Add a touchpoint to “%(stage)s”") % {"stage": stage.name}
    return form_view(request, pk, form, title=title, action=action, save=save)


@map_write("GET", "POST")
def touchpoint_edit(request: HttpRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    action = reverse("journeys:touchpoint-edit", args=[pk, touchpoint_pk])
    title = _("Edit the touchpoint")
    try:
        touchpoint = edited_part(
            request,
            Touchpoint,
            touchpoint_pk,
            pk,
            lambda: TouchpointForm(request.POST, instance=Touchpoint(pk=touchpoint_pk)),
        )
    except Gone as gone:
        return gone_dialog(request, gone.form, title=title, action=action)
    form = TouchpointForm(form_data(request), instance=touchpoint)

    def save(form: TouchpointForm) -> str:
        saved = services.touchpoint_update(
            touchpoint=form.instance, expected_version=form.cleaned_data["version"], **form.changes()
        )
        return _("Touchpoint “%(name)s” saved.") % {"name": saved.name}

    form_for = lambda data, current: TouchpointForm(data, instance=current)  # noqa: E731
    return form_view(request, pk, form, title=title, action=action, save=save, form_for=form_for)


@map_write("POST")
def touchpoint_delete(request: HttpRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    version = posted_int(request, "version")
    touchpoint = part_of(Touchpoint, touchpoint_pk, pk)
    try:
        services.touchpoint_delete(touchpoint=touchpoint, expected_version=version)
    except services.HasDependents as refused:
        return refused_delete(request, pk, refused, "touchpoint-archive")
    return board_response(request, pk, message=_("Touchpoint “%(name)s” deleted.") % {"name": touchpoint.name})


@map_write("POST")
def touchpoint_archive(request: HttpRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    version = posted_int(request, "version")
    touchpoint = part_of(Touchpoint, touchpoint_pk, pk)
    services.touchpoint_archive(touchpoint=touchpoint, expected_version=version)
    message = _("Touchpoint “%(name)s” archived; restore it from “Archived”.") % {"name": touchpoint.name}
    return board_response(request, pk, message=message)


TOUCHPOINT_MOVES = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}


@map_write("POST")
def touchpoint_move(request: HttpRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    """Up/down within its stage; left/right to the neighbouring stage, at the same height where it can."""
    stage_step, position_step = direction(request, TOUCHPOINT_MOVES)
    structure_version = posted_int(request, "structure_version")
    seen = posted_order(request, "seen_order", required=False)
    touchpoint = part_of(Touchpoint, touchpoint_pk, pk)
    services.touchpoint_step(
        touchpoint=touchpoint,
        stage_step=stage_step,
        position_step=position_step,
        seen=seen,
        expected_structure_version=structure_version,
    )
    return board_response(request, pk, message=_("Touchpoint “%(name)s” moved.") % {"name": touchpoint.name})


@map_write("POST")
def map_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole order after a drag and drop: `order` is JSON, [{"id": stage, "touchpoints": [ids]}, ...];
    `seen_order` (same shape, optional) the order the user dragged from, to merge onto a newer map."""
    journey = get_object_or_404(Journey, pk=pk)
    stages = posted_order(request, "order")
    seen = posted_order(request, "seen_order", required=False)
    structure_version = posted_int(request, "structure_version")
    services.journey_reorder_merged(
        journey=journey, stages=stages, seen=seen, expected_structure_version=structure_version, moving=dragged(request)
    )
    return board_response(request, pk, message=_("The new order is saved."))


def dragged(request: HttpRequest) -> tuple[set[int], set[int]]:
    """The card the user dragged (`moved`: the id of its element, stage-3 or tp-7), to read the orders by."""
    kind, _sep, pk = request.POST.get("moved", "").partition("-")
    if not pk.isdigit():
        return set(), set()
    return ({int(pk)}, set()) if kind == "stage" else (set(), {int(pk)}) if kind == "tp" else (set(), set())


def posted_order(request: HttpRequest, name: str, *, required: bool = True) -> list[dict] | None:
    raw = request.POST.get(name, "")
    if not raw and not required:
        return None
    try:
        return [
            {"id": int(entry["id"]), "touchpoints": [int(tp) for tp in entry.get("touchpoints", [])]}
            for entry in json.loads(raw)
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BadRequest(f"{name} must be a JSON list of stages with their touchpoint ids.") from None


# Findings


@map_write("GET", "POST")
def finding_create(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = part_of(Stage, stage_pk, pk)
    kind = request.GET.get("kind")
    initial = {"kind": kind if kind in FindingKind.values else FindingKind.PAIN_POINT}
    form = FindingForm(form_data(request), stage=stage, initial=initial)

    def save(form: FindingForm) -> str:
        finding = services.finding_create(stage=stage, **form.changes())
        return _("%(kind)s added.") % {"kind": finding.get_kind_display()}

    action = reverse("journeys:finding-create", args=[pk, stage_pk])
    title = _("Add a finding to “%(stage)s”") % {"stage": stage.name}
    return form_view(request, pk, form, title=title, action=action, save=save)


@map_write("GET", "POST")
def finding_edit(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    action = reverse("journeys:finding-edit", args=[pk, finding_pk])
    title = _("Edit the finding")
    try:
        finding = edited_part(
            request,
            Finding,
            finding_pk,
            pk,
            lambda: FindingForm(request.POST, instance=Finding(pk=finding_pk), stage=None),
        )
    except Gone as gone:
        return gone_dialog(request, gone.form, title=title, action=action)
    form = FindingForm(form_data(request), instance=finding, stage=finding.stage)

    def save(form: FindingForm) -> str:
        saved = services.finding_update(
            finding=form.instance, expected_version=form.cleaned_data["version"], **form.changes()
        )
        return _("%(kind)s saved.") % {"kind": saved.get_kind_display()}

    form_for = lambda data, current: FindingForm(data, instance=current, stage=current.stage)  # noqa: E731
    return form_view(request, pk, form, title=title, action=action, save=save, form_for=form_for)


@map_write("POST")
def finding_delete(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    version = posted_int(request, "version")
    finding = part_of(Finding, finding_pk, pk)
    services.finding_delete(finding=finding, expected_version=version)
    return board_response(request, pk, message=_("%(kind)s deleted.") % {"kind": finding.get_kind_display()})
