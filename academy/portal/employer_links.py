"""Linking a starter to a worker's own training passport, only with the worker's consent.

A manager who records a starter always gets a record of the workplace's own (a new Person).
When the email typed belongs to a passport owner (an active care worker's account), a request is
made and the worker is emailed; nothing of theirs is shared until they accept (or HCPA staff link
it on their behalf). Accepting moves the workplace's employment, and what it recorded, onto the
worker's own Person: from then the workplace is a current employer and sees the passport, the same
scope as a share link. The manager sees the same page whether or not the email has an account.

Plain functions taking `session` first; they raise Invalid / NotAllowed with messages for the page.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import joinedload

from academy.auth.access import STAFF_ROLES, Invalid, NotAllowed, refuse
from academy.auth.models import Role, User
from academy.extensions import utcnow
from academy.mail import public_url, send_mail
from academy.portal.access import require_manager
from academy.portal.models import EmployerLinkRequest, LinkState
from academy.workplaces.models import Employment, Person


def passport_owner(session, email: str | None) -> User | None:
    """The active, confirmed care worker's account with this email address (they own a passport), if any.
    An unconfirmed account proves nothing about who holds the address, so it is never asked."""
    email = (email or "").strip().lower()
    if not email:
        return None
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or user.role != Role.care_worker or not user.is_active_account or not user.email_confirmed:
        return None
    return user


def ask_to_link(session, employment: Employment, by: User, email: str | None) -> EmployerLinkRequest:
    """Record a request to link the starter `employment` to the passport of whoever owns `email`.

    Made whether or not anyone does, so the workplace's pages are the same either way; only a
    passport owner is asked (see `tell_worker`)."""
    request = EmployerLinkRequest(employment=employment, user=passport_owner(session, email),
                                  requested_by_id=by.id, state=LinkState.pending)
    session.add(request)
    return request


def tell_worker(request: EmployerLinkRequest) -> None:
    """Email the worker asked (if any) a link to the request in their account."""
    if request.user is None:
        return
    workplace = request.employment.workplace
    service = current_app.config["SERVICE_NAME"]
    link = public_url("training.link_request", request_id=request.id)
    send_mail(request.user.email, f"{workplace.name} has asked to link your training passport",
              f"{workplace.name} ({workplace.town}) has recorded you as starting work there and asked to link "
              f"your {service} training passport to their staff record.\n\n"
              "If you accept, their managers will see your training passport while you work there. If you do not "
              "work there, or do not want to share your passport, decline the request: they will see only what "
              "they record themselves.\n\n"
              f"See the request and answer it (sign in first):\n{link}\n")


# --- finding requests ---------------------------------------------------------------------------

def pending_for(session, user: User) -> list[EmployerLinkRequest]:
    """The worker's requests waiting for an answer, oldest first."""
    return list(session.scalars(select(EmployerLinkRequest).where(
        EmployerLinkRequest.user_id == user.id, EmployerLinkRequest.state == LinkState.pending)
        .options(joinedload(EmployerLinkRequest.employment).joinedload(Employment.workplace))
        .order_by(EmployerLinkRequest.id)))


def get_link_request_or_404(session, request_id: int, for_user: User) -> EmployerLinkRequest:
    """A request asked of a passport owner: the worker asked sees their own, HCPA staff and admins
    any (to link it on the worker's behalf); anyone else's, or a request to nobody, is a 404."""
    request = session.get(EmployerLinkRequest, request_id)
    if request is None or request.user_id is None or (
            for_user.role not in STAFF_ROLES and request.user_id != for_user.id):
        refuse(404, for_user, ("EmployerLinkRequest", request_id))
    return request


def latest_for(employment: Employment) -> EmployerLinkRequest | None:
    """The workplace's latest request for this employment (what its staff page shows)."""
    return employment.link_requests[-1] if employment.link_requests else None


def waiting_query():
    """HCPA's list: requests to passport owners (active care workers) still waiting for an answer, oldest first."""
    return (select(EmployerLinkRequest).where(EmployerLinkRequest.state == LinkState.pending,
                                              EmployerLinkRequest.user.has(User.is_active_account),
                                              EmployerLinkRequest.user.has(User.role == Role.care_worker))
            .options(joinedload(EmployerLinkRequest.user),
                     joinedload(EmployerLinkRequest.employment).joinedload(Employment.workplace))
            .order_by(EmployerLinkRequest.id))


# --- answers ------------------------------------------------------------------------------------

def _still_pending(request: EmployerLinkRequest) -> None:
    if request.state != LinkState.pending:
        raise Invalid(f"This request has already been answered ({request.state.value.lower()})")


def _decide(request: EmployerLinkRequest, state: LinkState, by: User, now: datetime | None) -> None:
    request.state, request.decided_at, request.decided_by_id = state, now or utcnow(), by.id


