"""The pipeline, called without a request: every allowed move works (with its conditions met),
every other move is refused, and the rules about who and why hold."""
import pytest

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from recruitment import pipeline
from recruitment.models import ReferralStatus, State, StateChange
from recruitment.pipeline import ACTIVE, allowed_moves, move
from tests import factories

# The whole table of moves, written out so a change to the rules shows up here.
EXPECTED = {
    State.draft: {State.submitted, State.withdrawn},
    State.submitted: {State.screening},
    State.screening: {State.values_assessed},
    State.values_assessed: {State.checks},
    State.checks: {State.ready_to_refer},
    State.ready_to_refer: {State.referred},
    State.referred: {State.interviewing, State.ready_to_refer},
    State.interviewing: {State.offered, State.ready_to_refer},
    State.offered: {State.placed, State.ready_to_refer},
    State.placed: set(),
    State.withdrawn: set(),
    State.not_progressed: set(),
}
for _state in ACTIVE:
    EXPECTED[_state] = EXPECTED[_state] | {State.withdrawn, State.not_progressed, State.on_hold}

ALLOWED = [(a, b) for a, targets in EXPECTED.items() for b in sorted(targets, key=lambda s: s.value)]
REFUSED = [(a, b) for a in EXPECTED for b in State if b not in EXPECTED[a] and a != State.on_hold]
# Referral outcomes that take an applicant back to ready_to_refer, by the state they leave.
BACK_TO_READY = {State.referred: ReferralStatus.declined, State.interviewing: ReferralStatus.unsuccessful,
                 State.offered: ReferralStatus.offer_declined}


def _set_up(from_state, to_state):
    """An application in from_state with whatever to_state needs; returns (application, who moves)."""
    app_ = factories.application_at(from_state) if from_state != State.draft else \
        factories.application(state=State.draft)
    staff = factories.user(Role.hcpa_staff)
    referral = app_.open_referral
    if to_state in (State.submitted, State.withdrawn):
        return app_, app_.user
    if to_state == State.values_assessed:
        factories.values_assessment(app_)
    elif to_state == State.ready_to_refer and from_state == State.checks:
        factories.complete_checks(app_)
    elif to_state == State.ready_to_refer:
        referral.status = BACK_TO_READY[from_state]
    elif to_state == State.referred:
        factories.referral(app_, factories.vacancy(factories.workplace()))
    elif to_state == State.interviewing:
        referral.status = ReferralStatus.interview_arranged
    elif to_state == State.offered:
        referral.status = ReferralStatus.offered
    elif to_state == State.placed:
        _placement_row(app_, referral)
    db.session.commit()
    db.session.refresh(app_)
    return app_, staff


def _placement_row(app_, referral):
    from recruitment.models import Placement

    job = factories.employment(referral.vacancy.workplace, who=factories.person(user_account=app_.user))
    db.session.add(Placement(application=app_, referral=referral, employment=job, start_date=job.start_date,
                             placed_by_id=factories.user(Role.hcpa_staff).id))


def test_the_table_of_moves_is_the_documented_one(ctx):
    for state, targets in EXPECTED.items():
        app_ = factories.application(state=state)
        assert allowed_moves(app_) == targets, state


@pytest.mark.parametrize("from_state,to_state", ALLOWED, ids=[f"{a.value}->{b.value}" for a, b in ALLOWED])
def test_every_allowed_move_is_made_and_recorded(ctx, from_state, to_state):
    app_, by = _set_up(from_state, to_state)
    change = move(db.session, app_, to_state, by, reason="Reason given")
    assert app_.state == to_state
    recorded = db.session.get(StateChange, change.id)
    assert (recorded.from_state, recorded.to_state, recorded.by_id) == (from_state, to_state, by.id)
    assert recorded.reason == "Reason given" and recorded.occurred_at is not None


@pytest.mark.parametrize("from_state,to_state", REFUSED, ids=[f"{a.value}->{b.value}" for a, b in REFUSED])
def test_every_other_move_is_refused(ctx, from_state, to_state):
    app_ = factories.application(state=from_state)
    staff = factories.user(Role.hcpa_staff)
    with pytest.raises(Invalid):
        move(db.session, app_, to_state, staff, reason="Trying anyway")
    db.session.rollback()
    assert db.session.get(type(app_), app_.id).state == from_state
    assert db.session.query(StateChange).count() == 0


