"""The course catalogue: seeded from training/data/courses.csv, edited by admins and HCPA staff.

Also the Care Certificate standards (a versioned set kept in care_certificate_standards.csv) and
what each qualification type means (level, adult social care or not).
"""
from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from academy.auth.access import Invalid
from academy.workplaces.models import JobRole
from training.models import CertificateVersion, Course, CourseCategory, QualificationType

DATA_DIR = Path(__file__).with_name("data")
COURSES_FILE = DATA_DIR / "courses.csv"
STANDARDS_FILE = DATA_DIR / "care_certificate_standards.csv"

# Level and whether it counts as adult social care ("relevant" = social care and Level 2+).
QUALIFICATION_FACTS: dict[QualificationType, tuple[int | None, bool]] = {
    QualificationType.diploma_l2_adult_care: (2, True),
    QualificationType.diploma_l3_adult_care: (3, True),
    QualificationType.diploma_l4_adult_care: (4, True),
    QualificationType.diploma_l5_leadership: (5, True),
    QualificationType.l2_adult_social_care_certificate: (2, True),
    QualificationType.nursing_associate: (5, False),
    QualificationType.nmc_registration: (6, False),
    QualificationType.other_social_care: (None, True),
    QualificationType.other: (None, False),
}


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@cache
def standards(version: CertificateVersion) -> dict[int, str]:
    """The standards of one Care Certificate version: number -> name."""
    return {int(row["number"]): row["name"] for row in _rows(STANDARDS_FILE) if row["version"] == version.value}


def _int(value: str) -> int | None:
    return int(value) if value and value.strip() else None


def course_rows() -> list[dict]:
    """The catalogue as the data file states it."""
    rows = []
    for row in _rows(COURSES_FILE):
        rows.append({
            "code": row["code"], "name": row["name"], "category": CourseCategory[row["category"]],
            "renewal_months": _int(row["renewal_months"]), "asc_wds_category": _int(row["asc_wds_category"]),
            "care_certificate_standard": _int(row["care_certificate_standard"]),
            "qualification_type": QualificationType[row["qualification_type"]] if row["qualification_type"] else None,
            "qualification_level": _int(row["qualification_level"]),
            "mandatory_for": [code for code in row["mandatory_for"].split(";") if code],
        })
    return rows


def _roles_for(codes: list[str], roles: dict[str, JobRole]) -> list[JobRole]:
    chosen: dict[str, JobRole] = {}
    for code in codes:
        if code == "@all":
            chosen.update(roles)
        elif code == "@care":
            chosen.update({c: r for c, r in roles.items() if r.care_providing})
        elif code in roles:
            chosen[code] = roles[code]
        else:
            raise ValueError(f"courses.csv names an unknown job role {code!r}")
    return list(chosen.values())


def seed_courses(session) -> int:
    """Add any course of the data file that is missing (matched by code). Returns how many were
    added. Courses already there keep their edits: the catalogue is the admins' once seeded."""
    roles = {r.code: r for r in session.scalars(select(JobRole))}
    existing = set(session.scalars(select(Course.code)))
    added = 0
    for row in course_rows():
        if row["code"] in existing:
            continue
        mandatory = _roles_for(row.pop("mandatory_for"), roles)
        session.add(Course(**row, mandatory_for=mandatory))
        added += 1
    session.flush()
    return added


@lru_cache(maxsize=4096)
def natural_key(text: str) -> tuple:
    """Sorts "standard 2" before "standard 10": runs of digits compare as numbers, the rest ignoring
    case. re.split with a group puts text at even places and digits at odd ones, so types always match."""
    return tuple(int(part) if index % 2 else part.casefold() for index, part in enumerate(re.split(r"(\d+)", text)))


def course_order(course: Course) -> tuple:
    """The catalogue's order: by category, then by name in natural order."""
    return course.category.name, natural_key(course.name)


def all_courses(session, include_inactive: bool = True) -> list[Course]:
    statement = select(Course).options(selectinload(Course.mandatory_for))
    if not include_inactive:
        statement = statement.where(Course.is_active)
    return sorted(session.scalars(statement), key=course_order)


def training_courses(session) -> list[Course]:
    """Active courses a training record can be for (not qualifications), in the catalogue's order."""
    return sorted(session.scalars(
        select(Course).where(Course.is_active, Course.category != CourseCategory.qualification)), key=course_order)


def save_course(session, values: dict, course: Course | None = None) -> Course:
    """Create (course=None) or update a course from form values. Raises Invalid on a clash."""
    name = values["name"].strip()
    clash = session.scalar(select(Course).where(Course.name == name))
    if clash is not None and clash is not course:
        raise Invalid(f"There is already a course called {name}")
    renewal = values.get("renewal_months")
    if renewal is not None and not 1 <= renewal <= 120:
        raise Invalid("Renewal period must be between 1 and 120 months, or empty if it never expires")
    standard = values.get("care_certificate_standard") or None
    if standard is not None and standard not in standards(CertificateVersion.v2025):
        raise Invalid("Choose a Care Certificate standard from 1 to 16")
    role_ids = [int(i) for i in values.get("mandatory_for") or []]
    roles = list(session.scalars(select(JobRole).where(JobRole.id.in_(role_ids)))) if role_ids else []
    if len(roles) != len(set(role_ids)):
        raise Invalid("Choose job roles from the list")
    if course is None:
        course = Course(code=new_course_code(session, name))
        session.add(course)
    course.name = name
    course.category = CourseCategory[values["category"]]
    course.renewal_months = renewal
    course.care_certificate_standard = standard
    course.description = values.get("description") or None
    course.is_active = bool(values.get("is_active", True))
    course.mandatory_for = roles
    session.flush()
    return course


def new_course_code(session, name: str) -> str:
    """A code made from the name, unique among the courses."""
    base = "".join(ch if ch.isalnum() else "_" for ch in name.lower()).strip("_")[:50] or "course"
    code, n = base, 1
    while session.scalar(select(Course.id).where(Course.code == code)) is not None:
        n += 1
        code = f"{base}_{n}"
    return code
