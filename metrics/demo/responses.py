"""A year of demo survey responses, generated from a seeded random generator around a fixed anchor (today).

The story they tell: NPS climbing from about +5 to +25 over the year; three weak touchpoints in the claims
journey that drag down the NPS of the respondents who met them (the key driver analysis relates touchpoint
scores to the NPS of the same respondents and finds them); and the app claim form recovering after its
improvement action was done, 15 weeks ago, so the business case's before/after window has data on both sides.
Only current-state journeys get responses: a future-state map is a design.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

from journeys.demo_dutch import demo_text, english_of
from journeys.models import Journey, JourneyState, Touchpoint
from metrics.demo import comments as said
from metrics.ingest.staging import STORED_COLUMNS
from metrics.models import Metric, SurveyResponse
from teams.models import ActionStatus, ActionTransition

SOURCE = "demo"
SEED = 20240501
VISITS = 20_000  # each one NPS answer and 0-3 touchpoint answers: about 50,000 responses
JOURNEY_SHARE = {"Open an account": 3, "Report a claim": 4, "Renew or cancel the contract": 3}
# (journey, touchpoint): share of good experiences (CSAT 4-5 / CES 5-7), against about 0.8 elsewhere.
WEAK = {
    ("Report a claim", "Claim by phone"): 0.42,
    ("Report a claim", "Request for extra documents"): 0.45,
    ("Report a claim", "Claim form in the app"): 0.38,
}
# The weak touchpoint that is fixed: its improvement action was done this many days ago, after which it does
# as well as the rest.
IMPROVED = ("Report a claim", "Claim form in the app", "Save claim drafts and keep the photos")
IMPROVED_DAYS_AGO = 105
IMPROVED_QUALITY = 0.82
SELF_SERVICE_CHANNELS = {"web", "app", "chat"}  # asked "was it easy?" (CES); elsewhere "were you satisfied?"

# The scores within a bucket, and their relative weights.
NPS_SCORES = {"low": (range(0, 7), (2, 3, 5, 9, 15, 27, 39)), "mid": ((7, 8), (45, 55)), "high": ((9, 10), (55, 45))}
CSAT_SCORES = {"good": ((4, 5), (55, 45)), "bad": ((1, 2, 3), (22, 33, 45))}
CES_SCORES = {"good": ((5, 6, 7), (30, 40, 30)), "bad": ((1, 2, 3, 4), (15, 25, 30, 30))}

# The comments come from their own random generator (comments.py). The draws the demo's first, canned comments
# took from the scores' generator are still taken (how many and of which range, LEGACY_PICKS), so that every score,
# and with them the figures of the story above, stays as it was.
COMMENT_SEED = SEED + 17
LEGACY_PICKS = {"low": 6, "mid": 3, "high": 6, "Claim by phone": 2, "Request for extra documents": 1,
                "Claim form in the app": 2}  # fmt: skip


def current_journeys() -> dict[str, Journey]:
    """The demo's current journeys by their English names (journeys.demo_dutch), in whichever language seeded."""
    names = [demo_text(name) for name in JOURNEY_SHARE]
    return {english_of(j.name): j for j in Journey.objects.filter(state=JourneyState.CURRENT, name__in=names)}


