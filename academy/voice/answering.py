"""Members answer a poll once, from their account or from the link emailed to them.

What is written: one participation row (poll, user: they have answered) and one answer row per
question answered, holding the answer and the member's group (district, service type, workplace of
the job the poll reached them through), in a random order under random keys. Nothing ties the two.
Answering is not audit-logged and nothing about it is written to the application log.

The emailed link is `/voice/answer/<token>`, a random token of which only the hash is kept
(`PollLink`); opening it checks it and redirects to a page without it (academy/voice/views.py), and
answering deletes it."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import User
from academy.auth.tokens import hash_token, new_one_time_token
from academy.voice.audience import Member, as_member, audience, member_jobs, reaches
from academy.voice.models import (
    SCALE, Moderation, Poll, PollAnswer, PollLink, PollParticipation, PollQuestion, PollStatus, QuestionKind,
)

FREE_TEXT_MAX = 2000


class AnswerProblem(Invalid):
    """An answer refused; `field` names the form field ("q12") it belongs to."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class AlreadyAnswered(Invalid):
    def __init__(self):
        super().__init__("You have already answered this poll: each member answers once")


def field_name(question: PollQuestion) -> str:
    return f"q{question.id}"


def has_answered(session, poll: Poll, user: User) -> bool:
    return session.get(PollParticipation, (poll.id, user.id)) is not None


def get_answerable_poll_or_404(session, poll_id: int, for_user: User, *, on: date | None = None) -> Poll:
    """A poll the member may answer (or has answered) now: open, within its dates and reaching them.
    Any other poll, or anyone who is not in its audience, is a 404."""
    poll = session.get(Poll, poll_id)
    if poll is None or not poll.accepting(on or date.today()) or as_member(session, poll, for_user, on) is None:
        refuse(404, for_user, ("Poll", poll_id))
    return poll


@dataclass
class LinkedPoll:
    poll: Poll
    user: User


def answer_link(session, poll: Poll, user_id: int) -> str:
    """A new emailed link for the member to answer the poll, replacing any earlier one (which stops
    working). The token is random and names nobody; only its hash is kept (`PollLink`)."""
    return answer_links(session, poll, [user_id])[user_id]


def answer_links(session, poll: Poll, user_ids: list[int]) -> dict[int, str]:
    """`answer_link` for many members at once (by user id), in one read and one flush whatever
    their number: the caller keeps the number of ids in a call bounded (the invitations batch)."""
    from academy.mail import public_url_adapter

    tokens = {user_id: new_one_time_token() for user_id in user_ids}
    if not tokens:
        return {}
    earlier = {link.user_id: link for link in session.scalars(
        select(PollLink).where(PollLink.poll_id == poll.id, PollLink.user_id.in_(tokens)))}
    for user_id, (_token, token_hash) in tokens.items():
        if user_id in earlier:
            earlier[user_id].token_hash = token_hash
        else:
            session.add(PollLink(poll_id=poll.id, user_id=user_id, token_hash=token_hash))
    session.flush()
    urls = public_url_adapter()
    return {user_id: urls.build("voice.answer_by_link", {"token": token}, force_external=True)
            for user_id, (token, _hash) in tokens.items()}


def poll_for_link(session, token: str, for_user: User | None, on: date | None = None) -> LinkedPoll:
    """The poll and member of an emailed link, while the link is unused and the poll is open and
    reaches them. A link that is not ours, used, for a poll now closed, for an inactive account or
    opened while signed in as someone else is a 404."""
    link = session.scalar(select(PollLink).where(PollLink.token_hash == hash_token(token)))
    if link is None:
        refuse(404, for_user)
    return linked_poll(session, link.poll_id, link.user_id, for_user, on)


def linked_poll(session, poll_id: int, user_id: int, for_user: User | None, on: date | None = None) -> LinkedPoll:
    """The poll and member a redeemed link named (the views keep the pair in the signed session),
    checked again on every request as `poll_for_link` checks the link itself."""
    poll, user = session.get(Poll, poll_id), session.get(User, user_id)
    signed_in_as_other = for_user is not None and user is not None and for_user.id != user.id
    if (poll is None or user is None or not user.is_active or signed_in_as_other
            or not poll.accepting(on or date.today()) or as_member(session, poll, user, on) is None):
        refuse(404, for_user, ("Poll", poll_id))
    return LinkedPoll(poll, user)


@dataclass
class PollForMember:
    poll: Poll
    answered: bool


def polls_for(session, user: User, on: date | None = None) -> list[PollForMember]:
    """Open polls that reach the member, each with whether they have answered it."""
    on = on or date.today()
    open_polls = session.scalars(select(Poll).where(Poll.status == PollStatus.open, Poll.opens_on <= on,
                                                    Poll.closes_on >= on).order_by(Poll.closes_on, Poll.id)).all()
    if not open_polls:
        return []
    answered = set(session.scalars(select(PollParticipation.poll_id).where(PollParticipation.user_id == user.id)))
    jobs = member_jobs(session, user, on)  # once, whatever the number of polls
    return [PollForMember(poll, poll.id in answered) for poll in open_polls if any(reaches(poll, j) for j in jobs)]


def _answer_for(question: PollQuestion, value, member: Member) -> PollAnswer | None:
    field = field_name(question)
    group = {"district_id": member.district_id, "service_type_id": member.service_type_id,
             "workplace_id": member.workplace_id}
    if question.kind == QuestionKind.free_text:
        text = (value or "").strip()
        if len(text) > FREE_TEXT_MAX:
            raise AnswerProblem(f"Your answer must be {FREE_TEXT_MAX:,} characters or fewer", field)
        return PollAnswer(poll_id=question.poll_id, question_id=question.id, text=text,
                          moderation=Moderation.waiting, **group) if text else None
    allowed = SCALE if question.kind == QuestionKind.scale else range(len(question.option_list))
    try:
        choice = int(value)
    except (TypeError, ValueError):
        choice = None
    if choice not in allowed:
        raise AnswerProblem(f"Choose an answer to “{question.text}”", field)
    return PollAnswer(poll_id=question.poll_id, question_id=question.id, choice=choice, **group)


def answer_poll(session, poll: Poll, user: User, values: dict[str, object], on: date | None = None) -> int:
    """Record the member's answers (`values` by field name, "q12"): every choice and scale question
    must be answered, free text is optional. Returns how many answers were kept."""
    on = on or date.today()
    if not poll.accepting(on):
        raise Invalid("This poll is not open for answers")
    member = as_member(session, poll, user, on)
    if member is None:
        raise NotAllowed("This poll is not for you")
    if has_answered(session, poll, user):
        raise AlreadyAnswered()
    answers = [a for q in poll.questions if (a := _answer_for(q, values.get(field_name(q)), member)) is not None]
    try:
        with session.begin_nested():
            session.add(PollParticipation(poll_id=poll.id, user_id=user.id))
    except IntegrityError:  # the same member answering twice at once: the second is refused
        raise AlreadyAnswered() from None
    # The emailed link has done its work: it stops working, whichever way they answered.
    session.execute(delete(PollLink).where(PollLink.poll_id == poll.id, PollLink.user_id == user.id))
    random.SystemRandom().shuffle(answers)
    session.add_all(answers)
    session.flush()
    return len(answers)


def unanswered_audience(session, poll: Poll, on: date | None = None) -> list[Member]:
    """Members the poll reaches who have not answered it yet (for invitations)."""
    answered = set(session.scalars(select(PollParticipation.user_id).where(PollParticipation.poll_id == poll.id)))
    return [m for m in audience(session, poll, on) if m.user_id not in answered]
