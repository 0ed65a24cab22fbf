"""The three ASC-WDS files back out for one or more workplaces, in the current header layout,
STATUS UNCHECKED (as ASC-WDS's own downloads write). Columns this service does not model come
back from what the import kept (`ascwds_extra`); NI number, date of birth and the other personal
columns are never stored, so they are written empty. A cell that a spreadsheet would run as a
formula (starting =, +, -, @, tab or carriage return) is written with a leading apostrophe, which
parse.py removes again, so import -> export -> import changes nothing."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date

from sqlalchemy import or_, select

from academy.ascwds import codes
from academy.ascwds.cells import MAX_REF, format_date
from academy.workplaces.models import Employment, JobRole, Person, ServiceType, Workplace
from training.models import Course, TrainingRecord

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_ID_PREFIX = "GCP"


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def local_id_of(workplace: Workplace) -> str:
    if workplace.ascwds_local_id:
        return workplace.ascwds_local_id
    return workplace.name if len(workplace.name) <= MAX_REF else f"{EXPORT_ID_PREFIX}{workplace.id}"


def worker_id_of(employment_id: int, worker_id: str | None) -> str:
    return worker_id or f"{EXPORT_ID_PREFIX}{employment_id}"


def _csv(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralise(str(row.get(c) or "")) for c in columns])
    return out.getvalue().encode("utf-8")


def _keep_code(extra: dict, column: str, mapping: dict[str, str], current: str, default: str) -> str:
    """The code the import gave, if it still means what the service now holds; else `default`."""
    given = extra.get(column)
    return given if given is not None and mapping.get(given) == current else default


def _main_job_role(extra: dict, role: str, role_name: str, care_providing: bool) -> tuple[str, str | None]:
    """(MAINJOBROLE, MAINJRDESC) for an employment in this service's job role `role`. The code the
    import gave is kept while it still means the role; a role whose only ASC-WDS code cannot be
    uploaded (22 technician, 41 care navigator) is written as 23 (care-providing) or 27 with its
    name as the description, which the import reads back as the same role; 23 and 27 always carry
    a description, as ASC-WDS requires."""
    description = extra.get("MAINJRDESC")
    if role in codes.not_uploadable_job_roles():
        code = "23" if care_providing else "27"
        named = codes.not_uploadable_job_roles()[role][1]
        if extra.get("MAINJOBROLE") == code and codes.job_role_for(code, description) == role:
            return code, description
        return code, named
    code = _keep_code(extra, "MAINJOBROLE", codes.uploadable_job_role_for_code(), role,
                      codes.code_for_job_role().get(role, "27"))
    if code in codes.OTHER_JOB_ROLES and (not description or codes.job_role_for(code, description) != role):
        description = role_name[:120]
    return code, description


def _staff_header(rows: list[dict]) -> tuple[str, ...]:
    """The current staff header, with QUALACH04,QUALACH04NOTES,... pairs up to the highest any
    row carries (as ASC-WDS's own download writes them)."""
    highest = max((n for row in rows for column in row
                   if (n := codes.extra_qualification_number(column)) is not None), default=0)
    pairs = tuple(name for n in range(codes.FIRST_EXTRA_QUALIFICATION, highest + 1)
                  for name in (f"QUALACH{n:02d}", f"QUALACH{n:02d}NOTES"))
    return codes.current_header("staff") + pairs


def _number(value) -> str:
    if value is None:
        return ""
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return text


def training_row(record: TrainingRecord, course_name: str, category: int, local_id: str, worker_id: str) -> dict:
    """One training file row. What an import kept comes back as given: the training's own name
    (else the catalogue course's), ACCREDITED, WHODELIVERED, HOWDELIVERED, VALIDITY, and an empty
    EXPIRYDATE where the expiry was worked out here rather than given."""
    who = "2" if record.training_provider else (record.ascwds_who_delivered or "")  # a provider: external
    return {"LOCALESTID": local_id, "UNIQUEWORKERID": worker_id, "CATEGORY": str(category),
            "TRAININGNAME": (record.title or course_name)[:120], "DATECOMPLETED": format_date(record.completed_on),
            "EXPIRYDATE": "" if record.expiry_worked_out else format_date(record.expires_on), "NOTES": record.notes,
            "PROVIDERNAME": codes.provider_code(record.training_provider), "WHODELIVERED": who,
            "ACCREDITED": record.ascwds_accredited, "HOWDELIVERED": record.ascwds_how_delivered,
            "VALIDITY": record.ascwds_validity}


def export_files(session, workplace_ids: list[int], today: date | None = None) -> dict[str, bytes]:
    """{"workplace.csv": ..., "staff.csv": ..., "training.csv": ...} for the workplaces."""
    today = today or date.today()
    workplaces = list(session.scalars(select(Workplace).where(Workplace.id.in_(workplace_ids)).order_by(Workplace.id)))
    types = dict(session.execute(select(ServiceType.id, ServiceType.code)).all())
    roles = {role.id: role for role in session.execute(
        select(JobRole.id, JobRole.code, JobRole.name, JobRole.care_providing)).all()}
    employments = session.execute(
        select(Employment, Person.full_name).join(Person, Person.id == Employment.person_id)
        .where(Employment.workplace_id.in_(workplace_ids),
               or_(Employment.leaving_date.is_(None), Employment.leaving_date > today))
        .order_by(Employment.workplace_id, Employment.id)).all()
    local_ids = {w.id: local_id_of(w) for w in workplaces}
    service_codes = {code: info["service_type"] for code, info in codes.services().items()}
    default_service = {}
    for code, service_type in service_codes.items():
        default_service.setdefault(service_type, code)
    counts: dict[int, int] = {}
    for employment, _ in employments:
        if employment.contract_type.directly_employed:
            counts[employment.workplace_id] = counts.get(employment.workplace_id, 0) + 1
    workplace_rows = []
    for w in workplaces:
        extra = json.loads(w.ascwds_extra or "{}")
        service_type = types[w.service_type_id]
        row = {**extra, "LOCALESTID": local_ids[w.id], "STATUS": "UNCHECKED", "ESTNAME": w.name,
               "ADDRESS1": w.address_line_1, "ADDRESS2": w.address_line_2, "POSTTOWN": w.town,
               "POSTCODE": w.postcode, "LOCATIONID": w.cqc_location_id,
               "MAINSERVICE": _keep_code(extra, "MAINSERVICE", service_codes, service_type,
                                         default_service.get(service_type, "")),
               "REGTYPE": extra.get("REGTYPE") or ("2" if w.cqc_location_id else "0"),
               "TOTALPERMTEMP": extra.get("TOTALPERMTEMP") or str(counts.get(w.id, 0))}
        workplace_rows.append(row)
    staff_rows, worker_ids = [], {}
    contract_map = codes.EMPLSTATUS_CONTRACT
    for employment, full_name in employments:
        extra = json.loads(employment.ascwds_extra or "{}")
        worker_id = worker_id_of(employment.id, employment.ascwds_worker_id)
        worker_ids[employment.id] = (employment.person_id, local_ids[employment.workplace_id], worker_id)
        role, contract = roles[employment.job_role_id], employment.contract_type.name
        main_role, description = _main_job_role(extra, role.code, role.name, role.care_providing)
        hours = employment.hours_per_week
        row = {**extra, "LOCALESTID": local_ids[employment.workplace_id], "UNIQUEWORKERID": worker_id,
               "STATUS": "UNCHECKED", "DISPLAYID": full_name[:50], "STARTDATE": format_date(employment.start_date),
               "MAINJOBROLE": main_role, "MAINJRDESC": description,
               "EMPLSTATUS": _keep_code(extra, "EMPLSTATUS", contract_map, contract,
                                        codes.CONTRACT_EMPLSTATUS[contract])}
        given = [extra.get(c) for c in ("CONTHOURS", "AVGHOURS")]
        if hours is not None and not any(g not in (None, "999") and float(g) == float(hours) for g in given):
            row["CONTHOURS"], row["AVGHOURS"] = _number(hours), ""
        staff_rows.append(row)
    training_rows = []
    if worker_ids:
        by_person: dict[int, list[tuple[str, str]]] = {}
        for person_id, local_id, worker_id in worker_ids.values():
            by_person.setdefault(person_id, []).append((local_id, worker_id))
        records = session.execute(
            select(TrainingRecord, Course.name, Course.asc_wds_category).join(Course)
            .where(TrainingRecord.person_id.in_(list(by_person)), Course.asc_wds_category.is_not(None))
            .order_by(TrainingRecord.person_id, TrainingRecord.completed_on, TrainingRecord.id)).all()
        for record, course_name, category in records:
            for local_id, worker_id in by_person[record.person_id]:
                training_rows.append(training_row(record, course_name, category, local_id, worker_id))
    return {"workplace.csv": _csv(codes.current_header("workplace"), workplace_rows),
            "staff.csv": _csv(_staff_header(staff_rows), staff_rows),
            "training.csv": _csv(codes.current_header("training"), training_rows)}


def export_zip(session, workplace_ids: list[int], today: date | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in export_files(session, workplace_ids, today).items():
            archive.writestr(name, content)
    return buffer.getvalue()
