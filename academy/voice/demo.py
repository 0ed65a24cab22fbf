"""Demo staff voice (development only), called from academy/demo.py: a closed poll with answers
from across the county (Verulam House, the demo manager's, among them: enough to show its results,
and two free-text answers, one approved and one waiting to be read), an open poll the demo care
worker can answer, and the last two quarters' pulse so the outcomes dashboard shows the series.

The demo's answers are written straight in, as answer rows only: most demo staff have no account,
so there is nobody to record as having answered. Idempotent: nothing is added once the closed poll exists."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from academy.auth.models import User
from academy.voice.models import Moderation, Poll, PollAnswer, PollKind, PollQuestion, PollStatus, QuestionKind
from academy.voice.pulse import PULSE_QUESTION, quarter_of, quarter_start
from academy.workplaces.models import Workplace

CLOSED_TITLE = "Breaks and rest at work"


def _answers(poll: Poll, workplaces: list[Workplace], rng: random.Random, per_workplace: int) -> list[PollAnswer]:
    rows = []
    for workplace in workplaces:
        group = {"district_id": workplace.district_id, "service_type_id": workplace.service_type_id,
                 "workplace_id": workplace.id}
        for _ in range(per_workplace):
            for question in poll.questions:
                if question.kind == QuestionKind.scale:
                    rows.append(PollAnswer(poll_id=poll.id, question_id=question.id,
                                           choice=rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 6, 4])[0], **group))
                elif question.kind == QuestionKind.single_choice:
                    rows.append(PollAnswer(poll_id=poll.id, question_id=question.id,
                                           choice=rng.randrange(len(question.option_list)), **group))
    rng.shuffle(rows)
    return rows


def seed_demo_voice(session, hcpa: User, manager: User, today: date) -> int:
    """Returns how many polls were added."""
    if session.scalar(select(Poll.id).where(Poll.title == CLOSED_TITLE)) is not None:
        return 0
    rng = random.Random(2026)
    workplaces = list(session.scalars(select(Workplace).order_by(Workplace.id)))
    home = next(w for w in manager.workplaces if w.name == "Verulam House")
    others = [w for w in workplaces if w.id != home.id][:12]
    closed = Poll(title=CLOSED_TITLE, intro="Do you get the breaks you need on a shift?", status=PollStatus.closed,
                  opens_on=today - timedelta(days=40), closes_on=today - timedelta(days=12), created_by_id=hcpa.id,
                  invitations_sent_on=today - timedelta(days=40))
    closed.questions = [
        PollQuestion(position=1, kind=QuestionKind.scale, text="How well do your breaks let you rest?"),
        PollQuestion(position=2, kind=QuestionKind.single_choice, text="Do you usually get your full break?",
                     options="Always\nMost shifts\nSometimes\nRarely"),
        PollQuestion(position=3, kind=QuestionKind.free_text, text="What would make breaks better?"),
    ]
    session.add(closed)
    session.flush()
    session.add_all(_answers(closed, [home], rng, 7) + _answers(closed, others, rng, 3))
    text_question = closed.questions[2]
    group = {"district_id": home.district_id, "service_type_id": home.service_type_id, "workplace_id": home.id}
    session.add_all([
        PollAnswer(poll_id=closed.id, question_id=text_question.id, text="A quiet room away from the floor.",
                   moderation=Moderation.approved, **group),
        PollAnswer(poll_id=closed.id, question_id=text_question.id,
                   text="When the agency staff do not turn up we lose our breaks.", moderation=Moderation.waiting,
                   **group),
    ])
    open_poll = Poll(title="Travel between visits", intro="For everyone: how do you get between visits and homes?",
                     status=PollStatus.open, opens_on=today - timedelta(days=2), closes_on=today + timedelta(days=26),
                     created_by_id=hcpa.id, invitations_sent_on=today - timedelta(days=2))
    open_poll.questions = [
        PollQuestion(position=1, kind=QuestionKind.single_choice, text="How do you usually travel to work?",
                     options="Car\nBus or train\nBicycle\nOn foot"),
        PollQuestion(position=2, kind=QuestionKind.scale, text="How easy is getting to work?"),
        PollQuestion(position=3, kind=QuestionKind.free_text, text="Anything else about travel?"),
    ]
    session.add(open_poll)
    added = 2
    for quarters_back in (2, 1):
        start = quarter_start(quarter_start(today) - timedelta(days=1 + 92 * (quarters_back - 1)))
        quarter = quarter_of(start)
        if session.scalar(select(Poll.id).where(Poll.pulse_quarter == quarter)) is not None:
            continue
        pulse = Poll(title=f"How are you finding work? ({quarter.replace('-', ' ')})", kind=PollKind.pulse,
                     status=PollStatus.closed, opens_on=start, closes_on=start + timedelta(days=27),
                     pulse_quarter=quarter, invitations_sent_on=start)
        pulse.questions = [PollQuestion(position=1, kind=QuestionKind.scale, text=PULSE_QUESTION)]
        session.add(pulse)
        session.flush()
        session.add_all(_answers(pulse, [home], rng, 6) + _answers(pulse, workplaces, rng, 2))
        added += 1
    session.flush()
    return added
