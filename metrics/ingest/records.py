"""One survey response record: its fields and the rules that make it valid, shared by the API and the CSV paths.

A record arrives as a sequence of values in some column order (the CSV header's, or FIELDS for a JSON object);
`RecordCleaner.clean` turns it into a staging row or raises RecordError naming the field. The fast path stops at
the first problem; `RecordCleaner.explain` then lists every problem of that record, with the same field rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.keys import normalise_alias
from journeys.models import Channel, Journey, JourneyState, Touchpoint
from metrics.models import METRIC_SCALES, SurveyResponse

FIELDS: tuple[str, ...] = (
    "metric",
    "score",
    "journey",
    "touchpoint",
    "channel",
    "responded_at",
    "respondent",
    "comment",
    "source",
    "external_id",
)
REQUIRED: tuple[str, ...] = ("metric", "score", "journey", "responded_at")
MAX_LENGTHS: dict[str, int] = {
    name: SurveyResponse._meta.get_field(name).max_length for name in ("respondent", "source", "external_id")
}
SCALES: dict[str, tuple[int, int]] = {str(metric): scale for metric, scale in METRIC_SCALES.items()}
DATE_HELP = "YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][+01:00], DD-MM-YYYY [HH:MM[:SS]]"

# A staging row: position (CSV line or list index), metric, score, journey_id, touchpoint_id, channel_id,
# responded_at (aware), day (its local date), respondent, comment, source, external_id, error_field,
# error_message. A direct row (metrics.ingest.fastpath, with received_at) has the columns of the responses table
# instead: metric ... external_id, created_at.
StagingRow = tuple[Any, ...]

DMY = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


class RecordError(Exception):
    """A problem with one field of one record."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Lookups:
    """What a record may refer to, loaded once per ingest so that a record is checked without a query."""

    journeys: frozenset[int]  # current-state journeys: the ones customers travel
    future_journeys: frozenset[int]
    touchpoint_journey: dict[int, int]
    channels: dict[str, int]
    # Keys (journeys.keys): a journey's key -> its id; (journey id, a touchpoint's key or normalised alias) -> the
    # touchpoint's id, keys before aliases.
    journey_keys: dict[str, int] = field(default_factory=dict)
    touchpoint_keys: dict[tuple[int, str], int] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        *,
        journey_ids: Iterable[int] | None = None,
        touchpoint_ids: Iterable[int] | None = None,
        journey_keys: Iterable[str] | None = None,
        with_touchpoint_keys: bool = True,
    ) -> Lookups:
        """Everything (a CSV stream: the ids are not known in advance), or only the given ids and journey keys
        (an API list; the touchpoint keys of those journeys when `with_touchpoint_keys`)."""
        # order_by(): no join for the models' default ordering, which a lookup table does not need.
        # Archived journeys and touchpoints too: answers that still come in for them are kept, never refused.
        journeys = Journey.all_objects.order_by()
        touchpoints = Touchpoint.all_objects.order_by()
        keyed = Touchpoint.all_objects.order_by()
        if journey_ids is not None or journey_keys is not None:
            journeys = journeys.filter(Q(pk__in=set(journey_ids or ())) | Q(key__in=set(journey_keys or ())))
        if touchpoint_ids is not None:
            touchpoints = touchpoints.filter(pk__in=set(touchpoint_ids))
        current: set[int] = set()
        future: set[int] = set()
        keys: dict[str, int] = {}
        for pk, state, key in journeys.values_list("pk", "state", "key"):
            (current if state == JourneyState.CURRENT else future).add(pk)
            if key:
                keys[key] = pk
        touchpoint_keys: dict[tuple[int, str], int] = {}
        everything = journey_ids is None and journey_keys is None and touchpoint_ids is None
        # Loading everything (a file), the keyed query below reads every touchpoint's journey too.
        touchpoint_journey = (
            {} if everything and with_touchpoint_keys else dict(touchpoints.values_list("pk", "journey_id"))
        )
        if with_touchpoint_keys:
            if not everything:
                keyed = keyed.filter(journey_id__in=current | future)
            aliased: dict[tuple[int, str], int] = {}
            for pk, journey_id, key, aliases in keyed.values_list("pk", "journey_id", "key", "aliases"):
                touchpoint_journey.setdefault(pk, journey_id)
                if key:
                    touchpoint_keys[journey_id, key] = pk
                for alias in aliases or ():
                    aliased.setdefault((journey_id, normalise_alias(alias)), pk)
            touchpoint_keys = {**aliased, **touchpoint_keys}
        return cls(
            journeys=frozenset(current),
            future_journeys=frozenset(future),
            touchpoint_journey=touchpoint_journey,
            channels=dict(Channel.objects.order_by().values_list("slug", "pk")),
            journey_keys=keys,
            touchpoint_keys=touchpoint_keys,
        )


