"""Reading a journey's history: the timeline in plain words ("Emma moved “Claim by phone” from Report the claim to
Assessment"), the filters' choices, and the map as it was at a moment (for the comparison of two versions).

The timeline is one UNION over the four history tables (a page of ids), then per kind its rows with their
previous rows, and the names they mention: a fixed number of queries whatever the length of the history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import IntegerField, Max, OuterRef, QuerySet, Subquery, Value
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cxplatform.accounts.forms import person_label
from cxplatform.accounts.models import User
from journeys.models import Channel, FindingKind, FindingSource, Journey, JourneyState, JourneyVersion, Phase, Stage
from journeys.services.history import state_at
from journeys.services.recording import BASELINE, CONTENT_FIELDS, KINDS, RENUMBER, RESTORE, UNDO, history_model

KIND_ORDER = list(KINDS)  # a kind travels through the UNION as its index here
HIDDEN_REASONS = [RENUMBER, BASELINE]
PAGE_SIZE = 30


def journey_history(kind: str, journey_id: int) -> QuerySet:
    history = history_model(kind)
    return history.objects.filter(id=journey_id) if kind == "journey" else history.objects.filter(journey_id=journey_id)


@dataclass
class Entry:
    kind: str
    row: Any
    sentences: list[str] = field(default_factory=list)
    badge: str = ""
    restorable: bool = False  # a deletion whose part is not back: it can be restored from here

    @property
    def at(self) -> datetime.datetime:
        return self.row.history_date

    @property
    def history_id(self) -> int:
        return self.row.history_id


def timeline_page(
    journey: Journey, *, page_number: Any = 1, user_id: int | None = None, kind: str = "", object_id: int | None = None
) -> Page:
    """A page of the journey's timeline, newest first, of `Entry`; filtered by who, by kind, by one part."""
    kinds = [kind] if kind else KIND_ORDER
    parts = []
    for name in kinds:
        rows = journey_history(name, journey.pk).exclude(history_change_reason__in=HIDDEN_REASONS)
        if user_id is not None:
            rows = rows.filter(history_user_id=user_id)
        if object_id is not None:
            rows = rows.filter(id=object_id)
        parts.append(
            rows.annotate(k=Value(KIND_ORDER.index(name), output_field=IntegerField()))
            .values_list("history_id", "history_date", "k")
            .order_by()  # SQLite allows no ORDER BY inside a UNION
        )
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    page = Paginator(union.order_by("-history_date", "-k", "-history_id"), PAGE_SIZE).get_page(page_number)
    page.object_list = _entries(list(page.object_list))
    return page


def _entries(keys: list[tuple[int, datetime.datetime, int]]) -> list[Entry]:
    by_kind: dict[str, list[int]] = {}
    for history_id, _at, index in keys:
        by_kind.setdefault(KIND_ORDER[index], []).append(history_id)
    rows: dict[tuple[str, int], Any] = {}
    previous: dict[tuple[str, int], Any] = {}
    for kind, ids in by_kind.items():
        history = history_model(kind)
        before = history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
            "-history_id"
        )
        fetched = list(
            history.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(prev_id=Subquery(before.values("history_id")[:1]))
        )
        prevs = {row.history_id: row for row in history.objects.filter(history_id__in=[r.prev_id for r in fetched])}
        for row in fetched:
            rows[(kind, row.history_id)] = row
            previous[(kind, row.history_id)] = prevs.get(row.prev_id)
    names = _Names(rows.values(), previous.values())
    entries = []
    for history_id, _at, index in keys:
        kind = KIND_ORDER[index]
        row = rows[(kind, history_id)]
        entry = Entry(kind=kind, row=row)
        entry.sentences = describe(kind, row, previous[(kind, history_id)], names)
        reason = row.history_change_reason or ""
        entry.badge = _("Undo") if reason.startswith(UNDO) else _("Restore") if reason == RESTORE else ""
        entry.restorable = row.history_type == "-" and kind != "journey" and (kind, row.id) not in names.existing
        entries.append(entry)
    return entries


