"""The fast path of RecordCleaner for CSV rows, where every value is text: a million rows pass through it in an
import, so it is one closure over local names, with one C call to pick a row's values. It takes only the plain
valid case and hands everything else to RecordCleaner.clean, which normalises (" NPS ", "Web") or refuses with
the field's message; tests/metrics/test_ingest_records.py checks that both give the same rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from .records import DMY, FIELDS, MAX_LENGTHS, SCALES, RecordCleaner


def fast_cleaner(
    cleaner: RecordCleaner, *, received_at: datetime | None = None
) -> Callable[[Sequence[str], int], tuple]:
    """`clean` for CSV rows (every value text), faster: it takes only the plain valid case (exact metric and
    channel keys, ...) and hands anything else to `clean`, which normalises or refuses it. Both give the same
    row for the same values (tests/metrics/test_ingest_records.py). With `received_at`, the rows are direct
    rows (the responses table's columns, created_at = received_at)."""
    if received_at is None:
        careful = cleaner.clean
    else:

        def careful(values: Sequence[Any], position: int) -> tuple:
            return (*cleaner.clean(values, position)[1:12], received_at)

    scales, journeys = SCALES, cleaner.lookups.journeys
    touchpoint_journey, channels = cleaner.lookups.touchpoint_journey, cleaner.lookups.channels
    zone, latest_day, latest_moment = cleaner.zone, cleaner.latest_day, cleaner.latest_moment
    default_source = cleaner.default_source
    redact = cleaner.redact
    from_iso, dmy = datetime.fromisoformat, DMY.fullmatch
    max_respondent, max_source, max_external_id = (
        MAX_LENGTHS["respondent"],
        MAX_LENGTHS["source"],
        MAX_LENGTHS["external_id"],
    )
    # One C call picks a row's values in FIELDS order; a column the file leaves out reads as "".
    indices = [cleaner.index.get(name) for name in FIELDS]
    if None in indices:
        padded = itemgetter(*(len(cleaner.index) if at is None else at for at in indices))

        def pick(values: Sequence[str]) -> tuple[str, ...]:
            return padded((*values, ""))

    else:
        pick = itemgetter(*indices)

    def clean(values: Sequence[str], position: int) -> tuple:
        try:
            metric, score, journey, touchpoint, channel, when, respondent, comment, source, external_id = pick(values)
            low, high = scales[metric]
            score = int(score)
            journey_id = int(journey)
            if not low <= score <= high or journey_id not in journeys:
                return careful(values, position)
            if touchpoint:
                touchpoint_id = int(touchpoint)
                if touchpoint_journey.get(touchpoint_id) != journey_id:
                    return careful(values, position)
            else:
                touchpoint_id = None
            channel_id = channels[channel] if channel else None
            try:
                moment = from_iso(when)
            except ValueError:
                found = dmy(when)
                if found is None:
                    return careful(values, position)
                day, month, year, hour, minute, second = found.groups()
                moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
            if moment.tzinfo is None:
                day = moment.date()
                late = day > latest_day
                m = moment
                moment = datetime(m.year, m.month, m.day, m.hour, m.minute, m.second, m.microsecond, zone)
            else:
                day = moment.astimezone(zone).date()
                late = moment >= latest_moment
            respondent = respondent.strip()
            comment = comment.strip()
            if comment and redact is not None:
                comment = redact(comment)
            source = source.strip() or default_source
            external_id = external_id.strip()
            if (
                late
                or len(respondent) > max_respondent
                or len(source) > max_source
                or len(external_id) > max_external_id
                or "\x00" in comment
                or "\x00" in respondent
                or "\x00" in source
                or "\x00" in external_id
            ):
                return careful(values, position)
        except (KeyError, ValueError, TypeError, AttributeError, OverflowError):
            return careful(values, position)
        if received_at is not None:
            return (
                metric,
                score,
                journey_id,
                touchpoint_id,
                channel_id,
                moment,
                day,
                respondent,
                comment,
                source,
                external_id,
                received_at,
            )
        return (
            position,
            metric,
            score,
            journey_id,
            touchpoint_id,
            channel_id,
            moment,
            day,
            respondent,
            comment,
            source,
            external_id,
            None,
            None,
        )

    return clean
