"""The safer-recruitment checks gate: referral waits for every required check, and says which."""
from datetime import date, timedelta

import pytest

from academy.auth.access import Invalid
from academy.auth.models import Role
from academy.extensions import db
from recruitment import checks
from recruitment.models import (
    CheckStatus, DbsStatus, HistoryStatus, ReferenceKind, ReferenceStatus, RightToWork, State,
)
from recruitment.pipeline import move
from tests import factories


def test_nothing_recorded_means_everything_is_missing():
    assert checks.missing_checks(None) == [
        "Identity and right to work", "Enhanced DBS with the adults' barred list", "Two satisfactory references",
        "Full employment history with gaps explained"]


def test_complete_checks_have_nothing_missing(ctx):
    assert checks.missing_checks(factories.complete_checks(factories.application_at(State.checks))) == []


@pytest.mark.parametrize("change,missing", [
    ({"identity_right_to_work": CheckStatus.in_progress}, "Identity and right to work"),
    ({"right_to_work_expires_on": date.today()}, "Right to work: their permission to work has ended"),
    ({"dbs_status": DbsStatus.applied}, "Enhanced DBS with the adults' barred list"),
    ({"dbs_barred_list_checked": False}, "Adults' barred list check"),
    ({"dbs_status": DbsStatus.information_disclosed}, "A risk assessment of the information the DBS disclosed"),
    ({"reference_2_status": ReferenceStatus.requested}, "Two satisfactory references"),
    ({"reference_1_status": ReferenceStatus.unsatisfactory}, "Two satisfactory references"),
    ({"reference_1_kind": ReferenceKind.previous_employer, "reference_2_kind": ReferenceKind.previous_employer},
     "A reference from the most recent employer (or a character reference for a first job)"),
    ({"employment_history": HistoryStatus.not_checked}, "Full employment history with gaps explained"),
    ({"employment_history": HistoryStatus.gaps_explained}, "The explanation of gaps in employment history"),
])
def test_each_missing_check_is_named(ctx, change, missing):
    record = factories.complete_checks(factories.application_at(State.checks), **change)
    assert checks.missing_checks(record) == [missing]


def test_disclosed_information_with_a_risk_assessment_is_complete(ctx):
    record = factories.complete_checks(factories.application_at(State.checks),
                                       dbs_status=DbsStatus.information_disclosed,
                                       dbs_risk_assessment="Spent conviction from 2009; no risk to role")
    assert checks.missing_checks(record) == []


def test_ready_to_refer_is_refused_with_the_missing_checks_named(ctx):
    app_ = factories.application_at(State.checks)
    factories.complete_checks(app_, reference_2_status=ReferenceStatus.requested,
                              dbs_status=DbsStatus.applied)
    with pytest.raises(Invalid) as refused:
        move(db.session, app_, State.ready_to_refer, factories.user(Role.hcpa_staff))
    assert str(refused.value) == ("These checks are not complete yet: Enhanced DBS with the adults' barred list; "
                                  "Two satisfactory references")


def _form_values(**changes):
    values = dict(identity_right_to_work="done", right_to_work_evidence="Share code check",
                  right_to_work_expires_on=None, dbs_status="clear", dbs_barred_list_checked=True,
                  dbs_certificate_number="001234567890", dbs_issued_on=date.today() - timedelta(days=3),
                  dbs_update_service=True, dbs_risk_assessment="", reference_1_name="Ann",
                  reference_1_kind="recent_employer", reference_1_status="satisfactory", reference_2_name="Bo",
                  reference_2_kind="character", reference_2_status="satisfactory",
                  employment_history="complete_no_gaps", employment_gaps_explanation="",
                  health_status="fit", health_notes="No adjustments")
    values.update(changes)
    return values


def test_saving_the_checklist_returns_what_is_left(ctx):
    app_ = factories.application_at(State.checks)
    officer = factories.user(Role.hcpa_staff)
    assert checks.save_checks(db.session, app_, officer, _form_values(reference_2_status="requested")) == [
        "Two satisfactory references"]
    assert app_.checks.updated_by_id == officer.id and app_.checks.dbs_update_service
    assert checks.save_checks(db.session, app_, officer, _form_values()) == []
    move(db.session, app_, State.ready_to_refer, officer)


@pytest.mark.parametrize("change,field", [
    ({"dbs_certificate_number": "12345"}, "dbs_certificate_number"),
    ({"dbs_issued_on": None}, "dbs_issued_on"),
    ({"dbs_issued_on": date.today() + timedelta(days=1)}, "dbs_issued_on"),
    ({"reference_1_name": ""}, "reference_1_name"),
])
def test_contradictions_are_refused_and_nothing_is_saved(ctx, change, field):
    app_ = factories.application_at(State.checks)
    with pytest.raises(checks.CheckProblems) as refused:
        checks.save_checks(db.session, app_, factories.user(Role.hcpa_staff), _form_values(**change))
    assert refused.value.problems[0][0] == field
    db.session.rollback()
    assert app_.checks is None


def test_time_limited_permission_needs_its_end_date(ctx):
    app_ = factories.application_at(State.checks, right_to_work=RightToWork.visa)
    with pytest.raises(checks.CheckProblems, match="permission to work ends"):
        checks.save_checks(db.session, app_, factories.user(Role.hcpa_staff), _form_values())
