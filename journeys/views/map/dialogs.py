"""What every write to the map shares: who may write (map_write), the editor dialog with its form (form_view),
a part someone else deleted meanwhile (part_of, edited_part, gone_dialog), the posted controls, and a delete
refused because something depends on the part.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cxplatform.lib.forms import add_service_errors, rebase_stale_form
from cxplatform.lib.versioning import StaleVersion
from journeys import services
from journeys.models import Journey
from journeys.permissions import can_edit_journeys, edit_refusal_reason
from journeys.views.map.board import board_response

FORM_TARGET = "#map-editor-body"


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
                return board_response(request, pk, status=409, message=str(stale.message), level="error")
            except ValidationError as error:
                return board_response(request, pk, status=422, message=" ".join(error.messages), level="error")

        return wrapped

    return decorate


def part_of(model: type[Model], pk: int, journey_pk: int):
    """The stage/touchpoint/finding of this journey; when it is gone, someone else deleted it meanwhile."""
    obj = model.objects.filter(pk=pk, journey_id=journey_pk).first()
    if obj is None:
        raise StaleVersion(None)
    return obj


def edited_part(request: HttpRequest, model: type[Model], pk: int, journey_pk: int, gone_form: Callable[[], object]):
    """The stage/touchpoint/finding an edit dialog is for. When someone else deleted (or archived) it while this
    user was typing, a save raises Gone with the dialog still open and the input kept, to copy; opening the
    dialog of a part that is gone answers the board that says so."""
    obj = model.objects.filter(pk=pk, journey_id=journey_pk).first()
    if obj is not None:
        return obj
    if request.method != "POST":
        raise StaleVersion(None)
    raise Gone(gone_form())


class Gone(Exception):
    def __init__(self, form) -> None:
        super().__init__()
        self.form = form


def gone_dialog(request: HttpRequest, form, *, title: str, action: str) -> HttpResponse:
    message = _(
        "Someone else deleted or archived this in the meantime, so nothing was saved. What you typed is kept below: "
        "copy what you need before you close this dialog."
    )
    context = {"form": form, "title": title, "action": action, "gone": message}
    response = render(request, "journeys/_map_form.html", context, status=409)
    response["HX-Retarget"] = FORM_TARGET
    response["HX-Reswap"] = "innerHTML"
    return response


def posted_int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST[name])
    except (KeyError, ValueError):
        raise BadRequest(f"{name} must be a whole number.") from None


def direction(request: HttpRequest, choices: dict):
    try:
        return choices[request.POST.get("direction", "")]
    except KeyError:
        raise BadRequest(f"direction must be one of {', '.join(choices)}.") from None


def form_view(
    request: HttpRequest,
    pk: int,
    form,
    *,
    title: str,
    action: str,
    save: Callable[[Any], str],
    form_for: Callable[..., object] | None = None,
):
    """GET: the form for the editor dialog. POST: save(form) and answer with the board, or the form with errors.

    An edit (`form_for(data, instance)` makes its form) based on a stale version is merged field by field
    (rebase_stale_form(merge=True)): when the user changed only fields nobody else changed, it is saved onto the
    current version and the message names the fields taken from the other change. A real conflict (a field
    both changed) answers 409 with the dialog still open: the user's input kept, based on the current version,
    and for each conflicting field both values to choose from. Nothing is saved until the user chooses."""
    status = 422 if form.is_bound else 200
    merged: list[str] = []
    # A save can meet a newer version again while merging (a busy workshop): merge onto that one too.
    for _attempt in range(MERGE_ATTEMPTS):
        if request.method != "POST" or not form.is_valid():
            break
        try:
            message = save(form)
        except ValidationError as error:
            add_service_errors(form, error)
            break
        except StaleVersion as stale:
            if form_for is None or stale.current is None:
                raise  # someone else deleted it: the board says so
            form = rebase_stale_form(
                form, stale, fresh_form=lambda current: form_for(None, current), bound_form=form_for, merge=True
            )
            merged += [label for label in form.stale_edit.merged if label not in merged]
            status = 409
            if form.stale_edit.conflicts:
                break
            continue
        if merged:
            note = _("Merged with someone else’s change to: %(fields)s.") % {"fields": ", ".join(merged)}
            message = f"{message} {note}"
        return board_response(request, pk, message=message)
    context = {"form": form, "title": title, "action": action}
    response = render(request, "journeys/_map_form.html", context, status=status)
    # Whatever asked (an edit button in the board, the form itself), the form goes into the editor dialog.
    response["HX-Retarget"] = FORM_TARGET
    response["HX-Reswap"] = "innerHTML"
    return response


MERGE_ATTEMPTS = 3


def form_data(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def refused_delete(request: HttpRequest, pk: int, refused: services.HasDependents, url_name: str) -> HttpResponse:
    """409 with the board, the message naming what depends on it, and a button to archive it instead."""
    part = refused.current
    offer = {
        "url": reverse(f"journeys:{url_name}", args=[pk, part.pk]),
        "version": part.version,
        "label": _("Archive “%(name)s”") % {"name": part.name},
    }
    return board_response(request, pk, status=409, message=str(refused.message), level="error", offer=offer)
