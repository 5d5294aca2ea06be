"""Files with their own headers for the mapped-import tests: a Dutch wide export (CSV or .xlsx) and helpers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from journeys.models import Journey, Touchpoint
from tests.journeys.factories import JourneyFactory, StageFactory, TouchpointFactory

DUTCH_WIDE = [
    "Ingevuld op",
    "Klantnummer",
    "Contactmoment",
    "Hoe waarschijnlijk is het dat u ons zou aanbevelen aan vrienden of familie?",
    "Tevredenheid",
    "Hoeveel moeite kostte het?",
    "Toelichting",
    "Antwoord ID",
]


def claim_map() -> tuple[Journey, Touchpoint, Touchpoint]:
    """One current journey, Report a claim, with touchpoints Claim by phone and Claim online (plus a future-state
    design of the same name, which must not catch the name)."""
    journey = JourneyFactory(name="Report a claim")
    stage = StageFactory(journey=journey, name="Report")
    phone = TouchpointFactory(stage=stage, name="Claim by phone")
    online = TouchpointFactory(stage=stage, name="Claim online")
    return journey, phone, online


def csv_of(header: Sequence[str], rows: Sequence[Sequence[Any]], *, delimiter: str = ";", bom: bool = True) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_of(header: Sequence[str], rows: Sequence[Sequence[Any]], *, blank_rows: Sequence[int] = ()) -> bytes:
    """A workbook whose first sheet holds the header and the rows (cells typed: datetimes, ints); a blank row is
    inserted before each row index in `blank_rows` (so that file lines and row indexes differ)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for index, row in enumerate(rows):
        if index in blank_rows:
            sheet.append([])
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def dutch_rows(when: datetime, *, count: int = 2) -> list[list[Any]]:
    rows = [
        [when, "K-1001", "Claim by phone", 3, 2, 6, "Niemand belde terug", "A-1"],
        [when, "K-1002", "claim ONLINE", 9, 5, 2, "Snel geregeld", "A-2"],
    ]
    for n in range(3, count + 1):
        rows.append([when, f"K-{1000 + n}", "Claim online", n % 11, 4, 3, "", f"A-{n}"])
    return rows[:count]