def accept(session, request: EmployerLinkRequest, by: User, now: datetime | None = None) -> Person:
    """The worker accepts: the workplace's employment moves onto their own passport."""
    if request.user_id != by.id:
        raise NotAllowed("Only the worker asked can answer this request")
    _still_pending(request)
    return _link(session, request, by, now)


def link_on_behalf(session, request: EmployerLinkRequest, by: User, now: datetime | None = None) -> Person:
    """HCPA staff link the worker's passport for them (the worker is told by email)."""
    if by.role not in STAFF_ROLES:
        raise NotAllowed("Only HCPA staff can link a passport on a worker's behalf")
    _still_pending(request)
    if request.user is None or not request.user.is_active_account or request.user.role != Role.care_worker:
        raise Invalid("This account can no longer be linked")
    return _link(session, request, by, now)


def decline(session, request: EmployerLinkRequest, by: User, now: datetime | None = None) -> None:
    """The worker declines: the workplace keeps only its own record."""
    if request.user_id != by.id:
        raise NotAllowed("Only the worker asked can answer this request")
    _still_pending(request)
    _decide(request, LinkState.declined, by, now)
    session.flush()


def cancel(session, request: EmployerLinkRequest, by: User, now: datetime | None = None) -> None:
    """The workplace's manager withdraws the request."""
    require_manager(by, request.employment.workplace)
    _still_pending(request)
    _decide(request, LinkState.cancelled, by, now)
    session.flush()


def tell_linked_on_behalf(request: EmployerLinkRequest) -> None:
    workplace = request.employment.workplace
    send_mail(request.user.email, f"Your training passport is now linked to {workplace.name}",
              f"HCPA staff have linked your training passport to {workplace.name} ({workplace.town}) on your "
              "behalf. Its managers now see your training passport while you work there.\n\n"
              "If you did not ask for this, contact HCPA straight away.\n")


def _link(session, request: EmployerLinkRequest, by: User, now: datetime | None) -> Person:
    worker = _own_person(session, request.user)
    placeholder = request.employment.person
    if placeholder.id == worker.id:
        raise Invalid("This record is already linked to the passport")
    if placeholder.user_id is not None:
        raise Invalid("This staff record belongs to another account")
    _decide(request, LinkState.accepted, by, now)
    session.flush()
    merge_into(session, placeholder, worker)
    return worker


def _own_person(session, user: User) -> Person:
    person = session.scalar(select(Person).where(Person.user_id == user.id))
    if person is None:
        person = Person(full_name=user.full_name, email=user.email, user=user)
        session.add(person)
        session.flush()
    return person


def merge_into(session, source: Person, target: Person) -> dict[str, int]:
    """Move everything the workplace recorded on its own Person `source` onto the worker's `target`,
    then remove `source`. A Care Certificate induction of a version the worker already has stays
    theirs (the workplace's copy is dropped, counted in the result)."""
    from academy.tiers.models import CpaMembership, TierAward, TierEndorsementRequest
    from training.models import (
        CareCertificateInduction, Passport, PassportShare, Qualification, SentReminder, TrainingRecord,
    )

    moved = {}
    for model in (Employment, TrainingRecord, Qualification, TierAward):
        result = session.execute(update(model).where(model.person_id == source.id).values(person_id=target.id),
                                 execution_options={"synchronize_session": False})
        moved[model.__tablename__] = result.rowcount
    held = set(session.scalars(select(CareCertificateInduction.version)
                               .where(CareCertificateInduction.person_id == target.id)))
    dropped = 0
    for induction in session.scalars(select(CareCertificateInduction)
                                     .where(CareCertificateInduction.person_id == source.id)).all():
        if induction.version in held:
            session.delete(induction)
            dropped += 1
        else:
            induction.person_id = target.id
    session.flush()
    moved["inductions_dropped"] = dropped
    if session.scalar(select(CpaMembership.id).where(CpaMembership.person_id == target.id)) is None:
        session.execute(update(CpaMembership).where(CpaMembership.person_id == source.id)
                        .values(person_id=target.id), execution_options={"synchronize_session": False})
    asked = set(session.scalars(select(TierEndorsementRequest.tier_number)
                                .where(TierEndorsementRequest.person_id == target.id)))
    session.execute(update(TierEndorsementRequest).where(TierEndorsementRequest.person_id == source.id,
                                                         TierEndorsementRequest.tier_number.not_in(asked or {-1}))
                    .values(person_id=target.id), execution_options={"synchronize_session": False})
    passports = select(Passport.id).where(Passport.person_id == source.id)
    for model, where in ((PassportShare, PassportShare.passport_id.in_(passports)),
                         (Passport, Passport.person_id == source.id),
                         (SentReminder, SentReminder.person_id == source.id),
                         (TierEndorsementRequest, TierEndorsementRequest.person_id == source.id),
                         (CpaMembership, CpaMembership.person_id == source.id),
                         (Person, Person.id == source.id)):
        session.execute(delete(model).where(where), execution_options={"synchronize_session": False})
    session.expire_all()
    return moved
