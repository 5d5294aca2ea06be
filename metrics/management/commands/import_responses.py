"""manage.py import_responses FILE [--preset NAME] [--skip-invalid] [--check]: survey responses from a (large)
CSV file, or from a CSV or .xlsx file with its own header read through a column mapping saved as a preset on the
import page (problems then name the file's own lines and column headers).

Streams: memory does not grow with the file. A progress bar on stderr follows the bytes read; every rejected
line is printed with its number and reason. Without --skip-invalid a single bad line stores nothing and the
command exits with status 1; with it, the valid lines are stored and the rejected ones written to
FILE.errors.csv beside the file (as they were, plus an `error` column). In it, a text a spreadsheet would run as a
formula (=SUM(1)) is written behind an apostrophe ('=SUM(1)), which the import takes off again: the file, fixed,
imports as it is (cxplatform.lib.csv_files).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from metrics.ingest.mapping import Mapping
from metrics.ingest.pipeline import Problem
from metrics.ingest.tabular import XLSX, kind_of
from metrics.services.response_imports import (
    MappingInvalid,
    mapping_for,
    preset_mapping,
    read_table,
    responses_check_table,
    responses_import_table,
)
from metrics.services.responses import IngestRefused, responses_check_csv, responses_import_csv

BAR_WIDTH = 30
REDRAW_SECONDS = 0.2


def error_csv_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.errors.csv")


def plain(text: str) -> str:
    return text


class ProgressBar:
    """[#######.......]  45%  120.3/268.0 MB  142,310 rows  118,402 rows/s, redrawn in place on stderr."""

    def __init__(self, out, total_bytes: int, enabled: bool) -> None:
        self.out = out
        self.total = max(total_bytes, 1)
        self.enabled = enabled
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.rows = 0
        self.finished = False

    def __call__(self, bytes_read: int, rows: int, *, force: bool = False) -> None:
        self.rows = rows
        now = time.monotonic()
        if not self.enabled or (not force and now - self.drawn_at < REDRAW_SECONDS):
            return
        self.drawn_at = now
        share = min(bytes_read / self.total, 1.0)
        filled = int(share * BAR_WIDTH)
        rate = rows / max(now - self.started, 1e-9)
        line = (
            f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%}  "
            f"{bytes_read / 1e6:.1f}/{self.total / 1e6:.1f} MB  {rows:,} rows  {rate:,.0f} rows/s"
        )
        self.out.write(line, ending="", style_func=plain)
        self.out.flush()

    def finish(self) -> None:
        """Complete the bar and end its line (before anything else is printed); only the first call counts."""
        if self.enabled and not self.finished:
            self(self.total, self.rows, force=True)
            self.out.write("", style_func=plain)
        self.finished = True


