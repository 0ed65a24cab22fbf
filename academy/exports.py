"""The one CSV/XLSX export helper: a header and rows in, a file out, every text cell made safe.

A spreadsheet runs a cell that begins with = + - @ (or a tab or carriage return) as a formula, so
such text gets a leading apostrophe (CSV injection). Dates go out as ISO text in CSV and as real
dates in XLSX; None is an empty cell.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMATS = tuple(MIMETYPES)
DATE_FORMAT = "yyyy-mm-dd"


def neutralise(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The header and rows as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue()


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], title: str = "Export",
               number_formats: dict[int, str] | None = None) -> bytes:
    """The header and rows as one XLSX sheet; `number_formats` maps a 0-based column to a format.
    Written in openpyxl's write-only mode (streamed, so large exports stay quick)."""
    formats = number_formats or {}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        values = []
        for column, value in enumerate(row):
            value = neutralise(value)
            number_format = formats.get(column) or (DATE_FORMAT if isinstance(value, date) else None)
            if number_format is not None and value is not None:
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = number_format
                value = cell
            values.append(value)
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(fmt: str, header: Sequence[str], rows: Iterable[Sequence], filename: str,
                    title: str = "Export") -> Response:
    """A download of the rows as `fmt` ("csv" or "xlsx") named `filename` (without extension)."""
    if fmt not in MIMETYPES:
        raise ValueError(f"unknown export format {fmt!r}")
    body = csv_text(header, rows) if fmt == "csv" else xlsx_bytes(header, rows, title)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in filename)
    return Response(body, mimetype=MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{safe}.{fmt}"'})
