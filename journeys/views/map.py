"""The map editor: one page per journey, edited in place with htmx.

Every successful write answers with the re-rendered board (one fragment, a fixed number of queries) and htmx
swaps it in. A stale version answers 409 with the fresh board and the reason; invalid input answers 422 with
the form and its errors, retargeted into the editor dialog. Without htmx a write redirects to the page.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from cxplatform.lib.forms import add_service_errors, rebase_stale_form
from cxplatform.lib.versioning import StaleVersion
from journeys import services
from journeys.charts import emotion_curve_spec
from journeys.forms import FindingForm, StageForm, TouchpointForm
from journeys.map_cards import CardLabels, finding_item, measured_strip, touchpoint_card
from journeys.models import Finding, FindingKind, FindingSource, Journey, Stage, Touchpoint
from journeys.permissions import can_edit_journeys, edit_refusal_reason
from journeys.selectors import journey_map

FORM_TARGET = "#map-editor-body"


@dataclass
class StageColumn:
    """One stage of the board with what each lane shows, grouped from the prefetched rows."""

    stage: Stage
    touchpoints: list[Touchpoint]
    findings: dict[str, list[Finding]] = field(default_factory=dict)


def _finding_lanes(columns: list[StageColumn]) -> list[dict]:
    """The pain point, opportunity and insight lanes: per stage, its findings of that kind."""
    labels = {
        FindingKind.PAIN_POINT: _("Pain points"),
        FindingKind.OPPORTUNITY: _("Opportunities"),
        FindingKind.INSIGHT: _("Insights"),
    }
    return [
        {"kind": kind, "label": label, "cells": [(column.stage, column.findings[kind]) for column in columns]}
        for kind, label in labels.items()
    ]


CONTROL_LABELS = {
    "stage_left": gettext_lazy("Move stage “%(name)s” left"),
    "stage_right": gettext_lazy("Move stage “%(name)s” right"),
    "stage_edit": gettext_lazy("Edit stage “%(name)s”"),
    "stage_delete": gettext_lazy("Delete stage “%(name)s”"),
    "stage_confirm": gettext_lazy("Delete the stage “%(name)s” with its touchpoints and findings?"),
    "stage_add_touchpoint": gettext_lazy("Add a touchpoint to “%(name)s”"),
    "stage_add_pain_point": gettext_lazy("Add a pain point to “%(name)s”"),
    "stage_add_opportunity": gettext_lazy("Add an opportunity to “%(name)s”"),
    "stage_add_insight": gettext_lazy("Add an insight to “%(name)s”"),
    "touchpoint_up": gettext_lazy("Move “%(name)s” up"),
    "touchpoint_down": gettext_lazy("Move “%(name)s” down"),
    "touchpoint_left": gettext_lazy("Move “%(name)s” to the previous stage"),
    "touchpoint_right": gettext_lazy("Move “%(name)s” to the next stage"),
    "touchpoint_edit": gettext_lazy("Edit “%(name)s”"),
    "touchpoint_delete": gettext_lazy("Delete “%(name)s”"),
    "touchpoint_confirm": gettext_lazy("Delete the touchpoint “%(name)s” and its findings?"),
    "finding_edit": gettext_lazy("Edit this finding: “%(name)s”"),
    "finding_delete": gettext_lazy("Delete this finding: “%(name)s”"),
}
CONTROL_URLS = {
    "stage": ["stage-edit", "stage-delete", "stage-move", "touchpoint-create", "finding-create"],
    "touchpoint": ["touchpoint-edit", "touchpoint-delete", "touchpoint-move"],
    "finding": ["finding-edit", "finding-delete"],
}


class BoardControls:
    """The URL and label of every edit control on the board, for `obj.controls` in the templates.

    Made here rather than with {% url %} and {% blocktranslate %} on each card: on a map of thousands of cards
    those tags took half the render time (bench/map_bench.py). Each URL is reversed once with a marker id that
    is then swapped for the real one, and each label is translated once and then filled in.
    """

    MARK = "2147483647"

    def __init__(self, journey_pk: int):
        self.urls = {
            name: reverse(f"journeys:{name}", args=[journey_pk, int(self.MARK)]).rpartition(self.MARK)
            for names in CONTROL_URLS.values()
            for name in names
        }
        self.labels = {key: str(label) for key, label in CONTROL_LABELS.items()}

    def attach(self, kind: str, obj: Model, name: str) -> None:
        values = {"name": name}
        controls = {
            key.removeprefix(f"{kind}_"): label % values
            for key, label in self.labels.items()
            if key.startswith(f"{kind}_")
        }
        for url_name in CONTROL_URLS[kind]:
            prefix, _mark, suffix = self.urls[url_name]
            controls[url_name.replace("-", "_")] = f"{prefix}{obj.pk}{suffix}"
        obj.controls = controls


def _action_url(user) -> str | None:
    """Where "Create improvement action" on a card leads (settings.MAP_ACTION_CREATE_URL), for those who may."""
    name = getattr(settings, "MAP_ACTION_CREATE_URL", None)
    if not name or not can_edit_journeys(user):
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _drivers_url(journey: Journey, measures) -> str | None:
    """The key-driver analysis of this journey (settings.MAP_DRIVERS_URL, a URL name taking the journey's pk),
    for the same period; None while that page does not exist."""
    name = getattr(settings, "MAP_DRIVERS_URL", None)
    if not name:
        return None
    try:
        url = reverse(name, args=[journey.pk])
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(measures.query)}" if measures is not None else url


def _measures(request: HttpRequest, journey: Journey):
    """The measured experience of the map (settings.MAP_MEASURES: a callable (journey, query) -> measures,
    metrics.selectors.map_measures.map_measures), or None when no app provides it.

    The period comes from the page's query string. A write answers with the board for the page it came from,
    whose query string htmx sends as HX-Current-URL, so the board keeps showing the same period.
    """
    name = getattr(settings, "MAP_MEASURES", None)
    if not name:
        return None
    query = request.GET
    if request.htmx and request.htmx.current_url:
        query = QueryDict(urlsplit(request.htmx.current_url).query)
    return import_string(name)(journey, query)


def _columns(
    journey: Journey, *, editable: bool, action_url: str | None = None, labels: CardLabels, measures=None
) -> list[StageColumn]:
    controls = BoardControls(journey.pk) if editable else None
    source_labels = {value: str(label) for value, label in FindingSource.choices}  # translated once, not per row
    measured = measures.touchpoints if measures is not None else None
    channel_names: dict[int, str] = {}
    stages = list(journey.stages.all())
    columns = []
    for index, stage in enumerate(stages):
        touchpoints = list(stage.touchpoints.all())
        names = {t.pk: t.name for t in touchpoints}
        findings: dict[str, list[Finding]] = {kind: [] for kind in FindingKind.values}
        for finding in stage.findings.all():
            findings[finding.kind].append(finding)
            finding.source_label = source_labels[finding.source]
            if controls:
                controls.attach("finding", finding, Truncator(finding.text).chars(40))
            finding.item_html = finding_item(finding, labels, names, can_edit=editable, action_url=action_url)
        if controls:
            controls.attach("stage", stage, stage.name)
        for position, touchpoint in enumerate(touchpoints):
            if controls:
                controls.attach("touchpoint", touchpoint, touchpoint.name)
            if touchpoint.channel_id and touchpoint.channel_id not in channel_names:
                channel_names[touchpoint.channel_id] = touchpoint.channel.label
            touchpoint.card_html = touchpoint_card(
                touchpoint,
                labels,
                channel_names,
                can_edit=editable,
                first=position == 0,
                last=position == len(touchpoints) - 1,
                first_stage=index == 0,
                last_stage=index == len(stages) - 1,
                action_url=action_url,
                measured=measured.get(touchpoint.pk, []) if measured is not None else None,
            )
        columns.append(StageColumn(stage=stage, touchpoints=touchpoints, findings=findings))
    return columns


def _load(pk: int) -> Journey:
    try:
        return journey_map(journey_id=pk)
    except Journey.DoesNotExist:
        raise Http404(_("No such journey.")) from None


def _map_context(request: HttpRequest, journey: Journey, message: str = "", level: str = "success") -> dict:
    can_edit = can_edit_journeys(request.user, journey)
    labels = CardLabels.translated()
    measures = _measures(request, journey)
    columns = _columns(
        journey, editable=can_edit, action_url=_action_url(request.user), labels=labels, measures=measures
    )
    touchpoint_count = sum(len(column.touchpoints) for column in columns)
    orphans = [t for column in columns for t in column.touchpoints if t.owner_id is None]
    curve = (
        emotion_curve_spec(journey, measures.emotions if measures is not None else None) if touchpoint_count else None
    )
    return {
        "measures": measures,
        "measured_curve": bool(curve and len(curve["data"]) > 1),
        "journey_measured": measured_strip(measures.journey, labels) if measures is not None else "",
        "drivers_url": _drivers_url(journey, measures),
        "journey": journey,
        "columns": columns,
        "finding_lanes": _finding_lanes(columns),
        "touchpoint_count": touchpoint_count,
        "orphans": orphans,
        "can_edit": can_edit,
        "curve": curve,
        "message": message,
        "level": level,
    }


def _board(
    request: HttpRequest,
    pk: int,
    *,
    status: int = 200,
    message: str = "",
    level: str = "success",
    offer: dict | None = None,
):
    """The answer to a write: the fresh board (for htmx), else the page itself. `offer`: a button beside the
    message ({"url", "version", "label"}: archive what could not be deleted)."""
    if not request.htmx:
        if status == 200:
            return redirect("journeys:map", pk=pk)
        context = {**_map_context(request, _load(pk), message, level), "offer": offer}
        return render(request, "journeys/map.html", context, status=status)
    context = {**_map_context(request, _load(pk), message, level), "oob": True, "offer": offer}
    response = render(request, "journeys/_map_board.html", context, status=status)
    # Whatever asked (a button in the board, a form in the dialog), the board is what gets replaced.
    response["HX-Retarget"] = "#map-board"
    response["HX-Reswap"] = "outerHTML"
    return response


def map_write(*methods: str) -> Callable:
    """For every write view: those who may edit this journey only (403 with the reason), the given methods, and
    the outcomes of a refused write: a stale version or a deleted object answers 409, a rule broken 422, both
    with the fresh board."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        @require_http_methods(list(methods))
        def wrapped(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
            journey = get_object_or_404(Journey, pk=pk)
            if not can_edit_journeys(request.user, journey):
                raise PermissionDenied(edit_refusal_reason(request.user, journey))
            try:
                return view(request, pk, *args, **kwargs)
            except StaleVersion as stale:
                return _board(request, pk, status=409, message=str(stale.message), level="error")
            except ValidationError as error:
                return _board(request, pk, status=422, message=" ".join(error.messages), level="error")

        return wrapped

    return decorate


def _part_of(model: type[Model], pk: int, journey_pk: int):
    """The stage/touchpoint/finding of this journey; when it is gone, someone else deleted it meanwhile."""
    obj = model.objects.filter(pk=pk, journey_id=journey_pk).first()
    if obj is None:
        raise StaleVersion(None)
    return obj


def _edited_part(request: HttpRequest, model: type[Model], pk: int, journey_pk: int, gone_form: Callable[[], object]):
    """The stage/touchpoint/finding an edit dialog is for. When someone else deleted (or archived) it while this
    user was typing, a save raises Gone with the dialog still open and the input kept, to copy; opening the
    dialog of a part that is gone answers the board that says so."""
    obj = model.objects.filter(pk=pk, journey_id=journey_pk).first()
    if obj is not None:
        return obj
    if request.method != "POST":
        raise StaleVersion(None)
    raise _Gone(gone_form())


class _Gone(Exception):
    def __init__(self, form) -> None:
        super().__init__()
        self.form = form


def _gone_dialog(request: HttpRequest, form, *, title: str, action: str) -> HttpResponse:
    message = _(
        "Someone else deleted or archived this in the meantime, so nothing was saved. What you typed is kept below: "
        "copy what you need before you close this dialog."
    )
    context = {"form": form, "title": title, "action": action, "gone": message}
    response = render(request, "journeys/_map_form.html", context, status=409)
    response["HX-Retarget"] = FORM_TARGET
    response["HX-Reswap"] = "innerHTML"
    return response


def _posted_int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST[name])
    except (KeyError, ValueError):
        raise BadRequest(f"{name} must be a whole number.") from None


def _direction(request: HttpRequest, choices: dict):
    try:
        return choices[request.POST.get("direction", "")]
    except KeyError:
        raise BadRequest(f"direction must be one of {', '.join(choices)}.") from None


def _form_view(
    request: HttpRequest,
    pk: int,
    form,
    *,
    title: str,
    action: str,
    save: Callable[[], str],
    form_for: Callable[..., object] | None = None,
):
    """GET: the form for the editor dialog. POST: save() and answer with the board, or the form with errors.

    An edit (`form_for(data, instance)` makes its form) based on a stale version answers 409 with the dialog
    still open: the user's input kept, based on the current version, and the fields someone else changed."""
    status = 422 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            return _board(request, pk, message=save())
        except ValidationError as error:
            add_service_errors(form, error)
        except StaleVersion as stale:
            if form_for is None or stale.current is None:
                raise  # someone else deleted it: the board says so
            form = rebase_stale_form(
                form, stale, fresh_form=lambda current: form_for(None, current), bound_form=form_for
            )
            status = 409
    context = {"form": form, "title": title, "action": action}
    response = render(request, "journeys/_map_form.html", context, status=status)
    # Whatever asked (an edit button in the board, the form itself), the form goes into the editor dialog.
    response["HX-Retarget"] = FORM_TARGET
    response["HX-Reswap"] = "innerHTML"
    return response


def _data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


# The page


@require_GET
def map_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "journeys/map.html", _map_context(request, _load(pk)))


