"""Career-tier pages through the test client: who may open what, the checklist, endorsing,
tier rules, and the CPA profile's visibility."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from academy.auth.models import AuditEvent, Role
from academy.extensions import db
from academy.tiers.models import CpaMembership, TierAward, TierCriterion
from tests import factories
from tests.helpers import Client, has_error_summary, location_path, text
from tests.tiers.conftest import mandatory_training, signed_off_certificate

TODAY = date.today()


@pytest.fixture
def team(ladder):
    """A workplace with a care worker meeting tier 2 (tier 1 held), their manager, and another
    workplace with its own manager."""
    class Team:
        workplace = ladder.workplace
        worker = factories.care_worker(ladder.workplace, full_name="Casey Carer", start=TODAY - timedelta(days=200))
        manager = factories.manager([ladder.workplace], full_name="Morgan Manager")
        other_manager = factories.manager([factories.workplace()], full_name="Olu Other")
    signed_off_certificate(Team.worker.person, TODAY - timedelta(days=20))
    mandatory_training(Team.worker.person, ladder.courses, TODAY - timedelta(days=30))
    factories.tier_award(Team.worker.person, 1, awarded=TODAY - timedelta(days=150), by=Team.manager)
    return Team


def signed_in(app, user):
    other = Client(app)
    if user is not None:
        other.sign_in(user)
    return other


def test_worker_sees_own_tier_checklist_and_history(client, team):
    client.sign_in(team.worker)
    page = text(client.get("/tiers/"))
    assert "Tier 1: New to care" in page and "CPA-" in page
    assert "You meet everything tier 2" in page and "What tier 3 needs" in page
    assert "A relevant social care qualification at Level 2 or above, achieved" in page
    assert 'href="/training/qualifications/new"' in page  # what to do, linked
    assert "Morgan Manager" in page  # history: who endorsed tier 1
    assert "Hidden from employers" in page


def test_tier_pages_refuse_other_roles(app, client, team):
    assert location_path(client.get("/tiers/")) == "/sign-in"
    assert location_path(client.get(f"/tiers/people/{team.worker.person.id}")) == "/sign-in"
    applicant = signed_in(app, factories.user(Role.applicant))
    for url in ("/tiers/", "/tiers/profile", "/tiers/endorsements", f"/tiers/people/{team.worker.person.id}",
                "/tiers/rules"):
        assert applicant.get(url).status_code == 403, url
    worker = signed_in(app, team.worker)
    for url in ("/tiers/endorsements", f"/tiers/people/{team.worker.person.id}", "/tiers/rules"):
        assert worker.get(url).status_code == 403, url
    manager = signed_in(app, team.manager)
    for url in ("/tiers/", "/tiers/profile", "/tiers/rules"):
        assert manager.get(url).status_code == 403, url


def test_manager_sees_own_staff_waiting_and_endorses(client, team, outbox):
    client.sign_in(team.manager)
    queue = text(client.get("/tiers/endorsements"))
    assert "Casey Carer" in queue and "Tier 2: Care or support worker" in queue
    url = f"/tiers/people/{team.worker.person.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Endorse tier 2" in text(page)
    assert f'href="/training/people/{team.worker.person.id}/qualifications/new"' in text(page)  # what to do
    response = client.submit(f"{url}/endorse", {"tier": "2"}, form_page=url)
    assert response.status_code == 302 and location_path(response) == url
    award = db.session.scalar(select(TierAward).where(TierAward.tier_number == 2))
    assert award.endorsed_by_id == team.manager.id and award.awarded_on == TODAY
    assert [m["To"] for m in outbox] == [team.worker.email]
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "endorsed_tier")) == 1
    assert "Nobody is waiting" in text(client.get("/tiers/endorsements"))


def test_endorsing_a_tier_whose_criteria_fail_shows_the_error_and_saves_nothing(client, team, outbox):
    client.sign_in(team.manager)
    url = f"/tiers/people/{team.worker.person.id}"
    response = client.submit(f"{url}/endorse", {"tier": "3"}, form_page=url)
    assert response.status_code == 422 and has_error_summary(response)
    assert "does not meet tier 3 yet" in text(response)
    for bad in ("", "abc", "0"):
        assert client.submit(f"{url}/endorse", {"tier": bad}, form_page=url).status_code == 422
    assert client.post(f"{url}/endorse", {"tier": "2"}).status_code in (400, 422)  # no CSRF token
    assert db.session.scalar(select(func.count(TierAward.id)).where(TierAward.tier_number > 1)) == 0
    assert outbox == []


def test_manager_of_another_workplace_gets_404(app, team):
    other = signed_in(app, team.other_manager)
    url = f"/tiers/people/{team.worker.person.id}"
    assert other.get(url).status_code == 404
    assert other.get("/tiers/people/999999").status_code == 404
    mine = signed_in(app, team.manager)
    token = mine.csrf_token(url)
    assert other.post(f"{url}/endorse", {"tier": "2", "csrf_token": other.csrf_token("/tiers/endorsements")}) \
        .status_code == 404
    assert token and "Casey Carer" not in text(other.get("/tiers/endorsements"))
    assert db.session.scalar(select(func.count(TierAward.id)).where(TierAward.tier_number == 2)) == 0


def test_hcpa_can_view_but_not_endorse(app, team):
    hcpa = signed_in(app, factories.user(Role.hcpa_staff))
    url = f"/tiers/people/{team.worker.person.id}"
    page = hcpa.get(url)
    assert page.status_code == 200 and "Endorse tier" not in text(page)
    assert hcpa.post(f"{url}/endorse", {"tier": "2", "csrf_token": hcpa.csrf_token(url)}).status_code == 403
    assert db.session.scalar(select(func.count(TierAward.id)).where(TierAward.tier_number == 2)) == 0


def test_profile_is_hidden_until_the_worker_makes_it_visible(app, client, team):
    client.sign_in(team.worker)
    page = text(client.get("/tiers/profile"))
    member = db.session.scalar(select(CpaMembership))
    assert member.member_number == f"CPA-{team.worker.person.id:06d}" and not member.profile_visible
    assert "Casey Carer" in page and "Years in care" in page
    manager, other = signed_in(app, team.manager), signed_in(app, team.other_manager)
    profile_url = f"/tiers/members/{member.member_number}"
    assert manager.get(profile_url).status_code == 404 and other.get(profile_url).status_code == 404
    assert client.submit("/tiers/profile", {}).status_code == 422
    assert client.submit("/tiers/profile", {"visible": "yes"}).status_code == 302
    shown = other.get(profile_url)
    assert shown.status_code == 200 and "Casey Carer" in text(shown) and "Tier 1: New to care" in text(shown)
    assert "Dementia" not in text(shown)
    assert signed_in(app, factories.user(Role.hcpa_staff)).get(profile_url).status_code == 200
    assert signed_in(app, factories.user(Role.applicant)).get(profile_url).status_code == 403
    assert other.get("/tiers/members/CPA-999999").status_code == 404
    client.submit("/tiers/profile", {"visible": "no"})
    assert other.get(profile_url).status_code == 404
    assert db.session.scalar(select(func.count(CpaMembership.id))) == 1  # stable: one membership, one number


def test_employers_find_a_visible_profile_by_member_number(app, team):
    member = factories.cpa_membership(team.worker.person, visible=False)
    manager = signed_in(app, team.other_manager)
    assert manager.get("/tiers/members").status_code == 200
    hidden = manager.get(f"/tiers/members?number={member.member_number}")
    assert hidden.status_code == 404 and has_error_summary(hidden) and "no visible profile" in text(hidden)
    assert "Enter a CPA member number" in text(manager.get("/tiers/members?number="))
    member.profile_visible = True
    db.session.commit()
    found = manager.get(f"/tiers/members?number={team.worker.person.id}")  # the digits alone are enough
    assert found.status_code == 302 and location_path(found) == f"/tiers/members/{member.member_number}"
    assert location_path(manager.get(f"/tiers/members?number={member.member_number.lower()}")) == \
        f"/tiers/members/{member.member_number}"
    assert signed_in(app, team.worker).get("/tiers/members").status_code == 403
    assert "/tiers/members" in text(signed_in(app, factories.user(Role.hcpa_staff)).get("/tiers/members"))


def test_admin_adds_changes_and_removes_a_criterion(app, team):
    admin = signed_in(app, factories.user(Role.admin))
    assert "Tier 3: Enhanced care worker" in text(admin.get("/tiers/rules"))
    url = "/tiers/rules/3/criteria/new"
    bad = admin.submit(url, {"kind": "months_in_care_at_least", "number": ""})
    assert bad.status_code == 422 and has_error_summary(bad) and "months from 1 to 600" in text(bad)
    bad = admin.submit(url, {"kind": "specialist_course_in"})
    assert bad.status_code == 422 and "Select at least one course" in text(bad)
    assert admin.submit(url, {"kind": "nonsense"}).status_code == 422
    assert admin.submit(url, {"kind": "months_in_care_at_least", "number": "x"}).status_code == 422
    before = db.session.scalar(select(func.count(TierCriterion.id)))
    assert admin.submit(url, {"kind": "specialist_course_in", "courses": ["stroke", "end_of_life"]}).status_code == 302
    added = db.session.scalar(select(TierCriterion).order_by(TierCriterion.id.desc()))
    assert added.codes == "stroke;end_of_life" and db.session.scalar(select(func.count(TierCriterion.id))) == before + 1
    edit = f"/tiers/criteria/{added.id}/edit"
    assert "Stroke care" in text(admin.get(edit))
    assert admin.submit(edit, {"kind": "months_in_care_at_least", "number": "24"}).status_code == 302
    db.session.refresh(added)
    assert (added.number, added.codes) == (24, None)
    assert "At least 24 months working in care" in text(admin.get("/tiers/rules"))
    assert admin.submit(f"/tiers/criteria/{added.id}/remove", {}).status_code == 302
    assert db.session.get(TierCriterion, added.id) is None
    assert admin.get("/tiers/rules/9/criteria/new").status_code == 404


def test_removing_the_last_criterion_of_a_tier_is_refused(app, team):
    admin = signed_in(app, factories.user(Role.admin))
    from academy.tiers.models import Tier
    only = db.session.scalar(select(Tier).where(Tier.number == 1)).criteria[0]
    response = admin.submit(f"/tiers/criteria/{only.id}/remove", {})
    assert response.status_code == 422 and "must keep at least one criterion" in text(response)
    assert db.session.get(TierCriterion, only.id) is not None


def test_navigation_links(app, team):
    assert "/tiers/" in text(signed_in(app, team.worker).get("/training/"))
    assert "/tiers/endorsements" in text(signed_in(app, team.manager).get("/tiers/endorsements"))
    assert "/tiers/rules" in text(signed_in(app, factories.user(Role.admin)).get("/tiers/rules"))


def _starters(workplace, count):
    from academy.workplaces.models import ContractType, Employment, JobRole, Person
    from training.models import CareCertificateInduction, CertificateVersion

    role = db.session.scalar(select(JobRole).where(JobRole.code == "care_worker"))
    for n in range(count):
        who = Person(full_name=f"Starter {n:03d}")
        db.session.add(Employment(person=who, workplace=workplace, job_role=role, contract_type=ContractType.permanent,
                                  start_date=TODAY - timedelta(days=20)))
        db.session.add(CareCertificateInduction(person=who, version=CertificateVersion.v2025,
                                                started_on=TODAY - timedelta(days=20),
                                                target_on=TODAY + timedelta(days=64)))
    db.session.commit()


def test_endorsement_list_uses_a_fixed_number_of_queries(app, team):
    from sqlalchemy import event

    client = signed_in(app, team.manager)

    def count(url):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            body = text(client.get(url))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements), body

    _starters(team.workplace, 3)
    few, body = count("/tiers/endorsements")
    assert body.count("Starter ") == 3
    _starters(team.workplace, 60)
    many, body = count("/tiers/endorsements")
    assert body.count("Starter ") == 63 and many == few, (few, many)
