"""The application pipeline: which moves are allowed, who may make them, and the record of each.

submitted -> screening -> values_assessed -> checks -> ready_to_refer -> referred ->
interviewing -> offered -> placed, with exits withdrawn (by the applicant), not_progressed
(with a reason) and on_hold (with a reason; resumes to where it was). A referral declined or an
interview or offer that comes to nothing returns the applicant to ready_to_refer. The state
merged (a duplicate merged into another application) is set only by recruitment/duplicates.py's
merge, never by a move here, and no move leaves it.

This module sits below the ones that use it: the evidence some moves need belongs to other
modules (the journey's answers, screening's values assessment, the safer-recruitment checks),
which register a gate for the move with `@gate(...)` when imported. The pipeline imports none
of them.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm.exc import StaleDataError

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role, User
from academy.extensions import utcnow
from recruitment.models import Application, ReferralStatus, State, StateChange

ACTIVE = (State.submitted, State.screening, State.values_assessed, State.checks, State.ready_to_refer,
          State.referred, State.interviewing, State.offered)
FORWARD = {
    State.draft: {State.submitted},
    State.submitted: {State.screening},
    State.screening: {State.values_assessed},
    State.values_assessed: {State.checks},
    State.checks: {State.ready_to_refer},
    State.ready_to_refer: {State.referred},
    State.referred: {State.interviewing, State.ready_to_refer},
    State.interviewing: {State.offered, State.ready_to_refer},
    State.offered: {State.placed, State.ready_to_refer},
}
REFERRAL_MOVES = {State.interviewing, State.offered}
"""Moves a workplace's manager makes (through the referral), as well as HCPA staff."""
NEEDS_REASON = {State.not_progressed, State.on_hold}
STAFF = (Role.hcpa_staff, Role.admin)


Gate = Callable[[Application], "str | None"]
"""A condition on a move: given the application (still where it is), why it may not move yet, or None."""

GATE_OWNERS = {
    State.submitted: "recruitment.journey",  # every question answered
    State.values_assessed: "recruitment.screening",  # a values assessment that passes
    State.ready_to_refer: "recruitment.checks",  # (from checks) every safer-recruitment check complete
}
"""Who registers the gate for these moves. A move whose owner has not registered (its module was
never imported) is refused, never let through unchecked."""
_gates: dict[State, list[Gate]] = {}


def gate(to_state: State) -> Callable[[Gate], Gate]:
    """Register the decorated `rule(application) -> refusal or None` as a condition on moves to `to_state`."""

    def register(rule: Gate) -> Gate:
        _gates.setdefault(to_state, []).append(rule)
        return rule

    return register


class Conflict(Invalid):
    """Someone else changed the record since the page was loaded."""


CONFLICT_MESSAGE = ("Someone else changed this application while you were looking at it. "
                    "Check the latest details below and try again.")


def allowed_moves(application: Application) -> set[State]:
    """Every state the application may move to next from where it is (rules aside)."""
    state = application.state
    if state == State.on_hold:
        return {application.held_from, State.withdrawn, State.not_progressed} - {None}
    moves = set(FORWARD.get(state, set()))
    if state == State.draft:
        moves.add(State.withdrawn)
    if state in ACTIVE:
        moves |= {State.withdrawn, State.not_progressed, State.on_hold}
    return moves


def check_version(record, seen_version) -> None:
    """Refuse to act on a record someone else has changed since the form was shown."""
    try:
        seen = int(seen_version)
    except (TypeError, ValueError):
        raise Conflict(CONFLICT_MESSAGE) from None
    if seen != record.version:
        raise Conflict(CONFLICT_MESSAGE)


