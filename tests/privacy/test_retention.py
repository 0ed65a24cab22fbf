"""Retention: unsuccessful or withdrawn applications are anonymised after the retention period,
exactly at the boundary, once only, keeping the outcome funnel's numbers the same."""
from datetime import date, datetime, timedelta, timezone

import pandas as pd
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, update

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.outcomes.metrics import compute_funnel, snapshot_dates
from academy.privacy.models import Redaction
from academy.privacy.retention import (
    PERSONAL_COLUMNS, cutoff, funnel_applications, placed_due_for_anonymisation, retention_job, run_retention,
)
from recruitment.models import (
    Application, Note, Referral, SaferRecruitmentCheck, State, StateChange, ValuesAssessment,
)
from tests import factories
from tests.helpers import path_of, text

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
BOUNDARY = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)  # exactly 6 months before NOW


def history(app_, *moves):
    """StateChange rows: (to_state, moment) in order, ending in the application's state."""
    previous = None
    for state, moment in moves:
        db.session.add(StateChange(application_id=app_.id, from_state=previous, to_state=state, occurred_at=moment,
                                   reason=f"reason for {state.value} about Jo"))
        previous = state
    db.session.commit()


def age(app_, moment: datetime, moves: bool = True) -> None:
    """Make `moment` the last activity on the application and everything hanging off it."""
    i = app_.id
    db.session.execute(update(Application).where(Application.id == i)
                       .values(updated_at=moment, state_changed_at=moment))
    if moves:
        db.session.execute(update(StateChange).where(StateChange.application_id == i).values(occurred_at=moment))
    for model in (Note, SaferRecruitmentCheck, ValuesAssessment, Referral):
        db.session.execute(update(model).where(model.application_id == i).values(updated_at=moment))
    db.session.commit()
    db.session.expire_all()


def unsuccessful(state=State.not_progressed, with_cv=True):
    """An application that reached checks (assessment, checks, a note, a CV) and then ended."""
    from recruitment.cv import cv_folder

    app_ = factories.application_at(State.ready_to_refer)
    factories.referral(app_, factories.vacancy(factories.workplace()), decline_reason="Jo's shifts did not fit",
                       match_concerns="Needs weekends, which they cannot work", note_to_manager="Jo can start soon",
                       interview_place="Jo's video link")
    db.session.add(Note(application_id=app_.id, author_id=factories.user(Role.hcpa_staff).id, text="Jo sounded keen"))
    if with_cv:
        name = f"cv{app_.id}.pdf"
        (cv_folder() / name).write_bytes(b"%PDF-1.4 Jo's CV")
        app_.cv_stored_name, app_.cv_original_name, app_.cv_kind, app_.cv_size = name, "jo.pdf", "pdf", 16
    app_.state = state
    db.session.commit()
    history(app_, (State.submitted, NOW), (State.screening, NOW), (State.values_assessed, NOW), (state, NOW))
    return app_


def test_the_boundary_is_exactly_the_retention_period(ctx, app):
    assert cutoff(NOW, 6) == BOUNDARY
    at_boundary = unsuccessful()
    just_inside = unsuccessful(State.withdrawn)
    age(at_boundary, BOUNDARY)
    age(just_inside, BOUNDARY + timedelta(seconds=1))

    result = run_retention(db.session, now=NOW)

    assert result.applications_anonymised == 1 and result.cv_files_deleted == 1
    db.session.expire_all()
    assert db.session.get(Application, at_boundary.id).full_name is None
    kept = db.session.get(Application, just_inside.id)
    assert kept.full_name is not None and kept.checks is not None and kept.notes


def test_any_later_activity_counts_not_just_the_state_change(ctx, app):
    app_ = unsuccessful()
    age(app_, BOUNDARY - timedelta(days=30))
    db.session.execute(update(Note).where(Note.application_id == app_.id)
                       .values(updated_at=BOUNDARY + timedelta(days=1)))
    db.session.commit()
    assert run_retention(db.session, now=NOW).applications_anonymised == 0
    assert run_retention(db.session, now=NOW + timedelta(days=2)).applications_anonymised == 1