class Command(BaseCommand):
    help = (
        "Import survey responses from a CSV file (columns: metric, score, journey, responded_at, and optionally "
        "touchpoint, channel, respondent, comment, source, external_id). All or nothing unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", type=Path, help="the CSV file (UTF-8, comma or semicolon separated) or an Excel workbook (.xlsx)"
        )
        parser.add_argument(
            "--preset",
            metavar="NAME",
            help="read the file through this saved column mapping (saved on the import page)",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="store the valid lines and write the rejected ones to FILE.errors.csv",
        )
        parser.add_argument("--check", action="store_true", help="report what an import would do; store nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(
        self, *args, file: Path, skip_invalid: bool, check: bool, no_progress: bool, preset: str | None, **options
    ) -> None:
        if not file.is_file():
            raise CommandError(_("%(path)s is not a file.") % {"path": file})
        mapping: Mapping | None = None
        if preset is not None:
            try:
                mapping = preset_mapping(preset)
            except ValidationError as error:
                raise CommandError("; ".join(error.message_dict["preset"])) from None
        with file.open("rb") as probe:
            is_xlsx = kind_of(probe, file.name) == XLSX
        if mapping is not None or is_xlsx:
            self._mapped(file, mapping, skip_invalid=skip_invalid, check=check)
            return
        progress = ProgressBar(self.stderr, file.stat().st_size, enabled=not no_progress and options["verbosity"] > 0)
        started = time.monotonic()

        printed: list[Problem] = []

        def print_problem(problem: Problem) -> None:
            progress.finish()
            if not printed:
                printed.append(problem)
            field = f" {problem.field}:" if problem.field else ""
            self.stderr.write(
                _("line %(line)s:%(field)s %(message)s")
                % {
                    "line": problem.position if problem.position is not None else "-",
                    "field": field,
                    "message": problem.message,
                }
            )

        with file.open("rb") as source:
            if check:
                self._check(source, progress, print_problem)
                return
            error_path = error_csv_path(file)
            try:
                if skip_invalid:
                    with open(error_path, "w", encoding="utf-8", newline="") as error_csv:
                        result = responses_import_csv(
                            file=source,
                            skip_invalid=True,
                            error_csv=error_csv,
                            on_progress=progress,
                            on_problem=print_problem,
                        )
                    if not result.rejected:
                        os.remove(error_path)
                else:
                    result = responses_import_csv(file=source, on_progress=progress, on_problem=print_problem)
            except IngestRefused as refused:
                progress.finish()
                if not printed:  # the file as a whole was refused before any line was read
                    for problem in refused.problems:
                        print_problem(problem)
                raise CommandError(
                    _("Nothing was imported: %(count)d rejected lines (%(errors)d problems).")
                    % {"count": refused.rejected, "errors": refused.error_count}
                    if refused.rejected
                    else _("Nothing was imported.")
                ) from None
        progress.finish()
        seconds = time.monotonic() - started
        self.stdout.write(
            _(
                "Imported %(created)d responses (%(duplicates)d already stored, %(rejected)d lines rejected) "
                "from %(rows)d lines in %(seconds).1f s (%(rate).0f rows/s); %(followups)d follow-up cases opened."
            )
            % {
                "created": result.created,
                "duplicates": result.duplicates,
                "rejected": result.rejected,
                "rows": result.rows_read,
                "seconds": seconds,
                "rate": result.rows_read / max(seconds, 1e-9),
                "followups": result.followups_opened,
            }
        )
        if result.rejected:
            self.stdout.write(_("The rejected lines are in %(path)s.") % {"path": error_path})

    def _print(self, problem: Problem) -> None:
        field = f" {problem.field}:" if problem.field else ""
        line = problem.position if problem.position is not None else "-"
        self.stderr.write(
            _("line %(line)s:%(field)s %(message)s") % {"line": line, "field": field, "message": problem.message}
        )

    def _mapped(self, file: Path, mapping: Mapping | None, *, skip_invalid: bool, check: bool) -> None:
        """A file read through a preset (or an .xlsx file with the standard header): no progress bar, the problems
        by the file's own lines and headers."""
        started = time.monotonic()
        printed: list[Problem] = []

        def print_problem(problem: Problem) -> None:
            printed.append(problem)
            self._print(problem)

        with file.open("rb") as source:
            try:
                if check:
                    table = read_table(source, file.name)
                    result = responses_check_table(
                        file=source, name=file.name, mapping=mapping_for(table, mapping), preview=0
                    )
                    for problem in result.problems:
                        self._print(problem)
                    self.stdout.write(
                        _(
                            "Check only: %(valid)d responses would be stored, %(duplicates)d are already stored, "
                            "%(rejected)d lines would be rejected."
                        )
                        % {"valid": result.created, "duplicates": result.duplicates, "rejected": result.rejected}
                    )
                    if result.rejected:
                        raise CommandError(_("The file cannot be imported as it is."))
                    return
                error_path = error_csv_path(file)
                if skip_invalid:
                    with open(error_path, "w", encoding="utf-8", newline="") as error_csv:
                        imported = responses_import_table(
                            file=source, name=file.name, mapping=mapping, skip_invalid=True, error_csv=error_csv,
                            on_problem=print_problem,
                        )  # fmt: skip
                    if not imported.rejected:
                        os.remove(error_path)
                else:
                    imported = responses_import_table(
                        file=source, name=file.name, mapping=mapping, on_problem=print_problem
                    )
            except MappingInvalid as invalid:
                raise CommandError(
                    _("The preset does not fit this file: %(problems)s")
                    % {"problems": " ".join(message for _what, message in invalid.problems)}
                ) from None
            except IngestRefused as refused:
                if not printed:  # the file as a whole, or the mapping, was refused before any line was read
                    for problem in refused.problems:
                        self._print(problem)
                raise CommandError(
                    _("Nothing was imported: %(count)d rejected lines (%(errors)d problems).")
                    % {"count": refused.rejected, "errors": refused.error_count}
                    if printed
                    else _("Nothing was imported.")
                ) from None
        seconds = time.monotonic() - started
        self.stdout.write(
            _(
                "Imported %(created)d responses (%(duplicates)d already stored, %(rejected)d lines rejected) "
                "from %(rows)d lines in %(seconds).1f s (%(rate).0f rows/s); %(followups)d follow-up cases opened."
            )
            % {
                "created": imported.created,
                "duplicates": imported.duplicates,
                "rejected": imported.rejected,
                "rows": imported.rows_read,
                "seconds": seconds,
                "rate": imported.rows_read / max(seconds, 1e-9),
                "followups": imported.followups_opened,
            }
        )
        if imported.rejected:
            self.stdout.write(_("The rejected lines are in %(path)s.") % {"path": error_path})

    def _check(self, source, progress: ProgressBar, print_problem) -> None:
        try:
            result = responses_check_csv(file=source, on_progress=progress)
        except IngestRefused as refused:
            for problem in refused.problems:
                print_problem(problem)
            raise CommandError(_("The file cannot be imported.")) from None
        progress.finish()
        for problem in result.problems:
            print_problem(problem)
        self.stdout.write(
            _(
                "Check only: %(valid)d responses would be stored, %(duplicates)d are already stored, %(rejected)d "
                "lines would be rejected."
            )
            % {"valid": result.created, "duplicates": result.duplicates, "rejected": result.rejected}
        )
        if result.error_count > len(result.problems):
            self.stdout.write(
                _("(The first %(shown)d of %(total)d problems are shown.)")
                % {"shown": len(result.problems), "total": result.error_count}
            )
        if result.rejected:
            raise CommandError(_("The file cannot be imported as it is."))
