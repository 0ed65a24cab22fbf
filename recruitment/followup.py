"""Follow-up after placement: check-ins at about 1 week, 1, 3 and 6 months (created by a daily
job, idempotently), the placed worker's answers (1-2 is flagged for HCPA), and retention at
3, 6 and 12 months recorded from the Employment's leaving date."""
from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.exc import IntegrityError

from academy.auth.access import STAFF_ROLES, Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.extensions import db, utcnow
from academy.jobs import restartable
from academy.mail import send_mail
from academy.unit_of_work import job
from academy.workplaces.models import Employment
from recruitment.models import Application, FollowUp, FollowUpPoint, Placement

log = logging.getLogger(__name__)
FLAG_AT_OR_BELOW = 2
RETENTION_MONTHS = (3, 6, 12)
STAFF = (Role.hcpa_staff, Role.admin)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(start: date, point: FollowUpPoint) -> date:
    return {
        FollowUpPoint.week_1: start + timedelta(days=7),
        FollowUpPoint.month_1: add_months(start, 1),
        FollowUpPoint.month_3: add_months(start, 3),
        FollowUpPoint.month_6: add_months(start, 6),
    }[point]


@dataclass(frozen=True)
class NextCheckIn:
    """The placed worker's next check-in not yet answered: when it is due and, once the daily job has
    created it (on its due date), the check-in itself (None before then)."""

    point: FollowUpPoint
    due_on: date
    follow_up: FollowUp | None


def next_check_in(placement: Placement | None) -> NextCheckIn | None:
    """A placed application's real next step: the first check-in (1 week, 1, 3, 6 months) not yet
    answered, or None when there is no placement or every check-in is answered."""
    if placement is None:
        return None
    made = {f.point: f for f in placement.follow_ups}
    for point in FollowUpPoint:
        follow_up = made.get(point)
        if follow_up is None or follow_up.answered_at is None:
            return NextCheckIn(point, due_on(placement.start_date, point), follow_up)
    return None


def create_due_follow_ups(session, today: date | None = None, notify: bool = True) -> list[FollowUp]:
    """Create every check-in that has come due and does not exist yet (safe to run again: the
    (placement, point) pair is unique), for workers still in post; email each worker."""
    today = today or date.today()
    placements = session.scalars(
        select(Placement).join(Placement.employment)
        .where(Placement.start_date <= today - timedelta(days=7))
        .where(or_(Employment.leaving_date.is_(None), Employment.leaving_date > today - timedelta(days=7)))
    ).all()
    if not placements:
        return []
    existing = set(session.execute(select(FollowUp.placement_id, FollowUp.point)
                                   .where(FollowUp.placement_id.in_([p.id for p in placements]))))
    created = []
    for placement in placements:
        leaving = placement.employment.leaving_date
        for point in FollowUpPoint:
            due = due_on(placement.start_date, point)
            if due > today or (placement.id, point) in existing or (leaving is not None and leaving <= due):
                continue
            follow_up = FollowUp(placement=placement, point=point, due_on=due)
            session.add(follow_up)
            created.append(follow_up)
    try:
        session.flush()
    except IntegrityError:  # another run created the same check-ins at the same moment
        session.rollback()
        return []
    for follow_up in created if notify else ():
        _invite_worker(follow_up)  # sent once the owner commits (academy.mail)
    return created


def _invite_worker(follow_up: FollowUp) -> None:
    application = follow_up.placement.application
    from recruitment.notify import external_url

    link = external_url("recruitment.check_in", follow_up_id=follow_up.id)
    send_mail(application.user.email, "How are you settling in?",
              f"Hello {application.full_name or application.user.full_name},\n\nIt is {follow_up.point.value} "
              f"since you started at {follow_up.placement.employment.workplace.name}. Tell us how you are "
              f"settling in; it takes a minute:\n{link}\n\nGood Care Recruitment, HCPA")