def describe_change(journey: Journey, change) -> str:
    """A change (journeys.services.history.Change) in a few words, for the message after an undo."""
    keys = [
        (row.history_id, row.history_date, KIND_ORDER.index(kind))
        for kind, rows in change.rows.items()
        for row in rows
        if row.history_change_reason not in HIDDEN_REASONS
    ]
    sentences = [entry.sentences[0] for entry in _entries(keys[:3]) if entry.sentences]
    return "; ".join(sentences)


class _Names:
    """The names a page of entries mentions, each looked up once: stages, channels, people; and which of the
    deleted parts exist again."""

    def __init__(self, rows, previous):
        every = [row for row in [*rows, *previous] if row is not None]
        stage_ids = {row.stage_id for row in every if getattr(row, "stage_id", None)}
        stage_ids |= {row.id for row in every if row._meta.model is history_model("stage")}
        self.stages = dict(Stage._base_manager.filter(pk__in=stage_ids).values_list("pk", "name"))
        missing = stage_ids - set(self.stages)
        if missing:
            latest = (
                history_model("stage")
                .objects.filter(id__in=missing)
                .values("id")
                .annotate(last=Max("history_id"))
                .values("last")
            )
            self.stages.update(
                history_model("stage").objects.filter(history_id__in=Subquery(latest)).values_list("id", "name")
            )
        channel_ids = {row.channel_id for row in every if getattr(row, "channel_id", None)}
        self.channels = {channel.pk: channel.label for channel in Channel.objects.filter(pk__in=channel_ids)}
        people = {getattr(row, "owner_id", None) for row in every} | {
            getattr(row, "chain_owner_id", None) for row in every
        }
        people.discard(None)
        self.people = {user.pk: person_label(user) for user in User.objects.filter(pk__in=people)}
        self.existing: set[tuple[str, int]] = set()
        for kind in ("stage", "touchpoint", "finding"):
            deleted = {row.id for row in rows if row.history_type == "-" and row._meta.model is history_model(kind)}
            if deleted:
                present = KINDS[kind]._base_manager.filter(pk__in=deleted).values_list("pk", flat=True)
                self.existing |= {(kind, pk) for pk in present}

    def stage(self, stage_id: int | None) -> str:
        return self.stages.get(stage_id, "?") if stage_id else "?"


KIND_NAMES = {
    "journey": lambda: _("the journey"),
    "stage": lambda: _("the stage"),
    "touchpoint": lambda: _("the touchpoint"),
}
FIELD_NAMES = {
    "name": lambda: _("name"),
    "description": lambda: _("description"),
    "customer_goal": lambda: _("customer goal"),
    "customer_expectation": lambda: _("customer expectation"),
    "channel_id": lambda: _("channel"),
    "emotion": lambda: _("designed emotion"),
    "is_moment_of_truth": lambda: _("moment of truth"),
    "owner_id": lambda: _("process owner"),
    "group_id": lambda: _("journey group"),
    "state": lambda: _("state"),
    "phase": lambda: _("phase"),
    "chain_owner_id": lambda: _("chain owner"),
    "kind": lambda: _("kind"),
    "text": lambda: _("text"),
    "source": lambda: _("source"),
    "severity": lambda: _("severity"),
}


def label_of(kind: str, row) -> str:
    return Truncator(row.text).chars(60) if kind == "finding" else row.name


def what(kind: str, row) -> str:
    """“the touchpoint” / “the pain point”: what a sentence calls the part."""
    if kind == "finding":
        return str(FindingKind(row.kind).label).lower() if row.kind in FindingKind.values else _("the finding")
    return KIND_NAMES[kind]()


