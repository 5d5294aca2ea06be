"""Keeping KPI snapshots in step with the responses.

A recompute of journeys x days happens in the database, in one transaction:

1. one pass over the responses of those days, grouped by (journey, day, touchpoint, channel, metric) with
   COUNT / SUM / FILTER, into a temporary table (the day cells);
2. the week and month cells rolled up from that day aggregate (not another scan of the responses);
3. the cells of the recomputed range that have no responses any more deleted, the cells whose figures changed
   upserted (INSERT ... ON CONFLICT (cell key) DO UPDATE ... WHERE the figures are distinct), the new ones
   inserted. An unchanged cell is never written, so an identical recompute changes no row.

The day range is widened to whole weeks and whole months first, so a week or month cell is always rebuilt
from all its days. Recomputes are serialised by a transaction-level advisory lock on PostgreSQL (SQLite
serialises writers itself), so two at once give the result of one; readers see the previous snapshot until
the transaction commits. PendingRecompute rows are consumed (deleted) in that same transaction, so `stale`
turns false exactly when the fresh figures become visible.

Nothing is lost when a worker dies or Redis is down: a request is a row in Postgres until a recompute has
committed its figures. The recompute tasks are acknowledged late (a killed worker's task is handed out again),
and a sweeper (metrics.tasks.recompute.sweep_pending_recomputes, every RECOMPUTE_SWEEP_SECONDS) queues a recompute for
requests that have waited longer than RECOMPUTE_SWEEP_AFTER_SECONDS with no recompute working on them.

This module is the computation only. Asking for a recompute (`recompute_request`, `structure_changed`) is
metrics.services.recompute_requests, which queues the task (metrics.tasks.recompute), which calls this
module: imports run one way.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

from metrics.models import METRIC_BUCKETS, KpiSnapshot, PendingRecompute, Period, SurveyResponse
from metrics.periods import month_start, week_start, widen

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the recompute (any bigint no other part of the product uses).
RECOMPUTE_LOCK_KEY = 7_202_504_010
FRESH = "kpi_fresh"  # the temporary table of one recompute's cells
# The SQL below is put together from these constants, table names and METRIC_BUCKETS only (hence the
# S608 markers); every value (days, journey ids, timestamps) goes in as a query parameter.
KEY_COLUMNS = ("period", "period_start", "journey_id", "touchpoint_id", "channel_id", "metric")
VALUE_COLUMNS = ("n", "low", "high", "total", "total_sq")
# The columns of the cell key (the composite primary key): the upsert's conflict target.
CELL_KEY = tuple(str(field.column) for field in KpiSnapshot._meta.pk_fields)  # concrete fields: a column each


@transaction.atomic
def snapshots_recompute(*, journey_ids: Sequence[int] | None, day_from: date | None, day_to: date | None) -> dict:
    """Rebuild the cells of `journey_ids` (None: all journeys) for the days [day_from, day_to] widened to whole
    weeks and months (None: all days). Returns counts of cells: days and weeks_and_months computed, deleted,
    written."""
    _lock()
    return _recompute(journey_ids, day_from, day_to)


def snapshots_recompute_pending() -> int:
    """Recompute what PendingRecompute rows ask for and delete those rows, in one transaction. Returns the
    number of rows consumed (0 when there was nothing to do)."""
    with transaction.atomic():
        _lock()
        # skip_locked: rows another transaction is consuming right now are its work, not ours.
        pending = list(
            PendingRecompute.objects.select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", "journey_id", "day_from", "day_to")
        )
        if not pending:
            return 0
        for journey_ids, (first, last) in merge_ranges([(j, first, last) for _id, j, first, last in pending]):
            _recompute(journey_ids, first, last)
        PendingRecompute.objects.filter(id__in=[row[0] for row in pending]).delete()
    logger.info("recomputed KPI snapshots of %d pending requests", len(pending))
    return len(pending)


def snapshots_rebuild_all() -> dict:
    """Rebuild every cell from every response (the nightly run), consuming the pending requests it covers."""
    with transaction.atomic():
        _lock()
        pending_ids = list(PendingRecompute.objects.select_for_update(skip_locked=True).values_list("id", flat=True))
        stats = _recompute(None, None, None)
        PendingRecompute.objects.filter(id__in=pending_ids).delete()
    stats["pending"] = len(pending_ids)
    logger.info("rebuilt all KPI snapshots: %s", stats)
    return stats


def pending_requests_left_behind(*, older_than: timedelta) -> bool:
    """Whether a recompute request older than `older_than` waits with no recompute working on it: the sweeper's
    question. A request a running recompute is consuming is locked by it (skip_locked leaves it out), so a long
    recompute is not queued twice; one whose worker died is unlocked again (its transaction rolled back)."""
    with transaction.atomic():
        return (
            PendingRecompute.objects.filter(requested_at__lt=timezone.now() - older_than)
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:1]
            .exists()
        )


def merge_ranges(requests: Sequence[tuple[int, date, date]]) -> list[tuple[list[int], tuple[date, date]]]:
    """(journey, first, last) requests as few recomputes as possible: per journey, requests whose widened day
    ranges overlap or touch become one; journeys left with the same range share a recompute."""
    by_journey: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for journey_id, first, last in requests:
        by_journey[journey_id].append((first, last))
    by_range: dict[tuple[date, date], list[int]] = defaultdict(list)
    for journey_id, ranges in by_journey.items():
        merged: list[list[date]] = []  # [first, last] of the requests, merged where their widened ranges meet
        for first, last in sorted(ranges):
            if merged and widen(first, last)[0].toordinal() <= widen(*merged[-1])[1].toordinal() + 1:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        for first, last in merged:
            by_range[(first, last)].append(journey_id)
    return [(sorted(journeys), days) for days, journeys in sorted(by_range.items())]


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK_KEY])


def _recompute(journey_ids: Sequence[int] | None, day_from: date | None, day_to: date | None) -> dict:
    """The three steps of the module docstring; runs inside the caller's transaction and lock."""
    if (day_from is None) != (day_to is None):
        raise ValueError("Give both day_from and day_to, or neither.")
    if journey_ids is not None and not journey_ids:
        return {"days": 0, "weeks_and_months": 0, "deleted": 0, "written": 0}
    sql = _Dialect.for_connection()
    # The cells this recompute owns: (period, first period_start, last period_start); None = all of them.
    owned: list[tuple[str, date, date]] | None = None
    if day_from is not None and day_to is not None:  # both or neither (checked above)
        first_day, last_day = widen(day_from, day_to)
        owned = [
            (Period.DAY, first_day, last_day),
            (Period.WEEK, week_start(day_from), week_start(day_to)),
            (Period.MONTH, month_start(day_from), month_start(day_to)),
        ]
    scope = _Scope(journey_ids, owned)
    stats = {}
    with connection.cursor() as cursor, _planner_settings(cursor, sql.planner_settings):
        cursor.execute(f"DROP TABLE IF EXISTS {sql.temp_schema}{FRESH}")
        stats["days"] = _aggregate_days(cursor, sql, scope)
        stats["weeks_and_months"] = _roll_up(cursor, sql, scope)
        if sql.index_fresh:
            cursor.execute(f"CREATE INDEX {sql.temp_schema}{FRESH}_cell ON {FRESH} ({', '.join(KEY_COLUMNS)})")
        # Vanished cells go first: after a rebuild from an empty table that is a scan of nothing.
        stats["deleted"] = _delete_vanished(cursor, scope)
        stats["written"] = _write(cursor, sql, scope)
        cursor.execute(f"DROP TABLE {sql.temp_schema}{FRESH}")
    return stats


