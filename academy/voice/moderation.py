"""Free-text answers wait for HCPA staff to read them: they edit out anything that could identify
someone (names, places, events) and approve the edited text, or reject it. The typed text is
replaced by the approved text (or removed when rejected), so the original is not kept."""
from __future__ import annotations

import random

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from academy.auth.access import Invalid, refuse
from academy.auth.models import User
from academy.voice.answering import FREE_TEXT_MAX
from academy.voice.models import Moderation, PollAnswer, PollQuestion
from academy.voice.polls import RUNS_POLLS, require_hcpa

QUEUE_SHOWN = 20


def waiting_count(session) -> int:
    return session.scalar(select(func.count()).select_from(PollAnswer)
                          .where(PollAnswer.moderation == Moderation.waiting))


def queue(session, limit: int = QUEUE_SHOWN) -> list[PollAnswer]:
    """Up to `limit` answers waiting, in a random order (their keys are random), with their questions."""
    answers = list(session.scalars(
        select(PollAnswer).options(joinedload(PollAnswer.question).joinedload(PollQuestion.poll))
        .where(PollAnswer.moderation == Moderation.waiting).order_by(PollAnswer.id).limit(limit)))
    random.SystemRandom().shuffle(answers)
    return answers


def get_waiting_answer_or_404(session, answer_id: str, for_user: User) -> PollAnswer:
    """A free-text answer waiting for moderation, for HCPA staff; anyone else is refused."""
    if for_user.role not in RUNS_POLLS:
        refuse(403, for_user, ("PollAnswer", "-"))
    answer = session.get(PollAnswer, answer_id) if len(answer_id) <= 32 else None
    if answer is None or answer.moderation != Moderation.waiting:
        abort(404)
    return answer


def approve(session, answer: PollAnswer, edited_text: str, by: User) -> PollAnswer:
    require_hcpa(by, "moderate answers")
    text = (edited_text or "").strip()
    if not text:
        raise Invalid("Enter the text to show, or reject the answer")
    if len(text) > FREE_TEXT_MAX:
        raise Invalid(f"The text must be {FREE_TEXT_MAX:,} characters or fewer")
    answer.text, answer.moderation = text, Moderation.approved
    session.flush()
    return answer


def reject(session, answer: PollAnswer, by: User) -> PollAnswer:
    require_hcpa(by, "moderate answers")
    answer.text, answer.moderation = None, Moderation.rejected
    session.flush()
    return answer
