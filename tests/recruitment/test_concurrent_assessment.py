"""Two officers scoring or correcting the same application at the same moment: the second is told
someone else changed it (a conflict, never a 500), and only one assessment is in force."""
import pytest
import sqlalchemy as sa

from academy.auth.models import Role
from academy.extensions import db, utcnow
from recruitment import screening
from recruitment.models import VALUES, Application, State, ValuesAssessment
from academy.auth.access import Invalid
from recruitment.pipeline import Conflict
from tests import factories

FAILING = {v: 1 for v in VALUES}
REASONS = {v: f"Evidence for {v}" for v in VALUES}


def _other_officer_records(application, officer, corrects_id=None):
    """Another request, on its own connection, records an assessment and commits first."""
    row = {"application_id": application.id, "assessor_id": officer.id, "corrects_id": corrects_id,
           "total": 6, "passed": False, "min_each": 2, "min_total": 16,
           "created_at": utcnow(), "updated_at": utcnow()}
    for value in VALUES:
        row[f"{value}_score"], row[f"{value}_justification"] = 1, "Other officer"
    with db.engine.begin() as other:
        other.execute(sa.insert(ValuesAssessment).values(**row))
        other.execute(sa.update(Application).where(Application.id == application.id)
                      .values(version=Application.version + 1))


def _assessments(application_id):
    db.session.rollback()
    return db.session.query(ValuesAssessment).filter_by(application_id=application_id).all()


def test_two_first_assessments_at_once_are_a_conflict(ctx):
    application = factories.application_at(State.screening)
    me, them = factories.user(Role.hcpa_staff), factories.user(Role.hcpa_staff)
    assert application.assessments == []  # what my page showed
    _other_officer_records(application, them)
    with pytest.raises(Conflict):
        screening.record_assessment(db.session, application, me, FAILING, REASONS)
    assert [a.assessor_id for a in _assessments(application.id)] == [them.id]


def test_two_corrections_of_the_same_assessment_at_once_are_a_conflict_not_a_500(ctx):
    application = factories.application_at(State.screening)
    first = factories.values_assessment(application, score=1)
    me, them = factories.user(Role.hcpa_staff), factories.user(Role.hcpa_staff)
    assert screening.current_assessment(application) is first
    _other_officer_records(application, them, corrects_id=first.id)
    with pytest.raises(Conflict):
        screening.record_assessment(db.session, application, me, FAILING, REASONS, corrects=first)
    corrections = [a for a in _assessments(application.id) if a.corrects_id == first.id]
    assert [a.assessor_id for a in corrections] == [them.id]


def test_a_failing_assessment_on_its_own_still_saves(ctx):
    application = factories.application_at(State.screening)
    version = application.version
    assessment = screening.record_assessment(db.session, application, factories.user(Role.hcpa_staff),
                                             FAILING, REASONS)
    assert not assessment.passed and application.state == State.screening
    assert application.version == version + 1


def test_two_reviews_at_once_do_not_overwrite_each_other(ctx):
    application = factories.application_at(State.screening)
    assessment = factories.values_assessment(application)
    first, second = factories.user(Role.hcpa_staff), factories.user(Role.hcpa_staff)
    assert assessment.reviewed_at is None  # what the second reviewer's page showed
    with db.engine.begin() as other:  # the first reviewer's request commits first
        other.execute(sa.update(ValuesAssessment).where(ValuesAssessment.id == assessment.id)
                      .values(reviewer_id=first.id, reviewed_at=utcnow(), review_agrees=True))
    with pytest.raises(Invalid, match="Another assessor has just reviewed"):
        screening.review_assessment(db.session, assessment, second, agrees=False, comment="Would score lower")
    db.session.refresh(assessment)
    assert assessment.reviewer_id == first.id and assessment.review_agrees and assessment.review_comment is None


def test_a_review_is_recorded_with_who_and_when(ctx):
    application = factories.application_at(State.screening)
    assessment = factories.values_assessment(application)
    reviewer = factories.user(Role.hcpa_staff)
    screening.review_assessment(db.session, assessment, reviewer, agrees=False, comment="Courage is a 2")
    assert (assessment.reviewer_id, assessment.review_agrees, assessment.review_comment) == (
        reviewer.id, False, "Courage is a 2")
    assert assessment.reviewed_at is not None