def _shown(name: str, value: Any, names: _Names) -> str:
    if value is None or value == "":
        return _("(empty)")
    if name == "channel_id":
        return names.channels.get(value, "?")
    if name in ("owner_id", "chain_owner_id"):
        return names.people.get(value, "?")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = {"state": JourneyState, "phase": Phase, "kind": FindingKind, "source": FindingSource}
    if name in choices and value in choices[name].values:
        return str(choices[name](value).label)
    return Truncator(str(value)).chars(80)


def describe(kind: str, row, prev, names: _Names) -> list[str]:
    """The entry in plain words: one sentence per thing that changed."""
    who = person_label(row.history_user) if row.history_user else _("Someone")
    name = label_of(kind, row)
    values = {"user": who, "name": name, "what": what(kind, row)}
    if row.history_type == "+":
        if (row.history_change_reason or "") == RESTORE or (row.history_change_reason or "").startswith(UNDO):
            return [_("%(user)s brought back %(what)s “%(name)s”") % values]
        if kind == "journey":
            return [_("%(user)s created the journey “%(name)s”") % values]
        if kind == "stage":
            return [_("%(user)s added the stage “%(name)s”") % values]
        return [_("%(user)s added %(what)s “%(name)s” to %(stage)s") % {**values, "stage": names.stage(row.stage_id)}]
    if row.history_type == "-":
        return [_("%(user)s deleted %(what)s “%(name)s”") % values]
    if prev is None:
        return [_("%(user)s changed %(what)s “%(name)s”") % values]
    sentences = []
    fields = [f for f in CONTENT_FIELDS[kind] if f not in ("journey_id", "version", "copied_from_id", "touchpoint_id")]
    diff = [f for f in fields if getattr(row, f) != getattr(prev, f)]
    if "archived_at" in diff:
        if row.archived_at is not None:
            sentences.append(_("%(user)s archived %(what)s “%(name)s”") % values)
        else:
            sentences.append(_("%(user)s brought %(what)s “%(name)s” back from the archive") % values)
        diff = [f for f in diff if f not in ("archived_at", "position")]
    if "stage_id" in diff:
        sentences.append(
            _("%(user)s moved “%(name)s” from %(from)s to %(to)s")
            % {**values, "from": names.stage(prev.stage_id), "to": names.stage(row.stage_id)}
        )
    elif "position" in diff:
        places = {**values, "from": prev.position + 1, "to": row.position + 1}
        if kind == "stage":
            sentences.append(_("%(user)s moved the stage “%(name)s” from place %(from)s to %(to)s") % places)
        else:
            places["stage"] = names.stage(row.stage_id)
            sentences.append(_("%(user)s moved “%(name)s” from place %(from)s to %(to)s in %(stage)s") % places)
    for name in diff:
        if name in ("stage_id", "position", "archived_at"):
            continue
        if name == "name":
            sentences.append(
                _("%(user)s renamed %(what)s “%(old)s” to “%(new)s”") % {**values, "old": prev.name, "new": row.name}
            )
            continue
        sentences.append(
            _("%(user)s changed the %(field)s of “%(name)s” from “%(old)s” to “%(new)s”")
            % {
                **values,
                "field": FIELD_NAMES[name](),
                "old": _shown(name, getattr(prev, name), names),
                "new": _shown(name, getattr(row, name), names),
            }
        )
    return sentences or [_("%(user)s saved %(what)s “%(name)s” without changes") % values]


# The filters' choices


def people_choices(journey: Journey) -> list[tuple[str, str]]:
    """Everyone who changed this journey, by name."""
    parts = [
        journey_history(kind, journey.pk).filter(history_user__isnull=False).values_list("history_user_id").order_by()
        for kind in KIND_ORDER
    ]
    ids = {row[0] for row in parts[0].union(*parts[1:])}
    return [(str(user.pk), person_label(user)) for user in User.objects.filter(pk__in=ids).order_by("first_name")]


