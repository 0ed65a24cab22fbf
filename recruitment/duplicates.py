"""Likely duplicate applications: finding them, the HCPA list, "not a duplicate", and merging two.

An application matches another when they share a matching key (recruitment/duplicate_keys.py):
the same email address (Gmail's dots and +tags ignored), the same UK mobile number, or the same
name and postcode. Keys are indexed columns of the application, so finding the matches of one
application is one indexed query. Matches are found when an application is sent, when the
applicant changes their contact details afterwards, and by `rescan` (the command `flask recruitment
find-duplicates`, for applications already sent), and recorded as `PossibleDuplicate` pairs for
HCPA staff; the applicant is never blocked and is told nothing different.

Merging keeps one application and closes the other as a pointer (state `merged`,
`merged_into_id`): the other's state history, notes, values assessments and referrals (with their
interviews) move to the kept one, each marked `merged_from_id`, keeping who recorded it and when.
Its safer-recruitment checks and CV never move: they stay on the other application (HCPA reads them
from there, linked from the kept one's page), so an account that was merged into never holds
another account's checks. A moved record still belongs to the person of the application it came
from (`merged_from_id`): their "Your data" export and an erasure of their account follow it
(academy/privacy). See `merge` for what is refused and docs/recruitment.md for the rules.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified

from academy.auth.access import STAFF_ROLES, Invalid, NotAllowed, refuse
from academy.auth.models import User
from academy.extensions import utcnow
from recruitment.models import (
    Application, DuplicateStatus, Note, PossibleDuplicate, Referral, State, StateChange,
    ValuesAssessment,
)
from recruitment.pipeline import flush_or_conflict

NOT_MATCHED = (State.draft, State.merged)
"""Applications never matched: drafts (not sent yet) and those already merged away."""
KEYS = (("email_key", "same_email"), ("mobile_key", "same_mobile"), ("name_postcode_key", "same_name_postcode"))
"""Each matching key of the application and the pair's flag that says it matched."""
CLOSED = (State.withdrawn, State.not_progressed)
"""Ended without a placement: such an application is never kept over one still in progress."""


def require_staff(user: User) -> None:
    if user.role not in STAFF_ROLES:
        raise NotAllowed("Only HCPA staff can deal with duplicate applications")


# Finding -----------------------------------------------------------------------------------------

@dataclass(slots=True)
class Match:
    """Another application that looks like the same person, and which keys matched."""

    application: Application
    same_email: bool
    same_mobile: bool
    same_name_postcode: bool


def find_matches(session, application: Application) -> list[Match]:
    """Sent, unmerged applications sharing a key with `application` (one indexed query), oldest first."""
    wanted = [(getattr(Application, column), getattr(application, column), flag) for column, flag in KEYS
              if getattr(application, column)]
    if not wanted:
        return []
    statement = (select(Application)
                 .where(Application.id != application.id, Application.state.not_in(NOT_MATCHED),
                        or_(*(column == value for column, value, _ in wanted)))
                 .order_by(Application.id))
    matches = []
    for other in session.scalars(statement).unique():
        flags = {flag: getattr(other, column.key) == value for column, value, flag in wanted}
        matches.append(Match(other, flags.get("same_email", False), flags.get("same_mobile", False),
                             flags.get("same_name_postcode", False)))
    return matches


def record_possible_duplicates(session, application: Application) -> list[PossibleDuplicate]:
    """Record (or refresh the reasons of) a pair for each match of this sent application. A pair
    HCPA has decided (not a duplicate, merged) is left as it is: it is never shown again. Flushes;
    returns the open pairs found."""
    if application.state in NOT_MATCHED:
        return []
    session.flush()  # the keys follow the latest answers (the model's listener runs on flush)
    matches = find_matches(session, application)
    if not matches:
        return []
    known = {pair.partner_of(application.id).id: pair for pair in session.scalars(
        select(PossibleDuplicate).where(_in_pair(application.id)))}
    found = []
    for match in matches:
        pair = known.get(match.application.id)
        if pair is None:
            low, high = sorted((application.id, match.application.id))
            pair = PossibleDuplicate(application_id=low, other_application_id=high, found_at=utcnow())
            _set_reasons(pair, match)
            try:
                with session.begin_nested():  # another request may record the same pair at the same moment
                    session.add(pair)
            except IntegrityError:
                continue
        elif pair.status == DuplicateStatus.open:
            _set_reasons(pair, match)
        else:
            continue
        found.append(pair)
    session.flush()
    return found


