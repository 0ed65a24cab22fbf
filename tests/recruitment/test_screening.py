"""Values-based screening: the 6 Cs scoring rule, immutability, corrections and second review."""
import pytest

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from recruitment import screening
from recruitment.models import VALUES, State, ValuesAssessment
from tests import factories


def scores(**changes):
    return {value: changes.get(value, 3) for value in VALUES}


@pytest.mark.parametrize("marks,total,passed", [
    (scores(), 18, True),
    (scores(care=4, compassion=4, competence=2, communication=2, courage=2, commitment=2), 16, True),
    (scores(care=2, compassion=2, competence=2, communication=2, courage=2, commitment=2), 12, False),
    (scores(care=4, compassion=4, competence=4, communication=4, courage=4, commitment=1), 21, False),
    (scores(care=3, compassion=3, competence=3, communication=2, courage=2, commitment=2), 15, False),
    (scores(care=4, compassion=4, competence=4, communication=4, courage=4, commitment=4), 24, True),
])
def test_pass_needs_every_value_at_least_2_and_a_total_of_16(marks, total, passed):
    assert screening.assessment_result(marks, 2, 16) == (total, passed)


def test_thresholds_come_from_the_settings(app, ctx):
    app.config["VALUES_PASS_MIN_TOTAL"] = 20
    try:
        assert screening.thresholds() == (2, 20)
        assert screening.assessment_result(scores(), *screening.thresholds()) == (18, False)
    finally:
        app.config["VALUES_PASS_MIN_TOTAL"] = 16


@pytest.mark.parametrize("bad", [scores(care=0), scores(care=5), {"care": 3}])
def test_scores_outside_1_to_4_or_missing_are_refused(bad):
    with pytest.raises(Invalid):
        screening.assessment_result(bad, 2, 16)


def _reasons():
    return {value: f"Gave a specific example of {value}" for value in VALUES}


def test_a_passing_assessment_moves_screening_on_and_emails(ctx, outbox):
    app_ = factories.application_at(State.screening)
    officer = factories.user(Role.hcpa_staff)
    assessment = screening.record_assessment(db.session, app_, officer, scores(), _reasons())
    assert assessment.passed and assessment.total == 18 and (assessment.min_each, assessment.min_total) == (2, 16)
    assert app_.state == State.values_assessed
    assert app_.history[-1].reason == "Values assessment passed: 18 of 24"
    db.session.commit()
    assert outbox[-1]["Subject"] == "Your application is moving forward"


def test_a_failing_assessment_leaves_the_application_in_screening(ctx):
    app_ = factories.application_at(State.screening)
    assessment = screening.record_assessment(db.session, app_, factories.user(Role.hcpa_staff),
                                             scores(courage=1), _reasons())
    assert not assessment.passed and app_.state == State.screening


def test_every_score_needs_a_reason_and_nothing_is_saved_without(ctx):
    app_ = factories.application_at(State.screening)
    reasons = _reasons() | {"courage": " "}
    with pytest.raises(Invalid, match="courage"):
        screening.record_assessment(db.session, app_, factories.user(Role.hcpa_staff), scores(), reasons)
    db.session.rollback()
    assert db.session.query(ValuesAssessment).count() == 0


def test_scores_cannot_be_changed_once_recorded(ctx):
    assessment = factories.values_assessment(factories.application_at(State.screening))
    assessment.care_score = 4
    with pytest.raises(ValueError, match="cannot be changed"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(ValuesAssessment, assessment.id).care_score == 3


def test_a_correction_is_a_new_linked_assessment(ctx):
    app_ = factories.application_at(State.screening)
    officer = factories.user(Role.hcpa_staff)
    first = screening.record_assessment(db.session, app_, officer, scores(courage=1), _reasons())
    with pytest.raises(Invalid, match="correction"):
        screening.record_assessment(db.session, app_, officer, scores(), _reasons())
    second = screening.record_assessment(db.session, app_, officer, scores(), _reasons(), corrects=first)
    assert second.corrects == first and first.corrected_by == second
    assert screening.current_assessment(app_) == second and first.care_score == 3 and first.courage_score == 1
    assert app_.state == State.values_assessed
    with pytest.raises(Invalid, match="in force"):
        screening.record_assessment(db.session, app_, officer, scores(), _reasons(), corrects=first)


def test_a_second_assessor_reviews_but_not_the_first(ctx):
    app_ = factories.application_at(State.screening)
    first_officer, second_officer = factories.user(Role.hcpa_staff), factories.user(Role.hcpa_staff)
    assessment = screening.record_assessment(db.session, app_, first_officer, scores(), _reasons())
    with pytest.raises(NotAllowed):
        screening.review_assessment(db.session, assessment, first_officer, True, None)
    with pytest.raises(Invalid, match="differently"):
        screening.review_assessment(db.session, assessment, second_officer, False, "")
    screening.review_assessment(db.session, assessment, second_officer, True, "Fair scores")
    assert assessment.reviewer_id == second_officer.id and assessment.review_agrees
    with pytest.raises(Invalid, match="already been reviewed"):
        screening.review_assessment(db.session, assessment, factories.user(Role.hcpa_staff), True, None)


def test_only_staff_assess_and_only_once_screening_has_started(ctx):
    with pytest.raises(NotAllowed):
        screening.record_assessment(db.session, factories.application_at(State.screening),
                                    factories.manager(), scores(), _reasons())
    with pytest.raises(Invalid, match="Start screening"):
        screening.record_assessment(db.session, factories.application_at(State.submitted),
                                    factories.user(Role.hcpa_staff), scores(), _reasons())