class _Scope:
    """The SQL conditions of one recompute: which responses it reads, which cells it owns."""

    def __init__(self, journey_ids: Sequence[int] | None, owned: list[tuple[str, date, date]] | None) -> None:
        self.journey_ids = None if journey_ids is None else sorted({int(j) for j in journey_ids})
        self.owned = owned

    def _journeys(self, column: str) -> tuple[str, list]:
        if self.journey_ids is None:
            return "", []
        return f" AND {column} IN ({', '.join(['%s'] * len(self.journey_ids))})", list(self.journey_ids)

    def responses(self, alias: str) -> tuple[str, list]:
        """`AND ...` of the responses on the (widened) days of the journeys."""
        sql, params = self._journeys(f"{alias}.journey_id")
        if self.owned is not None:
            sql += f" AND {alias}.day BETWEEN %s AND %s"
            params += list(self.owned[0][1:])
        return sql, params

    def window(self, period: str) -> tuple[date, date] | None:
        return None if self.owned is None else next((first, last) for p, first, last in self.owned if p == period)

    def cells(self, alias: str) -> tuple[str, list]:
        """`AND ...` of the snapshot cells this recompute rewrites."""
        sql, params = self._journeys(f"{alias}.journey_id")
        if self.owned is not None:
            ranges = [f"({alias}.period = %s AND {alias}.period_start BETWEEN %s AND %s)"] * len(self.owned)
            sql += f" AND ({' OR '.join(ranges)})"
            params += [value for cell_range in self.owned for value in cell_range]
        return sql, params


