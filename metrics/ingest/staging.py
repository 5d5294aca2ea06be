"""The staging table an ingest writes every record into, valid or not, before anything is stored.

Postgres: a TEMP table filled with binary COPY (psycopg 3 `write_row`), so a file streams through without its
rows ever being held in Python, while the server takes them in on the other core. SQLite (development): the
same table filled with executemany in batches. Then set-based SQL finds what a row alone cannot tell: an
external_id repeated within the ingest, one already stored with other values (a conflict) or with the same
values (an idempotent re-send, skipped), a journey, touchpoint or channel deleted since the ingest began. The
valid rows go into metrics_surveyresponse with one INSERT ... SELECT, sorted as its indexes are.

Survey responses carry no foreign-key constraints in the database (see metrics.models.SurveyResponse): their
per-row triggers cost more than the insert itself. `check` does their work once per ingest instead: it locks
the referenced journeys, touchpoints and channels FOR KEY SHARE (as the triggers would) until the ingest commits,
and refuses rows whose reference has gone.

Table and column names in the SQL below are this module's constants; every value is a query parameter (hence
the S608 markers). Must run inside the ingest's transaction: the table is dropped at its end, or rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection

from .records import StagingRow

TABLE = "metrics_ingest_staging"
RESPONSES = "metrics_surveyresponse"
# The columns of a StagingRow, in its order (what COPY sends).
COLUMNS = (
    "position",
    "metric",
    "score",
    "journey_id",
    "touchpoint_id",
    "channel_id",
    "responded_at",
    "day",
    "respondent",
    "comment",
    "source",
    "external_id",
    "error_field",
    "error_message",
)
PG_TYPES = ["int4", "text", "int2", "int8", "int8", "int8", "timestamptz", "date"] + ["text"] * 6
SQLITE_TYPES = ["integer", "text", "integer", "integer", "integer", "integer", "text", "text"] + ["text"] * 6
# The responses table's columns that an ingest writes, in the order of a direct row: a staging row's without its
# position and error, and the time it was stored.
STORED_COLUMNS = (*COLUMNS[1:-2], "created_at")
STORED_TYPES = ["text", "int2", "int8", "int8", "int8", "timestamptz", "date", "text", "text", "text", "text"]
STORED_TYPES += ["timestamptz"]
SQLITE_BATCH = 2000
REJECT_PAGE = 5000
OK = "error_field IS NULL AND NOT duplicate"

# Ingests of the same source take this transaction-level advisory lock (with the source's hash) before they
# compare their external_ids with the stored ones, so that two of them never both take the same id for new.
SOURCE_LOCK = 0x1E5  # the first key of pg_advisory_xact_lock(int, int): "metrics ingest"

# What a response refers to: (field, table), in the order of the cells of a direct row's (journey, touchpoint,
# channel).
REFERENCES = (("journey", "journeys_journey"), ("touchpoint", "journeys_touchpoint"), ("channel", "journeys_channel"))

# Problems found in SQL, turned into translated messages by the caller (metrics.ingest.pipeline.describe).
REPEATED = "repeated"  # error_ref: the position of the first occurrence
CONFLICT = "conflict"  # error_ref: the id of the stored response
VANISHED = "vanished"  # error_field: journey, touchpoint or channel; error_ref: its id


@dataclass
class Counts:
    valid: int  # to be stored
    duplicates: int  # already stored with the same values
    rejected: int  # positions (lines or items) with at least one problem
    problems: int  # all problems (a position may have several)


@dataclass
class Rejection:
    position: int
    field: str | None
    message: str | None  # None for a problem found in SQL: see kind and ref
    kind: str | None = None
    ref: int | None = None
    source: str = ""
    external_id: str = ""


@dataclass
class Stored:
    created: int
    ranges: dict[int, tuple[date, date]] = field(default_factory=dict)  # journey id -> first and last local day
    after_id: int = 0  # the new rows have larger ids (and created_at = the ingest's received_at)


def lock_existing(cursor, table: str, ids: list[int]) -> set[int]:
    """The ids that still exist, locked FOR KEY SHARE until the transaction ends (as a foreign-key trigger
    would): a concurrent delete waits for the ingest, or the ingest sees that the row has gone."""
    placeholders = ", ".join(["%s"] * len(ids))
    lock = " ORDER BY id FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    cursor.execute(f"SELECT id FROM {table} WHERE id IN ({placeholders}){lock}", ids)  # noqa: S608
    return {pk for (pk,) in cursor.fetchall()}


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite answers text


class Staging:
    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.ranges: dict[int, tuple[date, date]] = {}

    def create(self) -> None:
        types = PG_TYPES if self.postgres else SQLITE_TYPES
        columns = ", ".join(f"{name} {kind}" for name, kind in zip(COLUMNS, types, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(
                f"CREATE TEMP TABLE {TABLE} ({columns}, "
                "duplicate boolean NOT NULL DEFAULT false, error_kind text, error_ref bigint)"
            )

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    @contextmanager
    def writer(self) -> Iterator[Callable[[StagingRow], None]]:
        """A function that stages one row; rows are sent as they come (COPY) or in batches (SQLite)."""
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(PG_TYPES)
                    yield copy.write_row
                return
            batch: list[StagingRow] = []
            sql = f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"  # noqa: S608
            adapt_datetime = connection.ops.adapt_datetimefield_value
            adapt_date = connection.ops.adapt_datefield_value

            def write(row: StagingRow) -> None:
                if row[6] is not None:
                    row = (*row[:6], adapt_datetime(row[6]), adapt_date(row[7]), *row[8:])
                batch.append(row)
                if len(batch) >= SQLITE_BATCH:
                    cursor.executemany(sql, batch)
                    batch.clear()

            yield write
            if batch:
                cursor.executemany(sql, batch)

    def check(self, *, valid: int, rejected: int, problems: int) -> Counts:
        """Flag repeated external_ids, those already stored (conflicting or the same) and references deleted
        meanwhile. `valid`, `rejected` and `problems` are what the rows' own checks found while staging; the
        answer adds what SQL found."""
        with connection.cursor() as cursor:
            if self.postgres:
                # Sorts and hashes of a big file stay in memory; SET LOCAL ends with the transaction. Autovacuum
                # never sees a temporary table: without ANALYZE the planner guesses a few hundred rows and sorts
                # a million where a hash would do (1.3 s against 0.3 s).
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute(f"ANALYZE {TABLE}")
            repeated = self._flag_repeated(cursor)
            if self.postgres:
                self._lock_sources(cursor)
            duplicates, conflicts = self._flag_stored(cursor)
            vanished = self._lock_references(cursor)
            rejected += repeated + conflicts + vanished
            if rejected:
                cursor.execute(f"CREATE INDEX {TABLE}_rejects ON {TABLE} (position) WHERE error_field IS NOT NULL")
        return Counts(
            valid=valid - repeated - conflicts - duplicates - vanished,
            duplicates=duplicates,
            rejected=rejected,
            problems=problems + repeated + conflicts + vanished,
        )

    def _flag_repeated(self, cursor) -> int:
        """The same (source, external_id) twice in one ingest: every occurrence after the first is refused.
        A hash aggregate, and a join only with the (usually no) repeated ids."""
        cursor.execute(
            f"""
            UPDATE {TABLE} SET error_field = 'external_id', error_kind = %s, error_ref = d.first_position
            FROM (
                SELECT source, external_id, MIN(position) AS first_position FROM {TABLE}
                WHERE external_id <> '' AND error_field IS NULL
                GROUP BY source, external_id HAVING COUNT(*) > 1
            ) AS d
            WHERE {TABLE}.source = d.source AND {TABLE}.external_id = d.external_id
              AND {TABLE}.position > d.first_position AND {TABLE}.error_field IS NULL
            """,  # noqa: S608
            [REPEATED],
        )
        return cursor.rowcount

    def _lock_sources(self, cursor) -> None:
        """Wait for other ingests of the same sources to end (in key order: two ingests never deadlock)."""
        cursor.execute(
            f"SELECT DISTINCT hashtext(source) AS key FROM {TABLE} "  # noqa: S608
            "WHERE external_id <> '' AND error_field IS NULL ORDER BY key"
        )
        for (key,) in cursor.fetchall():
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SOURCE_LOCK, key])

    def _flag_stored(self, cursor) -> tuple[int, int]:
        """Already stored: the same values make an idempotent re-send, other values a conflict."""
        differs = (
            "(r.metric <> s.metric OR r.score <> s.score OR r.journey_id <> s.journey_id"
            " OR r.touchpoint_id IS DISTINCT FROM s.touchpoint_id OR r.responded_at <> s.responded_at)"
        )
        update = f"""
            UPDATE {TABLE} AS s SET
                duplicate = NOT {differs},
                error_field = CASE WHEN {differs} THEN 'external_id' END,
                error_kind = CASE WHEN {differs} THEN %s END,
                error_ref = CASE WHEN {differs} THEN r.id END
            FROM {RESPONSES} AS r
            WHERE r.source = s.source AND r.external_id = s.external_id
              AND s.external_id <> '' AND r.external_id <> '' AND s.error_field IS NULL
        """  # noqa: S608
        if self.postgres:
            cursor.execute(
                f"WITH flagged AS ({update} RETURNING s.duplicate) "  # noqa: S608
                "SELECT COUNT(*) FILTER (WHERE duplicate), COUNT(*) FILTER (WHERE NOT duplicate) FROM flagged",
                [CONFLICT],
            )
            duplicates, conflicts = cursor.fetchone()
            return duplicates, conflicts
        cursor.execute(update, [CONFLICT])
        cursor.execute(
            f"SELECT COALESCE(SUM(CASE WHEN duplicate THEN 1 ELSE 0 END), 0), "  # noqa: S608
            f"COALESCE(SUM(CASE WHEN error_kind = %s THEN 1 ELSE 0 END), 0) FROM {TABLE}",
            [CONFLICT],
        )
        duplicates, conflicts = cursor.fetchone()
        return duplicates, conflicts

    def _lock_references(self, cursor) -> int:
        """What the foreign-key triggers would do, once per ingest: lock the referenced rows until commit and
        refuse the rows whose journey, touchpoint or channel was deleted since the ingest read them. Also works
        out the first and last local day per journey of the rows to be stored. Returns the rows refused."""
        scan = f"""
            SELECT s.journey_id, s.touchpoint_id, s.channel_id, MIN(s.day), MAX(s.day)
            FROM {TABLE} AS s WHERE {OK} GROUP BY s.journey_id, s.touchpoint_id, s.channel_id
        """  # noqa: S608
        cursor.execute(scan)
        cells = cursor.fetchall()
        referenced: dict[str, set[int]] = {"journey": set(), "touchpoint": set(), "channel": set()}
        for journey, touchpoint, channel, _first, _last in cells:
            referenced["journey"].add(journey)
            if touchpoint is not None:
                referenced["touchpoint"].add(touchpoint)
            if channel is not None:
                referenced["channel"].add(channel)
        vanished = 0
        for name, table in REFERENCES:
            ids = sorted(referenced[name])
            if not ids:
                continue
            found = lock_existing(cursor, table, ids)
            gone = [pk for pk in ids if pk not in found]
            if gone:
                vanished += self._flag_vanished(cursor, name, gone)
        if vanished:
            cursor.execute(scan)
            cells = cursor.fetchall()
        ranges: dict[int, tuple[date, date]] = {}
        for journey, _touchpoint, _channel, first, last in cells:
            first, last = _as_date(first), _as_date(last)
            if journey in ranges:
                first, last = min(first, ranges[journey][0]), max(last, ranges[journey][1])
            ranges[journey] = (first, last)
        self.ranges = ranges
        return vanished

    def _flag_vanished(self, cursor, name: str, gone: list[int]) -> int:
        placeholders = ", ".join(["%s"] * len(gone))
        cursor.execute(
            f"""
            UPDATE {TABLE} SET error_field = %s, error_kind = %s, error_ref = {name}_id
            WHERE {OK} AND {name}_id IN ({placeholders})
            """,  # noqa: S608
            [name, VANISHED, *gone],
        )
        return cursor.rowcount

    def rejections(self, *, limit: int | None = None) -> Iterator[Rejection]:
        """Every problem in position order (a position may have several), read in pages: never all at once."""
        after = -1
        left = limit
        with connection.cursor() as cursor:
            while left is None or left > 0:
                page = REJECT_PAGE if left is None else min(left, REJECT_PAGE)
                cursor.execute(
                    f"""
                    SELECT position, error_field, error_message, error_kind, error_ref, source, external_id
                    FROM {TABLE} WHERE error_field IS NOT NULL AND position > %s
                    ORDER BY position LIMIT %s
                    """,  # noqa: S608
                    [after, page + 1],  # one more, so that a position's problems are never split over two pages
                )
                rows = cursor.fetchall()
                if not rows:
                    return
                more = len(rows) > page
                if more:
                    last = rows[-1][0]
                    rows = [row for row in rows if row[0] != last] or rows
                for position, field_name, message, kind, ref, source, external_id in rows:
                    yield Rejection(position, field_name, message, kind, ref, source or "", external_id or "")
                if left is not None:
                    left -= len(rows)
                after = rows[-1][0]
                if not more:
                    return

    def store(self, *, received_at: datetime) -> Stored:
        """INSERT ... SELECT the valid rows. ON CONFLICT DO NOTHING covers what the source locks do not: an ingest
        on the direct path (metrics.ingest.direct), which takes none, storing the same external ids meanwhile;
        and SQLite, which has no advisory locks. (Sorting the rows as the indexes are gained nothing measurable
        on a vacuumed table: the order of the file is kept.)"""
        with connection.cursor() as cursor:
            # Every id of this ingest is above the largest one visible now (ids come from a sequence).
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {RESPONSES}")  # noqa: S608
            (floor,) = cursor.fetchone()
            stamp = received_at if self.postgres else connection.ops.adapt_datetimefield_value(received_at)
            values = ", ".join(STORED_COLUMNS[:-1])
            cursor.execute(
                f"""
                INSERT INTO {RESPONSES} ({", ".join(STORED_COLUMNS)})
                SELECT {values}, %s FROM {TABLE} WHERE {OK}
                ON CONFLICT DO NOTHING
                """,  # noqa: S608
                [stamp],
            )
            created = cursor.rowcount
        return Stored(created=created, ranges=self.ranges if created else {}, after_id=floor)

    def stored_id(self, *, position: int) -> int | None:
        """The id of the response a (single) record is already stored as (a re-send)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT r.id FROM {TABLE} s JOIN {RESPONSES} r ON r.source = s.source AND r.external_id = s.external_id
                WHERE s.position = %s AND s.external_id <> '' AND r.external_id <> ''
                """,  # noqa: S608
                [position],
            )
            found = cursor.fetchone()
        return found[0] if found else None