def test_anonymisation_removes_personal_data_and_keeps_dates_and_states(ctx, app):
    from recruitment.cv import cv_folder

    app_ = unsuccessful()
    cv_file = cv_folder() / app_.cv_stored_name
    submitted, district_id, user_id = app_.submitted_at, app_.district_id, app_.user_id
    age(app_, BOUNDARY - timedelta(days=1))

    run_retention(db.session, now=NOW)
    db.session.expire_all()
    done = db.session.get(Application, app_.id)

    assert all(getattr(done, name) is None for name in PERSONAL_COLUMNS)
    assert done.service_types == []
    assert not cv_file.exists()
    assert done.notes == [] and done.checks is None and done.assessments == []
    assert db.session.scalar(select(func.count()).select_from(ValuesAssessment)) == 0
    assert db.session.scalar(select(func.count()).select_from(SaferRecruitmentCheck)) == 0
    # Kept: what the funnel needs.
    assert done.state == State.not_progressed and done.submitted_at == submitted
    assert done.district_id == district_id and done.user_id == user_id
    assert [c.to_state for c in done.history] == [State.submitted, State.screening, State.values_assessed,
                                                  State.not_progressed]
    assert all(c.reason is None for c in done.history)
    assert all(r.decline_reason is None and r.match_reasons is None for r in done.referrals)
    assert all(r.match_concerns is None and r.note_to_manager is None and r.interview_place is None
               for r in done.referrals)
    assert db.session.scalar(select(Redaction.reason).where(Redaction.record_id == app_.id)) == "retention"


def test_running_again_changes_nothing(ctx, app):
    app_ = unsuccessful()
    age(app_, BOUNDARY - timedelta(days=1))
    assert run_retention(db.session, now=NOW).applications_anonymised == 1
    updated = db.session.get(Application, app_.id).updated_at
    again = run_retention(db.session, now=NOW + timedelta(days=31))
    assert again.applications_anonymised == 0 and again.cv_files_deleted == 0
    db.session.expire_all()
    assert db.session.get(Application, app_.id).updated_at == updated
    assert db.session.scalar(select(func.count()).select_from(Redaction)) == 1


def test_placed_and_active_applications_are_not_touched(ctx, app):
    placed = factories.placement().application
    active = factories.application_at(State.ready_to_refer)
    for app_ in (placed, active):
        age(app_, BOUNDARY - timedelta(days=400))
    assert run_retention(db.session, now=NOW).applications_anonymised == 0
    db.session.expire_all()
    assert db.session.get(Application, placed.id).full_name is not None
    assert db.session.get(Application, active.id).checks is not None


def placed_and_left(leaving: date):
    """A placed person (checks, an assessment, a follow-up with comments) who left on `leaving`."""
    from recruitment.models import FollowUp, FollowUpPoint

    app_ = factories.application_at(State.offered)
    factories.values_assessment(app_)
    placement = factories.placement(app_, start=leaving - timedelta(days=400), leaving=leaving)
    db.session.add(FollowUp(placement_id=placement.id, point=FollowUpPoint.month_1, due_on=placement.start_date,
                            settled_rating=4, comments="Jo loves the night shifts", support_wanted="Driving lessons"))
    db.session.commit()
    age(app_, BOUNDARY - timedelta(days=3000))  # activity long ago does not matter: the employment does
    return app_


def test_a_placed_persons_record_follows_the_employment_record(ctx, app):
    """Kept in full while employed; anonymised on the 6th anniversary of leaving, not a day before."""
    from academy.workplaces.models import Employment
    from recruitment.models import FollowUp, Placement

    today = NOW.date()
    still_employed = factories.placement().application
    age(still_employed, BOUNDARY - timedelta(days=4000))
    left_on_the_boundary = placed_and_left(date(2020, 12, 1))
    left_a_day_later = placed_and_left(date(2020, 12, 2))
    assert placed_due_for_anonymisation(db.session, today) == [left_on_the_boundary.id]

    result = run_retention(db.session, now=NOW)

    assert result.placed_anonymised == 1 and result.applications_anonymised == 0 and result.drafts_deleted == 0
    db.session.expire_all()
    done = db.session.get(Application, left_on_the_boundary.id)
    assert all(getattr(done, name) is None for name in PERSONAL_COLUMNS)
    assert done.checks is None and done.assessments == [] and done.state == State.placed
    placement = db.session.scalar(select(Placement).where(Placement.application_id == done.id))
    assert placement.start_date == date(2020, 12, 1) - timedelta(days=400)
    assert db.session.get(Employment, placement.employment_id).leaving_date == date(2020, 12, 1)
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.placement_id == placement.id))
    assert follow_up.comments is None and follow_up.support_wanted is None and follow_up.settled_rating == 4
    for kept_id in (still_employed.id, left_a_day_later.id):
        kept = db.session.get(Application, kept_id)
        assert kept.full_name is not None and kept.checks is not None
    assert not placed_due_for_anonymisation(db.session, today)  # recorded: never done twice
    assert run_retention(db.session, now=NOW + timedelta(days=1)).placed_anonymised == 1  # the later leaver


