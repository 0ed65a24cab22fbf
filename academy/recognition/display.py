"""What recognition shows where: the worker's own account page always lists their thanks; the
passport (own, shared, manager's) and the CPA profile show awards and thanks only when the worker
has chosen to (hidden by default)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from academy.auth.access import NotAllowed
from academy.auth.models import User
from academy.recognition.awards import awards_of
from academy.recognition.models import Nomination, RecognitionChoice, Thanks
from academy.recognition.thanks import thanks_for
from academy.workplaces.models import Person


@dataclass
class Recognition:
    awards: list[Nomination] = field(default_factory=list)
    thanks: list[Thanks] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.awards or self.thanks)


def shows_on_passport(session, person: Person) -> bool:
    return bool(session.scalar(select(RecognitionChoice.show_on_passport)
                               .where(RecognitionChoice.person_id == person.id)))


def set_choice(session, person: Person, show: bool, by: User) -> RecognitionChoice:
    """Only the worker chooses whether their awards and thanks show on passport and profile."""
    if person.user_id != by.id:
        raise NotAllowed("Only the worker can choose where their awards and thanks show")
    choice = session.scalar(select(RecognitionChoice).where(RecognitionChoice.person_id == person.id))
    if choice is None:
        choice = RecognitionChoice(person_id=person.id)
        session.add(choice)
    choice.show_on_passport = bool(show)
    session.flush()
    return choice


def recognition_of(session, person: Person) -> Recognition:
    """Everything, for the worker themself."""
    return Recognition(awards_of(session, person), thanks_for(session, person))


def shown_recognition(session, person: Person) -> Recognition:
    """What others (and the passport) may see: nothing unless the worker chose to show it."""
    if not shows_on_passport(session, person):
        return Recognition()
    return recognition_of(session, person)
