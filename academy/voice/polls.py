"""HCPA staff run polls: create and edit a draft (title, dates, audience, questions), open it
(members are emailed a link), close it. Closing mixes the answers afresh (docs/voice.md)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from flask import abort
from sqlalchemy import delete, func, insert, select

from academy.auth.access import Invalid, NotAllowed, get_record_for_roles_or_404
from academy.auth.models import Role, User
from academy.tiers.models import Tier
from academy.voice.audience import audience_count, id_list, joined
from academy.voice.models import (
    Poll, PollAnswer, PollKind, PollLink, PollParticipation, PollQuestion, PollStatus, QuestionKind, new_answer_key,
)
from academy.workplaces.models import District, JobRole, ServiceType

RUNS_POLLS = (Role.hcpa_staff,)
MAX_QUESTIONS = 10
MAX_OPTIONS = 10


class PollProblem(Invalid):
    """A poll's details refused; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass
class PollDetails:
    title: str
    intro: str | None
    opens_on: date | None
    closes_on: date | None
    district_ids: list[int]
    service_type_ids: list[int]
    job_role_ids: list[int]
    tiers: list[int]


def require_hcpa(user: User, doing: str) -> None:
    if user.role not in RUNS_POLLS:
        raise NotAllowed(f"Only HCPA staff can {doing}")


def get_poll_or_404(session, poll_id: int, for_user: User) -> Poll:
    """A poll, for HCPA staff (who see every poll); anyone else is refused."""
    return get_record_for_roles_or_404(session, poll_id, for_user, model=Poll, roles=RUNS_POLLS)


def get_question_or_404(session, question_id: int, for_user: User, *, poll_id: int) -> PollQuestion:
    poll = get_poll_or_404(session, poll_id, for_user)
    question = session.get(PollQuestion, question_id)
    if question is None or question.poll_id != poll.id:
        abort(404)
    return question


@dataclass
class PollRow:
    poll: Poll
    respondents: int


def all_polls(session) -> list[PollRow]:
    """Every poll, newest opening first, with how many have answered (one query)."""
    answered = (select(PollParticipation.poll_id, func.count().label("n"))
                .group_by(PollParticipation.poll_id).subquery())
    rows = session.execute(select(Poll, func.coalesce(answered.c.n, 0))
                           .outerjoin(answered, answered.c.poll_id == Poll.id)
                           .order_by(Poll.opens_on.desc(), Poll.id.desc())).all()
    return [PollRow(poll, n) for poll, n in rows]


def respondents(session, poll: Poll) -> int:
    return session.scalar(select(func.count()).select_from(PollParticipation)
                          .where(PollParticipation.poll_id == poll.id))


def _check(session, details: PollDetails, today: date) -> PollDetails:
    title = (details.title or "").strip()
    if not title:
        raise PollProblem("Enter the poll's title", "title")
    if len(title) > 200:
        raise PollProblem("The title must be 200 characters or fewer", "title")
    if details.opens_on is None:
        raise PollProblem("Enter the date the poll opens", "opens_on")
    if details.closes_on is None:
        raise PollProblem("Enter the date the poll closes", "closes_on")
    if details.closes_on < details.opens_on:
        raise PollProblem("The closing date must be the same as or after the opening date", "closes_on")
    if details.closes_on < today:
        raise PollProblem("The closing date must be today or in the future", "closes_on")
    for field, model, column, ids in (("district_ids", District, District.id, details.district_ids),
                                      ("service_type_ids", ServiceType, ServiceType.id, details.service_type_ids),
                                      ("job_role_ids", JobRole, JobRole.id, details.job_role_ids),
                                      ("tiers", Tier, Tier.number, details.tiers)):
        if ids and len(set(session.scalars(select(column).where(column.in_(ids))))) != len(set(ids)):
            raise PollProblem("Choose from the list", field)
    details.title, details.intro = title, (details.intro or "").strip() or None
    return details


def save_poll(session, poll: Poll | None, details: PollDetails, by: User, today: date | None = None) -> Poll:
    """Create a draft poll, or change a draft's details (an open or closed poll stays as it is)."""
    require_hcpa(by, "run polls")
    if poll is not None and poll.status != PollStatus.draft:
        raise PollProblem("Only a draft poll can be changed: this one has been opened", "title")
    details = _check(session, details, today or date.today())
    if poll is None:
        poll = Poll(kind=PollKind.poll, status=PollStatus.draft, created_by_id=by.id)
        session.add(poll)
    poll.title, poll.intro = details.title, details.intro
    poll.opens_on, poll.closes_on = details.opens_on, details.closes_on
    poll.district_ids, poll.service_type_ids = joined(details.district_ids), joined(details.service_type_ids)
    poll.job_role_ids, poll.tiers = joined(details.job_role_ids), joined(details.tiers)
    session.flush()
    return poll