def test_the_employment_period_comes_from_the_configuration(ctx, app):
    app_ = placed_and_left(date(2024, 1, 1))
    assert run_retention(db.session, now=NOW).placed_anonymised == 0
    app.config["EMPLOYMENT_RECORD_RETENTION_YEARS"] = 2
    try:
        assert placed_due_for_anonymisation(db.session, NOW.date()) == [app_.id]
    finally:
        app.config["EMPLOYMENT_RECORD_RETENTION_YEARS"] = 6


def draft(with_cv=True):
    from recruitment.cv import cv_folder

    app_ = factories.application(State.draft, answer_care=None)
    if with_cv:
        name = f"draft{app_.id}.pdf"
        (cv_folder() / name).write_bytes(b"%PDF-1.4 Sam's CV")
        app_.cv_stored_name, app_.cv_original_name, app_.cv_kind, app_.cv_size = name, "sam.pdf", "pdf", 17
        db.session.commit()
    return app_


def test_an_unsent_draft_is_deleted_only_after_its_owner_was_warned(ctx, app, outbox):
    from academy.auth.models import User
    from recruitment.cv import cv_folder

    old, recent = draft(), draft(with_cv=False)
    old_file, owner = cv_folder() / old.cv_stored_name, old.user
    age(old, BOUNDARY)  # due now
    age(recent, BOUNDARY + timedelta(days=40))  # due after the next monthly run
    sent = unsuccessful(State.withdrawn, with_cv=False)
    age(sent, BOUNDARY + timedelta(days=60))  # a sent application is never deleted as a draft
    changed = db.session.get(Application, old.id).updated_at

    first = run_retention(db.session, now=NOW)

    assert first.drafts_deleted == 0 and first.drafts_warned == 1 and first.applications_anonymised == 0
    mail = outbox[-1]
    assert mail["To"] == owner.email and mail["Subject"] == "Your unsent application will be deleted"
    body = mail.get_content()
    assert "last changed on 1 June 2026" in body and "on or after 15 December 2026" in body  # 14 days' notice
    assert "/recruitment/apply" in body and "That keeps it for another 6 months" in body
    assert "Your account stays" in body
    db.session.expire_all()
    assert db.session.get(Application, old.id).updated_at == changed  # the warning is not activity
    assert old_file.exists()
    next_day = run_retention(db.session, now=NOW + timedelta(days=1))
    assert next_day.drafts_warned == 0 and next_day.drafts_deleted == 0  # told once; a day is not notice enough

    next_month = run_retention(db.session, now=NOW + relativedelta(months=1))

    assert next_month.drafts_deleted == 1 and next_month.cv_files_deleted == 1
    assert next_month.drafts_warned == 1  # the recent one is due before the run after
    db.session.expire_all()
    assert db.session.get(Application, old.id) is None and not old_file.exists()
    assert db.session.get(User, owner.id).is_active_account  # the account stays: they can start again
    assert db.session.get(Application, recent.id).phone == "07700 900982"
    assert db.session.get(Application, sent.id).full_name is not None
    assert outbox[-1]["To"] == recent.user.email


