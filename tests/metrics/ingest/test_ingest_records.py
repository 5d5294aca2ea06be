"""The rules of one response record (metrics.ingest.records), without a database: the API and CSV share them."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from metrics.ingest.fastpath import fast_cleaner
from metrics.ingest.records import FIELDS, Lookups, RecordCleaner, RecordError, localise, read_moment

pytestmark = pytest.mark.calendar  # depends on today's date

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LOOKUPS = Lookups(
    journeys=frozenset({1, 2}),
    future_journeys=frozenset({3}),
    touchpoint_journey={10: 1, 11: 1, 20: 2},
    channels={"web": 100, "phone": 101},
)


def cleaner() -> RecordCleaner:
    return RecordCleaner(columns=FIELDS, lookups=LOOKUPS, default_source="api")


def values(**fields) -> list:
    record = {"metric": "nps", "score": 9, "journey": 1, "responded_at": "2024-03-05T10:15:00+01:00", **fields}
    return [record.get(name) for name in FIELDS]


def refusal(**fields) -> tuple[str | None, str]:
    with pytest.raises(RecordError) as refused:
        cleaner().clean(values(**fields), 0)
    return refused.value.field, refused.value.message


@pytest.mark.parametrize(
    ("text", "moment", "day"),
    [
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=AMSTERDAM), date(2024, 3, 5)),
        ("2024-03-05 10:15", datetime(2024, 3, 5, 10, 15, tzinfo=AMSTERDAM), date(2024, 3, 5)),
        ("2024-03-05T10:15:30", datetime(2024, 3, 5, 10, 15, 30, tzinfo=AMSTERDAM), date(2024, 3, 5)),
        # 23:30 UTC on 5 March is 00:30 on 6 March in Amsterdam: the local day counts.
        ("2024-03-05T23:30:00Z", datetime(2024, 3, 5, 23, 30, tzinfo=UTC), date(2024, 3, 6)),
        ("2024-03-05T23:30:00+00:00", datetime(2024, 3, 5, 23, 30, tzinfo=UTC), date(2024, 3, 6)),
        ("05-03-2024", datetime(2024, 3, 5, tzinfo=AMSTERDAM), date(2024, 3, 5)),
        ("5-3-2024", datetime(2024, 3, 5, tzinfo=AMSTERDAM), date(2024, 3, 5)),
        ("05-03-2024 10:15", datetime(2024, 3, 5, 10, 15, tzinfo=AMSTERDAM), date(2024, 3, 5)),
        ("05-03-2024 10:15:30", datetime(2024, 3, 5, 10, 15, 30, tzinfo=AMSTERDAM), date(2024, 3, 5)),
    ],
)
def test_it_reads_iso_and_dutch_dates_in_the_local_time_zone(text, moment, day):
    parsed, local_day = localise(read_moment(text), AMSTERDAM)
    assert parsed == moment
    assert local_day == day


@pytest.mark.parametrize("text", ["2024-02-30", "31-02-2024", "03/05/2024", "yesterday", "05-03-24", "", "2024-13-01"])
def test_it_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueError):
        read_moment(text)


def test_a_valid_record_becomes_a_staging_row():
    row = cleaner().clean(values(touchpoint="10", channel="web", respondent=" r-1 ", source=""), 7)
    position, metric, score, journey, touchpoint, channel, moment, day = row[:8]
    respondent, comment, source, external = row[8:12]
    assert (position, metric, score, journey, touchpoint, channel) == (7, "nps", 9, 1, 10, 100)
    assert (moment, day) == (datetime(2024, 3, 5, 9, 15, tzinfo=UTC), date(2024, 3, 5))
    assert (respondent, comment, source, external) == ("r-1", "", "api", "")


def test_a_time_without_offset_is_local_time():
    row = cleaner().clean(values(responded_at="05-03-2024 10:15"), 0)
    assert row[6:8] == (datetime(2024, 3, 5, 9, 15, tzinfo=UTC), date(2024, 3, 5))


def test_the_local_day_of_a_time_with_offset_is_the_day_in_the_configured_zone():
    assert cleaner().clean(values(responded_at="2024-03-05T23:30:00Z"), 0)[7] == date(2024, 3, 6)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("2024-03-31 02:30", datetime(2024, 3, 31, 1, 30, tzinfo=UTC)),  # in the gap of the spring change
        ("2024-10-27 02:30", datetime(2024, 10, 27, 0, 30, tzinfo=UTC)),  # the repeated hour: its first pass
    ],
)
def test_local_times_around_the_clock_changes_follow_one_rule(text, utc):
    # (compared in UTC: PEP 495 makes == across zones false for these very times)
    assert cleaner().clean(values(responded_at=text), 0)[6].astimezone(UTC) == utc
    assert fast_cleaner(cleaner())(values(responded_at=text, score="9", journey="1"), 0)[6].astimezone(UTC) == utc


def test_csv_text_is_read_as_well_as_json_values():
    row = cleaner().clean(values(metric=" NPS ", score="7", journey="2", touchpoint="20", channel="Phone"), 0)
    assert row[1:6] == ("nps", 7, 2, 20, 101)


@pytest.mark.parametrize(
    ("metric", "score", "scale"),
    [
        ("nps", 11, "0 to 10"),
        ("nps", -1, "0 to 10"),
        ("csat", 0, "1 to 5"),
        ("csat", 6, "1 to 5"),
        ("ces", 8, "1 to 7"),
    ],
)
def test_it_refuses_a_score_out_of_the_metrics_range(metric, score, scale):
    field, message = refusal(metric=metric, score=score)
    assert field == "score"
    assert message == f"{score} is out of range for {metric} ({scale})."


@pytest.mark.parametrize("score", [7.5, True, "seven", "7.0"])
def test_a_score_must_be_a_whole_number(score):
    field, message = refusal(score=score)
    assert field == "score" and "is not a whole number" in message


def test_it_refuses_an_unknown_metric():
    assert refusal(metric="ces2") == ("metric", "Unknown metric 'ces2': use nps, csat or ces.")


def test_it_refuses_an_unknown_journey():
    assert refusal(journey=99) == ("journey", "Unknown journey 99.")


def test_it_refuses_a_future_state_journey():
    field, message = refusal(journey=3)
    assert field == "journey" and "future-state design" in message


def test_it_refuses_a_touchpoint_of_another_journey():
    assert refusal(touchpoint=20) == ("touchpoint", "Touchpoint 20 belongs to journey 2, not to journey 1.")


def test_it_refuses_an_unknown_touchpoint_and_channel():
    assert refusal(touchpoint=99) == ("touchpoint", "Unknown touchpoint 99.")
    assert refusal(channel="fax") == ("channel", "Unknown channel 'fax' (known: phone, web).")


def test_it_refuses_a_bad_date():
    field, message = refusal(responded_at="31-02-2024")
    assert field == "responded_at" and message.startswith("'31-02-2024' is not a date (use YYYY-MM-DD")


def test_it_refuses_a_date_in_the_future():
    next_week = (timezone.now() + timedelta(days=7)).date().isoformat()
    assert refusal(responded_at=next_week) == ("responded_at", f"{next_week} lies in the future.")


def test_it_refuses_a_too_long_respondent_key():
    field, message = refusal(respondent="x" * 101)
    assert field == "respondent" and message == "At most 100 characters (this has 101)."


@pytest.mark.parametrize("field", ["metric", "score", "journey", "responded_at"])
def test_the_required_fields_are_required(field):
    assert refusal(**{field: None}) == (field, "This field is required.")


CSV_ROWS = [
    ["nps", "9", "1", "10", "web", "2024-03-05T10:15:00+01:00", "r-1", "Fine", "tool", "x-1"],
    ["nps", "9", "1", "", "", "2024-03-05 10:15", "", "", "", ""],
    ["csat", "5", "2", "20", "phone", "5-3-2024 10:15:07", " r ", " spaced ", " ", " x "],
    [" NPS ", " 7 ", "1", " ", "Web", "05-03-2024", "", "", "", ""],
    ["ces", "1", "1", "11", "", "2024-03-05T23:30:00Z", "", "", "", ""],
]
CSV_REFUSED = [
    ["nps", "11", "1", "", "", "2024-03-05", "", "", "", ""],
    ["nps", "9", "1", "20", "", "2024-03-05", "", "", "", ""],
    ["nps", "9", "3", "", "", "2024-03-05", "", "", "", ""],
    ["nps", "9", "1", "", "fax", "2024-03-05", "", "", "", ""],
    ["nps", "9", "1", "", "", "31-02-2024", "", "", "", ""],
    ["nps", "9", "1", "", "", "2024-03-05", "x" * 101, "", "", ""],
    ["nps", "9", "1", "", "", "2024-03-05", "", "a\x00b", "", ""],
    ["nps", "9", "1", "", "", "2999-01-01", "", "", "", ""],
]


@pytest.mark.parametrize("row", CSV_ROWS)
def test_the_fast_path_for_csv_gives_the_same_row_as_the_careful_one(row):
    assert fast_cleaner(cleaner())(row, 5) == cleaner().clean(row, 5)
    stamp = datetime(2025, 1, 1, tzinfo=UTC)
    assert fast_cleaner(cleaner(), received_at=stamp)(row, 5) == (*cleaner().clean(row, 5)[1:12], stamp)


@pytest.mark.parametrize("row", CSV_REFUSED)
def test_the_fast_path_refuses_what_the_careful_one_refuses(row):
    with pytest.raises(RecordError) as careful:
        cleaner().clean(row, 5)
    with pytest.raises(RecordError) as fast:
        fast_cleaner(cleaner())(row, 5)
    assert (fast.value.field, fast.value.message) == (careful.value.field, careful.value.message)


def test_explain_names_every_problem_of_a_record():
    problems = cleaner().explain(values(metric="nps", score=12, journey=2, touchpoint=10, responded_at="soon"))
    assert [field for field, _message in problems] == ["score", "touchpoint", "responded_at"]