def add_question(session, poll: Poll, kind: QuestionKind | None, text: str, options: str | None,
                 by: User) -> PollQuestion:
    require_hcpa(by, "write poll questions")
    if poll.status != PollStatus.draft:
        raise PollProblem("Questions can be added only while the poll is a draft", "text")
    if len(poll.questions) >= MAX_QUESTIONS:
        raise PollProblem(f"A poll has at most {MAX_QUESTIONS} questions: keep it short", "text")
    if kind is None:
        raise PollProblem("Choose the kind of question", "kind")
    text = (text or "").strip()
    if not text:
        raise PollProblem("Enter the question", "text")
    if len(text) > 300:
        raise PollProblem("The question must be 300 characters or fewer", "text")
    lines = [line.strip() for line in (options or "").splitlines() if line.strip()]
    if kind == QuestionKind.single_choice:
        if len(lines) < 2:
            raise PollProblem("Enter at least 2 answers to choose from, one a line", "options")
        if len(lines) > MAX_OPTIONS:
            raise PollProblem(f"Enter at most {MAX_OPTIONS} answers to choose from", "options")
        if any(len(line) > 200 for line in lines):
            raise PollProblem("Each answer must be 200 characters or fewer", "options")
        if len({line.casefold() for line in lines}) != len(lines):
            raise PollProblem("Each answer to choose from must be different", "options")
    question = PollQuestion(poll=poll, kind=kind, text=text, position=len(poll.questions) + 1,
                            options="\n".join(lines) if kind == QuestionKind.single_choice else None)
    session.add(question)
    session.flush()
    return question


def remove_question(session, question: PollQuestion, by: User) -> None:
    require_hcpa(by, "write poll questions")
    poll = question.poll
    if poll.status != PollStatus.draft:
        raise Invalid("Questions can be removed only while the poll is a draft")
    poll.questions.remove(question)
    for position, kept in enumerate(poll.questions, start=1):
        kept.position = position
    session.flush()


def open_poll(session, poll: Poll, by: User, today: date | None = None) -> bool:
    """Open a draft poll. True when it opens today (the caller emails the members their links);
    a poll opening later is emailed on its opening day by the daily job."""
    require_hcpa(by, "open polls")
    today = today or date.today()
    if poll.status != PollStatus.draft:
        raise Invalid("This poll has already been opened")
    if not poll.questions:
        raise Invalid("Add at least one question before opening the poll")
    if poll.closes_on < today:
        raise Invalid("The closing date has passed: change it before opening the poll")
    poll.status = PollStatus.open
    session.flush()
    return poll.opens_on <= today


def close_poll(session, poll: Poll, by: User | None, today: date | None = None) -> None:
    """Close an open poll now (by HCPA) or when its closing date has passed (by the daily job)."""
    if by is not None:
        require_hcpa(by, "close polls")
    today = today or date.today()
    if poll.status != PollStatus.open:
        raise Invalid("Only an open poll can be closed")
    poll.status = PollStatus.closed
    if poll.closes_on > today:
        poll.closes_on = max(today, poll.opens_on)
    mix_answers(session, poll)
    session.execute(delete(PollLink).where(PollLink.poll_id == poll.id))  # the emailed links die with it
    session.flush()


def mix_answers(session, poll: Poll) -> int:
    """Write the poll's answers again, in a random order under new random keys, in this transaction:
    whatever order the database kept them in as they came (PostgreSQL's row positions and
    transaction ids) no longer follows the order people answered in."""
    table = PollAnswer.__table__
    rows = [dict(row) for row in session.execute(select(table).where(table.c.poll_id == poll.id)).mappings()]
    if not rows:
        return 0
    random.SystemRandom().shuffle(rows)
    for row in rows:
        row["id"] = new_answer_key()
    session.execute(delete(table).where(table.c.poll_id == poll.id))
    session.execute(insert(table), rows)
    return len(rows)


def audience_size(session, poll: Poll, on: date | None = None) -> int:
    """How many members the poll reaches on `on` (today), counted in SQL: a county-wide poll reaches
    tens of thousands, and the poll's page need not load each one."""
    return audience_count(session, poll, on)


def describe_audience(session, poll: Poll) -> list[str]:
    """The audience in words, one line a list ("All members" when no list is set)."""
    lines = []
    for label, model, ids, name in (("Districts", District, id_list(poll.district_ids), "name"),
                                    ("Service types", ServiceType, id_list(poll.service_type_ids), "name"),
                                    ("Job roles", JobRole, id_list(poll.job_role_ids), "name")):
        if ids:
            names = session.scalars(select(getattr(model, name)).where(model.id.in_(ids)).order_by(getattr(model, name)))
            lines.append(f"{label}: {', '.join(names)}")
    if id_list(poll.tiers):
        lines.append("Career tiers: " + ", ".join(f"tier {n}" for n in id_list(poll.tiers)))
    return lines or ["All members"]
