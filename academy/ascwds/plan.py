"""What validate.py hands to apply.py: a Plan of typed changes, one per row that changes something.

The per-row changes are slotted dataclasses (a 500,000-row training file makes 500,000 of them:
slots keep each as small and as quick to make as a dict). `fields` holds model column -> value,
ready for `Workplace(**fields)` or an UPDATE.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from academy.ascwds.report import Report


@dataclass(frozen=True, slots=True)
class WorkplaceChange:
    action: str  # "create", "update", "delete" or "link"
    line: int | None  # the workplace file's line (None for a link found through the staff or training file)
    id: int | None = None  # the workplace changed; None for "create"
    fields: dict | None = None  # "create" and "update": Workplace column -> value
    provnum: str | None = None  # "create": the CQC provider ID, to find or add its provider
    provider_id: int | None = None  # "create" without a PROVNUM: its provider (providers.py)
    local_id: str | None = None  # "link": the LOCALESTID to remember for the workplace


@dataclass(slots=True)
class StaffChange:
    action: str  # "create", "update" or "delete"
    line: int
    key: tuple[str, str]  # (LOCALESTID, UNIQUEWORKERID) as the file gives them
    id: int | None = None  # "update" and "delete": the employment
    workplace_id: int | None = None  # "create": None when the workplace file adds the workplace
    person_id: int | None = None  # "create": a former worker's person, else filled in by apply
    fields: dict | None = None  # "create" and "update": Employment columns and the person's full_name
    keep_name: bool = False  # "update": the name is the worker's own (their passport), never the file's


@dataclass(slots=True)
class TrainingChange:
    action: str  # "create" or "update"
    key: tuple[str, str]  # (LOCALESTID, UNIQUEWORKERID): finds a new worker's person after apply adds them
    person_id: int | None  # None for a worker the staff file adds
    course_ref: int | str  # a course id, or "new:<category>" for a course apply adds
    completed: date
    expires: date | None
    provider: str | None
    notes: str | None
    record_id: int | None = None  # "update": the training record
    # Kept as the file gives them and exported back (docs/ascwds.md): TRAININGNAME, ACCREDITED,
    # WHODELIVERED, HOWDELIVERED, VALIDITY; and whether the expiry was worked out here.
    title: str | None = None
    accredited: str | None = None
    who_delivered: str | None = None
    how_delivered: str | None = None
    validity: str | None = None
    expiry_worked_out: bool = False


@dataclass
class Plan:
    report: Report
    workplaces: list[WorkplaceChange] = field(default_factory=list)
    staff: list[StaffChange] = field(default_factory=list)
    training: list[TrainingChange] = field(default_factory=list)
    new_courses: dict[str, str] = field(default_factory=dict)  # category code -> name
    workplace_counts: list = field(default_factory=list)  # workplace_counts.WorkplaceCounts per workplace row
    leaving_date: date | None = None
    district_id: int | None = None
    # What each staff row declares the worker holds (qualifications, Care Certificate): records.py.
    records: list = field(default_factory=list)
    today: date | None = None  # the import date: imported records with no date count from it
    batch_id: int | None = None  # the ImportBatch being applied (None from the command line)
