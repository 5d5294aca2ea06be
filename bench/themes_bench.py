"""How fast are the themes (issue 17) over 1,000,000 survey responses of which 300,000 carry a comment?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_themes_bench .venv/bin/python bench/themes_bench.py

DATABASE_URL must name a PostgreSQL database whose name contains "bench": the bench creates it when missing,
migrates it and writes to it; no other database is touched. Tasks are never queued (CELERY_QUEUE defaults to
cx-themes-bench, and nothing here enqueues: the tagging is called directly).

1. Data. `manage.py seed_demo` (idempotent) loads the demo organisation (journeys, stages, touchpoints,
   channels and its own responses). The bench adds responses under the source "bench", loaded with one binary
   COPY, until there are BENCH_ROWS responses (default 1,000,000) of which BENCH_COMMENTS (default 300,000)
   carry a comment: across the demo's current journeys and their touchpoints (journey NPS, touchpoint CSAT and
   CES), spread over the last two years. The comments are composed from templates, about 70% Dutch: an optional
   opening, one or two remarks about what went wrong or well (waiting on the phone, not called back, passed
   around, an unclear letter, the app crashing, friendly staff, a quick payout...; the score follows them),
   details drawn at random (minutes, days, times transferred), an optional closing; some say nothing a theme
   catches. A database that already holds them is reused (BENCH_RESEED=1 makes them again). Then the starter
   codebook (metrics.themes.starter.load_starter_codebook, about 25 themes in both languages) is loaded.
2. Tagging every comment from scratch (metrics.themes.tagging.tag_pending, the derived rows emptied first):
   seconds and comments/s (target: under 60 s), split into the engine's matching alone (the same comments
   matched in a loop, no database) and the rest; then the same after a codebook change (every comment tagged
   again: the search vectors are kept). Beside it, the raw-SQL baseline: an INSERT ... SELECT of as many
   mention rows into a table like metrics_responsetheme, and of the verbatims with their to_tsvector into a
   table like metrics_verbatim (with its GIN index): what writing the rows costs at the least.
3. The theme summary of one journey over 12 months (metrics.themes.selectors.theme_summary): p50 / p95 over
   BENCH_N runs (default 30), beside the raw SQL doing the same work in the same run: the scope's totals over
   the responses (count, with a comment, NPS n, promoters, detractors) AND the GROUP BY theme over the mention
   rows of the same scope with the same conditional counts; each of the two is timed alone too (target: p95
   under 200 ms).
4. A full-text search (metrics.themes.search.verbatim_search, first page): p50 / p95 over BENCH_N runs of a
   few queries in turn, beside the raw SQL: the GIN-indexed tsquery match, latest 25 (target: p95 under 200 ms).
Parts 3 and 4 are skipped, with the reason printed, while their code is not there. BENCH_PARTS (comma-separated,
default "tagging,summary,search") chooses the parts after the data: BENCH_PARTS=summary,search skips the tagging
(the mention rows already there are read as they are; the tables are VACUUM ANALYZEd first, as autovacuum would).

Never fails on time: the figures are for people; run it on a quiet machine.
"""

from __future__ import annotations

import datetime
import io
import os
import random
import sys
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

import benchlib

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.setdefault("CELERY_QUEUE", "cx-themes-bench")

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
COMMENTS = int(os.environ.get("BENCH_COMMENTS", "300000"))
RESEED = bool(os.environ.get("BENCH_RESEED"))
N = int(os.environ.get("BENCH_N", "30"))
SOURCE = "bench"
SEED = 17
DUTCH = 0.7
DAYS = 730
TAG_TARGET_S = 60.0
P95_TARGET_MS = 200.0
PARTS = {part.strip() for part in os.environ.get("BENCH_PARTS", "tagging,summary,search").split(",") if part.strip()}

# --- the comments: (theme-ish remark, tone) per language; {slots} filled in --------------------------------

