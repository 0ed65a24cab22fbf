"""Demo recognition (development only), called from academy/demo.py: three award categories, last
year's round (closed) in which the demo care worker won Care worker of the year, this year's round
(open) with a nomination, a thank-you from the demo manager, and the worker's choice to show them,
so their passport (page and PDF) and HCPA's round pages have something to show. Idempotent."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from academy.auth.models import User
from academy.recognition.models import (
    AwardCategory, AwardRound, Nomination, NominationStatus, RecognitionChoice, Thanks,
)

CATEGORIES = (("Care worker of the year", "A care or support worker who makes a difference every day."),
              ("Rising star", "Someone in their first two years in care."),
              ("Team of the year", "A team that pulls together for the people it supports."))


def _category(session, name: str, description: str) -> AwardCategory:
    category = session.scalar(select(AwardCategory).where(AwardCategory.name == name))
    if category is None:
        category = AwardCategory(name=name, description=description)
        session.add(category)
    return category


def _round(session, name: str, closes_on: date) -> AwardRound:
    award_round = session.scalar(select(AwardRound).where(AwardRound.name == name))
    if award_round is None:
        award_round = AwardRound(name=name, closes_on=closes_on)
        session.add(award_round)
    return award_round


def _nominate(session, award_round, category, person, by: User, reason: str, status: NominationStatus) -> None:
    session.flush()
    if session.scalar(select(Nomination.id).where(Nomination.round_id == award_round.id,
                                                  Nomination.category_id == category.id,
                                                  Nomination.person_id == person.id)) is None:
        session.add(Nomination(round=award_round, category=category, person=person, nominated_by_id=by.id,
                               reason=reason, status=status))


def seed_demo_recognition(session, care_worker: User, manager: User, today: date) -> None:
    person = care_worker.person
    categories = {name: _category(session, name, description) for name, description in CATEGORIES}
    last_year = _round(session, f"Hertfordshire Care Awards {today.year - 1}",
                       min(date(today.year - 1, 10, 31), today - timedelta(days=1)))
    this_year = _round(session, f"Hertfordshire Care Awards {today.year}", today + timedelta(days=90))
    if person is None:
        session.flush()
        return
    _nominate(session, last_year, categories["Care worker of the year"], person, manager,
              "Casey learnt every resident's favourite song and sings them on the night shift.", NominationStatus.winner)
    _nominate(session, this_year, categories["Rising star"], person, manager,
              "Casey mentored three new starters through their Care Certificate this year.", NominationStatus.nominated)
    if session.scalar(select(Thanks.id).where(Thanks.person_id == person.id)) is None:
        workplace = next((e.workplace for e in person.employments
                          if any(w.id == e.workplace_id for w in manager.workplaces)), None)
        session.add(Thanks(person=person, from_user_id=manager.id, from_name=manager.full_name, workplace=workplace,
                           message="Thank you for staying late to sit with Mrs B on her birthday."))
    if session.scalar(select(RecognitionChoice.id).where(RecognitionChoice.person_id == person.id)) is None:
        session.add(RecognitionChoice(person_id=person.id, show_on_passport=True))
    session.flush()
