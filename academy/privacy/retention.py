"""Retention, run by a monthly job:

- unsuccessful or withdrawn applications are irreversibly anonymised once nothing has happened
  on them for APPLICATION_RETENTION_MONTHS (default 6);
- placed people's recruitment records follow the employment record: kept in full while the
  employment lasts, anonymised EMPLOYMENT_RECORD_RETENTION_YEARS (default 6) after its leaving date;
- draft applications that were never sent are deleted outright (nothing in them is needed for
  the statistics) once untouched for APPLICATION_RETENTION_MONTHS, and only once their owner was
  emailed at least DRAFT_DELETION_NOTICE_DAYS (default 14) before (each run warns the owners of
  drafts that will be due by the next run).

What is kept is what the Good Care Recruitment funnel needs (academy.outcomes.metrics
APPLICATION_COLUMNS: the dates an application was sent, screened, passed the values assessment,
referred and placed, and the placement's start and leaving dates). Those come from the
application's state and dates, its history of moves (from, to, when) and its referrals' dates;
they stay. Everything that says who the person is or what they told us goes: their answers and
contact details, the CV file, HCPA's notes, the values assessment, the safer-recruitment checks
(DBS, health, right to work, references) and the free text on moves and referrals.
The placed person's follow-up check-in comments go too; the placement row, its dates and the
employment record (which belongs to the employer's workforce data) stay.
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import delete, func, select, update

from academy.extensions import db, utcnow
from academy.privacy.models import Redaction
from academy.unit_of_work import job
from recruitment.models import (
    Application, DuplicateStatus, FollowUp, Note, Placement, PossibleDuplicate, Referral, SaferRecruitmentCheck,
    State, StateChange, ValuesAssessment,
)

log = logging.getLogger(__name__)

RETAINED_STATES = (State.not_progressed, State.withdrawn, State.merged)
"""Applications that ended without a placement: the ones the retention period applies to (a
duplicate merged into another application is one: what it held that mattered moved to the kept one)."""

PERSONAL_COLUMNS = (
    "full_name", "phone", "postcode", "right_to_work", "driving_licence", "has_car", "available_days",
    "available_nights", "available_weekends", "hours_per_week", "experience", "experience_details",
    "qualifications", "languages", "heard_about", "heard_about_other",
    "answer_care", "answer_compassion", "answer_competence", "answer_communication", "answer_courage",
    "answer_commitment", "cv_stored_name", "cv_original_name", "cv_kind", "cv_size", "cv_uploaded_at",
)
"""Application columns set to NULL by anonymisation. Kept: id, user_id, state, held_from,
submitted_at, state_changed_at, district_id and the answered flags (no personal content)."""

REFERRAL_TEXT = ("match_reasons", "match_concerns", "note_to_manager", "decline_reason", "interview_place",
                 "interview_notes", "offer_details")


@dataclass
class RetentionResult:
    applications_anonymised: int = 0
    placed_anonymised: int = 0
    drafts_deleted: int = 0
    drafts_warned: int = 0
    cv_files_deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def __str__(self) -> str:
        return (f"{self.applications_anonymised} applications anonymised, {self.placed_anonymised} placed people's "
                f"applications anonymised, {self.drafts_deleted} unsent drafts deleted, "
                f"{self.drafts_warned} owners of unsent drafts warned, {self.cv_files_deleted} CV files deleted")


def retention_months() -> int:
    return int(current_app.config["APPLICATION_RETENTION_MONTHS"])


def employment_retention_years() -> int:
    return int(current_app.config["EMPLOYMENT_RECORD_RETENTION_YEARS"])


def draft_notice() -> timedelta:
    return timedelta(days=int(current_app.config["DRAFT_DELETION_NOTICE_DAYS"]))


def cutoff(now: datetime, months: int) -> datetime:
    """Applications whose last activity is at or before this moment are due for anonymisation."""
    return now - relativedelta(months=months)


ANONYMISED_IDS = select(Redaction.record_id).where(Redaction.record_type == "application")
"""Ids of applications already anonymised (a subquery: never done twice)."""


def is_anonymised(session, application: Application) -> bool:
    return session.scalar(select(func.count()).select_from(Redaction).where(
        Redaction.record_type == "application", Redaction.record_id == application.id)) > 0


def last_activity(session, application_ids: list[int]) -> dict[int, datetime]:
    """The latest change to each application or anything hanging off it (one query per table)."""
    latest: dict[int, datetime] = {}

    def take(rows) -> None:
        for application_id, moment in rows:
            if moment is not None and (application_id not in latest or moment > latest[application_id]):
                latest[application_id] = moment

    if not application_ids:
        return latest
    take(session.execute(select(Application.id, Application.updated_at).where(Application.id.in_(application_ids))))
    take(session.execute(select(Application.id, Application.state_changed_at)
                         .where(Application.id.in_(application_ids))))
    for column, key in ((StateChange.occurred_at, StateChange.application_id),
                        (Note.updated_at, Note.application_id),
                        (SaferRecruitmentCheck.updated_at, SaferRecruitmentCheck.application_id),
                        (ValuesAssessment.updated_at, ValuesAssessment.application_id),
                        (Referral.updated_at, Referral.application_id)):
        take(session.execute(select(key, func.max(column)).where(key.in_(application_ids)).group_by(key)))
    return latest


def due_for_anonymisation(session, now: datetime | None = None, months: int | None = None) -> list[int]:
    """Ids of unsuccessful or withdrawn applications, not yet anonymised, idle since the cutoff."""
    now = now or utcnow()
    limit = cutoff(now, retention_months() if months is None else months)
    candidates = list(session.scalars(
        select(Application.id).where(Application.state.in_(RETAINED_STATES), Application.id.not_in(ANONYMISED_IDS),
                                     Application.state_changed_at <= limit)))
    activity = last_activity(session, candidates)
    return [i for i in candidates if activity.get(i, limit) <= limit]


def placed_due_for_anonymisation(session, today: date | None = None, years: int | None = None) -> list[int]:
    """Ids of placed people's applications, not yet anonymised, whose employment ended at least
    EMPLOYMENT_RECORD_RETENTION_YEARS ago (on the anniversary counts). Still employed: never."""
    from academy.workplaces.models import Employment

    today = today or utcnow().date()
    limit = today - relativedelta(years=employment_retention_years() if years is None else years)
    return list(session.scalars(
        select(Application.id).join(Placement, Placement.application_id == Application.id)
        .join(Employment, Employment.id == Placement.employment_id)
        .where(Application.state == State.placed, Application.id.not_in(ANONYMISED_IDS),
               Employment.leaving_date.is_not(None), Employment.leaving_date <= limit)
        .order_by(Application.id)))


def _idle_drafts(session, limit: datetime) -> tuple[list[int], dict[int, datetime], dict[int, datetime | None]]:
    """Unsent drafts whose last activity is at or before `limit`: ids, last activity, when warned."""
    rows = session.execute(
        select(Application.id, Application.draft_warned_at)
        .where(Application.state == State.draft, Application.submitted_at.is_(None), Application.updated_at <= limit)
        .order_by(Application.id)).all()
    warned = dict(rows)
    activity = last_activity(session, list(warned))
    idle = [i for i in warned if activity.get(i, limit) <= limit]
    return idle, activity, warned


def drafts_due_for_deletion(session, now: datetime | None = None, months: int | None = None) -> list[int]:
    """Ids of unsent drafts untouched since the cutoff whose owner was warned at least
    DRAFT_DELETION_NOTICE_DAYS ago and has changed nothing since."""
    now = now or utcnow()
    idle, activity, warned = _idle_drafts(session, cutoff(now, retention_months() if months is None else months))
    told_by = now - draft_notice()
    return [i for i in idle if warned[i] is not None and activity[i] <= warned[i] <= told_by]


def drafts_to_warn(session, now: datetime | None = None, months: int | None = None) -> dict[int, datetime]:
    """Unsent drafts that will be due by the next monthly run and whose owner has not been told
    since they last changed it: id -> when it was last changed."""
    now = now or utcnow()
    limit = cutoff(now + relativedelta(months=1), retention_months() if months is None else months)
    idle, activity, warned = _idle_drafts(session, limit)
    return {i: activity[i] for i in idle if warned[i] is None or warned[i] < activity[i]}


def warn_draft_owner(session, application: Application, changed: datetime, now: datetime) -> bool:
    """Email the owner when their unsent draft (last changed at `changed`) will be deleted and how
    to keep it, and record it (without touching updated_at: the warning is not activity). False if
    the mail could not be queued: nothing is recorded, so the next run tries again and the draft
    is not deleted."""
    from academy.jobs import JobsUnavailable
    from academy.mail import send_mail
    from recruitment.dates import long_date
    from recruitment.notify import external_url

    months = retention_months()
    deleted_on = max(changed + relativedelta(months=months), now + draft_notice())
    user = application.user
    try:
        send_mail(user.email, "Your unsent application will be deleted",
                  f"Hello {user.full_name},\n\nYou started an application to work in care with "
                  f"{current_app.config['SERVICE_NAME']} but have not sent it. It was last changed on "
                  f"{long_date(changed)}.\n\nWe delete applications that are never sent {months} months "
                  f"after they were last changed, so we will delete it, and any CV you uploaded, on or after "
                  f"{long_date(deleted_on)}.\n\nTo keep it, sign in and open it: "
                  f"{external_url('recruitment.apply')}\nThat keeps it for another {months} months, as does "
                  "any answer you save. Your account stays either way.\n")
    except JobsUnavailable:
        log.warning("Draft deletion warning not queued (background service unavailable)")
        return False
    session.execute(update(Application).where(Application.id == application.id)
                    .values(draft_warned_at=now, updated_at=Application.updated_at))
    return True


def keep_warned_draft(application: Application) -> bool:
    """The owner opened their draft after being warned it would be deleted: clearing the warning
    is a change to the row (updated_at moves on), so the draft is kept for another period. Does
    not commit. True if there was a warning to clear."""
    if application.state != State.draft or application.draft_warned_at is None:
        return False
    application.draft_warned_at = None
    return True


def delete_draft(session, application: Application) -> bool:
    """Delete an unsent application and its CV file; True if a file was deleted. Does not commit.
    The account stays: the person can start a new application."""
    from recruitment.cv import cv_path

    if application.state != State.draft or application.submitted_at is not None:
        raise ValueError(f"application {application.id} has been sent; it is anonymised, not deleted")
    path = cv_path(application)
    session.delete(application)  # its moves and notes go with it (cascade); there is nothing else on a draft
    session.flush()
    if path is not None:
        path.unlink(missing_ok=True)
        return True
    return False


def anonymise_application(session, application: Application, reason: str, keep_checks: bool = False) -> bool:
    """Irreversibly remove the personal content of one application; True if a CV file was deleted.

    `keep_checks` keeps the values assessments and safer-recruitment checks (those of a placed
    person erased while the employer must still hold them). Follow-up check-in comments go.
    Retention clears everything recorded on the application. An erasure ("erasure") follows the
    person instead (`recruitment.duplicates.about_the_person`): records a duplicate merge moved here from another
    application are that person's and stay; those moved from this one to the application it was
    merged into are this person's and go. Does not commit.
    """
    from recruitment.cv import cv_path
    from recruitment.duplicates import about_the_person

    def about(model):
        if reason == "erasure":
            return about_the_person(model, application.id)
        return model.application_id == application.id

    path = cv_path(application)
    for name in PERSONAL_COLUMNS:
        setattr(application, name, None)
    application.service_types = []
    session.execute(delete(Note).where(about(Note)))
    if not keep_checks:
        session.execute(delete(SaferRecruitmentCheck).where(SaferRecruitmentCheck.application_id == application.id))
        session.execute(update(ValuesAssessment).where(ValuesAssessment.corrects_id.in_(
            select(ValuesAssessment.id).where(about(ValuesAssessment)).scalar_subquery())).values(corrects_id=None))
        session.execute(delete(ValuesAssessment).where(about(ValuesAssessment)))
    session.execute(update(StateChange).where(about(StateChange)).values(reason=None))
    # Nothing is left to compare: an undecided possible duplicate goes (decided ones stay, as the record).
    session.execute(delete(PossibleDuplicate).where(
        PossibleDuplicate.status == DuplicateStatus.open,
        (PossibleDuplicate.application_id == application.id)
        | (PossibleDuplicate.other_application_id == application.id)))
    session.execute(update(Referral).where(about(Referral))
                    .values(**{name: None for name in REFERRAL_TEXT}, version=Referral.version + 1))
    session.execute(update(FollowUp).where(FollowUp.placement_id.in_(
        select(Placement.id).where(Placement.application_id == application.id)))
        .values(comments=None, support_wanted=None))
    session.add(Redaction(record_type="application", record_id=application.id, reason=reason))
    session.flush()
    session.expire_all()  # the bulk statements above bypassed the loaded objects
    if path is not None:
        path.unlink(missing_ok=True)
        return True
    return False


def run_retention(session, now: datetime | None = None) -> RetentionResult:
    """Anonymise every application due and delete every unsent draft due; idempotent (anonymised
    ones are recorded and skipped, deleted ones are gone). One application per transaction, so
    a failure part-way leaves only whole records."""
    now = now or utcnow()
    result = RetentionResult()
    ended, placed = due_for_anonymisation(session, now), placed_due_for_anonymisation(session, now.date())
    for application_id in ended + placed:
        result.cv_files_deleted += anonymise_application(session, session.get(Application, application_id),
                                                         "retention")
        session.commit()
    result.applications_anonymised, result.placed_anonymised = len(ended), len(placed)
    for application_id in drafts_due_for_deletion(session, now):
        result.cv_files_deleted += delete_draft(session, session.get(Application, application_id))
        session.commit()
        result.drafts_deleted += 1
    for application_id, changed in drafts_to_warn(session, now).items():
        result.drafts_warned += warn_draft_owner(session, session.get(Application, application_id), changed, now)
        session.commit()
    log.info("Retention: %s", result)
    return result


@job
def retention_job() -> dict[str, int]:
    """The monthly job (academy/jobs_cron.py)."""
    from academy.auth.audit import audit

    result = run_retention(db.session)
    if any(result.as_dict().values()):
        audit("ran_retention", detail=f"applications={result.applications_anonymised} "
                                      f"placed={result.placed_anonymised} drafts={result.drafts_deleted} "
                                      f"warned={result.drafts_warned}")
    return result.as_dict()


# -- the funnel inputs, straight from the recruitment tables -----------------------------------

def funnel_applications(session) -> pd.DataFrame:
    """The GCR funnel frame (metrics.APPLICATION_COLUMNS) built from what anonymisation keeps:
    application dates, the history of moves, placements and their employments."""
    from academy.outcomes.metrics import APPLICATION_COLUMNS
    from academy.workplaces.models import Employment

    applications = session.execute(select(Application.id, Application.submitted_at)
                                   .where(Application.submitted_at.is_not(None)).order_by(Application.id)).all()
    firsts = {(a, s): moment for a, s, moment in session.execute(
        select(StateChange.application_id, StateChange.to_state, func.min(StateChange.occurred_at))
        .group_by(StateChange.application_id, StateChange.to_state))}
    placements = {a: (start, left) for a, start, left in session.execute(
        select(Placement.application_id, Placement.start_date, Employment.leaving_date)
        .join(Employment, Employment.id == Placement.employment_id))}
    states = {"screened_on": State.screening, "passed_on": State.values_assessed,
              "referred_on": State.referred, "placed_on": State.placed}
    rows = []
    for application_id, submitted in applications:
        start, left = placements.get(application_id, (None, None))
        row = {"submitted_on": submitted.date(), "placement_start": start, "placement_left_on": left}
        for column, state in states.items():
            moment = firsts.get((application_id, state))
            row[column] = moment.date() if moment else None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(APPLICATION_COLUMNS))
    for column in APPLICATION_COLUMNS:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]") if len(frame) else \
            pd.Series(np.array([], dtype="datetime64[s]"))
    return frame

