"""A table read through a column mapping, written out as standard records (metrics.ingest.records.FIELDS, a CSV
the existing pipeline imports), with the way back: every record's original line and the column it came from, so
that a problem found by the pipeline names the line and the header the person sees in their own file.

A wide row (an NPS, a CSAT and a CES column) becomes one record per metric with a score, linked by the
respondent key (generated from the file and the line when the file has no respondent column) and with external
ids `<id>-nps`, `<id>-csat`, `<id>-ces`; its comment goes with the NPS record (else the first one), so that
one verbatim is counted once. Values that cannot be matched to the map (a touchpoint name that is not one of the
journey's) are problems of this layer: such a row is not written, and the problem names its line and column.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _

from cxplatform.lib import csv_files

from .mapping import WIDE, Mapping, label
from .matching import Matcher, NoMatch, norm
from .pipeline import Problem
from .records import FIELDS
from .tabular import Table

LONG_CODE = 0
METRIC_CODES = {metric: code for code, metric in enumerate(WIDE, start=1)}
PREVIEW_RECORDS = 10


@dataclass
class Unmatched:
    """A touchpoint value no touchpoint answers to, in a journey: shown once in the preview, with a picker."""

    value: str
    journey_id: int
    suggestion: str | None
    lines: int = 0


@dataclass
class Mapped:
    """What writing the records found."""

    origin: array = field(default_factory=lambda: array("I"))  # record i (line i + 2) -> original line
    metric_code: array = field(default_factory=lambda: array("B"))  # record i -> LONG_CODE or its wide metric
    problems: list[Problem] = field(default_factory=list)  # this layer's, by original line
    problem_lines: set[int] = field(default_factory=set)
    rows_read: int = 0
    records: int = 0
    preview: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line, record) as it will be stored
    generated_respondents: bool = False
    unmatched: dict[tuple[int, str], Unmatched] = field(default_factory=dict)

    def original_line(self, line: int) -> int:
        """The original line of a line of the records' CSV (header = line 1)."""
        index = line - 2
        return self.origin[index] if 0 <= index < len(self.origin) else line


