"""Screening: the HCPA queue, notes, and values-based assessment against the 6 Cs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import abort, current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import flag_modified

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.extensions import utcnow
from recruitment.models import VALUES, Application, Note, State, ValuesAssessment, application_service_types
from recruitment.pipeline import flush_or_conflict, gate, move

STAFF = (Role.hcpa_staff, Role.admin)
ASSESSABLE = (State.screening, State.values_assessed, State.checks, State.ready_to_refer, State.on_hold)

# Age of an application since it was sent: (label, youngest days, oldest days or None).
AGES = {
    "week": ("Up to 7 days", 0, 7),
    "fortnight": ("8 to 14 days", 8, 14),
    "month": ("15 to 30 days", 15, 30),
    "older": ("More than 30 days", 31, None),
}
SORTS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "waiting": "Longest in this state",
    "name": "Name",
}


def require_staff(user: User) -> None:
    if user.role not in STAFF:
        raise NotAllowed("Only HCPA staff can do this")


def get_application_or_404(session, application_id: int, for_user: User) -> Application:
    """A sent application, for HCPA staff (a counted 404 for anyone else); a draft is a 404."""
    if for_user.role not in STAFF:
        refuse(404, for_user, ("Application", application_id))
    application = session.get(Application, application_id)
    if application is None or application.state == State.draft:
        abort(404)
    return application


# The queue ------------------------------------------------------------------------------------

@dataclass
class QueueFilters:
    state: State | None = None
    district_id: int | None = None
    service_type_id: int | None = None
    age: str | None = None
    sort: str = "oldest"


def queue_query(filters: QueueFilters, today: date | None = None):
    """Sent applications for the screening queue; the page loads in a fixed number of queries
    (user and district are joined, service types come in one extra SELECT ... IN)."""
    statement = select(Application).where(Application.state != State.draft)
    if filters.state is not None:
        statement = statement.where(Application.state == filters.state)
    if filters.district_id:
        statement = statement.where(Application.district_id == filters.district_id)
    if filters.service_type_id:
        statement = statement.where(Application.id.in_(
            select(application_service_types.c.application_id)
            .where(application_service_types.c.service_type_id == filters.service_type_id)))
    if filters.age in AGES:
        today = today or date.today()
        _, youngest, oldest = AGES[filters.age]
        statement = statement.where(Application.submitted_at < _start_of(today - timedelta(days=youngest - 1)))
        if oldest is not None:
            statement = statement.where(Application.submitted_at >= _start_of(today - timedelta(days=oldest)))
    order = {
        "oldest": (Application.submitted_at.asc(), Application.id.asc()),
        "newest": (Application.submitted_at.desc(), Application.id.desc()),
        "waiting": (Application.state_changed_at.asc(), Application.id.asc()),
        "name": (Application.full_name.asc(), Application.id.asc()),
    }[filters.sort if filters.sort in SORTS else "oldest"]
    return statement.order_by(*order)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def state_counts(session) -> dict[State, int]:
    """How many sent applications are in each state (one GROUP BY)."""
    rows = session.execute(select(Application.state, func.count()).where(Application.state != State.draft)
                           .group_by(Application.state))
    counts = {state: 0 for state in State if state != State.draft}
    counts.update({state: n for state, n in rows})
    return counts


def add_note(session, application: Application, by: User, text: str) -> Note:
    require_staff(by)
    text = (text or "").strip()
    if not text:
        raise Invalid("Enter the note")
    note = Note(application=application, author_id=by.id, text=text)
    session.add(note)
    session.flush()
    return note


# Values assessment -----------------------------------------------------------------------------

def thresholds() -> tuple[int, int]:
    """(lowest score allowed for any value, lowest total) from the settings."""
    return current_app.config["VALUES_PASS_MIN_EACH"], current_app.config["VALUES_PASS_MIN_TOTAL"]


def assessment_result(scores: dict[str, int], min_each: int, min_total: int) -> tuple[int, bool]:
    """The DOMAIN.md rule: pass needs every value >= min_each and the total >= min_total."""
    if set(scores) != set(VALUES):
        raise Invalid("Score every one of the 6 Cs")
    for value, score in scores.items():
        if not isinstance(score, int) or not 1 <= score <= 4:
            raise Invalid(f"The {value} score must be from 1 to 4")
    total = sum(scores.values())
    return total, all(score >= min_each for score in scores.values()) and total >= min_total


def current_assessment(application: Application) -> ValuesAssessment | None:
    """The assessment in force: the latest (each correction supersedes the one before)."""
    return application.assessments[-1] if application.assessments else None


@gate(State.values_assessed)
def _passing_assessment(application: Application) -> str | None:
    assessment = current_assessment(application)
    if assessment is None or not assessment.passed:
        return "Record a values assessment that passes before moving on"
    return None


def record_assessment(session, application: Application, by: User, scores: dict[str, int],
                      justifications: dict[str, str], corrects: ValuesAssessment | None = None) -> ValuesAssessment:
    """Record a values assessment (or a correction of the current one). A passing first
    assessment moves the application from screening to values_assessed."""
    require_staff(by)
    if application.state not in ASSESSABLE:
        raise Invalid("Start screening before recording a values assessment")
    current = current_assessment(application)
    if corrects is None and current is not None:
        raise Invalid("This application already has a values assessment. Record a correction instead.")
    if corrects is not None and corrects is not current:
        raise Invalid("Only the assessment in force can be corrected")
    missing = [value for value in VALUES if not (justifications.get(value) or "").strip()]
    if missing:
        raise Invalid("Give a reason for each score: " + ", ".join(missing) + " missing")
    min_each, min_total = thresholds()
    total, passed = assessment_result(scores, min_each, min_total)
    assessment = ValuesAssessment(application=application, assessor_id=by.id, corrects=corrects,
                                  total=total, passed=passed, min_each=min_each, min_total=min_total)
    for value in VALUES:
        setattr(assessment, f"{value}_score", scores[value])
        setattr(assessment, f"{value}_justification", justifications[value].strip())
    session.add(assessment)
    # Bump the application's version even when it does not move, so two officers scoring (or
    # correcting) the same application at once cannot both succeed: the second gets a conflict.
    flag_modified(application, "updated_at")
    moved = None
    if passed and application.state == State.screening:
        moved = move(session, application, State.values_assessed, by,
                     f"Values assessment passed: {total} of 24", tell=False)
    if moved is not None:
        from recruitment.notify import tell_applicant

        tell_applicant(application, State.values_assessed)
    flush_or_conflict(session)
    return assessment


def review_assessment(session, assessment: ValuesAssessment, by: User, agrees: bool, comment: str | None):
    """A second assessor reviews the scores (they cannot review their own)."""
    require_staff(by)
    if assessment.assessor_id == by.id:
        raise NotAllowed("A second assessor must review the scores, not the person who gave them")
    if assessment.reviewed_at is not None:
        raise Invalid("This assessment has already been reviewed")
    comment = (comment or "").strip() or None
    if not agrees and not comment:
        raise Invalid("Say why you would score it differently")
    # Only if nobody has reviewed it meanwhile: two reviewers at once must not overwrite each other.
    result = session.execute(
        update(ValuesAssessment)
        .where(ValuesAssessment.id == assessment.id, ValuesAssessment.reviewed_at.is_(None))
        .values(reviewer_id=by.id, reviewed_at=utcnow(), review_agrees=agrees, review_comment=comment)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        raise Invalid("Another assessor has just reviewed this assessment. Their review is shown below.")
    session.refresh(assessment)