NEGATIVE = {
    "nl": (
        "Ik heb {minutes} minuten in de wacht gestaan voordat ik iemand sprak.",
        "Veel te lange wachttijd aan de telefoon.",
        "De wachttijd was ruim {minutes} minuten, echt niet normaal.",
        "Eindeloos wachten aan de telefoon met steeds hetzelfde muziekje.",
        "Er werd beloofd dat ik teruggebeld zou worden, maar ik ben nooit teruggebeld.",
        "Na {days} dagen nog steeds niet teruggebeld.",
        "Ik werd {times} keer doorverbonden en moest elke keer mijn verhaal opnieuw doen.",
        "Van het kastje naar de muur gestuurd, steeds doorverbonden.",
        "De brief was onduidelijk, ik wist niet welke documenten ze nodig hadden.",
        "Onduidelijke brief vol vakjargon.",
        "Ze vroegen {times} keer om dezelfde documenten.",
        "Ik moest de papieren per post opsturen, waarom kan dat niet digitaal?",
        "De app crasht steeds als ik foto's wil uploaden.",
        "Het formulier in de app liep vast en al mijn gegevens waren weg.",
        "Ik kon niet inloggen op de website.",
        "De afhandeling duurde {weeks} weken, veel te lang.",
        "Ik hoorde niets over de status van mijn schademelding.",
        "De medewerker was onvriendelijk en kortaf.",
        "Mijn claim werd afgewezen zonder goede uitleg.",
        "Geen reactie op mijn e-mail, al {days} dagen niet.",
        "De uitbetaling liet {weeks} weken op zich wachten.",
        "De premie is weer omhooggegaan, te duur voor wat je krijgt.",
        "Buiten kantoortijden is er niemand bereikbaar.",
    ),
    "en": (
        "I was on hold for {minutes} minutes before anyone picked up.",
        "The waiting time on the phone was far too long.",
        "They promised to call me back, but I was never called back.",
        "Still not called back after {days} days.",
        "I was transferred {times} times and had to explain everything again.",
        "The letter was unclear, I did not know which documents they needed.",
        "They asked for the same documents {times} times.",
        "The app crashes every time I try to upload photos.",
        "I could not log in to the website.",
        "Handling my claim took {weeks} weeks, far too slow.",
        "No update on the status of my claim.",
        "The agent was rude and unhelpful.",
        "My claim was rejected without a proper explanation.",
        "No reply to my e-mail after {days} days.",
        "The payout took {weeks} weeks.",
        "The premium went up again, too expensive.",
    ),
}
POSITIVE = {
    "nl": (
        "Vriendelijke medewerker die goed meedacht.",
        "Heel vriendelijk te woord gestaan.",
        "Snel geholpen, binnen {days} dagen uitbetaald.",
        "Duidelijke uitleg over wat er ging gebeuren.",
        "In één keer geregeld, zonder gedoe.",
        "De app werkt makkelijk, schade melden ging snel.",
        "Fijn dat ik een vast aanspreekpunt had.",
    ),
    "en": (
        "Friendly staff who really listened.",
        "Very friendly and helpful on the phone.",
        "Quick payout, paid within {days} days.",
        "Clear explanation of what would happen next.",
        "Sorted in one go, no hassle.",
        "The app is easy to use, reporting the claim was quick.",
    ),
}
NEUTRAL = {
    "nl": ("Alles prima.", "Geen opmerkingen.", "Het was oké.", "Redelijk verlopen.", "Niets bijzonders."),
    "en": ("All fine.", "No comments.", "It was okay.", "Nothing special.", "Went as expected."),
}
OPENINGS = {
    "nl": ("", "", "Tja.", "Eerlijk gezegd:", "Mijn ervaring:", "Wat mij betreft", "Helaas."),
    "en": ("", "", "Honestly,", "My experience:", "Well.", "Unfortunately,"),
}
CLOSINGS = {
    "nl": ("", "", "", "Jammer.", "Graag verbeteren!", "Dank u wel.", "Ik overweeg over te stappen."),
    "en": ("", "", "", "Disappointing.", "Please improve!", "Thank you.", "I am thinking of switching."),
}


def compose(rng: random.Random, language: str, tone: str) -> str:
    pool = {"low": NEGATIVE, "high": POSITIVE, "mid": NEUTRAL}[tone][language]
    parts = [rng.choice(OPENINGS[language]), rng.choice(pool)]
    if tone != "mid" and rng.random() < 0.35:
        parts.append(rng.choice(pool))
    parts.append(rng.choice(CLOSINGS[language]))
    text = " ".join(part for part in parts if part)
    return text.format(
        minutes=rng.choice((10, 15, 20, 25, 30, 40, 45, 60)),
        days=rng.randint(2, 21),
        times=rng.choice(("twee", "drie", "vier") if language == "nl" else ("two", "three", "four")),
        weeks=rng.randint(2, 12),
    )