def _improved_since() -> datetime.datetime:
    """When the improved touchpoint's action was done (as seeded, or as someone has moved it since)."""
    done = (
        ActionTransition.objects.filter(
            action__journey__state=JourneyState.CURRENT,
            action__title=demo_text(IMPROVED[2]),
            to_status=ActionStatus.DONE,
        )
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return done or timezone.now() - datetime.timedelta(days=IMPROVED_DAYS_AGO)


class _Touchpoint:
    """What the generator needs of a touchpoint: how often it is met, how well it does, how much it matters."""

    __slots__ = ("channel", "channel_id", "driver", "id", "improved", "metric", "name", "quality", "weak", "weight")

    def __init__(self, row: dict, journey_name: str) -> None:
        self.id, self.channel_id, self.name = row["id"], row["channel_id"], english_of(row["name"])
        self.channel = row["channel__slug"]
        self.metric = (Metric.CES if self.channel in SELF_SERVICE_CHANNELS else Metric.CSAT).value
        self.weak = (journey_name, self.name) in WEAK
        self.improved = (journey_name, self.name) == IMPROVED[:2]
        # Quality: the share of good experiences, better where the map expects a happier customer.
        self.quality = WEAK[(journey_name, self.name)] if self.weak else 0.78 + 0.03 * row["emotion"]
        # Moments of truth and weak touchpoints are met (and answered about) more often, and drive the NPS.
        important = row["is_moment_of_truth"] or self.weak
        self.weight = 3 if important else 1
        self.driver = 1.0 if important else 0.3

    def good_share(self, progress: float, at: datetime.datetime, improved_since: datetime.datetime) -> float:
        """The chance of a good experience at `at`, `progress` of the way through the year: the weak stay weak
        until fixed, the others get a little better over the year."""
        if self.improved and at >= improved_since:
            return IMPROVED_QUALITY
        if self.weak:
            return self.quality
        return self.quality + 0.06 * progress


def _load_touchpoints(journeys: dict[str, Journey]) -> dict[int, list[_Touchpoint]]:
    names = {j.pk: name for name, j in journeys.items()}
    rows = Touchpoint.objects.filter(journey__in=journeys.values()).order_by(
        "journey_id", "stage__position", "position"
    )
    by_journey: dict[int, list[_Touchpoint]] = {pk: [] for pk in names}
    for row in rows.values("id", "journey_id", "name", "channel_id", "channel__slug", "emotion", "is_moment_of_truth"):
        by_journey[row["journey_id"]].append(_Touchpoint(row, names[row["journey_id"]]))
    return by_journey


def seed_responses() -> int:
    """A year of demo responses, unless there are some already. Returns how many were inserted."""
    if SurveyResponse.objects.filter(source=SOURCE).exists():
        return 0
    journeys = current_journeys()
    if not journeys:
        return 0
    rows = list(_generate(journeys, _load_touchpoints(journeys), timezone.localdate(), _improved_since()))
    _insert(rows)
    return len(rows)


# The columns an ingest writes, in its order (a demo row is a stored row: created_at = answered).
COLUMNS = STORED_COLUMNS


def _insert(rows: list[tuple]) -> None:
    """Insert rows of COLUMNS. Not bulk_create: 50,000 model instances and their client-side parameter
    quoting take about 4 seconds, while a COPY (PostgreSQL) or one prepared statement executed for every row
    (SQLite) takes a fraction of a second. The rows are generated here, so they need no model validation."""
    ops = connection.ops
    table = ops.quote_name(SurveyResponse._meta.db_table)
    columns = ", ".join(ops.quote_name(column) for column in COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        at, day = COLUMNS.index("responded_at"), COLUMNS.index("day")
        adapt_moment, adapt_day = ops.adapt_datetimefield_value, ops.adapt_datefield_value
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})",  # noqa: S608 (names only)
            [
                (*row[:at], adapt_moment(row[at]), adapt_day(row[day]), *row[day + 1 : -1], adapt_moment(row[-1]))
                for row in rows
            ],
        )


def _pick(rng: random.Random, choices: tuple[tuple[int, ...], tuple[int, ...]]) -> int:
    values, weights = choices
    return rng.choices(values, weights)[0]