@dataclass(slots=True)
class RescanResult:
    """What `rescan` looked at and found."""

    scanned: int
    """Sent, unmerged applications."""
    sharing_a_key: int
    """Of those, the ones sharing a matching key with another (each matched as on sending)."""
    new_pairs: int


RESCAN_BATCH = 500


def rescan(session) -> RescanResult:
    """Look for likely duplicates among every sent, unmerged application (`flask recruitment
    find-duplicates`): after an import, a change of the keys' rules, or pairs missed.

    One GROUP BY per key finds the key values more than one application shares; only those
    applications are matched, each by `record_possible_duplicates` (the rules used on sending: a
    pair HCPA decided is never re-opened, a known pair never recorded twice), loaded 500 at a time.
    So the queries grow with the likely duplicates, not with every application. Idempotent: a
    second run records nothing. Flushes; the caller commits.
    """
    matchable = Application.state.not_in(NOT_MATCHED)
    scanned = session.scalar(select(func.count()).select_from(Application).where(matchable))
    shared = []
    for key, _ in KEYS:
        column = getattr(Application, key)
        shared.append(column.in_(select(column).where(matchable, column.is_not(None))
                                 .group_by(column).having(func.count() > 1)))
    ids = list(session.scalars(select(Application.id).where(matchable, or_(*shared)).order_by(Application.id)))
    before = session.scalar(select(func.count()).select_from(PossibleDuplicate))
    for start in range(0, len(ids), RESCAN_BATCH):
        batch = session.scalars(select(Application).where(Application.id.in_(ids[start:start + RESCAN_BATCH]))
                                .order_by(Application.id))
        for application in batch.all():
            record_possible_duplicates(session, application)
    session.flush()
    after = session.scalar(select(func.count()).select_from(PossibleDuplicate))
    return RescanResult(scanned=scanned, sharing_a_key=len(ids), new_pairs=after - before)


def _set_reasons(pair: PossibleDuplicate, match: Match) -> None:
    pair.same_email, pair.same_mobile, pair.same_name_postcode = (
        match.same_email, match.same_mobile, match.same_name_postcode)


def open_pairs_query(application_id: int | None = None):
    """The open pairs for the staff list, newest found first (both applications and their
    accounts joined: a fixed number of queries per page); only those of one application when
    `application_id` is given (the screening queue's link for an application in several pairs)."""
    statement = select(PossibleDuplicate).where(PossibleDuplicate.status == DuplicateStatus.open)
    if application_id is not None:
        statement = statement.where(_in_pair(application_id))
    return statement.order_by(PossibleDuplicate.found_at.desc(), PossibleDuplicate.id.desc())


def _in_pair(application_id: int):
    return or_(PossibleDuplicate.application_id == application_id,
               PossibleDuplicate.other_application_id == application_id)


@dataclass(frozen=True, slots=True)
class OpenPair:
    """An open pair as a list row's tag needs it: the pair and the other application, by id only."""

    pair_id: int
    other_application_id: int

    @classmethod
    def of(cls, pair: PossibleDuplicate, application_id: int) -> OpenPair:
        other = pair.other_application_id if pair.application_id == application_id else pair.application_id
        return cls(pair.id, other)


def open_pairs_by_application(session, application_ids) -> dict[int, list[OpenPair]]:
    """The open pairs of each of these applications (a page of the screening queue), oldest pair
    first, in one query however many rows the page shows; an application in none is left out."""
    ids = list(application_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(PossibleDuplicate.id, PossibleDuplicate.application_id, PossibleDuplicate.other_application_id)
        .where(PossibleDuplicate.status == DuplicateStatus.open,
               or_(PossibleDuplicate.application_id.in_(ids), PossibleDuplicate.other_application_id.in_(ids)))
        .order_by(PossibleDuplicate.id))
    wanted, found = set(ids), {}
    for pair_id, low, high in rows:
        for this, other in ((low, high), (high, low)):
            if this in wanted:
                found.setdefault(this, []).append(OpenPair(pair_id, other))
    return found


def open_pairs_for(session, application: Application) -> list[PossibleDuplicate]:
    """The open pairs this application is in (the warning on its page): one query."""
    return list(session.scalars(
        select(PossibleDuplicate)
        .where(PossibleDuplicate.status == DuplicateStatus.open, _in_pair(application.id))
        .order_by(PossibleDuplicate.id)).unique())