def move(session, application: Application, to_state: State, by: User, reason: str | None = None,
         tell: bool = True) -> StateChange:
    """Move the application to `to_state`, recording who, when and why; email the applicant
    (unless `tell` is False: the caller sends its own message). Flushes; the caller's owner commits.

    Raises Invalid for a move the pipeline does not allow (or whose conditions are not met)
    and NotAllowed when `by` may not make it.
    """
    reason = (reason or "").strip() or None
    if to_state not in allowed_moves(application):
        raise Invalid(f"An application that is {application.state.label.lower()} cannot be moved to "
                      f"{to_state.label.lower()}")
    _check_who(application, to_state, by)
    if to_state in NEEDS_REASON and not reason:
        raise Invalid(f"Give a reason for moving the application to {to_state.label.lower()}")
    _check_conditions(session, application, to_state)
    change = StateChange(application=application, from_state=application.state, to_state=to_state,
                         by_id=by.id, reason=reason, occurred_at=utcnow())
    session.add(change)
    if to_state in (State.withdrawn, State.not_progressed) and application.open_referral is not None:
        application.open_referral.status = ReferralStatus.withdrawn
    application.held_from = application.state if to_state == State.on_hold else None
    application.state = to_state
    application.state_changed_at = change.occurred_at
    if to_state == State.submitted:
        application.submitted_at = change.occurred_at
    if tell:
        from recruitment.notify import tell_applicant

        tell_applicant(application, to_state)  # sent once the owner commits (academy.mail)
    flush_or_conflict(session)
    return change


def flush_or_conflict(session) -> None:
    """Flush (new rows get their ids); a versioned row changed by another request meanwhile is a
    Conflict (a message for the page), after a rollback (the failed flush leaves nothing usable)."""
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise Conflict(CONFLICT_MESSAGE) from None


def _check_who(application: Application, to_state: State, by: User) -> None:
    if to_state in (State.submitted, State.withdrawn):
        if by.id != application.user_id:
            raise NotAllowed("Only the applicant can send or withdraw their application")
        return
    if by.role in STAFF:
        return
    if to_state == State.interviewing and by.id == application.user_id:
        return  # booking one of the interview times offered (the gate: the referral has the interview)
    referral = application.referrals[-1] if application.referrals else None  # the one being acted on
    manages = referral is not None and by.role == Role.manager and any(
        w.id == referral.vacancy.workplace_id for w in by.workplaces)
    back_from_referral = to_state == State.ready_to_refer and application.state in (
        State.referred, State.interviewing, State.offered)
    if manages and (to_state in REFERRAL_MOVES or back_from_referral):
        return
    raise NotAllowed("Only HCPA staff can move applications through screening")


def _check_gates(application: Application, to_state: State) -> None:
    """The registered gates for this move (see GATE_OWNERS): the first refusal stops it."""
    rules = _gates.get(to_state, [])
    owner = GATE_OWNERS.get(to_state)
    if owner is not None and not any(rule.__module__ == owner for rule in rules):
        raise RuntimeError(f"{owner} has not registered its gate for moves to {to_state.name}: import it first")
    for rule in rules:
        refusal = rule(application)
        if refusal:
            raise Invalid(refusal)


def _check_conditions(session, application: Application, to_state: State) -> None:
    """The rules behind each move: the evidence the pipeline needs before it goes forward (the
    registered gates, then the referral and placement rules, which only need the application)."""
    _check_gates(application, to_state)
    if to_state == State.ready_to_refer and application.state != State.checks:
        if application.open_referral is not None:
            raise Invalid("Close the open referral first")
    elif to_state == State.referred:
        if application.open_referral is None:
            raise Invalid("Refer the applicant to a vacancy to move them to referred")
    elif to_state == State.interviewing:
        referral = application.open_referral
        if referral is None or referral.status != ReferralStatus.interview_arranged:
            raise Invalid("Record the interview date on the referral first")
    elif to_state == State.offered:
        referral = application.open_referral
        if referral is None or referral.status != ReferralStatus.offered:
            raise Invalid("Record the job offer on the referral first")
    elif to_state == State.placed:
        if application.placement is None:
            raise Invalid("Record the placement (start date) to move the applicant to placed")
