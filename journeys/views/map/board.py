"""The map page and its board: the stages with their touchpoint cards and finding lanes, the emotion curve and
the measured experience, assembled from one query shape (journeys.selectors.journey_map) in a fixed number of
queries whatever the size of the map. The write views (journeys.views.map.edits) answer with this board.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cxplatform.lib import extension_points
from journeys.charts import emotion_curve_spec
from journeys.live import current_revision
from journeys.map_cards import CardLabels, comment_button, finding_item, measured_strip, touchpoint_card
from journeys.models import Finding, FindingKind, FindingSource, Journey, Stage, Touchpoint
from journeys.permissions import can_edit_journeys, can_read_journey
from journeys.selectors import journey_map


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


class CommentLinks:
    """The comment button of each card: the thread's URL reversed once per kind (as BoardControls does)."""

    MARK = BoardControls.MARK

    def __init__(self, journey_pk: int, labels: CardLabels):
        self.labels = labels
        self.urls = {
            kind: reverse("journeys:comment-thread", args=[journey_pk, kind, int(self.MARK)]).rpartition(self.MARK)
            for kind in ("journey", "stage", "touchpoint", "finding")
        }

    def url(self, kind: str, pk: int) -> str:
        prefix, _mark, suffix = self.urls[kind]
        return f"{prefix}{pk}{suffix}"

    def button(self, kind: str, obj: Model, name: str) -> SafeString:
        count = getattr(obj, "comment_count", 0)
        return mark_safe(comment_button(kind, obj.pk, name, count, self.url(kind, obj.pk), self.labels))  # noqa: S308


def _action_url(user) -> str | None:
    """Where "Create improvement action" on a card leads (the extension point MAP_ACTION_CREATE_URL), for those
    who may."""
    if not can_edit_journeys(user):
        return None
    return extension_points.url(extension_points.MAP_ACTION_CREATE_URL)


def _drivers_url(journey: Journey, measures) -> str | None:
    """The key-driver analysis of this journey (the extension point MAP_DRIVERS_URL), for the same period; None
    while that page does not exist."""
    url = extension_points.url(extension_points.MAP_DRIVERS_URL, journey.pk)
    if url is None:
        return None
    return f"{url}?{urlencode(measures.query)}" if measures is not None else url


def _measures(request: HttpRequest, journey: Journey):
    """The measured experience of the map (the extension point MAP_MEASURES), or None when no app provides it.

    The period comes from the page's query string. A write answers with the board for the page it came from,
    whose query string htmx sends as HX-Current-URL, so the board keeps showing the same period.
    """
    measures = extension_points.provider(extension_points.MAP_MEASURES)
    if measures is None:
        return None
    query = request.GET
    if request.htmx and request.htmx.current_url:
        query = QueryDict(urlsplit(request.htmx.current_url).query)
    return measures(journey, query)


def _no_comments(kind: str, obj: Model, name: str) -> str:
    return ""


def _columns(
    journey: Journey,
    *,
    editable: bool,
    action_url: str | None = None,
    labels: CardLabels,
    measures=None,
    with_comments: bool = True,
) -> list[StageColumn]:
    """`with_comments`: each card's comment button (not in a shared view, which shows the map and nothing else)."""
    controls = BoardControls(journey.pk) if editable else None
    comments_of = CommentLinks(journey.pk, labels).button if with_comments else _no_comments
    source_labels = {value: str(label) for value, label in FindingSource.choices}  # translated once, not per row
    measured = measures.touchpoints if measures is not None else None
    themes = getattr(measures, "themes", None) or {}
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
            short = Truncator(finding.text).chars(40)
            if controls:
                controls.attach("finding", finding, short)
            finding.item_html = finding_item(
                finding,
                labels,
                names,
                can_edit=editable,
                action_url=action_url,
                comments=comments_of("finding", finding, short),
            )
        if controls:
            controls.attach("stage", stage, stage.name)
        stage.comments_html = comments_of("stage", stage, stage.name)
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
                theme=themes.get(touchpoint.pk),
                comments=comments_of("touchpoint", touchpoint, touchpoint.name),
                with_key=with_comments,  # not on a share link's view, which shows no comments either
            )
        columns.append(StageColumn(stage=stage, touchpoints=touchpoints, findings=findings))
    return columns


def load_journey(pk: int) -> Journey:
    try:
        return journey_map(journey_id=pk, comment_counts=True)
    except Journey.DoesNotExist:
        raise Http404(_("No such journey.")) from None


def map_context(
    request: HttpRequest,
    journey: Journey,
    message: str = "",
    level: str = "success",
    *,
    read_only: bool = False,
    with_measures: bool = True,
) -> dict:
    """`read_only`: the map as a share link shows it (journeys.views.share): no edit controls, no links to the
    rest of the application, whoever asks; `with_measures`: the measured layer, if an app provides it."""
    can_edit = not read_only and can_edit_journeys(request.user, journey)
    labels = CardLabels.translated()
    measures = _measures(request, journey) if with_measures else None
    action_url = None if read_only else _action_url(request.user)
    columns = _columns(
        journey, editable=can_edit, action_url=action_url, labels=labels, measures=measures, with_comments=not read_only
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
        "drivers_url": None if read_only else _drivers_url(journey, measures),
        "journey": journey,
        "journey_comments": ""
        if read_only
        else CommentLinks(journey.pk, labels).button("journey", journey, journey.name),
        "columns": columns,
        "finding_lanes": _finding_lanes(columns),
        "touchpoint_count": touchpoint_count,
        "orphans": orphans,
        "can_edit": can_edit,
        "show_keys": not read_only,  # a share link's view shows the map, not what tools address it by
        "curve": curve,
        "message": message,
        "level": level,
    }


def board_response(
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
        context = {**map_context(request, load_journey(pk), message, level), "offer": offer}
        return render(request, "journeys/map.html", context, status=status)
    context = {**map_context(request, load_journey(pk), message, level), "oob": True, "offer": offer}
    response = render(request, "journeys/_map_board.html", context, status=status)
    # Whatever asked (a button in the board, a form in the dialog), the board is what gets replaced.
    response["HX-Retarget"] = "#map-board"
    response["HX-Reswap"] = "outerHTML"
    return response


# The page


def _readable_journey(request: HttpRequest, pk: int) -> Journey:
    journey = load_journey(pk)
    if not can_read_journey(request.user, journey):
        raise PermissionDenied
    return journey


@require_GET
def map_page(request: HttpRequest, pk: int) -> HttpResponse:
    journey = _readable_journey(request, pk)
    # The live revision the page shows: on connecting, the live map fetches the board if it has moved since.
    context = {**map_context(request, journey), "live_revision": current_revision(journey.pk)}
    return render(request, "journeys/map.html", context)


@require_GET
def map_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The board alone, as the page shows it (with the page's query string: the same period of measures): what
    the live map fetches when someone else changed the journey (static/js/live.js)."""
    return render(request, "journeys/_map_board.html", map_context(request, _readable_journey(request, pk)))
