"""Domain rules of linking a starter to a worker's passport (academy/portal/employer_links.py)."""
import pytest
import sqlalchemy as sa

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db
from academy.portal import employer_links
from academy.portal.models import LinkState
from academy.tiers.models import CpaMembership, TierAward
from academy.workplaces.models import Person
from tests import factories
from training import passport
from training.models import CareCertificateInduction, Passport, TrainingRecord


@pytest.fixture
def asked(ctx):
    home = factories.workplace(name="Bushey Lodge")
    manager = factories.manager(workplaces=[home])
    worker = factories.care_worker(at=factories.workplace(), full_name="Samira Okafor")
    return factories.employer_link_request(worker, home, by=manager, full_name="Sam"), worker, manager


def test_accepting_moves_everything_the_workplace_recorded_and_removes_its_record(asked):
    request, worker, manager = asked
    placeholder = request.employment.person
    placeholder_id, own_id = placeholder.id, worker.person.id
    record = factories.training_record(placeholder)
    factories.induction(placeholder, version="v2015")  # the worker has none of this version: it moves
    award = factories.tier_award(placeholder, tier_number=1, by=manager)
    factories.cpa_membership(placeholder)
    passport.get_or_create_passport(db.session, placeholder)  # made when the manager opened the record
    db.session.commit()

    employer_links.accept(db.session, request, worker)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Person, placeholder_id) is None
    assert db.session.get(TrainingRecord, record.id).person_id == own_id
    assert db.session.scalars(sa.select(CareCertificateInduction.person_id)).all() == [own_id]
    assert db.session.get(TierAward, award.id).person_id == own_id
    assert db.session.scalars(sa.select(CpaMembership.person_id)).all() == [own_id]
    assert db.session.scalars(sa.select(Passport.person_id)).all() == []
    assert {e.person_id for e in db.session.get(Person, own_id).employments} == {own_id}
    assert len(db.session.get(Person, own_id).employments) == 2


def test_only_the_worker_asked_answers_and_only_hcpa_link_on_their_behalf(asked):
    request, worker, manager = asked
    other = factories.care_worker()
    for act in (employer_links.accept, employer_links.decline):
        with pytest.raises(NotAllowed):
            act(db.session, request, other)
        with pytest.raises(NotAllowed):
            act(db.session, request, manager)
    with pytest.raises(NotAllowed):
        employer_links.link_on_behalf(db.session, request, manager)
    with pytest.raises(NotAllowed):
        employer_links.cancel(db.session, request, factories.manager(workplaces=[factories.workplace()]))
    assert request.state == LinkState.pending
    employer_links.decline(db.session, request, worker)
    with pytest.raises(Invalid):
        employer_links.link_on_behalf(db.session, request, factories.user(Role.hcpa_staff))
    assert request.state == LinkState.declined


def test_a_request_to_nobody_cannot_be_linked(ctx):
    request = factories.employer_link_request(None, factories.workplace())
    with pytest.raises(Invalid):
        employer_links.link_on_behalf(db.session, request, factories.user(Role.hcpa_staff))
    assert request.state == LinkState.pending


def test_only_an_active_care_workers_account_owns_a_passport(ctx):
    worker = factories.care_worker(email="cw@example.com")
    factories.user(Role.applicant, email="applicant@example.com")
    factories.user(Role.manager, email="boss@example.com")
    factories.care_worker(email="gone@example.com", is_active_account=False)
    found = {e: employer_links.passport_owner(db.session, e) for e in
             ("CW@example.com", "applicant@example.com", "boss@example.com", "gone@example.com", "none@example.com")}
    assert found == {"CW@example.com": worker, "applicant@example.com": None, "boss@example.com": None,
                     "gone@example.com": None, "none@example.com": None}


def test_a_care_worker_without_a_passport_yet_gets_one_on_accepting(ctx):
    worker = factories.user(Role.care_worker, full_name="Noor Newcomer")
    request = factories.employer_link_request(worker, factories.workplace(), full_name="N. Newcomer")
    placeholder_id = request.employment.person_id
    own = employer_links.accept(db.session, request, worker)
    db.session.commit()
    db.session.expire_all()
    assert own.user_id == worker.id and own.full_name == "Noor Newcomer"
    assert request.employment.person_id == own.id and db.session.get(Person, placeholder_id) is None
