"""Managers' thanks: a manager thanks one of their own staff; it shows on the worker's account
page (always) and on their passport and profile if they choose (academy/recognition/display.py)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from academy.auth.access import Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.mail import send_mail
from academy.recognition.models import Thanks
from academy.workplaces.models import Person
from training.people import current_employments, is_on_staff_of, staff_people


def can_thank(session, user: User, person: Person) -> bool:
    """Only a manager of a workplace where the person currently works, and not themself."""
    return user.role == Role.manager and person.user_id != user.id and is_on_staff_of(session, user, person)


def get_thankable_person_or_404(session, person_id: int, for_user: User) -> Person:
    """One of the manager's own staff; anyone else's is a 404 (never reveal they exist)."""
    person = session.get(Person, person_id)
    if person is None or not can_thank(session, for_user, person):
        refuse(404, for_user, ("Person", person_id))
    return person


def thankable_staff(session, manager: User) -> list[Person]:
    return [p for p in staff_people(session, manager) if p.user_id != manager.id]


def thank(session, person: Person, message: str, by: User, on: date | None = None) -> Thanks:
    if not can_thank(session, by, person):
        raise NotAllowed("You can only thank staff of your own workplaces")
    message = (message or "").strip()
    if not message:
        raise Invalid("Enter your thank-you message")
    if len(message) > 2000:
        raise Invalid("The message must be 2,000 characters or fewer")
    managed = {w.id for w in by.workplaces}
    jobs = current_employments(session, [person.id], on).get(person.id, [])
    workplace = next((e.workplace for e in jobs if e.workplace_id in managed), None)
    thanks = Thanks(person=person, from_user_id=by.id, from_name=by.full_name, workplace=workplace, message=message)
    session.add(thanks)
    session.flush()
    to = person.user.email if person.user is not None else person.email
    if to:
        place = f" at {workplace.name}" if workplace is not None else ""
        send_mail(to, f"{by.full_name} says thank you",
                  f"Dear {person.full_name},\n\n{by.full_name}{place} has sent you a thank-you:\n\n{message}\n\n"
                  "Sign in to see it on your account page.")
    return thanks


def thanks_for(session, person: Person) -> list[Thanks]:
    return list(session.scalars(select(Thanks).where(Thanks.person_id == person.id)
                                .order_by(Thanks.created_at.desc(), Thanks.id.desc())))


def thanks_for_user(session, user: User) -> list[Thanks]:
    """The thanks sent to this account's person (none when they have no workforce record)."""
    person = getattr(user, "person", None)
    return thanks_for(session, person) if person is not None else []
