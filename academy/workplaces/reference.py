"""Reference lists every feature shares: districts, service types, job roles. Seeded idempotently."""
from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from academy.workplaces.models import District, JobRole, ServiceType

DISTRICTS = (
    "Broxbourne", "Dacorum", "East Hertfordshire", "Hertsmere", "North Hertfordshire",
    "St Albans", "Stevenage", "Three Rivers", "Watford", "Welwyn Hatfield",
)
SERVICE_TYPES = (
    ("nursing_home", "Nursing homes"),
    ("residential_older_people", "Older people residential homes"),
    ("homecare", "Homecare (domiciliary)"),
    ("mental_health", "Mental health"),
    ("disabled_adults_supported_living", "Disabled adults and supported living"),
)
JOB_ROLES_FILE = Path(__file__).with_name("data") / "job_roles.csv"


def job_role_rows() -> list[dict]:
    with JOB_ROLES_FILE.open(newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return [
        {
            "code": row["code"],
            "name": row["name"],
            "asc_wds_code": int(row["asc_wds_code"]) if row["asc_wds_code"] else None,
            "care_providing": row["care_providing"] == "1",
            "registered_manager": row["registered_manager"] == "1",
        }
        for row in csv.DictReader(lines)
    ]


def seed_reference_data(session) -> dict[str, int]:
    """Create any missing district, service type and job role; update names. Returns counts added."""
    added = {"districts": 0, "service_types": 0, "job_roles": 0}
    existing = set(session.scalars(select(District.name)))
    for name in DISTRICTS:
        if name not in existing:
            session.add(District(name=name))
            added["districts"] += 1
    types = {t.code: t for t in session.scalars(select(ServiceType))}
    for code, name in SERVICE_TYPES:
        if code in types:
            types[code].name = name
        else:
            session.add(ServiceType(code=code, name=name))
            added["service_types"] += 1
    roles = {r.code: r for r in session.scalars(select(JobRole))}
    for row in job_role_rows():
        if row["code"] in roles:
            for key, value in row.items():
                setattr(roles[row["code"]], key, value)
        else:
            session.add(JobRole(**row))
            added["job_roles"] += 1
    session.flush()
    return added