def merged_into_this(session, application: Application) -> list[Application]:
    """The applications merged into this one (pointers to it), oldest merge first, with the
    checks that stayed on them (the kept one's page links to them)."""
    return list(session.scalars(select(Application).where(Application.merged_into_id == application.id)
                                .options(selectinload(Application.checks), joinedload(Application.merged_by))
                                .order_by(Application.merged_at, Application.id)).unique())


def about_the_person(model, application_id: int):
    """Condition on `model` (StateChange, Note, ValuesAssessment, Referral: the records a merge moves)
    for the rows about the person of application `application_id`: recorded on it and not merged
    in from another application, or moved from it to the application it was merged into. Subject
    access and erasure (academy/privacy) follow it, so a merge never hands one account's records
    to another."""
    return or_(and_(model.application_id == application_id, model.merged_from_id.is_(None)),
               model.merged_from_id == application_id)


def get_pair_or_404(session, pair_id: int, for_user: User) -> PossibleDuplicate:
    """A possible-duplicate pair, for HCPA staff (a counted 404 for anyone else)."""
    if for_user.role not in STAFF_ROLES:
        refuse(404, for_user, ("PossibleDuplicate", pair_id))
    pair = session.get(PossibleDuplicate, pair_id, options=[joinedload(PossibleDuplicate.decided_by)])
    if pair is None:
        abort(404)
    return pair


# Deciding ----------------------------------------------------------------------------------------

def _require_open(pair: PossibleDuplicate) -> None:
    if pair.status != DuplicateStatus.open:
        raise Invalid(f"This pair has already been dealt with: {pair.status.value.lower()}")


def dismiss(session, pair: PossibleDuplicate, by: User) -> None:
    """"Not a duplicate": the pair is kept as dismissed, so it is never shown (or found) again."""
    require_staff(by)
    _require_open(pair)
    pair.status, pair.decided_by_id, pair.decided_at = DuplicateStatus.dismissed, by.id, utcnow()
    session.flush()


@dataclass(slots=True)
class MergePlan:
    """What a merge of `away` into `keep` would move (the confirmation page lists it)."""

    keep: Application
    away: Application
    history: int
    notes: int
    assessments: int
    referrals: int
    checks_stay: bool
    """The other has safer-recruitment checks: they stay on it (checks never move between accounts)."""
    cv_stays: bool
    """The other has a CV: it stays on it, as the checks do."""


def merge_problem(keep: Application, away: Application) -> str | None:
    """Why these two cannot be merged with `keep` kept, in words for the page; None if they can."""
    if keep.id == away.id:
        return "An application cannot be merged with itself"
    for application in (keep, away):
        if application.state == State.merged:
            return (f"Application {application.id} is already merged into application "
                    f"{application.merged_into_id}")
        if application.state == State.draft:
            return f"Application {application.id} has not been sent yet"
    if away.placement is not None and keep.placement is not None:
        return "Both applications have a placement: they are two people's jobs and cannot be merged"
    if away.placement is not None:
        return (f"Application {away.id} has a placement: keep that application instead "
                f"(the placed one must be the one kept)")
    if away.open_referral is not None and keep.open_referral is not None:
        return ("Both applications have an open referral: close one of the referrals first "
                "(a person is put forward for one job at a time)")
    if away.open_referral is not None:
        return (f"Application {away.id} has an open referral: keep that application instead, "
                f"or close its referral first")
    if keep.state in CLOSED and away.state not in CLOSED:
        return (f"Application {keep.id} is {keep.state.label.lower()} and application {away.id} is still "
                f"going: keep application {away.id} (the one in progress)")
    return None


def plan_merge(session, keep: Application, away: Application) -> MergePlan:
    """What `merge` would do (raises Invalid when it would be refused)."""
    problem = merge_problem(keep, away)
    if problem:
        raise Invalid(problem)
    return MergePlan(keep=keep, away=away, history=len(away.history), notes=len(away.notes),
                     assessments=len(away.assessments), referrals=len(away.referrals),
                     checks_stay=away.checks is not None, cv_stays=bool(away.cv_stored_name))


def plan_or_problem(session, keep: Application, away: Application) -> MergePlan | str:
    """What keeping `keep` would move, or why it cannot be kept (a sentence for the page)."""
    try:
        return plan_merge(session, keep, away)
    except Invalid as problem:
        return str(problem)