@contextmanager
def _planner_settings(cursor: CursorWrapper, settings: dict[str, str]) -> Iterator[None]:
    """Planner settings for the recompute's statements only, back as they were afterwards: the caller's
    transaction may go on with other work."""
    if not settings:
        yield
        return
    names = list(settings)
    cursor.execute(f"SELECT {', '.join(['current_setting(%s)'] * len(names))}", names)
    before = dict(zip(names, cursor.fetchone(), strict=True))
    setters = ", ".join(["set_config(%s, %s, true)"] * len(names))
    cursor.execute(f"SELECT {setters}", [value for name in names for value in (name, settings[name])])
    yield
    cursor.execute(f"SELECT {setters}", [value for name in names for value in (name, before[name])])


def _aggregate_days(cursor: CursorWrapper, sql: _Dialect, scope: _Scope) -> int:
    """The day cells, from one GROUP BY over the responses, into the temporary table. Returns their number."""
    where, params = scope.responses("r")
    cursor.execute(
        f"""
        CREATE TEMPORARY TABLE {FRESH} {sql.on_commit_drop} AS
        SELECT CAST('{Period.DAY}' AS VARCHAR(5)) AS period, r.day AS period_start, r.journey_id,
               COALESCE(r.touchpoint_id, 0) AS touchpoint_id, COALESCE(r.channel_id, 0) AS channel_id, r.metric,
               COUNT(*) AS n,
               COUNT(*) FILTER (WHERE {_bucket_condition("low")}) AS low,
               COUNT(*) FILTER (WHERE {_bucket_condition("high")}) AS high,
               SUM(r.score) AS total, SUM(r.score * r.score) AS total_sq
        FROM {SurveyResponse._meta.db_table} r
        WHERE 1 = 1 {where}
        GROUP BY r.day, r.journey_id, COALESCE(r.touchpoint_id, 0), COALESCE(r.channel_id, 0), r.metric
        """,  # noqa: S608
        params,
    )
    if cursor.rowcount >= 0:
        return cursor.rowcount
    cursor.execute(f"SELECT COUNT(*) FROM {FRESH}")  # noqa: S608  SQLite counts no CREATE TABLE ... AS rows
    return cursor.fetchone()[0]


def _roll_up(cursor: CursorWrapper, sql: _Dialect, scope: _Scope) -> int:
    """The week and month cells, summed from the day cells (not another scan of the responses). Returns how
    many."""
    week, month = sql.week_start.format("period_start"), sql.month_start.format("period_start")
    # A day cell's counts and sums fit an INTEGER, and summing INTEGERs (into a BIGINT) is much quicker than
    # summing BIGINTs (into a NUMERIC).
    sums = ", ".join(f"SUM(CAST({c} AS INTEGER))" for c in VALUE_COLUMNS)
    cell = "journey_id, touchpoint_id, channel_id, metric"
    if sql.grouping_sets:  # both in one pass over the day cells
        having, params = "", []
        weeks, months = scope.window(Period.WEEK), scope.window(Period.MONTH)
        if weeks is not None and months is not None:  # the recompute owns a range of cells
            having = "HAVING CASE WHEN GROUPING(w) = 0 THEN w BETWEEN %s AND %s ELSE m BETWEEN %s AND %s END"
            params = [*weeks, *months]
        cursor.execute(
            f"""
            INSERT INTO {FRESH}
            SELECT CASE WHEN GROUPING(w) = 0 THEN '{Period.WEEK}' ELSE '{Period.MONTH}' END, COALESCE(w, m), {cell},
                   {sums}
            FROM (SELECT {week} AS w, {month} AS m, * FROM {FRESH} WHERE period = '{Period.DAY}') AS d
            GROUP BY GROUPING SETS ((w, {cell}), (m, {cell}))
            {having}
            """,  # noqa: S608
            params,
        )
        return cursor.rowcount
    rows = 0
    for period, start in ((Period.WEEK, week), (Period.MONTH, month)):
        window = scope.window(period)
        where, params = ("", []) if window is None else (f"AND {start} BETWEEN %s AND %s", list(window))
        cursor.execute(
            f"""
            INSERT INTO {FRESH}
            SELECT '{period}', {start}, {cell}, {sums}
            FROM {FRESH} WHERE period = '{Period.DAY}' {where}
            GROUP BY {start}, {cell}
            """,  # noqa: S608
            params,
        )
        rows += cursor.rowcount
    return rows


