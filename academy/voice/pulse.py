"""The standing quarterly pulse, "How are you finding work?" (a 1-5 scale, every member), and the
daily job that keeps polls moving: it opens the quarter's pulse on the quarter's first day (or the
first run after it), emails polls that open today and closes polls whose closing date has passed."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from academy.extensions import db
from academy.unit_of_work import job
from academy.voice.invitations import send_poll_invitations
from academy.voice.models import Poll, PollKind, PollQuestion, PollStatus, QuestionKind
from academy.voice.polls import close_poll

PULSE_QUESTION = "How are you finding work?"
PULSE_DAYS_OPEN = 28


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def pulse_for(session, quarter: str) -> Poll | None:
    return session.scalar(select(Poll).where(Poll.pulse_quarter == quarter))


def open_quarterly_pulse(session, today: date | None = None) -> Poll | None:
    """Open this quarter's pulse for every member, for 4 weeks from today. None if it already exists."""
    today = today or date.today()
    quarter = quarter_of(today)
    if pulse_for(session, quarter) is not None:
        return None
    poll = Poll(title=f"How are you finding work? ({quarter.replace('-', ' ')})", kind=PollKind.pulse,
                intro="Our quarterly pulse: one question, anonymous, a minute of your time.",
                status=PollStatus.open, opens_on=today, closes_on=today + timedelta(days=PULSE_DAYS_OPEN - 1),
                pulse_quarter=quarter)
    poll.questions.append(PollQuestion(position=1, kind=QuestionKind.scale, text=PULSE_QUESTION))
    session.add(poll)
    session.flush()
    return poll


def close_due_polls(session, today: date | None = None) -> list[Poll]:
    today = today or date.today()
    due = session.scalars(select(Poll).where(Poll.status == PollStatus.open, Poll.closes_on < today)).all()
    for poll in due:
        close_poll(session, poll, None, today)
    return list(due)


def polls_to_email(session, today: date | None = None) -> list[int]:
    today = today or date.today()
    return list(session.scalars(select(Poll.id).where(
        Poll.status == PollStatus.open, Poll.opens_on <= today, Poll.closes_on >= today,
        Poll.invitations_sent_on.is_(None)).order_by(Poll.id)))


@job
def voice_daily_job(today: date | None = None) -> dict:
    """Job (daily): close polls past their date, open the quarter's pulse, email polls opening today."""
    today = today or date.today()
    closed = close_due_polls(db.session, today)
    pulse = open_quarterly_pulse(db.session, today)
    emailed = 0
    for poll_id in polls_to_email(db.session, today):
        emailed += send_poll_invitations(poll_id, today)  # a job of its own: commits what came before it
    return {"closed": len(closed), "pulse_opened": pulse is not None, "emailed": emailed}