# --- 1. data ------------------------------------------------------------------------------------------------


def cells() -> list[tuple[int, int | None, int | None]]:
    """(journey, touchpoint, channel) of the demo's current journeys: the journey itself and each touchpoint."""
    from journeys.models import JourneyState, Touchpoint

    found: list[tuple[int, int | None, int | None]] = []
    for touchpoint in Touchpoint.objects.filter(stage__journey__state=JourneyState.CURRENT).select_related("stage"):
        found.append((touchpoint.stage.journey_id, touchpoint.pk, touchpoint.channel_id))
    journeys = sorted({journey for journey, _tp, _ch in found})
    return [(journey, None, None) for journey in journeys] + found


SCORES = {
    "nps": {"low": (0, 6), "mid": (7, 8), "high": (9, 10)},
    "csat": {"low": (1, 2), "mid": (3, 3), "high": (4, 5)},
    "ces": {"low": (1, 3), "mid": (4, 4), "high": (5, 7)},
}


def score_for(rng: random.Random, metric: str, tone: str) -> int:
    return rng.randint(*SCORES[metric][tone])


def generate(rows: int, comments: int) -> None:
    """COPY `rows` responses, `comments` of them with a comment, under SOURCE."""
    from django.conf import settings
    from django.db import connection

    from metrics.ingest.staging import STORED_COLUMNS, STORED_TYPES

    rng = random.Random(SEED)
    zone = ZoneInfo(settings.TIME_ZONE)
    where = cells()
    if not where:
        sys.exit("the demo has no current journeys with touchpoints")
    today = datetime.date.today()
    now = datetime.datetime.now(datetime.UTC)
    commented = set(rng.sample(range(rows), comments))
    tones = ("low",) * 4 + ("mid",) * 2 + ("high",) * 4
    with connection.cursor() as cursor:
        with cursor.copy(
            f"COPY metrics_surveyresponse ({', '.join(STORED_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(STORED_TYPES)
            for i in range(rows):
                journey, touchpoint, channel = where[i % len(where)] if i % 3 else where[rng.randrange(len(where))]
                metric = "nps" if touchpoint is None else rng.choice(("csat", "csat", "ces", "nps"))
                tone = rng.choice(tones)
                score = score_for(rng, metric, tone)
                day = today - datetime.timedelta(days=rng.randrange(DAYS))
                at = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 22), rng.randrange(60)), zone)
                comment = ""
                if i in commented:
                    comment = compose(rng, "nl" if rng.random() < DUTCH else "en", tone)
                copy.write_row(
                    (metric, score, journey, touchpoint, channel, at, day, f"b{i % 400_000}", comment, SOURCE, "", now)
                )
        cursor.execute("VACUUM ANALYZE metrics_surveyresponse")


def seed() -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection

    from metrics.models import SurveyResponse

    steps: dict[str, float] = {}
    started = time.perf_counter()
    call_command("seed_demo", stdout=io.StringIO())
    steps["seed_demo"] = time.perf_counter() - started
    total = SurveyResponse.objects.count()
    with_comment = SurveyResponse.objects.exclude(comment="").count()
    if total != ROWS or with_comment != COMMENTS or RESEED:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM metrics_surveyresponse WHERE source = %s", [SOURCE])
        total = SurveyResponse.objects.count()
        with_comment = SurveyResponse.objects.exclude(comment="").count()
        if total > ROWS or with_comment > COMMENTS:
            sys.exit(f"cannot make {ROWS:,} responses: {total:,} ({with_comment:,} with a comment) are not the bench's")
        generate(ROWS - total, COMMENTS - with_comment)
        steps["generate and COPY responses"] = time.perf_counter() - started
    return steps


def describe_data() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE comment <> ''), COUNT(DISTINCT journey_id), "
            "COUNT(DISTINCT touchpoint_id), MIN(day), MAX(day), AVG(length(comment)) FILTER (WHERE comment <> '') "
            "FROM metrics_surveyresponse"
        )
        rows, comments, journeys, touchpoints, first, last, length = cursor.fetchone()
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT theme_id) FROM metrics_themerule")
        rules, themes = cursor.fetchone()
    return (
        f"{rows:,} responses, {comments:,} with a comment (on average {length:.0f} characters), {journeys} journeys, "
        f"{touchpoints} touchpoints, {first} to {last}; codebook: {themes} themes, {rules} rules"
    )


