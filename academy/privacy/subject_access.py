"""Subject access: everything the service holds about one person, from a registry of collectors.

Each feature contributes one collector: a function `(session, subject) -> list[dict]` that returns
that feature's records about the subject (plain JSON values), registered with `@collector(key,
title)`. `build_export` runs them all in registration order. A table added later plugs in with
one more function (docs/privacy.md shows how).

The subject is a signed-in account (`user`), a workforce record (`person`, which may have no
account, e.g. imported staff), or both.

Records that a duplicate merge moved from one application to another (`merged_from_id`) stay
with the person they are about: they are in the export of the account they came from, never in
that of the account they were merged into (see `_records`).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Callable

from flask import abort
from sqlalchemy import func, or_, select

from academy.auth.access import STAFF_ROLES, refuse
from academy.auth.audit import action_text
from academy.auth.models import AuditEvent, User
from academy.extensions import utcnow
from academy.workplaces.models import Employment, Person

SECRET_COLUMNS = frozenset({"password_hash", "session_token", "code_hash", "cv_stored_name", "certificate_file",
                            "token_hash", "totp_secret"})
"""Columns never exported: credentials, hashes and internal file names (not information about you)."""


@dataclass
class Subject:
    user: User | None
    person: Person | None

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.full_name
        return self.person.full_name if self.person is not None else ""


Collector = Callable[[object, Subject], list[dict]]
COLLECTORS: dict[str, tuple[str, Collector]] = {}
COVERED_TABLES: set[str] = set()
"""Tables a registered collector exports; any other table with a person_id or user_id column
is exported as it is by the "other records" fallback, so a new table is never left out."""


def collector(key: str, title: str, tables: tuple[str, ...] = ()):
    """Register `(session, subject) -> list[dict]` as the export's section `key`; `tables` are
    the tables it covers (the fallback then leaves them to it)."""
    def register(function: Collector) -> Collector:
        COLLECTORS[key] = (title, function)
        COVERED_TABLES.update(tables)
        return function
    return register


def plain(value):
    """A JSON-safe value: dates as ISO strings, enums by their readable label or value."""
    if isinstance(value, enum.Enum):
        label = getattr(value, "label", value.value)
        return label if isinstance(label, str) else value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def columns(obj, /, **extra) -> dict:
    """Every column of the model instance `obj` (except secrets) plus `extra`, as plain values."""
    row = {c.key: plain(getattr(obj, c.key)) for c in obj.__table__.columns if c.key not in SECRET_COLUMNS}
    row.update({k: plain(v) for k, v in extra.items()})
    return row


def subject_for_user(session, user: User) -> Subject:
    return Subject(user, session.scalar(select(Person).where(Person.user_id == user.id)))


def subject_for_person(session, person: Person) -> Subject:
    return Subject(person.user, person)


def get_subject_or_404(session, record_id: int, for_user: User, *, kind: str) -> Subject:
    """The subject an HCPA officer produces data for: an account (`kind` "user") or a workforce
    record ("person"); 404 for any other kind or an unknown id. Staff only (a counted 404 otherwise)."""
    if for_user.role not in STAFF_ROLES:
        refuse(404, for_user, ("Person" if kind == "person" else "User", record_id))
    if kind == "user":
        return subject_for_user(session, session.get(User, record_id) or abort(404))
    if kind == "person":
        return subject_for_person(session, session.get(Person, record_id) or abort(404))
    abort(404)


def find_subjects(session, email: str) -> list[Subject]:
    """Accounts and workforce records with this email address (for HCPA staff answering a request)."""
    email = (email or "").strip().lower()
    if not email:
        return []
    subjects = [subject_for_user(session, user) for user in
                session.scalars(select(User).where(func.lower(User.email) == email))]
    linked = {s.person.id for s in subjects if s.person is not None}
    subjects += [subject_for_person(session, person) for person in
                 session.scalars(select(Person).where(func.lower(Person.email) == email, Person.id.not_in(linked)))
                 if person.user is None]
    return subjects


def build_export(session, subject: Subject) -> dict:
    """The whole export: one section per registered collector."""
    sections = []
    for key, (title, function) in COLLECTORS.items():
        sections.append({"key": key, "title": title, "records": function(session, subject)})
    return {"service": "Good Care", "generated_at": utcnow().isoformat(), "about": subject.name,
            "sections": sections}


# -- the collectors ----------------------------------------------------------------------------

@collector("account", "Your account", ("users", "workplace_managers"))
def _account(session, subject: Subject) -> list[dict]:
    if subject.user is None:
        return []
    user = subject.user
    return [columns(user, role=user.role.label, workplaces_managed=[w.name for w in user.workplaces])]


def _application(session, subject: Subject):
    from recruitment.models import Application

    if subject.user is None:
        return None
    return session.scalar(select(Application).where(Application.user_id == subject.user.id))


def _records(session, model, application) -> list:
    """The rows of `model` (state changes, notes, values assessments, referrals) about this
    application's person: those recorded on it, less any merged into it from another application
    (they are that application's person's), plus those moved from it to the application it was
    merged into (still this person's: `merged_from_id`). Oldest first."""
    from recruitment.duplicates import about_the_person

    return list(session.scalars(select(model).where(about_the_person(model, application.id)).order_by(model.id)))


@collector("applications", "Your application", ("applications",))
def _applications(session, subject: Subject) -> list[dict]:
    application = _application(session, subject)
    if application is None:
        return []
    return [columns(application, district=application.district.name if application.district else None,
                    service_types=[t.name for t in application.service_types],
                    cv_on_file=bool(application.cv_stored_name))]


@collector("application_history", "Your application's history", ("application_state_changes",))
def _history(session, subject: Subject) -> list[dict]:
    application = _application(session, subject)
    if application is None:
        return []
    from recruitment.models import StateChange

    return [{"from": plain(c.from_state), "to": plain(c.to_state), "when": plain(c.occurred_at), "reason": c.reason,
             "by": "you" if c.by_id == application.user_id else "HCPA staff"}
            for c in _records(session, StateChange, application)]


@collector("application_notes", "Notes HCPA staff made about your application", ("application_notes",))
def _notes(session, subject: Subject) -> list[dict]:
    from recruitment.models import Note

    application = _application(session, subject)
    return [] if application is None else [
        {"written": plain(n.created_at), "text": n.text} for n in _records(session, Note, application)]


@collector("values_assessments", "Values assessments", ("values_assessments",))
def _assessments(session, subject: Subject) -> list[dict]:
    from recruitment.models import ValuesAssessment

    application = _application(session, subject)
    return [] if application is None else [columns(a) for a in _records(session, ValuesAssessment, application)]


@collector("checks", "Safer-recruitment checks (right to work, DBS, references, health)",
           ("safer_recruitment_checks",))
def _checks(session, subject: Subject) -> list[dict]:
    application = _application(session, subject)
    return [] if application is None or application.checks is None else [columns(application.checks)]


@collector("referrals", "Referrals to vacancies", ("referrals",))
def _referrals(session, subject: Subject) -> list[dict]:
    from recruitment.models import Referral

    application = _application(session, subject)
    return [] if application is None else [
        columns(r, workplace=r.vacancy.workplace.name, job_role=r.vacancy.job_role.name)
        for r in _records(session, Referral, application)]


@collector("follow_ups", "Placement and follow-up check-ins", ("placements", "follow_ups"))
def _follow_ups(session, subject: Subject) -> list[dict]:
    application = _application(session, subject)
    if application is None or application.placement is None:
        return []
    placement = application.placement
    return [columns(placement, record="placement")] + [columns(f, record="check-in") for f in placement.follow_ups]


@collector("person", "Your workforce record", ("people",))
def _person(session, subject: Subject) -> list[dict]:
    return [] if subject.person is None else [columns(subject.person)]


@collector("employments", "Employments", ("employments",))
def _employments(session, subject: Subject) -> list[dict]:
    if subject.person is None:
        return []
    jobs = session.scalars(select(Employment).where(Employment.person_id == subject.person.id)
                           .order_by(Employment.start_date))
    return [columns(e, workplace=e.workplace.name, job_role=e.job_role.name) for e in jobs]


@collector("training_records", "Training records", ("training_records",))
def _training(session, subject: Subject) -> list[dict]:
    from training.models import TrainingRecord

    if subject.person is None:
        return []
    records = session.scalars(select(TrainingRecord).where(TrainingRecord.person_id == subject.person.id)
                              .order_by(TrainingRecord.completed_on))
    return [columns(r, course=r.course.name, certificate_on_file=bool(r.certificate_file)) for r in records]


@collector("qualifications", "Qualifications", ("qualifications",))
def _qualifications(session, subject: Subject) -> list[dict]:
    from training.models import Qualification

    if subject.person is None:
        return []
    return [columns(q) for q in session.scalars(select(Qualification).where(
        Qualification.person_id == subject.person.id).order_by(Qualification.id))]


@collector("induction", "Care Certificate induction",
           ("care_certificate_inductions", "care_certificate_standards"))
def _induction(session, subject: Subject) -> list[dict]:
    from training.models import CareCertificateInduction

    if subject.person is None:
        return []
    inductions = session.scalars(select(CareCertificateInduction).where(
        CareCertificateInduction.person_id == subject.person.id).order_by(CareCertificateInduction.id))
    return [columns(i, standards=[columns(s) for s in i.standards]) for i in inductions]


@collector("passport_shares", "Training passport shares", ("passports", "passport_shares"))
def _shares(session, subject: Subject) -> list[dict]:
    from training.models import Passport, PassportShare

    if subject.person is None:
        return []
    shares = session.scalars(select(PassportShare).join(Passport).where(Passport.person_id == subject.person.id)
                             .order_by(PassportShare.id))
    return [columns(s) for s in shares]


@collector("erasure_requests", "Requests to delete your account", ("erasure_requests",))
def _erasure_requests(session, subject: Subject) -> list[dict]:
    from academy.privacy.models import ErasureRequest

    if subject.user is None:
        return []
    return [columns(r) for r in session.scalars(select(ErasureRequest).where(
        ErasureRequest.user_id == subject.user.id).order_by(ErasureRequest.id))]


@collector("audit_events", "Who looked at or changed your records (the audit log)", ("audit_events",))
def _audit(session, subject: Subject) -> list[dict]:
    conditions = []
    if subject.user is not None:
        conditions.append(AuditEvent.subject_user_id == subject.user.id)
    if subject.person is not None:
        conditions.append((AuditEvent.target_type == "Person") & (AuditEvent.target_id == str(subject.person.id)))
    if not conditions:
        return []
    events = session.scalars(select(AuditEvent).where(or_(*conditions)).order_by(AuditEvent.occurred_at, AuditEvent.id))
    mine = subject.user.id if subject.user is not None else None
    return [{"when": plain(e.occurred_at), "action": action_text(e.action),
             "by": None if e.actor is None else "you" if e.actor_id == mine else e.actor.role.label,
             "record": f"{e.target_type} {e.target_id}" if e.target_type else None} for e in events]


@collector("other_records", "Other records about you")
def _other_records(session, subject: Subject) -> list[dict]:
    """Rows of any table not covered above that has a person_id (to people) or user_id (to users)."""
    from academy.extensions import db

    owners = {"person_id": ("people", subject.person.id if subject.person is not None else None),
              "user_id": ("users", subject.user.id if subject.user is not None else None)}
    rows = []
    for table in sorted(db.metadata.tables.values(), key=lambda t: t.name):
        if table.name in COVERED_TABLES:
            continue
        for name, (target, ident) in owners.items():
            column = table.columns.get(name)
            if ident is None or column is None or not any(fk.column.table.name == target for fk in column.foreign_keys):
                continue
            for row in session.execute(select(table).where(column == ident)).mappings():
                rows.append({"record": table.name.replace("_", " "),
                             **{k: plain(v) for k, v in row.items() if k not in SECRET_COLUMNS}})
    return rows
