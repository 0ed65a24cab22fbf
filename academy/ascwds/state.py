"""What the service already holds that an import is checked against, loaded in a fixed number of
queries whatever the file size: workplaces (and which this user may change), job roles, service
types, courses, the ASC-WDS-linked employments and their training records."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import or_, select

from academy.ascwds.export import worker_id_of
from academy.auth.access import STAFF_ROLES
from academy.workplaces.models import Employment, JobRole, Person, ServiceType, Workplace, workplace_managers
from training.models import Course, TrainingRecord

# A training record's columns an import sets and a later import may change (plan.TrainingChange).
TRAINING_KEPT = ("expires_on", "notes", "training_provider", "title", "ascwds_accredited", "ascwds_who_delivered",
                 "ascwds_how_delivered", "ascwds_validity", "expiry_worked_out")
WORKPLACE_COLUMNS = ("id", "name", "ascwds_local_id", "cqc_location_id", "address_line_1", "address_line_2",
                     "town", "postcode", "service_type_id", "ascwds_extra")


@dataclass
class KnownWorkplace:
    id: int
    name: str
    ascwds_local_id: str | None
    cqc_location_id: str | None
    address_line_1: str
    address_line_2: str | None
    town: str
    postcode: str
    service_type_id: int
    ascwds_extra: str | None
    matched_by: str = "local_id"


@dataclass
class KnownEmployment:
    id: int
    person_id: int
    workplace_id: int
    ascwds_worker_id: str
    full_name: str
    job_role_id: int
    contract_type: str
    hours_per_week: object
    start_date: date
    leaving_date: date | None
    is_registered_manager: bool
    ascwds_extra: str | None
    user_id: int | None = None  # the Person's sign-in account: their own passport, not the workplace's record

    def get(self, name: str):
        return getattr(self, name)


@dataclass
class ServiceState:
    today: date
    may_create_workplaces: bool
    allowed_ids: set[int] | None  # None = every workplace
    workplaces: list[KnownWorkplace]
    service_type_ids: dict[str, int]
    job_roles: dict[str, JobRole]
    courses: list  # rows with .id, .code, .name, .asc_wds_category, .renewal_months
    current: dict[tuple[int, str], KnownEmployment] = field(default_factory=dict)
    former: dict[tuple[int, str], int] = field(default_factory=dict)
    records: dict[tuple[int, int, date, str], tuple] = field(default_factory=dict)
    verified_records: set[int] = field(default_factory=set)  # training record ids verified here: an import keeps them
    file_workplaces: dict[str, int | None] = field(default_factory=dict)
    file_regulated: dict[str, bool] = field(default_factory=dict)
    file_totals: dict[str, tuple[int, int]] = field(default_factory=dict)  # LOCALESTID -> (line, TOTALPERMTEMP)
    file_workers: dict[tuple[str, str], str] = field(default_factory=dict)
    workplace_rows: dict[str, int] = field(default_factory=dict)
    implicit_links: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session, user, by_kind: dict, today: date | None = None) -> ServiceState:
        today = today or date.today()
        everyone = user is None or user.role in STAFF_ROLES  # None: the command line
        allowed = None if everyone else set(session.scalars(
            select(workplace_managers.c.workplace_id).where(workplace_managers.c.user_id == user.id)))
        workplaces = [KnownWorkplace(*row) for row in session.execute(
            select(*(getattr(Workplace, c) for c in WORKPLACE_COLUMNS)))]
        state = cls(today=today, may_create_workplaces=everyone, allowed_ids=allowed, workplaces=workplaces,
                    service_type_ids=dict(session.execute(select(ServiceType.code, ServiceType.id)).all()),
                    job_roles={r.code: r for r in session.scalars(select(JobRole))},
                    courses=list(session.execute(select(Course.id, Course.code, Course.name, Course.asc_wds_category,
                                                        Course.renewal_months).order_by(Course.id))))
        state._index()
        if "staff" in by_kind or "training" in by_kind:
            state._load_employments(session)
        if "training" in by_kind:
            state._load_records(session)
        return state

    def _index(self) -> None:
        self.by_local = {w.ascwds_local_id: w for w in self.workplaces if w.ascwds_local_id}
        self.by_location = {w.cqc_location_id: w for w in self.workplaces if w.cqc_location_id}
        names: dict[str, list[KnownWorkplace]] = {}
        for w in self.workplaces:
            if self.may_change(w.id):
                names.setdefault(w.name.strip().lower(), []).append(w)
        self.by_name = {name: found[0] for name, found in names.items() if len(found) == 1}

    def _scope(self, statement):
        if self.allowed_ids is not None:
            statement = statement.where(Employment.workplace_id.in_(self.allowed_ids or {-1}))
        return statement

    def _load_employments(self, session) -> None:
        statement = self._scope(select(
            Employment.id, Employment.person_id, Employment.workplace_id, Employment.ascwds_worker_id,
            Person.full_name, Employment.job_role_id, Employment.contract_type, Employment.hours_per_week,
            Employment.start_date, Employment.leaving_date, Employment.is_registered_manager, Employment.ascwds_extra,
            Person.user_id,
        ).join(Person, Person.id == Employment.person_id))
        for row in session.execute(statement):
            known = KnownEmployment(*row)
            known.contract_type = known.contract_type.name
            # Staff added here rather than imported are known by the id the export gave them.
            known.ascwds_worker_id = worker_id_of(known.id, known.ascwds_worker_id)
            key = (known.workplace_id, known.ascwds_worker_id)
            if known.leaving_date is None or known.leaving_date > self.today:
                self.current[key] = known
            elif known.user_id is None:
                # A former worker comes back onto the same record only when it is the workplace's
                # own; a worker's own passport is linked again only with their consent (a starter
                # request in the portal), never by a file.
                self.former[key] = known.person_id

    def _load_records(self, session) -> None:
        """(person, course, completed, training name in lower case, or "" for none) -> (id, then the
        columns an import may change, in TRAINING_KEPT order)."""
        people = self._scope(select(Employment.person_id).where(
            or_(Employment.leaving_date.is_(None), Employment.leaving_date > self.today)))
        statement = select(TrainingRecord.person_id, TrainingRecord.course_id, TrainingRecord.completed_on,
                           TrainingRecord.verified_at, TrainingRecord.id,
                           *(getattr(TrainingRecord, c) for c in TRAINING_KEPT)).where(TrainingRecord.person_id.in_(people))
        for person_id, course_id, completed_on, verified_at, *rest in session.execute(statement):
            title = rest[TRAINING_KEPT.index("title") + 1]
            self.records[(person_id, course_id, completed_on, (title or "").lower())] = tuple(rest)
            if verified_at is not None:
                self.verified_records.add(rest[0])

    def may_change(self, workplace_id: int) -> bool:
        return self.allowed_ids is None or workplace_id in self.allowed_ids

    def find_workplace(self, local_id: str, location_id: str | None = None,
                       name: str | None = None) -> KnownWorkplace | None:
        if local_id in self.by_local:
            return self.by_local[local_id]
        if location_id and location_id in self.by_location and not self.by_location[location_id].ascwds_local_id:
            return replace(self.by_location[location_id], matched_by="CQC location ID")
        for candidate in (name, local_id):
            found = self.by_name.get((candidate or "").strip().lower())
            if found is not None and not found.ascwds_local_id:
                return replace(found, matched_by="name")
        return None

    def workplace_for(self, local_id: str) -> tuple[int | None, str | None]:
        """The workplace a staff or training row's LOCALESTID means: (id or None if the workplace
        file adds it, problem text or None)."""
        if local_id in self.file_workplaces:
            return self.file_workplaces[local_id], None
        if local_id in self.workplace_rows:
            return None, f"{local_id} has errors in the workplace file"
        found = self.find_workplace(local_id)
        if found is None:
            return None, f"{local_id} is not in the workplace file or a workplace in this service"
        if not self.may_change(found.id):
            return None, f"{local_id} is not one of your workplaces"
        if found.matched_by != "local_id":
            self.implicit_links[local_id] = found.id
        return found.id, None

    def regulated(self, local_id: str, workplace_id: int | None) -> bool:
        if local_id in self.file_regulated:
            return self.file_regulated[local_id]
        known = next((w for w in self.workplaces if w.id == workplace_id), None)
        return bool(known and known.cqc_location_id)

    def employment(self, workplace_id: int | None, worker_id: str) -> KnownEmployment | None:
        return self.current.get((workplace_id, worker_id)) if workplace_id is not None else None

    def former_person(self, workplace_id: int | None, worker_id: str) -> int | None:
        return self.former.get((workplace_id, worker_id)) if workplace_id is not None else None