# --- 2. tagging ---------------------------------------------------------------------------------------------


def empty_derived() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE metrics_responsetheme, metrics_verbatim")


def engine_alone() -> tuple[float, int]:
    """Seconds the engine takes to detect the language and match every comment (no database writes)."""
    from django.db import connection

    from metrics.themes.engine import Codebook, detect_language

    with connection.cursor() as cursor:
        cursor.execute("SELECT comment FROM metrics_surveyresponse WHERE comment <> '' ORDER BY id")
        texts = [text for (text,) in cursor.fetchall()]
    codebook = Codebook.from_db()
    started = time.perf_counter()
    mentions = 0
    for text in texts:
        mentions += len(codebook.match(text, detect_language(text)))
    return time.perf_counter() - started, mentions


def tag_all() -> dict[str, float]:
    from django.db import connection
    from django.db.models import F

    from metrics.models import CodebookState
    from metrics.themes.tagging import tag_pending, tagging_progress

    empty_derived()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE metrics_responsetheme, metrics_verbatim")
    started = time.perf_counter()
    tagged = tag_pending()
    first = time.perf_counter() - started
    progress = tagging_progress()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM metrics_responsetheme")
        (mentions,) = cursor.fetchone()
        cursor.execute("ANALYZE metrics_responsetheme, metrics_verbatim")
    # What retag_request does, without its on-commit run (in-process without REDIS_URL): that is timed here.
    CodebookState.current()
    CodebookState.objects.filter(pk=1).update(version=F("version") + 1)
    started = time.perf_counter()
    again = tag_pending()
    retag = time.perf_counter() - started
    with connection.cursor() as cursor:  # what autovacuum does after such a run, before the reads are measured
        cursor.execute("VACUUM ANALYZE metrics_responsetheme, metrics_verbatim")
    return {"tagged": tagged, "seconds": first, "mentions": mentions, "complete": progress.complete,
            "retagged": again, "retag_seconds": retag}  # fmt: skip


def raw_write_baseline() -> dict[str, float]:
    """INSERT ... SELECT of the same mention rows and verbatims (with to_tsvector) into tables like the real ones,
    indexes included: the least that writing them costs."""
    from django.db import connection, transaction

    result = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_mentions (LIKE metrics_responsetheme INCLUDING ALL) ON COMMIT DROP")
        cursor.execute("CREATE TEMP TABLE bench_verbatims (LIKE metrics_verbatim INCLUDING ALL) ON COMMIT DROP")
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO bench_mentions (response_id, theme_id, journey_id, touchpoint_id, channel_id, day, metric, "
            "score) SELECT response_id, theme_id, journey_id, touchpoint_id, channel_id, day, metric, score "
            "FROM metrics_responsetheme"
        )
        result["mention_rows"] = cursor.rowcount
        result["mentions_seconds"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(
            "INSERT INTO bench_verbatims (response_id, language, version, search) "
            "SELECT r.id, v.language, 1, to_tsvector(CASE v.language WHEN 'nl' THEN 'dutch' ELSE 'english' END"
            "::regconfig, r.comment) FROM metrics_surveyresponse r JOIN metrics_verbatim v ON v.response_id = r.id"
        )
        result["verbatim_rows"] = cursor.rowcount
        result["verbatims_seconds"] = time.perf_counter() - started
    return result


# --- 3. and 4. reads ----------------------------------------------------------------------------------------


def timed(call: Callable[[], object], n: int) -> tuple[float, float]:
    for _ in range(3):
        call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return benchlib.p50_p95(samples)


def biggest_journey() -> tuple[int, str]:
    from django.db.models import Count

    from journeys.models import Journey
    from metrics.models import ResponseTheme

    row = ResponseTheme.objects.values("journey_id").annotate(n=Count("id")).order_by("-n").first()
    return row["journey_id"], Journey.objects.get(pk=row["journey_id"]).name


def summary_figures() -> dict[str, object] | str:
    try:
        from metrics.themes.selectors import BUCKETS, Scope, theme_summary
    except ImportError as error:
        return f"metrics.themes.selectors cannot be imported ({error})"
    from django.db import connection
    from django.utils import timezone

    journey, name = biggest_journey()
    today = timezone.localdate()
    scope = Scope(day_from=today - datetime.timedelta(days=365), day_to=today, journey_id=journey)
    try:
        summary = theme_summary(scope)
    except NotImplementedError:
        return "theme_summary is not implemented yet (the analysis work has not landed on main)"

    params = [journey, scope.day_from, scope.day_to]
    buckets = ", ".join(
        f"COUNT(*) FILTER (WHERE metric = '{metric}' AND score BETWEEN {low} AND {high})"
        for metric, low, high in BUCKETS.values()
    )

    def raw_totals() -> None:
        with connection.cursor() as cursor:
            # The comments in a scalar subquery of their own, as the product: both counts from the indexes alone.
            cursor.execute(
                "SELECT COUNT(*), (SELECT COUNT(*) FROM metrics_surveyresponse WHERE comment <> '' AND journey_id = %s "
                "AND day BETWEEN %s AND %s), COUNT(*) FILTER (WHERE metric = 'nps'), "
                "COUNT(*) FILTER (WHERE metric = 'nps' AND score >= 9), "
                "COUNT(*) FILTER (WHERE metric = 'nps' AND score <= 6) "
                "FROM metrics_surveyresponse WHERE journey_id = %s AND day BETWEEN %s AND %s",
                params + params,
            )
            cursor.fetchall()

    def raw_group_by() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT theme_id, COUNT(*), COUNT(*) FILTER (WHERE metric = 'nps'), {buckets} "
                "FROM metrics_responsetheme WHERE journey_id = %s AND day BETWEEN %s AND %s GROUP BY theme_id",
                params,
            )
            cursor.fetchall()

    def raw() -> None:  # the same work as the product: both queries
        raw_totals()
        raw_group_by()

    p50, p95 = timed(lambda: theme_summary(scope), N)
    raw_p50, raw_p95 = timed(raw, N)
    totals_p50, totals_p95 = timed(raw_totals, N)
    group_p50, group_p95 = timed(raw_group_by, N)
    return {"journey": name, "responses": summary.responses, "commented": summary.commented,
            "themes": len(summary.figures), "p50": p50, "p95": p95, "raw_p50": raw_p50, "raw_p95": raw_p95,
            "totals_p50": totals_p50, "totals_p95": totals_p95, "group_p50": group_p50, "group_p95": group_p95}  # fmt: skip