def test_on_hold_resumes_only_where_it_was(ctx):
    app_ = factories.application_at(State.checks)
    staff = factories.user(Role.hcpa_staff)
    move(db.session, app_, State.on_hold, staff, reason="Applicant on holiday for a month")
    assert app_.held_from == State.checks
    assert allowed_moves(app_) == {State.checks, State.withdrawn, State.not_progressed}
    with pytest.raises(Invalid):
        move(db.session, app_, State.ready_to_refer, staff)
    move(db.session, app_, State.checks, staff)
    assert app_.state == State.checks and app_.held_from is None


def test_placing_someone_never_referred_is_refused(ctx):
    staff = factories.user(Role.hcpa_staff)
    for state in (State.submitted, State.ready_to_refer):
        with pytest.raises(Invalid):
            move(db.session, factories.application_at(state), State.placed, staff)
    with pytest.raises(Invalid, match="Record the placement"):
        move(db.session, factories.application_at(State.offered), State.placed, staff)


def test_conditions_are_checked_not_just_the_table(ctx):
    staff = factories.user(Role.hcpa_staff)
    screening = factories.application_at(State.screening)
    with pytest.raises(Invalid, match="values assessment that passes"):
        move(db.session, screening, State.values_assessed, staff)
    factories.values_assessment(screening, score=1)
    with pytest.raises(Invalid, match="values assessment that passes"):
        move(db.session, screening, State.values_assessed, staff)
    with pytest.raises(Invalid, match="Refer the applicant"):
        move(db.session, factories.application_at(State.ready_to_refer), State.referred, staff)
    with pytest.raises(Invalid, match="interview date"):
        move(db.session, factories.application_at(State.referred), State.interviewing, staff)
    with pytest.raises(Invalid, match="Close the open referral"):
        move(db.session, factories.application_at(State.referred), State.ready_to_refer, staff)


def test_a_draft_with_questions_unanswered_cannot_be_sent(ctx):
    app_ = factories.application(state=State.draft, answer_courage=None)
    with pytest.raises(Invalid, match="Answer every question"):
        move(db.session, app_, State.submitted, app_.user)


def test_not_progressed_and_on_hold_need_a_reason(ctx):
    staff = factories.user(Role.hcpa_staff)
    for state in (State.not_progressed, State.on_hold):
        with pytest.raises(Invalid, match="Give a reason"):
            move(db.session, factories.application_at(State.screening), state, staff, reason="  ")


def test_only_the_applicant_sends_or_withdraws_and_only_staff_screen(ctx):
    app_ = factories.application_at(State.submitted)
    staff = factories.user(Role.hcpa_staff)
    with pytest.raises(NotAllowed):
        move(db.session, app_, State.withdrawn, staff)
    with pytest.raises(NotAllowed):
        move(db.session, app_, State.withdrawn, factories.user(Role.applicant))
    with pytest.raises(NotAllowed):
        move(db.session, app_, State.screening, app_.user)
    with pytest.raises(NotAllowed):
        move(db.session, app_, State.screening, factories.manager())


def test_a_manager_moves_only_their_own_referrals(ctx):
    home = factories.workplace()
    app_ = factories.application_at(State.referred, at_vacancy=factories.vacancy(home))
    app_.open_referral.status = ReferralStatus.interview_arranged
    with pytest.raises(NotAllowed):
        move(db.session, app_, State.interviewing, factories.manager(workplaces=[factories.workplace()]))
    move(db.session, app_, State.interviewing, factories.manager(workplaces=[home]))
    assert app_.state == State.interviewing


def test_withdrawing_closes_an_open_referral_and_emails_the_applicant(ctx, outbox):
    app_ = factories.application_at(State.referred)
    move(db.session, app_, State.withdrawn, app_.user, reason="Found another job")
    assert app_.referrals[-1].status == ReferralStatus.withdrawn
    db.session.commit()  # the test is the owner of this unit of work: the email goes at its commit
    assert outbox[-1]["To"] == app_.user.email and "withdrawn" in outbox[-1]["Subject"]


def test_a_move_whose_gate_was_never_registered_is_refused_not_let_through(ctx, monkeypatch):
    monkeypatch.setattr(pipeline, "_gates", {})
    app_ = factories.application(state=State.draft)
    with pytest.raises(RuntimeError, match="recruitment.journey has not registered its gate"):
        move(db.session, app_, State.submitted, app_.user)
