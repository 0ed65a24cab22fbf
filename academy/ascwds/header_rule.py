"""ASC-WDS's own header rule: whether Skills for Care's bulk upload would take a file's header row.

This service reads header rows leniently (any case, columns in any order, older layouts; see
parse.py). ASC-WDS does not, so every file the export writes must pass this stricter rule, which
restates (in our own code) what Skills for Care's SopraSteria-SFC does before it reads any row:

- the header is the text before the first line feed, with white space (and a byte-order mark)
  trimmed from both ends (`backend/server/routes/establishments/bulkUpload/uploaded.js`);
- workplace and training files: the header equals the current header exactly, the column names
  in upper case, in order, unquoted, comma-separated (`models/BulkImport/csv/
  workplaceCSVValidator.js` `_validateHeaders`; `bulkUpload/validate/headers/training.js`);
- staff files: the header starts with the current header, or with it carrying CHGUNIQUEWRKID,
  TRANSFERSTAFFRECORD or both straight after UNIQUEWORKERID, and anything after that is only
  further qualification pairs `QUALACH04,QUALACH04NOTES,QUALACH05,...` in order
  (`bulkUpload/validate/headers/worker.js`).

The current headers are the ones of record in data/headers.csv (`codes.current_header`).
"""
from __future__ import annotations

from academy.ascwds import codes

TRIMMED = " \t\r\n\v\f\u00a0\ufeff"
STAFF_ID_COLUMNS = ((), ("CHGUNIQUEWRKID",), ("TRANSFERSTAFFRECORD",), ("CHGUNIQUEWRKID", "TRANSFERSTAFFRECORD"))
FIRST_EXTRA_QUALIFICATION = 4


def header_line(content: bytes) -> str:
    """The header row as ASC-WDS sees it: the text up to the first line feed, trimmed."""
    text = content.decode("utf-8")
    return text.split("\n", 1)[0].strip(TRIMMED)


def staff_headers() -> list[str]:
    """The four staff header starts ASC-WDS accepts."""
    current = codes.current_header("staff")
    return [",".join(current[:2] + extra + current[2:]) for extra in STAFF_ID_COLUMNS]


def _extra_qualifications_fit(rest: str) -> bool:
    if not rest:
        return True
    if not rest.startswith(","):
        return False
    names = rest[1:].split(",")
    if len(names) % 2:
        return False
    for i in range(0, len(names), 2):
        number = f"{FIRST_EXTRA_QUALIFICATION + i // 2:02d}"
        if names[i] != f"QUALACH{number}" or names[i + 1] != f"QUALACH{number}NOTES":
            return False
    return True


def accepts(kind: str, content: bytes) -> bool:
    """True if ASC-WDS's header rule takes a file of this kind ("workplace", "staff", "training")
    with this content."""
    try:
        header = header_line(content)
    except UnicodeDecodeError:
        return False
    if kind in ("workplace", "training"):
        return header == ",".join(codes.current_header(kind))
    for start in staff_headers():
        if header.startswith(start):
            return _extra_qualifications_fit(header[len(start):])
    return False