SEARCHES = (("wachttijd", "dutch"), ("teruggebeld", "dutch"), ("app crasht", "dutch"), ("called back", "english"))


def search_figures() -> dict[str, object] | str:
    try:
        from metrics.themes.search import VerbatimFilters, verbatim_search
    except ImportError as error:
        return f"metrics.themes.search cannot be imported ({error}): the search work has not landed on main"
    from django.db import connection

    queries = [VerbatimFilters(q=q) for q, _config in SEARCHES]
    try:
        found = [verbatim_search(filters) for filters in queries]
    except NotImplementedError:
        return "verbatim_search is not implemented yet"
    state = {"i": 0}

    def product() -> None:
        verbatim_search(queries[state["i"] % len(queries)])
        state["i"] += 1

    def raw() -> None:
        q, config = SEARCHES[state["i"] % len(SEARCHES)]
        state["i"] += 1
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT v.response_id, r.comment FROM metrics_verbatim v JOIN metrics_surveyresponse r "
                "ON r.id = v.response_id WHERE v.search @@ websearch_to_tsquery(%s::regconfig, %s) "
                "ORDER BY v.response_id DESC LIMIT 25",
                [config, q],
            )
            cursor.fetchall()

    p50, p95 = timed(product, N)
    raw_p50, raw_p95 = timed(raw, N)
    counts = ", ".join(
        f"{q!r}: {page.count:,}{'+' if page.capped else ''}" for (q, _c), page in zip(SEARCHES, found, strict=True)
    )
    return {"counts": counts, "p50": p50, "p95": p95, "raw_p50": raw_p50, "raw_p95": raw_p95}


