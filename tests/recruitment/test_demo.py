"""The demo data gives every recruitment page something to show, and running it twice adds nothing."""
from sqlalchemy import func, select

from academy.demo import seed_demo_data
from academy.extensions import db
from recruitment.models import Application, FollowUp, PossibleDuplicate, State


def test_demo_applications_cover_the_pipeline_and_are_idempotent(ctx):
    first = seed_demo_data(db.session)
    assert first.applications == 11
    states = dict(db.session.execute(select(Application.state, func.count()).group_by(Application.state)).all())
    assert states[State.draft] == 1 and states[State.submitted] == 3 and states[State.placed] == 1
    assert {State.screening, State.values_assessed, State.checks, State.ready_to_refer, State.referred} <= set(states)
    assert db.session.scalar(select(func.count(FollowUp.id))) == 1  # the placed worker's first check-in
    again = seed_demo_data(db.session)
    assert again.applications == 0
    assert db.session.scalar(select(func.count(Application.id))) == 11
    # Bola Adeyemi's second application: the demo's one possible duplicate, for the HCPA list.
    [pair] = db.session.scalars(select(PossibleDuplicate)).all()
    assert {pair.application.full_name, pair.other_application.full_name} == {"Bola Adeyemi"}
    assert pair.reasons == ["Same mobile number", "Same name and postcode"]
