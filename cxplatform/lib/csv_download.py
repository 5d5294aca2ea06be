"""A CSV file download: UTF-8 with a byte-order mark (Excel reads the accents right), written by the one CSV
writer (cxplatform.lib.csv_files), which neutralises the cells a spreadsheet would run as a formula."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse

from cxplatform.lib.csv_files import CsvWriter


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable[object]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = CsvWriter(response, bom=True)
    writer.writerow(header)
    writer.writerows(rows)
    return response
