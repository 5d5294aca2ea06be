"""A journey's history: the timeline (filtered by person and part), restoring a deleted part or the whole
journey to a moment, undo of one's own last change from the map, named versions and their comparison.

Reading needs `can_read_journey`; every change (restore, undo, naming a version) `can_edit_journeys` for this
journey, checked here on the server."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cxplatform.lib.versioning import StaleVersion
from journeys import timeline
from journeys.models import Journey, JourneyVersion
from journeys.permissions import can_edit_journeys, can_read_journey, edit_refusal_reason
from journeys.services import history
from journeys.views.map.board import board_response


def _readable(request: HttpRequest, pk: int) -> Journey:
    journey = get_object_or_404(Journey, pk=pk)
    if not can_read_journey(request.user, journey):
        raise PermissionDenied(_("You cannot see this journey."))
    return journey


def _editable(request: HttpRequest, pk: int) -> Journey:
    journey = _readable(request, pk)
    if not can_edit_journeys(request.user, journey):
        raise PermissionDenied(edit_refusal_reason(request.user, journey))
    return journey


class TimelineFilter(forms.Form):
    person = forms.ChoiceField(label=gettext_lazy("Person"), required=False)
    object = forms.ChoiceField(label=gettext_lazy("Part of the map"), required=False)

    def __init__(self, data, *, journey: Journey):
        super().__init__(data)
        self.fields["person"].choices = [("", gettext_lazy("Everyone")), *timeline.people_choices(journey)]
        self.fields["object"].choices = [("", gettext_lazy("Everything")), *timeline.object_choices(journey)]

    def selection(self) -> dict:
        person = self.cleaned_data.get("person")
        kind, _sep, object_id = (self.cleaned_data.get("object") or "").partition(":")
        return {
            "user_id": int(person) if person else None,
            "kind": kind,
            "object_id": int(object_id) if object_id else None,
        }


class VersionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    at = forms.DateTimeField(
        label=gettext_lazy("Moment"),
        required=False,
        help_text=gettext_lazy("Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


def _history_page(request: HttpRequest, journey: Journey, *, version_form=None, status: int = 200) -> HttpResponse:
    filters = TimelineFilter(request.GET or None, journey=journey)
    if filters.is_bound and not filters.is_valid():
        status = 400
        page = None
    else:
        selection = filters.selection() if filters.is_bound else {}
        page = timeline.timeline_page(journey, page_number=request.GET.get("page"), **selection)
    query = request.GET.copy()
    query.pop("page", None)
    versions = list(timeline.named_versions(journey))
    return render(
        request,
        "journeys/history.html",
        {
            "journey": journey,
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "versions": versions,
            "version_form": version_form or VersionForm(),
            "can_edit": can_edit_journeys(request.user, journey),
        },
        status=status,
    )


@require_GET
def history_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _history_page(request, _readable(request, pk))


@require_POST
def part_restore(request: HttpRequest, pk: int, kind: str, history_id: int) -> HttpResponse:
    journey = _editable(request, pk)
    try:
        part = history.part_restore(journey=journey, kind=kind, history_id=history_id, user=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("journeys:history", pk=pk)
    messages.success(request, _("“%(name)s” is back on the map, at its place.") % {"name": str(part)})
    return redirect("journeys:map", pk=pk)


def parse_moment(journey: Journey, value: str, field: str) -> datetime.datetime | None:
    """A version named in the query: "now" (None), "v<id>" (a named version of this journey) or a moment."""
    value = (value or "").strip()
    if value == "now":
        return None
    if value.startswith("v") and value[1:].isdigit():
        version = JourneyVersion.objects.filter(journey=journey, pk=int(value[1:])).first()
        if version is not None:
            return version.at
    moment = parse_datetime(value.replace(" ", "+")) if value else None
    if moment is None:
        raise BadRequest(f"{field}: give now, a named version (v<id>) or a moment (ISO 8601).")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


@require_http_methods(["GET", "POST"])
def journey_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then restore (POST) the whole journey to the moment `at`."""
    journey = _editable(request, pk)
    source = request.POST if request.method == "POST" else request.GET
    moment = parse_moment(journey, source.get("at", ""), "at")
    if moment is None:
        raise BadRequest("at: give the moment to restore the journey to.")
    if request.method == "POST":
        try:
            history.journey_restore_to(journey=journey, moment=moment, user=request.user)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("journeys:history", pk=pk)
        messages.success(
            request,
            _("The journey is back as it was on %(moment)s. This restore is in the history too, and can be undone.")
            % {"moment": _when(moment)},
        )
        return redirect("journeys:map", pk=pk)
    plan = history.restore_plan(journey=journey, moment=moment)
    return render(
        request,
        "journeys/history_restore.html",
        {"journey": journey, "plan": plan, "at": source.get("at", "")},
    )


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@require_POST
def undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo the user's own last change on this map; answers with the board, like every write of the map."""
    journey = _editable(request, pk)
    try:
        change = history.undo_last_change(journey=journey, user=request.user)
    except (ValidationError, StaleVersion) as refused:
        message = " ".join(refused.messages) if isinstance(refused, ValidationError) else str(refused.message)
        return board_response(request, pk, status=409, message=message, level="error")
    entries = timeline.describe_change(journey, change)
    message = _("Undone: %(what)s.") % {"what": entries} if entries else _("Your last change is undone.")
    return board_response(request, pk, message=message)


@require_POST
def version_create(request: HttpRequest, pk: int) -> HttpResponse:
    journey = _editable(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _history_page(request, journey, version_form=form, status=400)
    version = history.version_create(
        journey=journey, name=form.cleaned_data["name"], at=form.cleaned_data["at"], user=request.user
    )
    messages.success(request, _("Version “%(name)s” named.") % {"name": version.name})
    return redirect(reverse("journeys:history", args=[pk]) + "#versions")


@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions of the journey side by side: `a` and `b` are now, v<id> or a moment (older first)."""
    journey = _readable(request, pk)
    a = parse_moment(journey, request.GET.get("a", ""), "a")
    b = parse_moment(journey, request.GET.get("b", "now"), "b")
    if (a is None and b is not None) or (a is not None and b is not None and b < a):
        a, b = b, a  # the older on the left; None is now
    older, newer = timeline.snapshot(journey, a), timeline.snapshot(journey, b)
    versions = {v.at: v.name for v in timeline.named_versions(journey)}

    def title(moment):
        if moment is None:
            return _("Now")
        return versions.get(moment) or _when(moment)

    return render(
        request,
        "journeys/history_compare.html",
        {
            "journey": journey,
            "c": timeline.compare_versions(older, newer),
            "older_title": title(a),
            "newer_title": title(b),
            "versions": list(versions.items()),
        },
    )