def record_retention(session, today: date | None = None) -> int:
    """For each placement whose 3, 6 or 12-month mark has passed, record whether they were still in post."""
    today = today or date.today()
    placements = session.scalars(
        select(Placement).where(or_(*(getattr(Placement, f"retained_{m}_months").is_(None)
                                      for m in RETENTION_MONTHS)))
        # A few days' slack: month ends clamp (31 January + 3 months = 30 April), so going back 3
        # months from today can land before a start whose mark is today. Each mark is checked below.
        .where(Placement.start_date <= add_months(today, -RETENTION_MONTHS[0]) + timedelta(days=3))
    ).all()
    recorded = 0
    for placement in placements:
        for months in RETENTION_MONTHS:
            name = f"retained_{months}_months"
            mark = add_months(placement.start_date, months)
            if getattr(placement, name) is None and mark <= today:
                setattr(placement, name, placement.employment.in_post_on(mark))
                recorded += 1
    session.flush()
    return recorded


@restartable("recruitment.follow_ups", roles=STAFF_ROLES)
@job
def run_follow_ups() -> dict[str, int]:
    """The daily job (academy/jobs_cron.py): due check-ins and retention, both idempotent."""
    created = create_due_follow_ups(db.session)
    retention = record_retention(db.session)
    log.info("Follow-ups: %d check-ins created, %d retention marks recorded", len(created), retention)
    return {"check_ins_created": len(created), "retention_recorded": retention}


def get_follow_up_or_404(session, follow_up_id: int, for_user: User) -> FollowUp:
    """A check-in: its own worker and HCPA staff may see it; anyone else gets 404."""
    follow_up = session.get(FollowUp, follow_up_id)
    if follow_up is None or (for_user.role not in STAFF and follow_up.placement.application.user_id != for_user.id):
        refuse(404, for_user, ("FollowUp", follow_up_id))
    return follow_up


def answer(session, follow_up: FollowUp, by: User, rating: int, comments: str | None,
           support_wanted: str | None) -> FollowUp:
    """The worker answers (or HCPA records the answer from a phone call); 1-2 is flagged."""
    if by.role not in STAFF and follow_up.placement.application.user_id != by.id:
        raise NotAllowed("Only the worker or HCPA staff can answer this check-in")
    if follow_up.answered_at is not None:
        raise Invalid("This check-in has already been answered")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise Invalid("Select how settled you feel, from 1 to 5")
    # Only if still unanswered: a second answer sent at the same moment (a double click, or HCPA
    # phoning while the worker fills in the form) must not overwrite the first.
    result = session.execute(
        update(FollowUp).where(FollowUp.id == follow_up.id, FollowUp.answered_at.is_(None))
        .values(settled_rating=rating, comments=(comments or "").strip() or None,
                support_wanted=(support_wanted or "").strip() or None, flagged=rating <= FLAG_AT_OR_BELOW,
                answered_at=utcnow(), answered_by_id=by.id)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        raise Invalid("This check-in has already been answered")
    session.refresh(follow_up)
    return follow_up


_WITH_WORKER = (
    joinedload(FollowUp.placement).joinedload(Placement.application),
    joinedload(FollowUp.placement).joinedload(Placement.employment).joinedload(Employment.workplace),
)


def due_list(session, today: date | None = None):
    """Check-ins due and not yet answered, oldest first (with placement, worker and workplace)."""
    today = today or date.today()
    return (select(FollowUp).where(FollowUp.answered_at.is_(None), FollowUp.due_on <= today)
            .options(*_WITH_WORKER).order_by(FollowUp.due_on, FollowUp.id))


def flagged_list():
    """Answered check-ins rated 1-2, newest first: people who may need support."""
    return (select(FollowUp).where(FollowUp.flagged).options(*_WITH_WORKER)
            .order_by(FollowUp.answered_at.desc()).limit(50))


def follow_ups_for_worker(session, user: User) -> list[FollowUp]:
    return list(session.scalars(
        select(FollowUp).join(FollowUp.placement).join(Placement.application)
        .where(Application.user_id == user.id).order_by(FollowUp.due_on)))
