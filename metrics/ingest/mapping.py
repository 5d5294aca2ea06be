"""A column mapping: which column of a file holds what a survey response needs, plus values fixed for the whole
file, plus values people mapped by hand (an unmatched touchpoint name -> a touchpoint).

Two layouts: long (a metric column and a score column, one response per row) or wide (an NPS column and/or a
CSAT column and/or a CES column, one row per respondent, split into one response per metric). The mapping is
keyed by the header names, so that a preset saved for one file applies to the next export of the same survey.

`propose` guesses a mapping from the header names (English and Dutch) and from sample values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .matching import Matcher, NoMatch, norm
from .records import DMY, FIELDS, REQUIRED

IGNORE = ""
WIDE = ("nps", "csat", "ces")
LONG = ("metric", "score")
TARGETS: tuple[str, ...] = (
    "responded_at",
    "journey",
    "touchpoint",
    "channel",
    "respondent",
    "comment",
    "external_id",
    "source",
    *WIDE,
    *LONG,
)
FIXABLE = ("journey", "channel", "source")
TARGET_LABELS = {
    IGNORE: gettext_lazy("— not imported —"),
    "responded_at": gettext_lazy("Responded at (date)"),
    "journey": gettext_lazy("Journey"),
    "touchpoint": gettext_lazy("Touchpoint"),
    "channel": gettext_lazy("Channel"),
    "respondent": gettext_lazy("Respondent key"),
    "comment": gettext_lazy("Comment (verbatim)"),
    "external_id": gettext_lazy("Response id at the source"),
    "source": gettext_lazy("Source"),
    "nps": gettext_lazy("NPS score (0-10)"),
    "csat": gettext_lazy("CSAT score (1-5)"),
    "ces": gettext_lazy("CES score (1-7)"),
    "metric": gettext_lazy("Metric (nps, csat or ces), with a score column"),
    "score": gettext_lazy("Score, with a metric column"),
}

# Header words per target, English and Dutch, normalised (matching.norm). Checked in this order: the first target
# with a phrase in the header wins ("NPS score" is the NPS, "Contactmoment" a touchpoint and not a date).
SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("external_id", ("response id", "responseid", "response_id", "external id", "antwoord id", "reactie id",
                     "submission id", "respons id", "record id")),
    ("touchpoint", ("touchpoint", "touch point", "contactmoment", "contact moment", "contactpunt", "klantcontact",
                    "interaction", "interactie", "moment of contact")),
    ("journey", ("journey", "klantreis", "customer journey", "reis")),
    ("channel", ("channel", "kanaal", "medium")),
    ("source", ("source", "bron", "survey tool", "enquetetool")),
    ("respondent", ("respondent", "klantnummer", "klant nummer", "klantnr", "klant id", "customer id",
                    "customer number", "customer no", "relatienummer", "user id", "contact id", "panel id")),
    ("comment", ("comment", "comments", "toelichting", "opmerking", "opmerkingen", "feedback", "verbatim",
                 "remarks", "reason", "reden", "waarom", "why", "explanation", "antwoord open", "open answer")),
    ("nps", ("nps", "net promoter", "recommend", "aanbevelen", "aanraden", "aan te bevelen", "promoter")),
    ("csat", ("csat", "satisfaction", "satisfied", "tevredenheid", "tevreden", "klanttevredenheid")),
    ("ces", ("ces", "effort", "moeite", "gemak", "ease", "easy", "makkelijk", "eenvoudig")),
    ("responded_at", ("date", "datum", "ingevuld op", "ingevuld", "submitted at", "submitted", "responded at",
                      "responded", "answered at", "timestamp", "tijdstip", "time", "tijd", "created at",
                      "completed at", "completed", "afgerond op", "afgerond", "end date", "einddatum")),
    ("metric", ("metric", "meting", "metriek", "kpi", "vraagtype", "question type")),
    ("score", ("score", "cijfer", "waarde", "value", "rating", "beoordeling")),
)  # fmt: skip
EXACT = {"id": "external_id", "type": "metric"}

_INT = re.compile(r"[+-]?\d+(?:[.,]0+)?")


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # header name -> target (absent or "": not imported)
    fixed: dict[str, str] = field(default_factory=dict)  # journey (its id), channel (slug), source (text)
    values: dict[str, dict[str, int]] = field(default_factory=dict)  # "touchpoint": {normalised value: id}

    def as_json(self) -> dict[str, Any]:
        return {"columns": dict(self.columns), "fixed": dict(self.fixed), "values": dict(self.values)}

    @classmethod
    def from_json(cls, data: Any) -> Mapping:
        if not isinstance(data, dict):
            return cls()

        def text_dict(value: Any) -> dict[str, str]:
            if not isinstance(value, dict):
                return {}
            return {str(k): str(v) for k, v in value.items() if isinstance(v, str | int)}

        values = data.get("values") if isinstance(data.get("values"), dict) else {}
        return cls(
            columns={k: v for k, v in text_dict(data.get("columns")).items() if v in TARGETS},
            fixed={k: v for k, v in text_dict(data.get("fixed")).items() if k in FIXABLE and v.strip()},
            values={
                kind: {str(k): int(v) for k, v in pairs.items() if isinstance(v, int) and not isinstance(v, bool)}
                for kind, pairs in values.items()
                if kind == "touchpoint" and isinstance(pairs, dict)
            },
        )

    @classmethod
    def identity(cls, names: list[str]) -> Mapping:
        """A file with the standard header (FIELDS) mapped onto itself."""
        return cls(columns={name: name.strip().lower() for name in names if name.strip().lower() in FIELDS})

    def column_of(self, names: list[str]) -> dict[str, int]:
        """target -> index of its column in this header (the first column of a name, if repeated)."""
        found: dict[str, int] = {}
        for index, name in enumerate(names):
            target = self.columns.get(name, IGNORE)
            if target and target not in found:
                found[target] = index
        return found

    def is_wide(self) -> bool:
        return any(target in WIDE for target in self.columns.values())

    def problems(self, names: list[str], matcher: Matcher) -> list[tuple[str, str]]:
        """What makes this mapping unusable for a file with these header names: (what, message)."""
        found: list[tuple[str, str]] = []
        missing = [name for name, target in self.columns.items() if target and name not in names]
        if missing:
            found.append(
                (
                    "columns",
                    _("The file has no column %(names)s.") % {"names": ", ".join(f"“{name}”" for name in missing)},
                )
            )
        targets = [self.columns.get(name, IGNORE) for name in dict.fromkeys(names)]
        for target in TARGETS:
            if targets.count(target) > 1:
                found.append(
                    (target, _("“%(target)s” is chosen for more than one column.") % {"target": label(target)})
                )
        chosen = set(targets) - {IGNORE}
        if "responded_at" not in chosen:
            found.append(("responded_at", _("Choose the column that holds the date of the answer.")))
        if "journey" not in chosen and not self.fixed.get("journey"):
            found.append(("journey", _("Choose the journey column, or one journey for the whole file.")))
        wide = chosen & set(WIDE)
        long = chosen & set(LONG)
        if wide and long:
            found.append(
                ("score", _("Choose either a metric and a score column, or NPS, CSAT and CES columns, not both."))
            )
        elif long and long != set(LONG):
            found.append(("score", _("A metric column needs a score column, and a score column a metric column.")))
        elif not wide and not long:
            found.append(("score", _("Choose at least one score column (NPS, CSAT or CES).")))
        for target in FIXABLE:
            if target in chosen and self.fixed.get(target):
                found.append(
                    (
                        target,
                        _("“%(target)s” is both a column and a fixed value: choose one.") % {"target": label(target)},
                    )
                )
        journey = self.fixed.get("journey")
        if journey and "journey" not in chosen:
            try:
                matcher.journey(journey)
            except NoMatch as error:
                found.append(("journey", error.message))
        channel = self.fixed.get("channel")
        if channel and "channel" not in chosen:
            try:
                matcher.channel(channel)
            except NoMatch as error:
                found.append(("channel", error.message))
        return found


def label(target: str) -> str:
    return str(TARGET_LABELS.get(target, target))


def _by_name(name: str) -> str | None:
    text = norm(name)
    if not text:
        return None
    if text in EXACT:
        return EXACT[text]
    if text in FIELDS:  # the standard header's own names
        return text
    padded = f" {text} "
    for target, phrases in SYNONYMS:
        if any(f" {phrase} " in padded for phrase in phrases):
            return target
    return None


def _is_date(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return DMY.fullmatch(value) is not None
    return True


def _whole(value: str) -> int | None:
    return int(float(value.replace(",", "."))) if _INT.fullmatch(value) else None


def _by_values(values: list[str], matcher: Matcher, journey_id: int | None) -> str | None:
    present = [value for value in values if value]
    if not present:
        return None
    if all(_is_date(value) for value in present):
        return "responded_at"
    numbers = [_whole(value) for value in present]
    if all(number is not None for number in numbers):
        scores = [number for number in numbers if number is not None]
        if min(scores) >= 0 and max(scores) <= 10 and max(scores) > 7:
            return "nps"
        return None

    def share(test) -> float:
        hits = 0
        for value in present:
            try:
                test(value)
                hits += 1
            except NoMatch:
                pass
        return hits / len(present)

    if share(matcher.journey) >= 0.5:
        return "journey"
    if journey_id is not None and share(lambda value: matcher.touchpoint(value, journey_id)) >= 0.5:
        return "touchpoint"
    if share(matcher.channel) >= 0.5:
        return "channel"
    return None


def propose(names: list[str], samples: list[list[str]], matcher: Matcher) -> Mapping:
    """The mapping a person would most likely choose: by header name first, then by the values of the columns
    still free (dates, 0-10 whole numbers, journey, touchpoint and channel names)."""
    mapping = Mapping()
    taken: set[str] = set()
    for name in names:
        target = _by_name(name)
        if target and target not in taken and name not in mapping.columns:
            mapping.columns[name] = target
            taken.add(target)
    columns = {index: [row[index] if index < len(row) else "" for row in samples] for index in range(len(names))}
    journey_id: int | None = None
    if "journey" in taken:
        at = names.index(next(n for n, t in mapping.columns.items() if t == "journey"))
        for value in columns[at]:
            try:
                journey_id = matcher.journey(value)
                break
            except NoMatch:
                continue
    elif len(current := [j.id for j in matcher.journeys.values() if j.current]) == 1:
        journey_id = current[0]
    for index, name in enumerate(names):
        if name in mapping.columns:
            continue
        target = _by_values(columns[index], matcher, journey_id)
        if target and target not in taken and not (target == "nps" and taken & {"metric", "score"}):
            mapping.columns[name] = target
            taken.add(target)
            if target == "journey" and journey_id is None:
                journey_id = next((matcher.journey(v) for v in columns[index] if _try(matcher.journey, v)), None)
    # A lone "score" column without a metric: read it as the NPS if its values fit.
    if "score" in taken and "metric" not in taken and not taken & set(WIDE):
        name = next(n for n, t in mapping.columns.items() if t == "score")
        mapping.columns[name] = "nps"
    if "journey" not in taken and journey_id is not None:
        mapping.fixed["journey"] = str(journey_id)
    return mapping


def _try(call, value: str) -> bool:
    try:
        call(value)
    except NoMatch:
        return False
    return True


def required_note() -> str:
    return ", ".join(REQUIRED)