def test_a_change_after_the_warning_keeps_the_draft_and_restarts_the_clock(ctx, app, outbox):
    kept = draft(with_cv=False)
    age(kept, BOUNDARY)
    assert run_retention(db.session, now=NOW).drafts_warned == 1
    db.session.execute(update(Application).where(Application.id == kept.id)  # the owner saves an answer
                       .values(updated_at=NOW + timedelta(days=3)))
    db.session.commit()
    assert run_retention(db.session, now=NOW + relativedelta(months=1)).drafts_deleted == 0
    six = run_retention(db.session, now=NOW + relativedelta(months=6))
    assert six.drafts_deleted == 0 and six.drafts_warned == 1  # warned again, about the new date
    assert "on or after 15 June 2027" in outbox[-1].get_content()  # 14 days after this warning
    assert run_retention(db.session, now=NOW + relativedelta(months=7)).drafts_deleted == 1


def test_opening_the_draft_from_the_warning_keeps_it(client, app, outbox):
    from tests.helpers import links_in

    kept = draft(with_cv=False)
    age(kept, BOUNDARY)
    assert run_retention(db.session, now=NOW).drafts_warned == 1
    link = next(url for url in links_in(outbox[-1]) if "/recruitment/apply" in url)
    client.sign_in(kept.user)
    page = client.get(path_of(link), follow_redirects=True)
    assert page.status_code == 200 and "Your application will be kept" in text(page)
    db.session.expire_all()
    opened = db.session.get(Application, kept.id)
    assert opened.draft_warned_at is None and opened.updated_at > NOW
    assert run_retention(db.session, now=NOW + relativedelta(months=1)).drafts_deleted == 0
    assert "Your application will be kept" not in text(client.get("/recruitment/apply", follow_redirects=True))


def test_a_draft_whose_warning_could_not_be_sent_is_not_deleted(ctx, app, monkeypatch):
    from academy import mail
    from academy.jobs import JobsUnavailable

    waiting = draft(with_cv=False)
    age(waiting, BOUNDARY - timedelta(days=90))

    def down(*args, **kwargs):
        raise JobsUnavailable("down")

    monkeypatch.setattr(mail, "send_mail", down)
    assert run_retention(db.session, now=NOW).drafts_warned == 0
    assert run_retention(db.session, now=NOW + relativedelta(months=1)).drafts_deleted == 0
    monkeypatch.undo()
    again = run_retention(db.session, now=NOW + relativedelta(months=2))
    assert again.drafts_warned == 1 and again.drafts_deleted == 0
    assert db.session.get(Application, waiting.id) is not None


def test_a_sent_application_is_never_deleted_as_a_draft(ctx, app):
    from academy.privacy.retention import delete_draft

    sent = factories.application()
    try:
        delete_draft(db.session, sent)
    except ValueError as error:
        assert "anonymised, not deleted" in str(error)
    else:
        raise AssertionError("a sent application was deleted")
    db.session.rollback()
    assert db.session.get(Application, sent.id) is not None


def test_the_period_comes_from_the_configuration(ctx, app):
    app_ = unsuccessful()
    age(app_, NOW - timedelta(days=100))
    assert run_retention(db.session, now=NOW).applications_anonymised == 0
    app.config["APPLICATION_RETENTION_MONTHS"] = 3
    try:
        assert run_retention(db.session, now=NOW).applications_anonymised == 1
    finally:
        app.config["APPLICATION_RETENTION_MONTHS"] = 6


def test_the_monthly_job_runs_through_the_jobs_queue_and_is_audited(ctx, app):
    from academy.jobs import enqueue

    app_ = unsuccessful()
    age(app_, datetime.now(timezone.utc) - timedelta(days=200))
    old_draft = draft(with_cv=False)
    age(old_draft, datetime.now(timezone.utc) - timedelta(days=200))
    job = enqueue(retention_job, description="Retention")
    assert job.return_value() == {"applications_anonymised": 1, "placed_anonymised": 0, "drafts_deleted": 0,
                                  "drafts_warned": 1, "cv_files_deleted": 1}
    assert db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "ran_retention")) == \
        "applications=1 placed=0 drafts=0 warned=1"
    assert enqueue(retention_job).return_value() == {"applications_anonymised": 0, "placed_anonymised": 0,
                                                     "drafts_deleted": 0, "drafts_warned": 0, "cv_files_deleted": 0}


