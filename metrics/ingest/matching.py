"""Values people write, matched to the map: a journey by key, name or id; a touchpoint by key, name or alias
within its journey (or its id); a channel by key or name (English or Dutch). Case, accents, dashes and extra
spaces do not count ("Claim-by-Phone" is "claim by phone"). A near miss gets a suggestion (difflib).

Everything is loaded in three queries, once per import, so that a row is matched without a query.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.utils.translation import gettext as _

from journeys.models import Channel, Journey, JourneyState, Touchpoint, channel_label

_NOT_WORD = re.compile(r"[\W_]+")
SUGGEST_CUTOFF = 0.72


def norm(value: str) -> str:
    """Lower case, no accents, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", plain.casefold()).strip()


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


class NoMatch(Exception):
    def __init__(self, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestion = suggestion


@dataclass
class JourneyInfo:
    id: int
    name: str
    current: bool
    on_map: bool = True  # not archived


@dataclass
class Matcher:
    journeys: dict[int, JourneyInfo] = field(default_factory=dict)
    journey_names: dict[str, int] = field(default_factory=dict)  # normalised key or name -> id
    touchpoint_names: dict[int, dict[str, int]] = field(default_factory=dict)  # journey -> normalised -> id
    touchpoint_labels: dict[int, dict[int, str]] = field(default_factory=dict)  # journey -> id -> name
    touchpoint_journey: dict[int, int] = field(default_factory=dict)
    channel_names: dict[str, str] = field(default_factory=dict)  # normalised key or name -> slug
    channel_labels: dict[str, str] = field(default_factory=dict)  # slug -> name
    channel_names_nl: dict[str, str] = field(default_factory=dict)  # slug -> Dutch name (may be empty)

    @classmethod
    def load(cls) -> Matcher:
        matcher = cls()
        journey_fields = ["pk", "name", "state", "archived_at"] + (["key"] if _has_field(Journey, "key") else [])
        # Archived ones too: answers that still come in for them are kept (as the CSV import does).
        for values in Journey.all_objects.order_by("pk").values(*journey_fields):
            info = JourneyInfo(
                values["pk"], values["name"], values["state"] == JourneyState.CURRENT, values["archived_at"] is None
            )
            matcher.journeys[info.id] = info
            for text in (values.get("key"), values["name"]):
                if text:
                    # A current journey wins a name shared with a future-state design.
                    known = matcher.journey_names.get(norm(text))
                    if known is None or (info.current and not matcher.journeys[known].current):
                        matcher.journey_names[norm(text)] = info.id
        tp_fields = ["pk", "journey_id", "name"]
        tp_fields += [name for name in ("key", "aliases") if _has_field(Touchpoint, name)]
        names: dict[int, dict[str, int]] = defaultdict(dict)
        labels: dict[int, dict[int, str]] = defaultdict(dict)
        for values in Touchpoint.all_objects.order_by(F("archived_at").asc(nulls_first=True), "pk").values(*tp_fields):
            journey_id, pk = values["journey_id"], values["pk"]
            matcher.touchpoint_journey[pk] = journey_id
            labels[journey_id][pk] = values["name"]
            texts = [values.get("key"), values["name"], *(values.get("aliases") or [])]
            for text in texts:
                if isinstance(text, str) and text.strip():
                    names[journey_id].setdefault(norm(text), pk)  # on the map before archived, then oldest
        matcher.touchpoint_names, matcher.touchpoint_labels = dict(names), dict(labels)
        for slug, name, name_nl in Channel.objects.order_by("position", "pk").values_list("slug", "name", "name_nl"):
            matcher.channel_labels[slug] = name
            matcher.channel_names_nl[slug] = name_nl
            for text in (slug, name, name_nl):
                if text:
                    matcher.channel_names.setdefault(norm(text), slug)
        return matcher

    @staticmethod
    def _suggest(value: str, candidates: dict[str, str]) -> str | None:
        """The display name of the closest candidate (normalised -> display), if close enough."""
        close = difflib.get_close_matches(norm(value), list(candidates), n=1, cutoff=SUGGEST_CUTOFF)
        return candidates[close[0]] if close else None

    def journey(self, value: str) -> int:
        text = value.strip()
        if text.isdigit() and int(text) in self.journeys:
            found: int | None = int(text)
        else:
            found = self.journey_names.get(norm(text))
        if found is None:
            suggestion = self._suggest(text, {norm(j.name): j.name for j in self.journeys.values() if j.current})
            message = _("“%(value)s” is not a journey.") % {"value": text}
            if suggestion:
                message = _("“%(value)s” is not a journey — did you mean “%(suggestion)s”?") % {
                    "value": text,
                    "suggestion": suggestion,
                }
            raise NoMatch(message, suggestion)
        if not self.journeys[found].current:
            raise NoMatch(
                _("“%(name)s” is a future-state design: responses belong to a current-state journey.")
                % {"name": self.journeys[found].name}
            )
        return found

    def journey_choices(self) -> list[tuple[int, str]]:
        """Current-state journeys on the map, by name (the fixed journey's select)."""
        found = [(j.id, j.name) for j in self.journeys.values() if j.current and j.on_map]
        return sorted(found, key=lambda item: item[1].casefold())

    def journey_name(self, journey_id: int) -> str:
        info = self.journeys.get(journey_id)
        return info.name if info else str(journey_id)

    def touchpoint(self, value: str, journey_id: int) -> int:
        text = value.strip()
        names = self.touchpoint_names.get(journey_id, {})
        found = names.get(norm(text))
        if found is None and text.isdigit() and self.touchpoint_journey.get(int(text)) == journey_id:
            found = int(text)
        if found is not None:
            return found
        labels = self.touchpoint_labels.get(journey_id, {})
        suggestion = self._suggest(text, {norm(label): label for label in labels.values()})
        if suggestion is None:  # an alias or key close to the value: suggest its touchpoint's name
            close = difflib.get_close_matches(norm(text), list(names), n=1, cutoff=SUGGEST_CUTOFF)
            suggestion = labels.get(names[close[0]]) if close else None
        journey = self.journey_name(journey_id)
        if suggestion:
            message = _("“%(value)s” is not a touchpoint of %(journey)s — did you mean “%(suggestion)s”?") % {
                "value": text,
                "journey": journey,
                "suggestion": suggestion,
            }
        else:
            message = _("“%(value)s” is not a touchpoint of %(journey)s.") % {"value": text, "journey": journey}
        raise NoMatch(message, suggestion)

    def touchpoint_name(self, touchpoint_id: int) -> str:
        journey_id = self.touchpoint_journey.get(touchpoint_id)
        return self.touchpoint_labels.get(journey_id or 0, {}).get(touchpoint_id, str(touchpoint_id))

    def touchpoints_of(self, journey_id: int) -> list[tuple[int, str]]:
        return sorted(self.touchpoint_labels.get(journey_id, {}).items(), key=lambda item: item[1].casefold())

    def channel_display(self, slug: str) -> str:
        """The channel's name in the active language (as Channel.label)."""
        return channel_label(self.channel_labels.get(slug, slug), self.channel_names_nl.get(slug, ""))

    def channel(self, value: str) -> str:
        text = value.strip()
        found = self.channel_names.get(norm(text))
        if found is None:
            suggestion = self._suggest(text, {norm(name): name for name in self.channel_labels.values()})
            known = ", ".join(sorted(self.channel_labels))
            message = _("“%(value)s” is not a channel (known: %(known)s).") % {"value": text, "known": known}
            if suggestion:
                message = _("“%(value)s” is not a channel — did you mean “%(suggestion)s”?") % {
                    "value": text,
                    "suggestion": suggestion,
                }
            raise NoMatch(message, suggestion)
        return found