def main() -> None:
    benchlib.setup_bench_database()
    from metrics.themes.starter import load_starter_codebook

    print(f"themes bench: {ROWS:,} responses, {COMMENTS:,} comments (seed {SEED})")
    for step, seconds in seed().items():
        print(f"  {step}: {seconds:.1f} s")
    load_starter_codebook()
    print("data:", describe_data())

    tagging: dict[str, float] | None = None
    raw_total = 0.0
    if "tagging" in PARTS:
        engine_seconds, engine_mentions = engine_alone()
        print(f"\nengine alone (detect_language + match, no database): {engine_seconds:.1f} s, "
              f"{COMMENTS / engine_seconds:,.0f} comments/s, {engine_mentions:,} mentions")  # fmt: skip
        tagging = tag_all()
        print(f"tagging every comment (tag_pending): {tagging['seconds']:.1f} s for {tagging['tagged']:,} comments, "
              f"{tagging['tagged'] / tagging['seconds']:,.0f} comments/s, {tagging['mentions']:,} mention rows; "
              f"complete: {tagging['complete']}")  # fmt: skip
        print(f"  of which the engine ~{engine_seconds:.1f} s, the database and transfers ~"
              f"{tagging['seconds'] - engine_seconds:.1f} s")  # fmt: skip
        print(f"tagging again after a codebook change: {tagging['retag_seconds']:.1f} s for {tagging['retagged']:,} "
              f"comments, {tagging['retagged'] / tagging['retag_seconds']:,.0f} comments/s")  # fmt: skip
        raw = raw_write_baseline()
        raw_total = raw["mentions_seconds"] + raw["verbatims_seconds"]
        print(f"raw SQL baseline: INSERT ... SELECT of {raw['mention_rows']:,} mention rows {raw['mentions_seconds']:.1f} s "
              f"+ {raw['verbatim_rows']:,} verbatims with to_tsvector {raw['verbatims_seconds']:.1f} s = {raw_total:.1f} s "
              f"(tagging / baseline: {tagging['seconds'] / raw_total:.1f}x)")  # fmt: skip
    else:
        print("\ntagging: skipped (BENCH_PARTS); the mention rows already there are read")
        from django.db import connection

        with connection.cursor() as cursor:  # what autovacuum does after the tagging, before the reads
            cursor.execute("VACUUM ANALYZE metrics_surveyresponse, metrics_responsetheme, metrics_verbatim")

    summary = summary_figures() if "summary" in PARTS else "not asked (BENCH_PARTS)"
    if isinstance(summary, str):
        print(f"\ntheme summary: skipped: {summary}")
    else:
        print(f"\ntheme summary of {summary['journey']!r}, 12 months ({summary['responses']:,} responses, "
              f"{summary['commented']:,} with a comment, {summary['themes']} themes): p50 {summary['p50']:.1f} ms, "
              f"p95 {summary['p95']:.1f} ms over {N} runs; raw SQL, totals + GROUP BY: p50 {summary['raw_p50']:.1f} "
              f"ms, p95 {summary['raw_p95']:.1f} ms (totals alone p50 {summary['totals_p50']:.1f} / p95 "
              f"{summary['totals_p95']:.1f} ms, GROUP BY alone p50 {summary['group_p50']:.1f} / p95 "
              f"{summary['group_p95']:.1f} ms)")  # fmt: skip
    search = search_figures() if "search" in PARTS else "not asked (BENCH_PARTS)"
    if isinstance(search, str):
        print(f"full-text search: skipped: {search}")
    else:
        print(f"full-text search ({search['counts']}): p50 {search['p50']:.1f} ms, p95 {search['p95']:.1f} ms "
              f"over {N} runs; raw tsquery p50 {search['raw_p50']:.1f} ms, p95 {search['raw_p95']:.1f} ms")  # fmt: skip

    print("\nsummary")
    if tagging is not None:
        print(f"  tagging {COMMENTS:,} comments: {tagging['seconds']:.1f} s (target < {TAG_TARGET_S:.0f} s: "
              f"{benchlib.met(tagging['seconds'] < TAG_TARGET_S)}); raw SQL writes {raw_total:.1f} s")  # fmt: skip
    if not isinstance(summary, str):
        print(f"  theme summary p95: {summary['p95']:.1f} ms (target < {P95_TARGET_MS:.0f} ms: "
              f"{benchlib.met(summary['p95'] < P95_TARGET_MS)}); raw totals + GROUP BY {summary['raw_p95']:.1f} ms")  # fmt: skip
    if not isinstance(search, str):
        print(f"  full-text search p95: {search['p95']:.1f} ms (target < {P95_TARGET_MS:.0f} ms: "
              f"{benchlib.met(search['p95'] < P95_TARGET_MS)}); raw {search['raw_p95']:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