def _write(cursor: CursorWrapper, sql: _Dialect, scope: _Scope) -> int:
    """Write the cells that changed, then the new ones; returns how many. An unchanged cell is not written: it
    keeps its row version and computed_at."""
    table = KpiSnapshot._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    cells, params = scope.cells("s")
    scoped = f"(SELECT * FROM {table} s WHERE 1 = 1 {cells}) s"  # noqa: S608
    same_cell = " AND ".join(f"s.{c} = f.{c}" for c in KEY_COLUMNS)
    columns = ", ".join((*KEY_COLUMNS, *VALUE_COLUMNS, "computed_at"))
    fresh = ", ".join(f"f.{c}" for c in (*KEY_COLUMNS, *VALUE_COLUMNS))
    # Changed cells: the upsert on the cell key. The join leaves the unchanged cells out before any row is
    # looked at twice, and the ON CONFLICT ... WHERE repeats the test on the row it would change.
    cursor.execute(
        f"""
        INSERT INTO {table} ({columns})
        SELECT {fresh}, %s FROM {FRESH} f JOIN {scoped} ON {same_cell}
        WHERE ({", ".join(f"s.{c}" for c in VALUE_COLUMNS)}) {sql.distinct_from}
              ({", ".join(f"f.{c}" for c in VALUE_COLUMNS)})
        ON CONFLICT ({", ".join(CELL_KEY)}) DO UPDATE SET
            {", ".join(f"{c} = excluded.{c}" for c in (*VALUE_COLUMNS, "computed_at"))}
        WHERE ({", ".join(f"{table}.{c}" for c in VALUE_COLUMNS)}) {sql.distinct_from}
              ({", ".join(f"excluded.{c}" for c in VALUE_COLUMNS)})
        """,  # noqa: S608
        [now, *params],
    )
    written = cursor.rowcount
    # New cells: a plain INSERT, about 40% quicker than ON CONFLICT's speculative insertion of every row (the
    # bulk of a rebuild from an empty table). Safe: recomputes hold the lock, and no one else writes cells.
    cursor.execute(
        f"""
        INSERT INTO {table} ({columns})
        SELECT {fresh}, %s FROM {FRESH} f
        WHERE NOT EXISTS (SELECT 1 FROM {scoped} WHERE {same_cell})
        """,  # noqa: S608
        [now, *params],
    )
    return written + cursor.rowcount


def _delete_vanished(cursor: CursorWrapper, scope: _Scope) -> int:
    """Cells of the recomputed range that the fresh aggregate no longer has (their responses are gone)."""
    cells, params = scope.cells("s")
    same_cell = " AND ".join(f"f.{c} = s.{c}" for c in KEY_COLUMNS)
    cursor.execute(
        f"""
        DELETE FROM {KpiSnapshot._meta.db_table} AS s
        WHERE 1 = 1 {cells} AND NOT EXISTS (SELECT 1 FROM {FRESH} f WHERE {same_cell})
        """,  # noqa: S608
        params,
    )
    return cursor.rowcount


def _bucket_condition(bucket: str) -> str:
    """The low (detractor...) or high (promoter...) bucket of r.score, thresholds from METRIC_BUCKETS."""
    parts = []
    for metric, (low, high) in METRIC_BUCKETS.items():
        if not str(metric).isalpha():  # the metric names are spliced into the SQL: letters only
            raise ValueError(metric)
        test = f"r.score <= {int(low)}" if bucket == "low" else f"r.score >= {int(high)}"
        parts.append(f"(r.metric = '{metric}' AND {test})")
    return " OR ".join(parts)


class _Dialect:
    """Where PostgreSQL and SQLite (development without services) write the same thing differently."""

    def __init__(self, vendor: str) -> None:
        postgres = vendor == "postgresql"
        self.temp_schema = "pg_temp." if postgres else "temp."
        self.on_commit_drop = "ON COMMIT DROP" if postgres else ""
        # A recompute joins two big sets: hashed, in memory (a nested loop over a table whose statistics are out
        # of date, as after the first rebuild, took minutes); no JIT compilation, which costs more than it saves.
        self.planner_settings = (
            {"work_mem": "64MB", "enable_nestloop": "off", "enable_mergejoin": "off", "jit": "off"} if postgres else {}
        )
        self.distinct_from = "IS DISTINCT FROM" if postgres else "IS NOT"
        self.grouping_sets = postgres
        # SQLite joins by looking rows up: the temporary table needs an index on the cell key.
        self.index_fresh = not postgres
        if postgres:
            self.week_start = "CAST(DATE_TRUNC('week', {}) AS DATE)"
            self.month_start = "CAST(DATE_TRUNC('month', {}) AS DATE)"
        else:
            # strftime('%w') is 0 for Sunday: go back (weekday + 6) % 7 days to the Monday.
            self.week_start = "DATE({0}, '-' || ((CAST(STRFTIME('%%w', {0}) AS INTEGER) + 6) %% 7) || ' days')"
            self.month_start = "DATE({}, 'start of month')"

    @classmethod
    def for_connection(cls) -> _Dialect:
        return cls(connection.vendor)
