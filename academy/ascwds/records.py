"""What a staff row says a worker holds, as the platform's own records (issue 14, part 2).

QUALACH01-03 (`code;year`) become named qualifications (titles from data/qualifications.csv), SCQUAL
(`1;level`: the highest social-care qualification held) decides whether the worker counts towards
qualification uptake, as in Skills for Care's own figure, and becomes a qualification of that level
where nothing else names one; CARECERT 1 becomes a completed Care Certificate (date unknown: the
import date); L2CARECERT the Level 2 Adult Social Care Certificate.

Every record made here is unverified and marked with its source (`ascwds_key`, `ascwds_batch_id`).
A later import updates the record with the same key, never adds a second; a record that someone
verified or changed here, or the worker's own record of the same qualification, wins: the import
leaves it alone and adds nothing beside it. A column decides its records only when its cell holds a
valid value (a blank or invalid cell leaves them alone); then a "no" removes the imported record.

validate.py calls `worker_records` per staff row (no database); apply.py calls `apply_records`
after the staff are saved (a fixed number of queries per 5,000 workers).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cache

from sqlalchemy import delete, insert, select, update

from academy.ascwds.codes import DATA_DIR
from academy.extensions import utcnow
from training.models import (
    CareCertificateInduction, CertificateVersion, Qualification, QualificationStatus, QualificationType,
)

QUALACH_COLUMNS = ("QUALACH01", "QUALACH02", "QUALACH03")
L2_CERTIFICATE_CODE = "158"  # QUALACH code of the Level 2 Adult Social Care Certificate (data/qualifications.csv)
L2_KEY, SCQUAL_KEY, CARECERT_KEY = "L2CARECERT", "SCQUAL", "CARECERT"
LEVEL_IN_TITLE = re.compile(r"\blevel (\d)\b", re.IGNORECASE)
CHUNK = 5000
FIRST_DAY_2025 = date(2025, 3, 1)


@dataclass(frozen=True)
class QualificationCode:
    code: str
    group: str
    title: str
    level: int | None
    social_care: bool | None


@cache
def qualification_codes() -> dict[str, QualificationCode]:
    """QUALACH code -> title, group and level: the level Skills for Care's source gives, else the
    one the title names ("Level 2 ..."), else unknown (never guessed)."""
    result = {}
    with (DATA_DIR / "qualifications.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    for row in rows:
        level = row["level"] or (match.group(1) if (match := LEVEL_IN_TITLE.search(row["title"])) else "")
        result[row["budi_code"]] = QualificationCode(
            row["budi_code"], row["group"], row["title"], int(level) if level else None,
            {"yes": True, "no": False}.get(row["social_care"]))
    return result


@dataclass(slots=True)
class ImportedQualification:
    key: str  # "QUALACH:<code>", "SCQUAL" or "L2CARECERT"
    qualification_type: QualificationType
    title: str
    level: int | None
    social_care: bool
    status: QualificationStatus
    achieved_on: date | None
    precision: str | None  # None: the day; "year"; "unknown"


@dataclass(slots=True)
class WorkerRecords:
    """What one staff row declares. `decides` names the keys (or "QUALACH") whose columns held a
    valid value: only those records are added, changed or removed."""

    key: tuple[str, str]
    person_id: int | None  # None: a worker the staff file adds (apply finds them by key)
    workplace_id: int | None
    qualifications: list[ImportedQualification] = field(default_factory=list)
    care_certificate: bool = False
    scqual_level: int | None = None  # SCQUAL 1;level with a known level
    decides: set[str] = field(default_factory=set)


def _achieved(year: str, today: date) -> tuple[date, str]:
    """A year only: 31 December of it, or today if sooner; no year: today, date unknown."""
    if year and year.isdigit():
        return min(date(int(year), 12, 31), today), "year"
    return today, "unknown"


def _scqual(value: str | None) -> tuple[bool | None, int | None]:
    """(holds a social-care qualification: True/False/None for don't know, its level or None)."""
    head, _, level = (value or "").partition(";")
    if head != "1":
        return (False if head == "2" else None), None
    return True, int(level) if level.isdigit() and level != "999" else None


def worker_records(report, line: int, key: tuple[str, str], values: dict, person_id: int | None,
                   workplace_id: int | None, today: date) -> WorkerRecords:
    """The records a staff row declares (checked cells in `values`); unknown QUALACH codes warn."""
    found = WorkerRecords(key, person_id, workplace_id)
    by_key: dict[str, ImportedQualification] = {}
    l2 = values.get("L2CARECERT")
    if l2:
        found.decides.add(L2_KEY)
        head, _, year = l2.partition(";")
        if head == "1":
            achieved_on, precision = _achieved(year, today)
            by_key[L2_KEY] = _l2_certificate(QualificationStatus.achieved, achieved_on, precision)
        elif head == "2":
            by_key[L2_KEY] = _l2_certificate(QualificationStatus.in_progress, None, None)
    codes = qualification_codes()
    for column in QUALACH_COLUMNS:
        value = values.get(column)
        if not value:
            continue
        found.decides.add("QUALACH")
        code, _, year = value.partition(";")
        code = code.lstrip("0") or "0"
        known = codes.get(code)
        if known is None:  # refused by the cell check (academy/ascwds/cells.py): the row cannot be applied
            continue
        achieved_on, precision = _achieved(year, today)
        if code == L2_CERTIFICATE_CODE:
            if L2_KEY not in by_key or by_key[L2_KEY].status != QualificationStatus.achieved:
                by_key[L2_KEY] = _l2_certificate(QualificationStatus.achieved, achieved_on, precision)
            found.decides.add(L2_KEY)
            continue
        social_care = bool(known.social_care)
        by_key[f"QUALACH:{code}"] = ImportedQualification(
            f"QUALACH:{code}", QualificationType.other_social_care if social_care else QualificationType.other,
            known.title, known.level, social_care, QualificationStatus.achieved, achieved_on, precision)
    holds, level = _scqual(values.get("SCQUAL"))
    if values.get("SCQUAL"):
        found.decides.add(SCQUAL_KEY)
        _apply_scqual(by_key, holds, level, today)
        found.scqual_level = level if holds else None
    found.qualifications = list(by_key.values())
    carecert = values.get("CARECERT")
    if carecert:
        found.decides.add(CARECERT_KEY)
        found.care_certificate = carecert == "1"
    return found


def _l2_certificate(status: QualificationStatus, achieved_on: date | None, precision: str | None):
    kind = QualificationType.l2_adult_social_care_certificate
    return ImportedQualification(L2_KEY, kind, kind.value, 2, True, status, achieved_on, precision)


def _apply_scqual(by_key: dict[str, ImportedQualification], holds: bool | None, level: int | None,
                  today: date) -> None:
    """SCQUAL decides uptake: the record of its level (an achieved one the row names, else one made
    for it) is the relevant one; when SCQUAL says no Level 2+ social-care qualification, none of the
    row's records counts as one."""
    if not holds:
        for q in by_key.values():
            q.social_care = False
        return
    if level is not None and level < 2:
        for q in by_key.values():
            q.social_care = False
    # Level not known (1;999): any achieved social-care qualification of the row names it.
    named = next((q for q in by_key.values() if q.status == QualificationStatus.achieved
                  and (q.level == level if level is not None else q.social_care)), None)
    if named is not None:
        named.social_care = True
        if named.qualification_type == QualificationType.other:
            named.qualification_type = QualificationType.other_social_care
        return
    title = ("Social care qualification (level not known)" if level is None else
             f"Social care qualification at Level {level}{' or above' if level == 8 else ''}")
    by_key[SCQUAL_KEY] = ImportedQualification(SCQUAL_KEY, QualificationType.other_social_care, title, level, True,
                                               QualificationStatus.achieved, today, "unknown")


# -- apply -----------------------------------------------------------------------------------------

def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert(session, table, rows: list[dict], copy) -> None:
    """Insert rows (dicts with the same keys): by `copy(session, table, columns, tuples)` (COPY on
    PostgreSQL, from apply.py) when given, else in chunks. Enums go in by name (stored_enum)."""
    if not rows:
        return
    if copy is None:
        for chunk in _chunks(rows):
            session.execute(insert(table), chunk)
        return
    columns = tuple(rows[0])
    copy(session, table.name, columns,
         [tuple(v.name if isinstance(v, Enum) else v for v in (row[c] for c in columns)) for row in rows])


def apply_records(session, declared: list[WorkerRecords], people: dict[tuple, int], user, batch_id: int | None,
                  today: date, copy=None, new_people: set[int] = frozenset()) -> None:
    """Add, update and remove the imported records the rows declare (see the module docstring).
    `copy`: apply.py's COPY writer on PostgreSQL (50,000 workers make some 40,000 records);
    `new_people`: people this import added, who hold no records yet (not looked up)."""
    if not declared:
        return
    latest: dict[int, WorkerRecords] = {}
    for worker in declared:
        if worker.person_id is None:
            worker.person_id = people.get(worker.key)
            if worker.person_id is None:
                continue  # a row that added no one
        latest[worker.person_id] = worker  # someone at two workplaces: their last row decides
    declared = list(latest.values())
    person_ids = sorted({w.person_id for w in declared} - set(new_people))
    existing: dict[int, list[Qualification]] = {}
    inductions: dict[int, list[tuple]] = {}
    for chunk in _chunks(person_ids):
        for q in session.scalars(select(Qualification).where(Qualification.person_id.in_(chunk))):
            existing.setdefault(q.person_id, []).append(q)
        for row in session.execute(select(CareCertificateInduction.id, CareCertificateInduction.person_id,
                                          CareCertificateInduction.version, CareCertificateInduction.ascwds_key)
                                   .where(CareCertificateInduction.person_id.in_(chunk))):
            inductions.setdefault(row.person_id, []).append(row)
    now = utcnow()
    added_by = user.id if user is not None else None
    new_rows, removed = [], []
    for worker in declared:
        held = existing.get(worker.person_id, [])
        new_rows += _sync_qualifications(worker, held, removed, batch_id, added_by, now)
    _insert(session, Qualification.__table__, new_rows, copy)
    for chunk in _chunks(removed):
        session.execute(delete(Qualification).where(Qualification.id.in_(chunk)))
    _sync_inductions(session, declared, inductions, batch_id, added_by, today, now, copy)


def _own_names(worker: WorkerRecords, q: ImportedQualification, others: list[Qualification]) -> bool:
    """Does a record of the worker's own (or verified, or changed here) already name this one?"""
    for other in others:
        if q.key == L2_KEY and other.qualification_type == QualificationType.l2_adult_social_care_certificate:
            return True
        if other.title.strip().lower() == q.title.lower():
            return True
        if (q.key == SCQUAL_KEY and other.social_care and other.level == q.level
                and other.status == QualificationStatus.achieved):
            return True
    return False


def _sync_qualifications(worker: WorkerRecords, held: list[Qualification], removed: list[int], batch_id,
                         added_by, now) -> list[dict]:
    imported = {q.ascwds_key: q for q in held if q.ascwds_key is not None and q.verified_at is None}
    others = [q for q in held if q not in imported.values()]
    wanted = {q.key: q for q in worker.qualifications}
    for key, record in imported.items():
        family = "QUALACH" if key.startswith("QUALACH:") else key
        if family in worker.decides and key not in wanted:
            removed.append(record.id)
    rows = []
    for key, q in wanted.items():
        if _own_names(worker, q, others):
            if key in imported:
                removed.append(imported[key].id)
            continue
        record = imported.get(key)
        values = {"qualification_type": q.qualification_type, "title": q.title, "level": q.level,
                  "social_care": q.social_care, "status": q.status, "achieved_on": q.achieved_on,
                  "achieved_precision": q.precision}
        if record is not None:
            if q.precision == "unknown" and record.achieved_on is not None:
                # No date again: it has been held since the first import said so.
                values["achieved_on"], values["achieved_precision"] = record.achieved_on, record.achieved_precision
            for name, value in values.items():
                if getattr(record, name) != value:
                    setattr(record, name, value)
            if batch_id is not None:
                record.ascwds_batch_id = batch_id
            continue
        rows.append({**values, "person_id": worker.person_id, "ascwds_key": key, "ascwds_batch_id": batch_id,
                     "added_by_id": added_by, "created_at": now, "updated_at": now})
    return rows


def _sync_inductions(session, declared: list[WorkerRecords], inductions: dict[int, list], batch_id, added_by,
                     today: date, now, copy) -> None:
    """CARECERT 1: a completed Care Certificate, date unknown (the import date). Any induction of the
    worker's own (started or recorded here) wins; CARECERT 2 or 3 removes the imported one."""
    version = CertificateVersion.v2025 if today >= FIRST_DAY_2025 else CertificateVersion.v2015
    new_rows, removed, touched = [], [], []
    for worker in declared:
        if CARECERT_KEY not in worker.decides:
            continue
        held = inductions.get(worker.person_id, [])
        imported = [row for row in held if row.ascwds_key == CARECERT_KEY]
        own = [row for row in held if row.ascwds_key is None]
        if not worker.care_certificate or own:
            removed += [row.id for row in imported]
        elif imported:
            touched += [row.id for row in imported]
        else:
            new_rows.append({"person_id": worker.person_id, "version": version, "workplace_id": worker.workplace_id,
                             "started_on": today, "target_on": today, "completed_on": today,
                             "recorded_from_certificate": True, "completed_date_unknown": True,
                             "ascwds_key": CARECERT_KEY, "ascwds_batch_id": batch_id, "started_by_id": added_by,
                             "created_at": now, "updated_at": now})
    _insert(session, CareCertificateInduction.__table__, new_rows, copy)
    for chunk in _chunks(removed):
        session.execute(delete(CareCertificateInduction).where(CareCertificateInduction.id.in_(chunk)))
    if batch_id is not None:
        for chunk in _chunks(touched):
            session.execute(update(CareCertificateInduction).where(CareCertificateInduction.id.in_(chunk))
                            .values(ascwds_batch_id=batch_id, updated_at=now))