def read_moment(value: Any) -> datetime:
    """An ISO date or date-time (with or without offset) or DD-MM-YYYY [HH:MM[:SS]] (Dutch spreadsheets; one-digit
    days and months too). Aware when the value has an offset, naive (local time) when it has none."""
    if type(value) is not str:
        raise ValueError(value)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        match = DMY.fullmatch(value.strip())
        if match is None:
            raise
        day, month, year, hour, minute, second = match.groups()
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))


def localise(moment: datetime, zone: tzinfo) -> tuple[datetime, date]:
    """The aware moment and its local day; a naive moment is local time in `zone` (fold 0 in a repeated hour).
    The constructor, not replace(tzinfo=...): a third of the time, which counts a million times over."""
    if moment.tzinfo is None:
        m = moment
        return datetime(m.year, m.month, m.day, m.hour, m.minute, m.second, m.microsecond, zone), m.date()
    return moment, moment.astimezone(zone).date()


def _whole_number(value: Any) -> int:
    if type(value) is str:
        return int(value)
    if type(value) is int:  # not bool: True is an int in Python, never a score or an id
        return value
    raise ValueError(value)


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        raise RecordError(field, _("Enter text."))
    value = value.strip()
    if "\x00" in value:
        raise RecordError(field, _("The text contains a NUL character."))
    limit = MAX_LENGTHS.get(field)
    if limit is not None and len(value) > limit:
        raise RecordError(
            field, _("At most %(limit)d characters (this has %(length)d).") % {"limit": limit, "length": len(value)}
        )
    return value


def _is_blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