def test_the_job_is_registered_monthly_with_rq_cron():
    import fakeredis
    from rq.cron import CronScheduler

    scheduler = CronScheduler(connection=fakeredis.FakeRedis())
    scheduler.load_config_from_file("academy/jobs_cron.py")
    jobs = {job.func_name: job for job in scheduler._cron_jobs}
    job = jobs["academy.privacy.retention.retention_job"]
    assert job.cron == "30 3 1 * *" and job.queue_name == "default"


def test_the_outcome_funnel_is_the_same_after_anonymisation(ctx, app):
    """Funnel numbers from compute_funnel before and after the retention job are identical."""
    day = lambda d: datetime(2026, 1, 1, 9, tzinfo=timezone.utc) + timedelta(days=d)  # noqa: E731
    ended = []
    for n in range(6):
        app_ = unsuccessful(State.withdrawn if n % 2 else State.not_progressed, with_cv=n < 2)
        db.session.execute(StateChange.__table__.delete().where(StateChange.application_id == app_.id))
        moves = [(State.submitted, day(n)), (State.screening, day(n + 3))]
        if n % 3:
            moves.append((State.values_assessed, day(n + 10)))
        if n == 4:
            moves += [(State.checks, day(n + 12)), (State.ready_to_refer, day(n + 20)), (State.referred, day(n + 21))]
        moves.append((app_.state, day(n + 30)))
        history(app_, *moves)
        db.session.execute(update(Application).where(Application.id == app_.id).values(submitted_at=day(n)))
        db.session.commit()
        ended.append(app_)
    placed = factories.placement(start=date(2026, 3, 1))
    history(placed.application, (State.submitted, day(2)), (State.screening, day(4)), (State.values_assessed, day(9)),
            (State.referred, day(20)), (State.placed, day(40)))
    db.session.execute(update(Application).where(Application.id == placed.application_id).values(submitted_at=day(2)))
    db.session.commit()
    for app_ in ended:
        age(app_, day(60), moves=False)  # the history above stays as it is (all before day 60)

    dates = snapshot_dates(date(2026, 1, 1), date(2026, 11, 30))
    before_frame = funnel_applications(db.session)
    before = compute_funnel(before_frame, dates)

    result = run_retention(db.session, now=NOW)

    assert result.applications_anonymised == 6
    after_frame = funnel_applications(db.session)
    pd.testing.assert_frame_equal(before_frame, after_frame)
    pd.testing.assert_frame_equal(before, compute_funnel(after_frame, dates))
    latest = before[before["date"] == before["date"].max()].set_index("metric")
    assert latest.loc["gcr_applications", "numerator"] == 7
    assert latest.loc["gcr_placed", "numerator"] == 1
    assert db.session.scalar(select(func.count()).select_from(Application).where(Application.full_name.is_(None))) == 6


def test_pages_still_work_for_an_anonymised_application(client, app):
    from tests.helpers import Client

    app_ = unsuccessful()
    age(app_, BOUNDARY - timedelta(days=1))
    run_retention(db.session, now=NOW)
    owner = Client(app)
    owner.sign_in(app_.user)
    assert owner.get("/recruitment/").status_code == 200
    client.sign_in(factories.user(Role.hcpa_staff))
    assert client.get(f"/recruitment/applications/{app_.id}").status_code == 200
    assert client.get("/recruitment/screening?state=not_progressed").status_code == 200
    assert client.get(f"/recruitment/applications/{app_.id}/checks").status_code == 200


def test_the_command_runs_the_retention_now_or_says_what_is_due(ctx, app):
    app_ = unsuccessful()
    age(app_, datetime.now(timezone.utc) - timedelta(days=200))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert dry.exit_code == 0 and "1 applications are due for anonymisation, 0 placed" in dry.output
    assert "0 unsent drafts are due for deletion, 0 owners of unsent drafts are due a warning" in dry.output
    assert db.session.get(Application, app_.id).full_name is not None
    done = runner.invoke(args=["privacy", "retention"])
    assert done.exit_code == 0
    assert "1 applications anonymised, 0 placed people's applications anonymised, 0 unsent drafts deleted, " \
           "0 owners of unsent drafts warned, 1 CV files deleted" in done.output
    assert runner.invoke(args=["privacy", "retention"]).output.startswith("0 applications anonymised")
