"""Bytes to rows: the encoding (UTF-8 with or without a BOM, Windows-1252), line endings (CRLF or
LF, handled by the csv module), quoted fields, and which of the three files this is (from its
header row). Problems come back as messages for the report; nothing here raises on bad input
except `FileProblem`, which means the file cannot be read at all."""
from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from academy.ascwds.codes import FILE_LABELS, extra_qualification_number, header_versions


class FileProblem(Exception):
    """The file is not a CSV file this service can read; the message says why."""


class TooLarge(FileProblem):
    pass


@dataclass
class ParsedFile:
    name: str
    kind: str
    version: str
    encoding: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    problems: list[tuple[int, str | None, str]] = field(default_factory=list)  # (line, column, text)
    neutralised: bool = False  # some cell may carry export's leading apostrophe before a formula character

    @property
    def label(self) -> str:
        return FILE_LABELS[self.kind]

    def index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.columns)}


def save_stream(stream, target: Path, limit: int, chunk: int = 1 << 20) -> int:
    """Copy an upload to `target` a chunk at a time, refusing it as soon as it passes `limit`
    bytes (so a 200 MB upload is never held in memory or written whole). Returns the size."""
    size = 0
    with target.open("wb") as out:
        while True:
            block = stream.read(chunk)
            if not block:
                break
            size += len(block)
            if size > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise TooLarge(f"The file is larger than {limit // (1024 * 1024)} MB. Split it, or ask HCPA to import it")
            out.write(block)
    return size


def decode(raw: bytes) -> tuple[str, str]:
    """The text of the file and the encoding it was in."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8 with BOM"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise FileProblem("The file says it is UTF-16 but is not. Save it as CSV (UTF-8)") from exc
    if b"\x00" in raw[:4096]:
        raise FileProblem("This is not a CSV file. Save it from your spreadsheet as CSV (UTF-8)")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise FileProblem("The file's characters could not be read. Save it as CSV (UTF-8)") from exc


def recognise(header: list[str]) -> tuple[str, str, list[str]]:
    """(kind, version, problems) from a header row. Raises FileProblem if no kind fits."""
    names = [h.strip().upper() for h in header]
    present = set(names)
    best = None
    for version in header_versions():
        expected = set(version.columns)
        missing = [c for c in version.columns if c not in present]
        extra = [c for c in names if c not in expected and c not in version.optional
                 and not (version.kind == "staff" and extra_qualification_number(c) is not None)]
        score = len(missing) + len(extra)
        if best is None or score < best[0]:
            best = (score, version, missing, extra)
    score, version, missing, extra = best
    if score > len(version.columns) // 2:
        raise FileProblem("The first row is not the header row of an ASC-WDS workplace, staff or training file")
    problems = [f"The {FILE_LABELS[version.kind]} has no {c} column" for c in missing]
    problems += [f"{c} is not a column of the ASC-WDS {FILE_LABELS[version.kind]}" for c in extra]
    duplicates = sorted({c for c in names if names.count(c) > 1})
    problems += [f"The {c} column appears more than once" for c in duplicates]
    return version.kind, version.version, problems


def parse(name: str, raw: bytes) -> ParsedFile:
    """Read one uploaded file. Raises FileProblem if it cannot be read as an ASC-WDS file."""
    text, encoding = decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise FileProblem("The file is empty") from None
    except csv.Error as exc:
        raise FileProblem(f"The header row could not be read ({exc})") from None
    kind, version, problems = recognise(header)
    parsed = ParsedFile(name=name, kind=kind, version=version, encoding=encoding,
                        columns=[h.strip().upper() for h in header])
    parsed.problems.extend((1, None, p) for p in problems)
    parsed.neutralised = any(f"'{c}" in text for c in "=+-@\t\r")
    width = len(header)
    line = 1
    try:
        for row in reader:
            line += 1
            if not any(row) or (len(row) != width and not "".join(row).strip()):
                continue
            if len(row) != width:
                parsed.problems.append((line, None, f"has {len(row)} values but the header row has {width} columns"))
                continue
            parsed.rows.append(row)
            parsed.lines.append(line)
    except csv.Error as exc:
        parsed.problems.append((line + 1, None, f"could not be read ({exc}); check its quotation marks"))
    return parsed