class RecordCleaner:
    """Checks records laid out in `columns` (a subset of FIELDS, in any order) against `lookups`."""

    def __init__(
        self,
        *,
        columns: Sequence[str],
        lookups: Lookups,
        default_source: str,
        redact: Callable[[str], str] | None = None,
    ) -> None:
        self.lookups = lookups
        # Personal data in a comment is replaced by a marker before the row is staged or stored
        # (metrics.privacy.redaction): the original never reaches the database.
        self.redact = redact
        self.default_source = default_source
        self.zone = ZoneInfo(settings.TIME_ZONE)
        # A response "from tomorrow" is a typo (or day and month swapped); a day of slack covers clock skew.
        self.latest_day = timezone.localdate() + timedelta(days=1)
        self.latest_moment = datetime.combine(self.latest_day + timedelta(days=1), time(), tzinfo=self.zone)
        index = {name: i for i, name in enumerate(columns)}
        self.index = index
        (
            self._metric,
            self._score,
            self._journey,
            self._touchpoint,
            self._channel,
            self._when,
            self._respondent,
            self._comment,
            self._source,
            self._external_id,
        ) = (index.get(name) for name in FIELDS)

    # Field rules, each used by the fast path and by explain().

    def metric_scale(self, value: Any) -> tuple[str, tuple[int, int]]:
        # Only text is looked up: a list or an object (JSON) cannot be a dict key.
        scale = SCALES.get(value) if type(value) is str else None
        if scale is None:
            metric = value.strip().lower() if type(value) is str else value
            scale = SCALES.get(metric) if type(metric) is str else None
            if scale is None:
                if _is_blank(value):
                    raise RecordError("metric", _("This field is required."))
                raise RecordError(
                    "metric", _("Unknown metric %(value)s: use nps, csat or ces.") % {"value": repr(value)}
                )
            return metric, scale
        return value, scale

    def score(self, value: Any, metric: str | None, scale: tuple[int, int] | None) -> int:
        try:
            score = _whole_number(value)
        except ValueError:
            if _is_blank(value):
                raise RecordError("score", _("This field is required.")) from None
            raise RecordError("score", _("%(value)s is not a whole number.") % {"value": repr(value)}) from None
        if scale is not None and not scale[0] <= score <= scale[1]:
            raise RecordError(
                "score",
                _("%(score)d is out of range for %(metric)s (%(low)d to %(high)d).")
                % {"score": score, "metric": metric, "low": scale[0], "high": scale[1]},
            )
        return score

    def journey(self, value: Any) -> int:
        try:
            journey_id = _whole_number(value)
        except ValueError:
            if _is_blank(value):
                raise RecordError("journey", _("This field is required.")) from None
            found = self.lookups.journey_keys.get(value.strip().lower()) if type(value) is str else None
            if found is None:
                raise RecordError(
                    "journey", _("%(value)s is neither a journey id nor a journey key.") % {"value": repr(value)}
                ) from None
            journey_id = found
        if journey_id not in self.lookups.journeys:
            if journey_id in self.lookups.future_journeys:
                message = _("Journey %(id)d is a future-state design: responses belong to a current-state journey.")
            else:
                message = _("Unknown journey %(id)d.")
            raise RecordError("journey", message % {"id": journey_id})
        return journey_id

    def touchpoint(self, value: Any, journey_id: int | None) -> int | None:
        if _is_blank(value):
            return None
        try:
            touchpoint_id = _whole_number(value)
        except ValueError:
            touchpoint_id = self._touchpoint_by_key(value, journey_id)
        owner = self.lookups.touchpoint_journey.get(touchpoint_id)
        if owner is None:
            raise RecordError("touchpoint", _("Unknown touchpoint %(id)d.") % {"id": touchpoint_id})
        if journey_id is not None and owner != journey_id:
            raise RecordError(
                "touchpoint",
                _("Touchpoint %(id)d belongs to journey %(owner)d, not to journey %(journey)d.")
                % {"id": touchpoint_id, "owner": owner, "journey": journey_id},
            )
        return touchpoint_id

    def _touchpoint_by_key(self, value: Any, journey_id: int | None) -> int:
        """A touchpoint's key or one of its aliases, within the record's journey."""
        if type(value) is not str:
            raise RecordError("touchpoint", _("%(value)s is not a touchpoint id.") % {"value": repr(value)})
        if journey_id is None:
            raise RecordError("touchpoint", _("A touchpoint key needs a valid journey."))
        keys = self.lookups.touchpoint_keys
        found = keys.get((journey_id, value.strip().lower())) or keys.get((journey_id, normalise_alias(value)))
        if found is None:
            raise RecordError(
                "touchpoint",
                _("%(value)s is neither a touchpoint id nor the key or an alias of a touchpoint of this journey.")
                % {"value": repr(value)},
            )
        return found

    def channel(self, value: Any) -> int | None:
        if _is_blank(value):
            return None
        # Only text is looked up: a list or an object (JSON) cannot be a dict key.
        channel_id = self.lookups.channels.get(value) if type(value) is str else None
        if channel_id is None:
            slug = value.strip().lower() if type(value) is str else None
            channel_id = None if slug is None else self.lookups.channels.get(slug)
            if channel_id is None:
                known = ", ".join(sorted(self.lookups.channels))
                raise RecordError(
                    "channel",
                    _("Unknown channel %(value)s (known: %(known)s).") % {"value": repr(value), "known": known},
                )
        return channel_id

    def moment(self, value: Any) -> datetime:
        """As read: aware, or naive for a local time."""
        try:
            moment = read_moment(value)
        except (ValueError, OverflowError):
            if _is_blank(value):
                raise RecordError("responded_at", _("This field is required.")) from None
            raise RecordError(
                "responded_at",
                _("%(value)s is not a date (use %(formats)s).") % {"value": repr(value), "formats": DATE_HELP},
            ) from None
        late = moment.date() > self.latest_day if moment.tzinfo is None else moment >= self.latest_moment
        if late:
            raise RecordError("responded_at", _("%(value)s lies in the future.") % {"value": value})
        return moment

    def comment(self, value: Any) -> str:
        comment = _text(value, "comment")
        return self.redact(comment) if comment and self.redact is not None else comment

    def source(self, value: Any) -> str:
        return _text(value, "source") or self.default_source

    # The record.

    def clean(self, values: Sequence[Any], position: int) -> StagingRow:
        """The staging row of a valid record; RecordError at the first problem."""
        metric, scale = self.metric_scale(values[self._metric])
        score = self.score(values[self._score], metric, scale)
        journey_id = self.journey(values[self._journey])
        touchpoint_id = None if self._touchpoint is None else self.touchpoint(values[self._touchpoint], journey_id)
        channel_id = None if self._channel is None else self.channel(values[self._channel])
        moment, day = localise(self.moment(values[self._when]), self.zone)
        return (
            position,
            metric,
            score,
            journey_id,
            touchpoint_id,
            channel_id,
            moment,
            day,
            "" if self._respondent is None else _text(values[self._respondent], "respondent"),
            "" if self._comment is None else self.comment(values[self._comment]),
            self.default_source if self._source is None else self.source(values[self._source]),
            "" if self._external_id is None else _text(values[self._external_id], "external_id"),
            None,
            None,
        )

    def explain(self, values: Sequence[Any]) -> list[tuple[str | None, str]]:
        """Every problem of an invalid record as (field, message), in field order."""
        problems: list[tuple[str | None, str]] = []

        def check(call: Callable[[], Any]) -> Any:
            try:
                return call()
            except RecordError as error:
                problems.append((error.field, error.message))
                return None

        def value(name: str) -> Any:
            at = self.index.get(name)
            return None if at is None else values[at]

        found = check(lambda: self.metric_scale(value("metric")))
        metric, scale = found if found else (None, None)
        check(lambda: self.score(value("score"), metric, scale))
        journey_id = check(lambda: self.journey(value("journey")))
        check(lambda: self.touchpoint(value("touchpoint"), journey_id))
        check(lambda: self.channel(value("channel")))
        check(lambda: self.moment(value("responded_at")))
        for name in ("respondent", "comment", "source", "external_id"):
            check(lambda name=name: _text(value(name), name))
        return problems or [(None, _("The record is not valid."))]
