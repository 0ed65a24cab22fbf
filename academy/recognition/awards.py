"""Hertfordshire Care Awards: HCPA staff set categories and rounds (with closing dates); anyone
signed in nominates a CPA member whose profile is visible for a category of an open round; HCPA
staff shortlist nominations and record winners, and the worker is emailed of each."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from academy.auth.access import Invalid, NotAllowed, get_record_for_roles_or_404
from academy.auth.models import Role, User
from academy.mail import send_mail
from academy.recognition.models import AwardCategory, AwardRound, Nomination, NominationStatus
from academy.tiers.membership import find_visible
from academy.tiers.models import CpaMembership
from academy.workplaces.models import Person

RUNS_AWARDS = (Role.hcpa_staff,)
NAME_SEARCH_LIMIT = 20


class NominationProblem(Invalid):
    """A nomination refused; `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def _require_hcpa(user: User, doing: str) -> None:
    if user.role not in RUNS_AWARDS:
        raise NotAllowed(f"Only HCPA staff can {doing}")


def _clean_name(name: str | None, what: str) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid(f"Enter the {what}'s name")
    if len(name) > 120:
        raise Invalid(f"The {what}'s name must be 120 characters or fewer")
    return name


def categories(session) -> list[AwardCategory]:
    return list(session.scalars(select(AwardCategory).order_by(AwardCategory.name)))


def rounds(session) -> list[AwardRound]:
    return list(session.scalars(select(AwardRound).order_by(AwardRound.closes_on.desc(), AwardRound.id.desc())))


def open_rounds(session, on: date | None = None) -> list[AwardRound]:
    on = on or date.today()
    return list(session.scalars(select(AwardRound).where(AwardRound.closes_on >= on).order_by(AwardRound.closes_on)))


def add_category(session, name: str, description: str | None, by: User) -> AwardCategory:
    _require_hcpa(by, "set award categories")
    name = _clean_name(name, "category")
    if session.scalar(select(AwardCategory.id).where(AwardCategory.name == name)) is not None:
        raise Invalid(f"There is already a category called {name}")
    category = AwardCategory(name=name, description=(description or "").strip() or None)
    session.add(category)
    session.flush()
    return category


def add_round(session, name: str, closes_on: date | None, by: User, today: date | None = None) -> AwardRound:
    _require_hcpa(by, "set award rounds")
    name = _clean_name(name, "round")
    if closes_on is None:
        raise Invalid("Enter the closing date")
    if closes_on < (today or date.today()):
        raise Invalid("The closing date must be today or in the future")
    if session.scalar(select(AwardRound.id).where(AwardRound.name == name)) is not None:
        raise Invalid(f"There is already a round called {name}")
    award_round = AwardRound(name=name, closes_on=closes_on)
    session.add(award_round)
    session.flush()
    return award_round


def get_round_or_404(session, round_id: int, for_user: User) -> AwardRound:
    """A round, for HCPA staff (who see every round); anyone else is refused."""
    return get_record_for_roles_or_404(session, round_id, for_user, model=AwardRound, roles=RUNS_AWARDS)


def get_nomination_or_404(session, nomination_id: int, for_user: User) -> Nomination:
    """A nomination, for HCPA staff; anyone else is refused."""
    return get_record_for_roles_or_404(session, nomination_id, for_user, model=Nomination, roles=RUNS_AWARDS)


def find_nominees(session, name: str) -> list[CpaMembership]:
    """CPA members whose profile is visible and whose name contains `name` (at most 20)."""
    name = (name or "").strip()
    if len(name) < 2:
        return []
    return list(session.scalars(
        select(CpaMembership).join(Person, Person.id == CpaMembership.person_id)
        .options(joinedload(CpaMembership.person))
        .where(CpaMembership.profile_visible.is_(True), Person.full_name.icontains(name, autoescape=True))
        .order_by(Person.full_name, Person.id).limit(NAME_SEARCH_LIMIT)))


def nominate(session, award_round: AwardRound | None, category: AwardCategory | None, member_number: str,
             reason: str, by: User, on: date | None = None) -> Nomination:
    """Nominate the member with this number (their profile visible) for `category` of an open round."""
    on = on or date.today()
    if award_round is None:
        raise NominationProblem("Choose an awards round that is open for nominations", "round_id")
    if not award_round.is_open(on):
        raise NominationProblem(f"Nominations for {award_round.name} closed on {award_round.closes_on:%-d %B %Y}",
                                "round_id")
    if category is None:
        raise NominationProblem("Choose an award category", "category_id")
    member = find_visible(session, member_number)
    if member is None:
        raise NominationProblem("Enter the CPA member number of a member whose profile is visible, "
                                "like CPA-000123", "member_number")
    if member.person.user_id is not None and member.person.user_id == by.id:
        raise NominationProblem("You cannot nominate yourself", "member_number")
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise NominationProblem("Say why you are nominating them, in at least 20 characters", "reason")
    if len(reason) > 3000:
        raise NominationProblem("The reason must be 3,000 characters or fewer", "reason")
    already = session.scalar(select(Nomination.id).where(
        Nomination.round_id == award_round.id, Nomination.category_id == category.id,
        Nomination.person_id == member.person_id, Nomination.nominated_by_id == by.id))
    if already is not None:
        raise NominationProblem(f"You have already nominated {member.person.full_name} for {category.name} "
                                "in this round", "member_number")
    nomination = Nomination(round=award_round, category=category, person=member.person, nominated_by_id=by.id,
                            reason=reason, status=NominationStatus.nominated)
    session.add(nomination)
    session.flush()
    return nomination


def nominations_by_category(session, award_round: AwardRound) -> dict[AwardCategory, list[Nomination]]:
    """The round's nominations grouped by category (categories by name, people by name), one query."""
    rows = session.scalars(
        select(Nomination).join(Nomination.category).join(Nomination.person)
        .options(joinedload(Nomination.category), joinedload(Nomination.person), joinedload(Nomination.nominated_by))
        .where(Nomination.round_id == award_round.id)
        .order_by(AwardCategory.name, Person.full_name, Nomination.id))
    grouped: dict[AwardCategory, list[Nomination]] = defaultdict(list)
    for nomination in rows:
        grouped[nomination.category].append(nomination)
    return dict(grouped)


def shortlist(session, nomination: Nomination, by: User) -> Nomination:
    _require_hcpa(by, "shortlist nominations")
    if nomination.status != NominationStatus.nominated:
        raise Invalid(f"{nomination.person.full_name} is already {nomination.status.value.lower()}")
    nomination.status = NominationStatus.shortlisted
    session.flush()
    _tell(nomination.person, f"You have been shortlisted: {nomination.category.name}",
          f"you have been shortlisted for the Hertfordshire Care Awards {nomination.round.name}, "
          f"category {nomination.category.name}. Congratulations.")
    return nomination


def record_winner(session, nomination: Nomination, by: User) -> Nomination:
    _require_hcpa(by, "record winners")
    if nomination.status != NominationStatus.shortlisted:
        raise Invalid("Only a shortlisted nomination can win: shortlist it first"
                      if nomination.status == NominationStatus.nominated
                      else f"{nomination.person.full_name} has already won this category")
    nomination.status = NominationStatus.winner
    session.flush()
    _tell(nomination.person, f"You have won: {nomination.category.name}",
          f"you have won the Hertfordshire Care Awards {nomination.round.name}, category "
          f"{nomination.category.name}. Congratulations.")
    return nomination


def awards_of(session, person: Person) -> list[Nomination]:
    """The person's shortlistings and wins, newest round first (plain nominations are not shown)."""
    return list(session.scalars(
        select(Nomination).join(Nomination.round)
        .options(joinedload(Nomination.round), joinedload(Nomination.category))
        .where(Nomination.person_id == person.id,
               Nomination.status.in_([NominationStatus.shortlisted, NominationStatus.winner]))
        .order_by(AwardRound.closes_on.desc(), Nomination.id)))


def _tell(person: Person, subject: str, sentence: str) -> None:
    to = person.user.email if person.user is not None else person.email
    if not to:
        return
    send_mail(to, subject, f"Dear {person.full_name},\n\n{sentence[0].upper()}{sentence[1:]}\n\n"
              "Sign in to choose whether your awards show on your training passport and profile.")