def _generate(
    journeys: dict[str, Journey],
    touchpoints: dict[int, list[_Touchpoint]],
    today: datetime.date,
    improved_since: datetime.datetime,
) -> Iterator[tuple]:
    """Rows of COLUMNS, one visit after another: a respondent met one to three touchpoints of a journey, rated
    some of them and then said how likely they are to recommend the insurer. A bad experience at an important
    touchpoint makes a detractor more likely: that is what the key driver analysis looks for."""
    rng = random.Random(SEED)
    words = random.Random(COMMENT_SEED)
    journey_names = {journey.pk: name for name, journey in journeys.items()}
    zone = ZoneInfo(settings.TIME_ZONE)
    plan = [(journeys[name].pk, touchpoints[journeys[name].pk]) for name in JOURNEY_SHARE if name in journeys]
    plan_weights = [JOURNEY_SHARE[name] for name in JOURNEY_SHARE if name in journeys]
    first = (today.replace(day=1) - datetime.timedelta(days=365)).replace(day=1)
    days = (today - first).days  # from the first of the month a year ago up to yesterday
    n = 0
    for visit in range(VISITS):
        offset = rng.randrange(days)
        progress = offset / (days - 1)  # 0 a year ago, 1 yesterday
        day = first + datetime.timedelta(days=offset)
        at = datetime.datetime(day.year, day.month, day.day, rng.randint(8, 21), rng.randint(0, 59), tzinfo=zone)
        journey_id, tps = rng.choices(plan, plan_weights)[0]
        if not tps:
            continue
        met = rng.choices(tps, [tp.weight for tp in tps], k=3)
        rated = list(dict.fromkeys(met[: rng.choices((0, 1, 2, 3), (15, 35, 35, 15))[0]]))
        respondent = f"R{visit + 1:06d}"
        shift, complaint, legacy_complaint = 0.0, None, False
        lang = said.language(words)
        for minutes, tp in enumerate(rated, start=1):
            good = rng.random() < tp.good_share(progress, at, improved_since)
            table = CSAT_SCORES if tp.metric == Metric.CSAT else CES_SCORES
            score = _pick(rng, table["good" if good else "bad"])
            low = score <= (2 if tp.metric == Metric.CSAT else 3)
            shift += tp.driver * (0.04 if good else -0.30 if low else -0.10)
            if low and rng.random() < 0.15:
                rng.randrange(LEGACY_PICKS.get(tp.name) or LEGACY_PICKS["low"])
                legacy_complaint = True
            elif good and rng.random() < 0.03:
                rng.randrange(LEGACY_PICKS["high"])
            outcome = "good" if good else "bad" if low else "mid"
            improved = tp.improved and at >= improved_since
            problem = None
            if outcome != "good":
                problem = said.pick(words, said.problems_of(tp.name, tp.channel, improved=improved) or (("", 1),))
                complaint = complaint or (problem if low else None)
            comment = ""
            if words.random() < said.TOUCHPOINT_COMMENT[outcome]:
                comment = said.touchpoint_comment(
                    words, lang, name=tp.name, channel=tp.channel, outcome=outcome, problem=problem or None
                )
            n += 1
            external_id = f"{SOURCE}-{n}"
            yield (
                tp.metric,
                score,
                journey_id,
                tp.id,
                tp.channel_id,
                at,
                day,
                respondent,
                comment,
                SOURCE,
                external_id,
                at,
            )
            at += datetime.timedelta(minutes=minutes)
        promoters = min(max(0.36 + 0.13 * progress + shift, 0.02), 0.9)
        detractors = min(max(0.29 - 0.10 * progress - shift, 0.02), 0.97 - promoters)
        draw = rng.random()
        bucket = "low" if draw < detractors else "high" if draw >= 1 - promoters else "mid"
        if rng.random() < 0.12 and not (bucket == "low" and legacy_complaint):
            rng.randrange(LEGACY_PICKS[bucket])
        comment = ""
        if words.random() < said.NPS_COMMENT[bucket]:
            comment = said.nps_comment(
                words, lang, journey=journey_names[journey_id], bucket=bucket, complaint=complaint or None
            )
        n += 1
        channel_id = met[0].channel_id  # the contact the survey followed
        score, external_id = _pick(rng, NPS_SCORES[bucket]), f"{SOURCE}-{n}"
        yield (
            Metric.NPS.value,
            score,
            journey_id,
            None,
            channel_id,
            at,
            day,
            respondent,
            comment,
            SOURCE,
            external_id,
            at,
        )