def merge(session, pair: PossibleDuplicate, keep: Application, by: User) -> MergePlan:
    """Merge the pair into `keep` (one of its two applications); cannot be undone.

    Moves the other application's state history, notes, values assessments and referrals (with
    their interview times) to `keep`, each keeping who recorded it and when and marked
    `merged_from_id`. Its safer-recruitment checks and CV never move: they stay on the other, which
    is kept as a pointer (state merged, `merged_into_id`) and linked from the kept one's page.
    The kept application's state, answers and account are unchanged; a note on it says what came
    from where (application numbers and counts only: nothing about the other person, since the
    note is on the kept account's record and in its own data export). The other's account is not
    told. Refused (Invalid) as `merge_problem` says.
    Flushes; the caller audits and its owner commits.
    """
    require_staff(by)
    _require_open(pair)
    if keep.id not in (pair.application_id, pair.other_application_id):
        raise Invalid("Choose one of the two applications to keep")
    away = pair.partner_of(keep.id)
    plan = plan_merge(session, keep, away)
    now = utcnow()
    _move_records(session, plan)
    change = StateChange(application_id=away.id, from_state=away.state, to_state=State.merged, by_id=by.id,
                         reason=f"Merged into application {keep.id}", occurred_at=now)
    session.add(change)
    away.state, away.state_changed_at, away.held_from, away.assigned_to_id = State.merged, now, None, None
    away.merged_into_id, away.merged_at, away.merged_by_id = keep.id, now, by.id
    session.add(Note(application_id=keep.id, author_id=by.id, text=_merge_note(plan)))
    flag_modified(keep, "updated_at")  # a new version: a form open on the kept application meets a conflict
    pair.status, pair.decided_by_id, pair.decided_at, pair.kept_application_id = (
        DuplicateStatus.merged, by.id, now, keep.id)
    _hand_over_pairs(session, pair, keep, away)
    flush_or_conflict(session)
    for application in (keep, away):
        session.expire(application, ["history", "notes", "assessments", "checks", "referrals", "placement"])
    return plan


def _move_records(session, plan: MergePlan) -> None:
    """Re-point the other's records at the kept application with bulk UPDATEs (values assessments
    are immutable to the ORM, and rightly: their scores never change; only whose application
    they belong to does, recorded in merged_from_id). Never the safer-recruitment checks or the CV."""
    keep, away = plan.keep, plan.away
    moved = {"application_id": keep.id, "merged_from_id": away.id}
    session.flush()
    session.execute(update(StateChange).where(StateChange.application_id == away.id).values(**moved)
                    .execution_options(synchronize_session=False))
    session.execute(update(Note).where(Note.application_id == away.id).values(**moved)
                    .execution_options(synchronize_session=False))
    session.execute(update(ValuesAssessment).where(ValuesAssessment.application_id == away.id).values(**moved)
                    .execution_options(synchronize_session=False))
    session.execute(update(Referral).where(Referral.application_id == away.id)
                    .values(**moved, version=Referral.version + 1).execution_options(synchronize_session=False))
    for application in (keep, away):
        session.expire(application, ["history", "notes", "assessments", "checks", "referrals"])


def _merge_note(plan: MergePlan) -> str:
    """What the merge did, by application number and counts only: no name, email or other detail
    of the other application's person (this note is on the kept account's record)."""
    away = plan.away
    moved = [f"{plan.history} history entries", f"{plan.notes} notes", f"{plan.assessments} values assessments",
             f"{plan.referrals} referrals"]
    text = (f"Application {away.id} was merged into this one. "
            f"Moved here, marked as from application {away.id}: {', '.join(moved)}.")
    stayed = [what for what, stays in (("safer-recruitment checks", plan.checks_stay), ("CV", plan.cv_stays))
              if stays]
    if stayed:
        text += f" Its {' and '.join(stayed)} stay on application {away.id}."
    return text


def _hand_over_pairs(session, merged: PossibleDuplicate, keep: Application, away: Application) -> None:
    """The merged-away application's other open pairs become the kept one's (or close, when the
    kept one is already paired with that application): a third record that looked like the same
    person still does."""
    others = list(session.scalars(select(PossibleDuplicate).where(
        PossibleDuplicate.id != merged.id, PossibleDuplicate.status == DuplicateStatus.open,
        _in_pair(away.id))))
    paired_with_keep = {pair.partner_of(keep.id).id for pair in session.scalars(select(PossibleDuplicate).where(
        _in_pair(keep.id)))}
    for pair in others:
        partner = pair.partner_of(away.id)
        if partner.id == keep.id or partner.id in paired_with_keep:
            pair.status, pair.decided_at, pair.kept_application_id = DuplicateStatus.merged, utcnow(), keep.id
            pair.decided_by_id = merged.decided_by_id
            continue
        pair.application_id, pair.other_application_id = sorted((keep.id, partner.id))
        paired_with_keep.add(partner.id)
