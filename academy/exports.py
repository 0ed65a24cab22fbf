"""The one CSV/XLSX export helper: a header and rows in, a file out, every text cell made safe.

A spreadsheet runs a cell that begins with = + - @ (or a tab or carriage return) as a formula, so
such text gets a leading apostrophe (CSV injection). Dates go out as ISO text in CSV and as real
dates in XLSX; None is an empty cell. An XLSX sheet keeps its header row in view (frozen, bold) and
sizes each column to its header and the first SIZING_ROWS rows (between MIN_WIDTH and MAX_WIDTH).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import chain, islice

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FORMATS = tuple(MIMETYPES)
DATE_FORMAT = "yyyy-mm-dd"
SIZING_ROWS = 200  # rows read ahead to size the columns; the rest stream through
MIN_WIDTH, MAX_WIDTH = 8, 60  # in characters


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


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return len(DATE_FORMAT)
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(header: Sequence[str], rows: Sequence[Sequence]) -> list[float]:
    """Each column's width in characters: its longest value among the header and `rows`, plus a margin."""
    widths = [_width(h) for h in header]
    for row in rows:
        for column, value in enumerate(row):
            if column < len(widths):
                widths[column] = max(widths[column], _width(neutralise(value)))
    return [min(MAX_WIDTH, max(MIN_WIDTH, width + 2)) for width in widths]


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], title: str = "Export",
               number_formats: dict[int, str] | None = None) -> bytes:
    """The header and rows as one XLSX sheet; `number_formats` maps a 0-based column to a format.
    The header row is frozen and bold; columns are sized to the header and the first SIZING_ROWS rows.
    Written in openpyxl's write-only mode (streamed, so large exports stay quick)."""
    formats = number_formats or {}
    rows = iter(rows)
    first = list(islice(rows, SIZING_ROWS))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"  # the header stays in view while scrolling down
    for column, width in enumerate(column_widths(header, first), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = WriteOnlyCell(sheet, neutralise(text))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in chain(first, rows):
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
