"""A registered manager sees, for each workplace they manage, the closed polls aimed at it and their
workplace's results under the threshold. Results wait for the poll to close: a manager looking
again and again while people answer could otherwise tell how the last to answer did."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from academy.auth.access import refuse
from academy.auth.models import Role, User
from academy.voice.audience import reaches_workplace
from academy.voice.models import Poll, PollStatus
from academy.workplaces.directory import managed_workplaces
from academy.workplaces.models import Workplace


@dataclass
class WorkplacePolls:
    workplace: Workplace
    polls: list[Poll]


def closed_polls(session, today: date | None = None) -> list[Poll]:
    today = today or date.today()
    return [p for p in session.scalars(select(Poll).where(Poll.status != PollStatus.draft)
                                       .order_by(Poll.closes_on.desc(), Poll.id.desc())) if p.has_closed(today)]


def polls_by_workplace(session, user: User, today: date | None = None) -> list[WorkplacePolls]:
    polls = closed_polls(session, today)
    return [WorkplacePolls(w, [p for p in polls if reaches_workplace(p, w)]) for w in managed_workplaces(session, user)]


def get_workplace_poll_or_404(session, poll_id: int, for_user: User, *, workplace_id: int,
                              today: date | None = None) -> tuple[Workplace, Poll]:
    """A closed poll aimed at a workplace the manager manages; anything else (another workplace, a
    poll not aimed at theirs, one still open) is a 404."""
    workplace = next((w for w in managed_workplaces(session, for_user) if w.id == workplace_id), None) \
        if for_user.role == Role.manager else None
    if workplace is None:
        refuse(404, for_user, ("Workplace", workplace_id))
    poll = session.get(Poll, poll_id)
    if poll is None or not poll.has_closed(today or date.today()) or not reaches_workplace(poll, workplace):
        refuse(404, for_user, ("Poll", poll_id))
    return workplace, poll