# Stages


@map_write("GET", "POST")
def stage_create(request: HttpRequest, pk: int) -> HttpResponse:
    journey = get_object_or_404(Journey, pk=pk)
    form = StageForm(_data(request))

    def save() -> str:
        stage = services.stage_create(journey=journey, **form.changes())
        return _("Stage “%(name)s” added.") % {"name": stage.name}

    action = reverse("journeys:stage-create", args=[pk])
    return _form_view(request, pk, form, title=_("Add a stage"), action=action, save=save)


@map_write("GET", "POST")
def stage_edit(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    action = reverse("journeys:stage-edit", args=[pk, stage_pk])
    try:
        stage = _edited_part(request, Stage, stage_pk, pk, lambda: StageForm(request.POST, instance=Stage(pk=stage_pk)))
    except _Gone as gone:
        return _gone_dialog(request, gone.form, title=_("Edit the stage"), action=action)
    form = StageForm(_data(request), instance=stage)

    def save() -> str:
        services.stage_update(stage=stage, expected_version=form.cleaned_data["version"], **form.changes())
        return _("Stage “%(name)s” saved.") % {"name": stage.name}

    form_for = lambda data, current: StageForm(data, instance=current)  # noqa: E731
    return _form_view(request, pk, form, title=_("Edit the stage"), action=action, save=save, form_for=form_for)


def _refused_delete(request: HttpRequest, pk: int, refused: services.HasDependents, url_name: str) -> HttpResponse:
    """409 with the board, the message naming what depends on it, and a button to archive it instead."""
    part = refused.current
    offer = {
        "url": reverse(f"journeys:{url_name}", args=[pk, part.pk]),
        "version": part.version,
        "label": _("Archive “%(name)s”") % {"name": part.name},
    }
    return _board(request, pk, status=409, message=str(refused.message), level="error", offer=offer)


@map_write("POST")
def stage_delete(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    version = _posted_int(request, "version")
    stage = _part_of(Stage, stage_pk, pk)
    try:
        services.stage_delete(stage=stage, expected_version=version)
    except services.HasDependents as refused:
        return _refused_delete(request, pk, refused, "stage-archive")
    return _board(request, pk, message=_("Stage “%(name)s” deleted.") % {"name": stage.name})


@map_write("POST")
def stage_archive(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    version = _posted_int(request, "version")
    stage = _part_of(Stage, stage_pk, pk)
    services.stage_archive(stage=stage, expected_version=version)
    message = _("Stage “%(name)s” archived with its touchpoints; restore it from “Archived”.") % {"name": stage.name}
    return _board(request, pk, message=message)


@map_write("POST")
def stage_move(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    offset = _direction(request, {"left": -1, "right": 1})
    structure_version = _posted_int(request, "structure_version")
    stage = _part_of(Stage, stage_pk, pk)
    services.stage_move(stage=stage, position=stage.position + offset, expected_structure_version=structure_version)
    return _board(request, pk, message=_("Stage “%(name)s” moved.") % {"name": stage.name})


# Touchpoints


@map_write("GET", "POST")
def touchpoint_create(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = _part_of(Stage, stage_pk, pk)
    form = TouchpointForm(_data(request))

    def save() -> str:
        touchpoint = services.touchpoint_create(stage=stage, **form.changes())
        return _("Touchpoint “%(name)s” added.") % {"name": touchpoint.name}

    action = reverse("journeys:touchpoint-create", args=[pk, stage_pk])
    title = _("Add a touchpoint to “%(stage)s”") % {"stage": stage.name}
    return _form_view(request, pk, form, title=title, action=action, save=save)


@map_write("GET", "POST")
def touchpoint_edit(request: HttpRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    action = reverse("journeys:touchpoint-edit", args=[pk, touchpoint_pk])
    title = _("Edit the touchpoint")
    try:
        touchpoint = _edited_part(
            request,
            Touchpoint,
            touchpoint_pk,
            pk,
            lambda: TouchpointForm(request.POST, instance=Touchpoint(pk=touchpoint_pk)),
        )
    except _Gone as gone:
        return _gone_dialog(request, gone.form, title=title, action=action)
    form = TouchpointForm(_data(request), instance=touchpoint)

    def save() -> str:
        services.touchpoint_update(
            touchpoint=touchpoint, expected_version=form.cleaned_data["version"], **form.changes()
        )
        return _("Touchpoint “%(name)s” saved.") % {"name": touchpoint.name}

    form_for = lambda data, current: TouchpointForm(data, instance=current)  # noqa: E731
    return _form_view(request, pk, form, title=title, action=action, save=save, form_for=form_for)


@map_write("POST")
def touchpoint_delete(request: HttpRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    version = _posted_int(request, "version")
    touchpoint = _part_of(Touchpoint, touchpoint_pk, pk)
    try:
        services.touchpoint_delete(touchpoint=touchpoint, expected_version=version)
    except services.HasDependents as refused:
        return _refused_delete(request, pk, refused, "touchpoint-archive")
    return _board(request, pk, message=_("Touchpoint “%(name)s” deleted.") % {"name": touchpoint.name})


@map_write("POST")
def touchpoint_archive(request: HttpRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    version = _posted_int(request, "version")
    touchpoint = _part_of(Touchpoint, touchpoint_pk, pk)
    services.touchpoint_archive(touchpoint=touchpoint, expected_version=version)
    message = _("Touchpoint “%(name)s” archived; restore it from “Archived”.") % {"name": touchpoint.name}
    return _board(request, pk, message=message)


TOUCHPOINT_MOVES = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}


@map_write("POST")
def touchpoint_move(request: HttpRequest, pk: int, touchpoint_pk: int) -> HttpResponse:
    """Up/down within its stage; left/right to the neighbouring stage, at the same height where it can."""
    stage_step, position_step = _direction(request, TOUCHPOINT_MOVES)
    structure_version = _posted_int(request, "structure_version")
    touchpoint = _part_of(Touchpoint, touchpoint_pk, pk)
    stage, position = touchpoint.stage, touchpoint.position + position_step
    if stage_step:
        stage = Stage.objects.filter(journey_id=pk, position=stage.position + stage_step).first()
        if stage is None:
            raise ValidationError(_("There is no stage on that side."))
        position = min(touchpoint.position, stage.touchpoints.count())
    services.touchpoint_move(
        touchpoint=touchpoint, stage=stage, position=position, expected_structure_version=structure_version
    )
    return _board(request, pk, message=_("Touchpoint “%(name)s” moved.") % {"name": touchpoint.name})


@map_write("POST")
def map_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole order after a drag and drop: `order` is JSON, [{"id": stage, "touchpoints": [ids]}, ...]."""
    journey = get_object_or_404(Journey, pk=pk)
    try:
        stages = [
            {"id": int(entry["id"]), "touchpoints": [int(tp) for tp in entry.get("touchpoints", [])]}
            for entry in json.loads(request.POST.get("order", ""))
        ]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BadRequest("order must be a JSON list of stages with their touchpoint ids.") from None
    structure_version = _posted_int(request, "structure_version")
    services.journey_reorder(journey=journey, stages=stages, expected_structure_version=structure_version)
    return _board(request, pk, message=_("The new order is saved."))


# Findings


@map_write("GET", "POST")
def finding_create(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    stage = _part_of(Stage, stage_pk, pk)
    kind = request.GET.get("kind")
    initial = {"kind": kind if kind in FindingKind.values else FindingKind.PAIN_POINT}
    form = FindingForm(_data(request), stage=stage, initial=initial)

    def save() -> str:
        finding = services.finding_create(stage=stage, **form.changes())
        return _("%(kind)s added.") % {"kind": finding.get_kind_display()}

    action = reverse("journeys:finding-create", args=[pk, stage_pk])
    title = _("Add a finding to “%(stage)s”") % {"stage": stage.name}
    return _form_view(request, pk, form, title=title, action=action, save=save)


@map_write("GET", "POST")
def finding_edit(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    action = reverse("journeys:finding-edit", args=[pk, finding_pk])
    title = _("Edit the finding")
    try:
        finding = _edited_part(
            request,
            Finding,
            finding_pk,
            pk,
            lambda: FindingForm(request.POST, instance=Finding(pk=finding_pk), stage=None),
        )
    except _Gone as gone:
        return _gone_dialog(request, gone.form, title=title, action=action)
    form = FindingForm(_data(request), instance=finding, stage=finding.stage)

    def save() -> str:
        services.finding_update(finding=finding, expected_version=form.cleaned_data["version"], **form.changes())
        return _("%(kind)s saved.") % {"kind": finding.get_kind_display()}

    form_for = lambda data, current: FindingForm(data, instance=current, stage=current.stage)  # noqa: E731
    return _form_view(request, pk, form, title=title, action=action, save=save, form_for=form_for)


@map_write("POST")
def finding_delete(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    version = _posted_int(request, "version")
    finding = _part_of(Finding, finding_pk, pk)
    services.finding_delete(finding=finding, expected_version=version)
    return _board(request, pk, message=_("%(kind)s deleted.") % {"kind": finding.get_kind_display()})