class RecordWriter:
    """Turns the rows of `table` into standard records, as `mapping` says."""

    def __init__(self, table: Table, mapping: Mapping, matcher: Matcher, *, file_digest: str) -> None:
        self.table = table
        self.mapping = mapping
        self.matcher = matcher
        self.names = table.names
        self.at = mapping.column_of(table.names)
        self.wide = [(metric, self.at[metric]) for metric in WIDE if metric in self.at]
        self.seed = file_digest[:10]
        fixed_journey = mapping.fixed.get("journey") if "journey" not in self.at else None
        self.fixed_journey = matcher.journey(fixed_journey) if fixed_journey else None
        fixed_channel = mapping.fixed.get("channel") if "channel" not in self.at else None
        self.fixed_channel = matcher.channel(fixed_channel) if fixed_channel else ""
        self.fixed_source = mapping.fixed.get("source", "") if "source" not in self.at else ""
        self.touchpoint_values = mapping.values.get("touchpoint", {})

    def header_of(self, target: str) -> str | None:
        """The original column header of a target; a fixed value is named as such."""
        if target in self.at:
            return self.names[self.at[target]] or _("column %(n)d") % {"n": self.at[target] + 1}
        if target in self.mapping.fixed:
            return _("%(target)s (fixed value)") % {"target": label(target)}
        return None

    def field_header(self, field_name: str | None, code: int) -> str | None:
        """The original header behind a field of a record (the score of a wide record: its metric's column)."""
        if field_name is None:
            return None
        if code != LONG_CODE and field_name in ("metric", "score"):
            return self.header_of(WIDE[code - 1])
        if field_name == "respondent" and "respondent" not in self.at:
            return _("respondent (generated)")
        return self.header_of(field_name) or field_name

    def write(
        self, target: IO[str], *, preview: int = PREVIEW_RECORDS, skip_lines: frozenset[int] = frozenset()
    ) -> Mapped:
        """Write the records; rows on `skip_lines` (rejected in a first pass) are read but not written."""
        mapped = Mapped()
        out = csv_files.CsvWriter(target)
        out.writerow(FIELDS)
        for line, cells in self.table.rows():
            mapped.rows_read += 1
            if line in skip_lines:
                continue
            try:
                records = list(self._records(line, cells, mapped))
            except _RowProblems as problems:
                mapped.problems.extend(problems.problems)
                mapped.problem_lines.add(line)
                continue
            for code, record in records:
                out.writerow([record[name] for name in FIELDS])
                mapped.origin.append(line)
                mapped.metric_code.append(code)
                if len(mapped.preview) < preview:
                    mapped.preview.append((line, record))
        mapped.records = len(mapped.origin)
        mapped.generated_respondents = bool(self.wide) and "respondent" not in self.at
        return mapped

    def _cell(self, cells: list[str], target: str) -> str:
        at = self.at.get(target)
        return cells[at] if at is not None and at < len(cells) else ""

    def _records(self, line: int, cells: list[str], mapped: Mapped) -> Iterator[tuple[int, dict[str, str]]]:
        problems: list[Problem] = []

        def fail(target: str, message: str) -> None:
            problems.append(Problem(line, self.header_of(target), message))

        journey_id = self.fixed_journey
        journey_text = self._cell(cells, "journey")
        if "journey" in self.at:
            if journey_text:
                try:
                    journey_id = self.matcher.journey(journey_text)
                except NoMatch as error:
                    fail("journey", error.message)
            else:
                fail("journey", _("This field is required."))
        touchpoint = ""
        touchpoint_text = self._cell(cells, "touchpoint")
        if touchpoint_text and journey_id is not None:
            chosen = self.touchpoint_values.get(norm(touchpoint_text))
            if chosen is not None and self.matcher.touchpoint_journey.get(chosen) == journey_id:
                touchpoint = str(chosen)
            else:
                try:
                    touchpoint = str(self.matcher.touchpoint(touchpoint_text, journey_id))
                except NoMatch as error:
                    fail("touchpoint", error.message)
                    key = (journey_id, norm(touchpoint_text))
                    entry = mapped.unmatched.setdefault(key, Unmatched(touchpoint_text, journey_id, error.suggestion))
                    entry.lines += 1
        channel = self.fixed_channel
        channel_text = self._cell(cells, "channel")
        if channel_text:
            try:
                channel = self.matcher.channel(channel_text)
            except NoMatch as error:
                fail("channel", error.message)
        if self.wide and not any(cells[at] for _metric, at in self.wide if at < len(cells)):
            fail(self.wide[0][0], _("No score in this row (none of the score columns has a value)."))
        if problems:
            raise _RowProblems(problems)
        respondent = self._cell(cells, "respondent")
        if not respondent and self.wide and "respondent" not in self.at:
            respondent = f"{self.seed}-{line}"
        base = {
            "journey": "" if journey_id is None else str(journey_id),
            "touchpoint": touchpoint,
            "channel": channel,
            "responded_at": self._cell(cells, "responded_at"),
            "respondent": respondent,
            "source": self._cell(cells, "source") or self.fixed_source,
        }
        external_id = self._cell(cells, "external_id")
        comment = self._cell(cells, "comment")
        if not self.wide:
            yield (
                LONG_CODE,
                {
                    **base,
                    "metric": self._cell(cells, "metric"),
                    "score": self._cell(cells, "score"),
                    "comment": comment,
                    "external_id": external_id,
                },
            )
            return
        present = [(metric, cells[at]) for metric, at in self.wide if at < len(cells) and cells[at]]
        comment_goes_to = "nps" if any(metric == "nps" for metric, _score in present) else present[0][0]
        for metric, score in present:
            yield (
                METRIC_CODES[metric],
                {
                    **base,
                    "metric": metric,
                    "score": score,
                    "comment": comment if metric == comment_goes_to else "",
                    "external_id": f"{external_id}-{metric}" if external_id else "",
                },
            )


class _RowProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


def file_digest(binary: IO[bytes]) -> str:
    """A stable fingerprint of a file's bytes (generated respondent keys are the same on every import of it)."""
    binary.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: binary.read(1 << 20), b""):
        digest.update(chunk)
    binary.seek(0)
    return digest.hexdigest()


def translate(problem: Problem, mapped: Mapped, writer: RecordWriter) -> Problem:
    """A problem of the records' CSV, named by the original line and column header."""
    if problem.position is None:
        return problem
    index = problem.position - 2
    code = mapped.metric_code[index] if 0 <= index < len(mapped.metric_code) else LONG_CODE
    return Problem(
        position=mapped.original_line(problem.position),
        field=writer.field_header(problem.field, code),
        message=problem.message,
    )