def object_choices(journey: Journey) -> list[tuple[str, Any]]:
    """Kinds, and every stage and touchpoint that was ever on the map (latest name)."""
    choices: list[tuple[str, Any]] = [
        ("journey", _("The journey itself")),
        ("finding", _("All findings")),
    ]
    for kind, heading in (("stage", _("Stages")), ("touchpoint", _("Touchpoints"))):
        scope = journey_history(kind, journey.pk)
        latest = scope.values("id").annotate(last=Max("history_id")).values("last")
        rows = history_model(kind).objects.filter(history_id__in=Subquery(latest)).order_by("name")
        everyone = _("All stages") if kind == "stage" else _("All touchpoints")
        choices.append((heading, [(kind, everyone), *((f"{kind}:{row.id}", row.name) for row in rows)]))
    return choices


def named_versions(journey: Journey) -> QuerySet[JourneyVersion]:
    return journey.named_versions.select_related("created_by").order_by("-at", "-id")


# The map as it was


def snapshot(journey: Journey, moment: datetime.datetime | None) -> SimpleNamespace:
    """The journey's stages and touchpoints (on the map) as they were at `moment` (None: now), shaped like the
    map the comparison shows (`journey.stages.all`, `stage.touchpoints.all`)."""
    stages = {s.pk: _as_dict(s, "stage") for s in Stage._base_manager.filter(journey_id=journey.pk)}
    touchpoints = {
        t.pk: _as_dict(t, "touchpoint") for t in KINDS["touchpoint"]._base_manager.filter(journey_id=journey.pk)
    }
    name = journey.name
    if moment is not None:
        state = state_at(journey.pk, moment)
        for parts, kind in ((stages, "stage"), (touchpoints, "touchpoint")):
            for pk, values in state[kind].items():
                if values is None:
                    parts.pop(pk, None)
                else:
                    parts[pk] = {**values, "pk": pk}
        name = (state["journey"].get(journey.pk) or {}).get("name", name)
    channels = {c.pk: c for c in Channel.objects.all()}
    columns = []
    for stage in sorted(stages.values(), key=lambda s: (s["position"], s["pk"])):
        if stage["archived_at"] is not None:
            continue
        cards = [
            SimpleNamespace(**{**t, "channel": channels.get(t["channel_id"])})
            for t in sorted(touchpoints.values(), key=lambda t: (t["position"], t["pk"]))
            if t["stage_id"] == stage["pk"] and t["archived_at"] is None
        ]
        columns.append(SimpleNamespace(**stage, touchpoints=_All(cards)))
    return SimpleNamespace(pk=journey.pk, name=name, stages=_All(columns))


class _All(list):
    def all(self):
        return self


def _as_dict(obj, kind: str) -> dict[str, Any]:
    return {"pk": obj.pk, **{name: getattr(obj, name) for name in CONTENT_FIELDS[kind]}}


@dataclass
class VersionComparison:
    """Two versions of one journey, touchpoint by touchpoint (the shape journeys/_compare_side.html reads)."""

    current: SimpleNamespace  # the older
    future: SimpleNamespace  # the newer
    added: set[int] = field(default_factory=set)
    removed: set[int] = field(default_factory=set)
    changed: dict[int, list[str]] = field(default_factory=dict)
    moved: set[int] = field(default_factory=set)


COMPARED = ["name", "channel_id", "description", "customer_expectation", "emotion", "is_moment_of_truth", "owner_id"]


def compare_versions(older: SimpleNamespace, newer: SimpleNamespace) -> VersionComparison:
    def cards(snap):
        return {t.pk: (s, t) for s in snap.stages.all() for t in s.touchpoints.all()}

    before, after = cards(older), cards(newer)
    comparison = VersionComparison(current=older, future=newer)
    comparison.added = set(after) - set(before)
    comparison.removed = set(before) - set(after)
    for pk in set(before) & set(after):
        (old_stage, old), (new_stage, new) = before[pk], after[pk]
        fields = [name for name in COMPARED if getattr(old, name) != getattr(new, name)]
        if fields:
            comparison.changed[pk] = fields
        if old_stage.pk != new_stage.pk:
            comparison.moved.add(pk)
    return comparison
