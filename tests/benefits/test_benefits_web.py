"""Benefit pages through the test client: HCPA's catalogue (add, change, withdraw; bad input is a
422 that keeps what was typed), members seeing only what they are eligible for and declaring use,
the portal's CPA members and counts (another workplace's manager gets a 404), roles, CSRF, audit
(never of who used a benefit),
the HCPA member provider flag, and list pages' fixed query counts."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from academy.auth.models import AuditEvent, Role
from academy.benefits.models import Benefit, BenefitUse
from academy.extensions import db
from academy.workplaces.models import Workplace
from tests import factories
from tests.helpers import Client, has_error_summary, location_path, page_statements, statements_for, text

TODAY = date.today()


def as_user(app, user):
    other = Client(app)
    other.sign_in(user)
    return other


@pytest.fixture
def scene(ctx):
    class Scene:
        member_place = factories.workplace(name="Verulam House", hcpa_member=True)
        other_place = factories.workplace(name="Bushey Lodge")
        worker = factories.care_worker(member_place, full_name="Wren Worker")
        elsewhere = factories.care_worker(other_place, full_name="Ola Other")
        manager = factories.manager([member_place], full_name="Mo Manager")
        other_manager = factories.manager([other_place])
        hcpa = factories.user(Role.hcpa_staff)
        for_all = factories.benefit("Gym discount", description="20% off at Hertfordshire gyms.")
        for_members = factories.benefit("Employee Assistance Programme", kind="employee_assistance",
                                        member_provider_only=True, claim_url="https://eap.example.org/hcpa")
        for_leaders = factories.benefit("Leaders' retreat", kind="wellbeing_service", min_tier=4)
    factories.cpa_membership(Scene.worker.person)
    return Scene


def form_data(**changes):
    data = {"title": "Cinema tickets", "kind": "discount", "description": "Two for one on Tuesdays.",
            "how_to_claim": "Quote HCPA-CINEMA at the box office.", "claim_url": "https://cinema.example.org",
            "min_tier": "2", "job_role_ids": [str(factories.job_role("care_worker").id)],
            "member_provider_only": "yes", "opens_on": ["", "", ""], "closes_on": ["", "", ""]}
    data.update(changes)
    return data


def test_hcpa_adds_a_benefit_and_it_is_audited(app, scene):
    hcpa = as_user(app, scene.hcpa)
    done = hcpa.submit("/benefits/catalogue/new", form_data())
    assert done.status_code == 302 and location_path(done) == "/benefits/catalogue"
    benefit = db.session.scalar(select(Benefit).where(Benefit.title == "Cinema tickets"))
    assert benefit.min_tier == 2 and benefit.member_provider_only and [r.code for r in benefit.job_roles] == ["care_worker"]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target_type == "Benefit")) == "added_benefit"
    listing = text(hcpa.get("/benefits/catalogue"))
    assert "Cinema tickets" in listing and "tier 2 or above" in listing and "employed by an HCPA member provider" in listing


@pytest.mark.parametrize(("changes", "message"), [
    ({"claim_url": "http://cinema.example.org"}, "starts with https://"),
    ({"claim_url": "javascript:alert(1)"}, "starts with https://"),
    ({"title": ""}, "Enter the benefit&#39;s name"),
    ({"kind": "lottery"}, "Not a valid choice"),
    ({"min_tier": "9"}, "Not a valid choice"),
    ({"opens_on": ["10", "5", str(TODAY.year + 1)], "closes_on": ["1", "5", str(TODAY.year + 1)]},
     "same as or after the opening date"),
    ({"closes_on": ["31", "2", "2027"]}, "Enter a real date"),
])
def test_bad_input_is_422_with_the_message_and_keeps_what_was_typed(app, scene, changes, message):
    hcpa = as_user(app, scene.hcpa)
    bad = hcpa.submit("/benefits/catalogue/new", form_data(**changes))
    body = text(bad)
    assert bad.status_code == 422 and has_error_summary(bad) and message in body
    assert "Quote HCPA-CINEMA at the box office." in body  # nothing typed is lost
    assert db.session.scalar(select(Benefit).where(Benefit.title == "Cinema tickets")) is None


def test_hcpa_changes_and_withdraws_a_benefit_and_members_stop_seeing_it(app, scene):
    hcpa, worker = as_user(app, scene.hcpa), as_user(app, scene.worker)
    page = f"/benefits/catalogue/{scene.for_all.id}/edit"
    assert 'value="Gym discount"' in text(hcpa.get(page))
    saved = hcpa.submit(page, form_data(title="Gym and pool discount", min_tier="0", job_role_ids=[],
                                        member_provider_only="no", claim_url=""))
    assert saved.status_code == 302
    db.session.expire_all()
    assert scene.for_all.title == "Gym and pool discount" and scene.for_all.claim_url is None
    changed = db.session.scalar(select(AuditEvent.detail).where(AuditEvent.action == "changed_benefit"))
    assert changed == "description, how_to_claim, title"  # the names of what changed, never the text
    assert "Gym and pool discount" in text(worker.get("/benefits/"))
    assert hcpa.submit(f"/benefits/catalogue/{scene.for_all.id}/withdraw", form_page=page).status_code == 302
    assert "Gym and pool discount" not in text(worker.get("/benefits/"))
    assert worker.get(f"/benefits/{scene.for_all.id}").status_code == 404
    again = hcpa.submit(f"/benefits/catalogue/{scene.for_all.id}/withdraw", form_page="/benefits/catalogue",
                        follow_redirects=True)
    assert "already withdrawn" in text(again)
    assert db.session.query(AuditEvent).filter_by(action="withdrew_benefit").count() == 1


def test_a_member_sees_what_they_are_eligible_for_and_never_the_rest(app, scene):
    worker = as_user(app, scene.worker)
    page = text(worker.get("/benefits/"))
    assert "Gym discount" in page and "Employee Assistance Programme" in page
    assert "Leaders&#39; retreat" not in page and "Leaders' retreat" not in page
    assert worker.get(f"/benefits/{scene.for_leaders.id}").status_code == 404
    detail = text(worker.get(f"/benefits/{scene.for_members.id}"))
    assert "How to claim" in detail and 'href="https://eap.example.org/hcpa"' in detail
    other = as_user(app, scene.elsewhere)  # not at a member provider
    assert "Employee Assistance Programme" not in text(other.get("/benefits/"))
    assert other.get(f"/benefits/{scene.for_members.id}").status_code == 404


def test_ive_used_this_records_one_use_and_names_nobody_in_the_audit_log(app, scene):
    worker = as_user(app, scene.worker)
    page = f"/benefits/{scene.for_all.id}"
    assert worker.submit(f"{page}/used", form_page=page).status_code == 302
    assert worker.submit(f"{page}/used", form_page=page).status_code == 302
    assert db.session.query(BenefitUse).count() == 1
    assert db.session.scalar(select(BenefitUse.workplace_id)) == scene.member_place.id
    assert "You said you used it on" in text(worker.get(page))
    # admins read the audit log: it must not say who used what (docs/benefits.md says why)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == scene.worker.id)).all()
    assert events and not any(e.target_type == "BenefitUse" or "benefit" in (e.detail or "").lower()
                              or "benefit" in e.action for e in events)
    refused = worker.submit(f"/benefits/{scene.for_leaders.id}/used", form_page=page)
    assert refused.status_code == 404 and db.session.query(BenefitUse).count() == 1


def test_forms_without_a_csrf_token_are_refused_and_change_nothing(app, scene):
    worker, hcpa = as_user(app, scene.worker), as_user(app, scene.hcpa)
    assert worker.post(f"/benefits/{scene.for_all.id}/used").status_code == 400
    assert hcpa.post("/benefits/catalogue/new", form_data()).status_code == 400
    assert hcpa.post(f"/benefits/catalogue/{scene.for_all.id}/withdraw").status_code == 400
    db.session.expire_all()
    assert db.session.query(BenefitUse).count() == 0 and db.session.query(Benefit).count() == 3
    assert scene.for_all.withdrawn_at is None


@pytest.mark.parametrize("role", [Role.admin, Role.manager, Role.care_worker, Role.applicant])
def test_only_hcpa_keeps_the_catalogue(app, scene, role):
    someone = as_user(app, factories.user(role))
    assert someone.get("/benefits/catalogue").status_code == 403
    assert someone.get("/benefits/catalogue/new").status_code == 403
    assert someone.get(f"/benefits/catalogue/{scene.for_all.id}/edit").status_code == 403
    refused = someone.submit(f"/benefits/catalogue/{scene.for_all.id}/withdraw", form_page="/account")
    assert refused.status_code == 403
    db.session.expire_all()
    assert scene.for_all.withdrawn_at is None


@pytest.mark.parametrize("role", [Role.manager, Role.hcpa_staff, Role.admin, Role.applicant])
def test_only_members_have_your_benefits(app, scene, role):
    assert as_user(app, factories.user(role)).get("/benefits/").status_code == 403


def test_the_portal_shows_members_by_name_and_use_as_counts_never_who(app, scene):
    last_month = TODAY.replace(day=1) - timedelta(days=1)
    for n in range(5):
        colleague = factories.employment(scene.member_place)
        factories.cpa_membership(colleague.person)
        factories.benefit_use(scene.for_all, colleague.person, used=last_month)
    factories.benefit_use(scene.for_members, scene.worker.person, used=last_month)
    boss = as_user(app, scene.manager)
    url = f"/benefits/workplaces/{scene.member_place.id}"
    page = text(boss.get(url))
    assert f"to the end of {last_month:%B %Y}" in page
    assert "Wren Worker" in page and scene.worker.person.cpa_membership.member_number in page
    assert "6 of your 6 staff in post are members" in page
    assert ">5<" in page and "fewer than 5" in page  # the gym discount, then the EAP used by one person
    assert page.count("Wren Worker") == 1  # named as a member, never beside a benefit
    assert "Ola Other" not in page
    assert as_user(app, scene.other_manager).get(url).status_code == 404
    assert as_user(app, scene.hcpa).get(url).status_code == 200
    assert as_user(app, scene.worker).get(url).status_code == 403
    assert "CPA members and benefits" in text(boss.get(f"/portal/{scene.member_place.id}/"))
    assert db.session.query(AuditEvent).filter_by(action="viewed_portal_cpa_members").count() == 2


def test_hcpa_sets_the_member_provider_flag_and_a_manager_cannot(app, scene):
    data = {"name": "Bushey Lodge", "provider_name": scene.other_place.provider.name, "address_line_1": "1 Lane",
            "town": "Bushey", "postcode": "WD23 3HH", "district_id": scene.other_place.district_id,
            "service_type_id": scene.other_place.service_type_id, "cqc_rating": "good", "hcpa_member": "y"}
    url = f"/workplaces/{scene.other_place.id}/edit"
    boss = as_user(app, scene.other_manager)
    assert "HCPA member provider" not in text(boss.get(url))
    assert boss.submit(url, data).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Workplace, scene.other_place.id).hcpa_member
    hcpa = as_user(app, scene.hcpa)
    assert hcpa.submit(url, data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Workplace, scene.other_place.id).hcpa_member
    assert "Employee Assistance Programme" in text(as_user(app, scene.elsewhere).get("/benefits/"))


def _more_benefits(count: int, place) -> None:
    for n in range(count):
        benefit = factories.benefit(f"Extra {n}", roles=["care_worker", "team_leader"])
        staff = factories.employment(place)
        factories.cpa_membership(staff.person)
        factories.benefit_use(benefit, staff.person)


def test_list_pages_send_the_same_number_of_queries_for_few_and_many_rows(app, scene):
    worker, hcpa, boss = as_user(app, scene.worker), as_user(app, scene.hcpa), as_user(app, scene.manager)
    urls = {"member": (worker, "/benefits/"), "catalogue": (hcpa, "/benefits/catalogue"),
            "portal": (boss, f"/benefits/workplaces/{scene.member_place.id}")}
    few = {name: statements_for(client, url) for name, (client, url) in urls.items()}
    _more_benefits(12, scene.member_place)
    many = {}
    for name, (client, url) in urls.items():
        many[name], body = page_statements(client, url)
    assert many == few, (few, many)
    assert "Extra 11" in body


def test_a_members_first_visit_can_be_a_benefit_link(app, scene):
    """A care worker who has never opened "Your benefits" follows a link to a benefit open to them:
    the page shows (their member record is made first, as on the list), not a 404."""
    newcomer = as_user(app, factories.user(Role.care_worker, full_name="Nia Newcomer"))
    assert "Gym discount" in text(newcomer.get(f"/benefits/{scene.for_all.id}"))
