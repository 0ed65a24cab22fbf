"""Care Certificate induction: who may change what, completion when all standards are signed
off, the 12-week target, the 2015 version's validity, the six-month L2 certificate prompt."""
from datetime import date, timedelta

import pytest

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from tests import factories
from training.induction import (
    completed_within_target, is_overdue, l2_certificate_prompt_due, record_completed_certificate,
    set_standard_state, start_induction, valid_certificate,
)
from training.models import CertificateVersion, StandardState


@pytest.fixture
def team(ctx):
    workplace = factories.workplace()
    return factories.care_worker(workplace), factories.manager([workplace])


def _sign_off_all(induction, assessor, on):
    for progress in induction.standards:
        set_standard_state(db.session, induction, progress.standard_number, StandardState.signed_off, assessor, on=on)


def test_started_with_16_standards_and_a_12_week_target(team):
    worker, manager = team
    induction = start_induction(db.session, worker.person, date(2026, 1, 5), manager, today=date(2026, 1, 5))
    assert [p.standard_number for p in induction.standards] == list(range(1, 17))
    assert induction.target_on == date(2026, 3, 30)
    assert all(p.state == StandardState.not_started for p in induction.standards)


def test_completed_when_the_last_standard_is_signed_off(team):
    worker, manager = team
    induction = start_induction(db.session, worker.person, date(2026, 1, 5), manager, today=date(2026, 1, 5))
    for progress in induction.standards[:15]:
        set_standard_state(db.session, induction, progress.standard_number, StandardState.signed_off, manager,
                           on=date(2026, 2, 1))
    assert induction.completed_on is None
    set_standard_state(db.session, induction, 16, StandardState.completed, worker, on=date(2026, 3, 1))
    assert induction.completed_on is None  # knowledge alone is not enough
    set_standard_state(db.session, induction, 16, StandardState.signed_off, manager, on=date(2026, 3, 2))
    assert induction.completed_on == date(2026, 3, 2)
    assert completed_within_target(induction)
    signed = induction.standards[15]
    assert signed.signed_off_by_id == manager.id and signed.signed_off_at is not None
    # Reopening a standard undoes the completion.
    set_standard_state(db.session, induction, 16, StandardState.completed, manager, on=date(2026, 3, 3))
    assert induction.completed_on is None


def test_worker_records_knowledge_but_cannot_sign_off(team):
    worker, manager = team
    induction = start_induction(db.session, worker.person, date(2026, 1, 5), manager, today=date(2026, 1, 5))
    set_standard_state(db.session, induction, 1, StandardState.in_progress, worker, on=date(2026, 1, 6))
    set_standard_state(db.session, induction, 1, StandardState.completed, worker, on=date(2026, 1, 7))
    with pytest.raises(NotAllowed, match="assessor"):
        set_standard_state(db.session, induction, 1, StandardState.signed_off, worker, on=date(2026, 1, 8))
    set_standard_state(db.session, induction, 1, StandardState.signed_off, manager, on=date(2026, 1, 8))
    with pytest.raises(NotAllowed, match="signed off"):
        set_standard_state(db.session, induction, 1, StandardState.in_progress, worker, on=date(2026, 1, 9))


def test_only_their_managers_and_hcpa_start_and_assess(team):
    worker, manager = team
    stranger = factories.manager([factories.workplace()])
    with pytest.raises(NotAllowed):
        start_induction(db.session, worker.person, date(2026, 1, 5), stranger, today=date(2026, 1, 5))
    with pytest.raises(NotAllowed):
        start_induction(db.session, worker.person, date(2026, 1, 5), worker, today=date(2026, 1, 5))
    hcpa = factories.user(Role.hcpa_staff)
    induction = start_induction(db.session, worker.person, date(2026, 1, 5), hcpa, today=date(2026, 1, 5))
    with pytest.raises(NotAllowed):
        set_standard_state(db.session, induction, 2, StandardState.signed_off, stranger, on=date(2026, 1, 6))


def test_overdue_after_12_weeks_unless_completed(team):
    worker, manager = team
    induction = start_induction(db.session, worker.person, date(2026, 1, 5), manager, today=date(2026, 1, 5))
    assert not is_overdue(induction, date(2026, 3, 30))  # the target day itself
    assert is_overdue(induction, date(2026, 3, 31))
    _sign_off_all(induction, manager, date(2026, 4, 10))
    assert not is_overdue(induction, date(2026, 5, 1))
    assert induction.completed_on == date(2026, 4, 10) and not completed_within_target(induction)


def test_bad_dates_and_duplicates_refused(team):
    worker, manager = team
    with pytest.raises(Invalid, match="today or in the past"):
        start_induction(db.session, worker.person, date(2026, 2, 1), manager, today=date(2026, 1, 5))
    with pytest.raises(Invalid, match="Enter the date"):
        start_induction(db.session, worker.person, None, manager, today=date(2026, 1, 5))
    start_induction(db.session, worker.person, date(2026, 1, 5), manager, today=date(2026, 1, 5))
    with pytest.raises(Invalid, match="already has"):
        start_induction(db.session, worker.person, date(2026, 1, 6), manager, today=date(2026, 1, 6))


def test_2015_completion_before_august_2025_stays_valid(team):
    worker, manager = team
    old = record_completed_certificate(db.session, worker.person, CertificateVersion.v2015, date(2025, 7, 31),
                                       manager, today=date(2026, 6, 1))
    assert len(old.standards) == 15 and old.completed_on == date(2025, 7, 31)
    assert valid_certificate([old]) is old


def test_2015_version_cannot_be_completed_or_started_after_july_2025(team):
    worker, manager = team
    with pytest.raises(Invalid, match="31 July 2025"):
        record_completed_certificate(db.session, worker.person, CertificateVersion.v2015, date(2025, 8, 1),
                                     manager, today=date(2026, 6, 1))
    with pytest.raises(Invalid, match="31 July 2025"):
        start_induction(db.session, worker.person, date(2025, 9, 1), manager, version=CertificateVersion.v2015,
                        today=date(2026, 6, 1))


def test_2015_induction_in_progress_cannot_be_finished_after_july_2025(team):
    worker, manager = team
    induction = start_induction(db.session, worker.person, date(2025, 6, 1), manager,
                                version=CertificateVersion.v2015, today=date(2025, 6, 1))
    set_standard_state(db.session, induction, 1, StandardState.signed_off, manager, on=date(2025, 7, 1))
    with pytest.raises(Invalid, match="2025 version"):
        set_standard_state(db.session, induction, 2, StandardState.signed_off, manager, on=date(2025, 8, 2))


def test_2025_version_not_before_march_2025(team):
    worker, manager = team
    with pytest.raises(Invalid, match="1 March 2025"):
        record_completed_certificate(db.session, worker.person, CertificateVersion.v2025, date(2025, 2, 28),
                                     manager, today=date(2026, 6, 1))


def test_l2_certificate_prompt_at_six_months_in_post(ctx):
    worker = factories.employment(factories.workplace()).person
    assert not l2_certificate_prompt_due(date(2026, 1, 31), [], date(2026, 7, 30))
    assert l2_certificate_prompt_due(date(2026, 1, 31), [], date(2026, 7, 31))
    assert l2_certificate_prompt_due(date(2025, 8, 31), [], date(2026, 2, 28))  # month-end clamp
    enrolled = factories.qualification(worker, "l2_adult_social_care_certificate", status="enrolled")
    assert not l2_certificate_prompt_due(date(2025, 1, 1), [enrolled], date(2026, 7, 31))
