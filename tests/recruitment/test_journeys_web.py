"""Issue 15's recruitment journeys through the web: the moves each state offers and the messages
they leave, a placed application's next step, the queue's search, filters and assignment, the
referral's confirmation and note, the manager's referral view and one-click accept, and the
applicant's answers, timeline and start date."""
import re
from datetime import date, timedelta
from html import unescape

import sqlalchemy as sa

from academy.auth.models import AuditEvent, Role
from academy.extensions import db, utcnow
from recruitment.models import InterviewFormat, ReferralStatus, State
from tests import factories
from tests.helpers import location_path, text


def page_text(response) -> str:
    """The page's words: tags removed, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", text(response)))


# Point 6: each state offers only its moves; messages say what happened ------------------------

def test_mark_ready_to_refer_is_offered_only_from_checks(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    checks = factories.application_at(State.checks)
    assert "Mark ready to refer" in text(client.get(f"/recruitment/applications/{checks.id}"))
    for state in (State.referred, State.interviewing, State.offered):
        application = factories.application_at(state)
        page = text(client.get(f"/recruitment/applications/{application.id}"))
        assert "Mark ready to refer" not in page, state
        assert "Put on hold" in page and "Do not progress" in page


def test_a_move_says_what_happened_in_words(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    application = factories.application_at(State.submitted, full_name="Casey Carer")
    url = f"/recruitment/applications/{application.id}"
    page = page_text(client.submit(f"{url}/move", {"to_state": "screening", "version": str(application.version)},
                                   form_page=url, follow_redirects=True))
    assert "Casey Carer is being screened" in page and "The application is now" not in page
    ready = factories.application_at(State.checks, full_name="Dara Ready")
    factories.complete_checks(ready)
    url = f"/recruitment/applications/{ready.id}"
    page = page_text(client.submit(f"{url}/move", {"to_state": "ready_to_refer", "version": str(ready.version)},
                                   form_page=url, follow_redirects=True))
    assert "Dara Ready is ready to refer" in page


def test_a_placed_application_shows_its_next_check_in(client):
    client.sign_in(factories.user(Role.hcpa_staff))
    placed = factories.placement(start=date.today() - timedelta(days=3))
    page = page_text(client.get(f"/recruitment/applications/{placed.application_id}"))
    due = placed.start_date + timedelta(days=7)
    assert f"Next: the 1 week check-in with {placed.application.full_name}, due {due:%-d %B %Y}" in page


# The queue: lands there, search by name, filter by state (default: needs action), assign -----------

def test_the_queue_shows_what_needs_action_by_default_and_searches_by_name(client):
    officer = factories.user(Role.hcpa_staff, full_name="Olu Officer")
    waiting = factories.application_at(State.submitted, full_name="Ama Mensah")
    referred = factories.application_at(State.referred, full_name="Bea Referred")
    factories.application_at(State.screening, full_name="Cy Screening")
    client.sign_in(officer)
    default = page_text(client.get("/recruitment/screening"))
    assert "Ama Mensah" in default and "Cy Screening" in default and "Bea Referred" not in default
    assert "needing action" in default
    every = page_text(client.get("/recruitment/screening?state=all"))
    assert "Bea Referred" in every and "Ama Mensah" in every
    assert "Bea Referred" in page_text(client.get("/recruitment/screening?state=referred"))
    found = page_text(client.get("/recruitment/screening?q=ama+mens&state=all"))
    assert "Ama Mensah" in found and "Bea Referred" not in found and "Cy Screening" not in found
    assert "Ama Mensah" not in page_text(client.get("/recruitment/screening?q=%25"))  # % is a letter, not "any"
    assert waiting.id and referred.id


def test_an_officer_assigns_an_application_and_filters_by_it(client):
    me = factories.user(Role.hcpa_staff, full_name="Olu Officer")
    colleague = factories.user(Role.hcpa_staff, full_name="Pat Colleague")
    application = factories.application_at(State.screening, full_name="Ama Mensah")
    other = factories.application_at(State.screening, full_name="Bo Other")
    client.sign_in(me)
    url = f"/recruitment/applications/{application.id}"
    page = page_text(client.submit(f"{url}/assign", {"officer": str(me.id), "version": str(application.version)},
                                   form_page=url, follow_redirects=True))
    assert "Ama Mensah's application is assigned to you" in page and "Assigned to Olu Officer (you)" in page
    mine = page_text(client.get("/recruitment/screening?assigned=me"))
    assert "Ama Mensah" in mine and "Bo Other" not in mine
    db.session.refresh(application)
    page = page_text(client.submit(f"{url}/assign", {"officer": str(colleague.id),
                                                     "version": str(application.version)},
                                   form_page=url, follow_redirects=True))
    assert "assigned to Pat Colleague" in page
    db.session.refresh(application)
    assert application.assigned_to_id == colleague.id and other.assigned_to_id is None
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))
                             .where(AuditEvent.action == "assigned_application")) == 2
    # Only an HCPA officer can be given it: a manager's id is refused on the page, nothing saved.
    manager = factories.manager()
    page = page_text(client.submit(f"{url}/assign", {"officer": str(manager.id), "version": str(application.version)},
                                   form_page=url, follow_redirects=True))
    assert "Choose an HCPA officer" in page
    db.session.refresh(application)
    assert application.assigned_to_id == colleague.id


def test_hcpa_staff_land_on_the_screening_queue(client):
    response = client.sign_in(factories.user(Role.hcpa_staff))
    assert location_path(response) == "/recruitment/screening"


# Point 5: refer with confirmation and a note; never a post that needs a registration they lack ----

def test_a_nurse_post_is_never_offered_or_referred_without_an_nmc_pin(client, outbox):
    home = factories.workplace(name="Verulam House")
    nurse_post = factories.vacancy(home, role_code="registered_nurse")
    factories.vacancy(home)  # a care worker post
    application = factories.application_at(State.ready_to_refer, full_name="Ama Mensah")
    client.sign_in(factories.user(Role.hcpa_staff))
    matches = page_text(client.get(f"/recruitment/applications/{application.id}/matches"))
    assert "Refer to Verulam House, care worker" in matches
    assert "Refer to Verulam House, registered nurse" not in matches
    assert "a registration (a nurse's NMC PIN) the applicant has not given" in matches
    confirm = f"/recruitment/applications/{application.id}/refer/{nurse_post.id}"
    page = page_text(client.get(confirm))
    assert "Registered nurse needs an NMC registration (PIN), which they have not given" in page
    response = client.submit(confirm, {"version": str(application.version), "note": ""}, form_page=confirm)
    assert response.status_code == 422 and "cannot be referred to this vacancy" in page_text(response)
    db.session.refresh(application)
    assert application.state == State.ready_to_refer and application.referrals == []
    assert outbox == []


# Point 4: the manager's referral view, and one-click accept from the Referrals list ------------

def test_the_manager_sees_where_they_want_to_work_the_mismatches_and_the_note_but_not_the_postcode(client, outbox):
    home = factories.workplace(name="Verulam House")
    vacancy = factories.vacancy(home, weekends=True, hours_per_week=30)
    manager = factories.manager(workplaces=[home])
    officer = factories.user(Role.hcpa_staff, full_name="Olu Officer")
    application = factories.application_at(State.ready_to_refer, full_name="Ama Mensah", available_weekends=False)
    client.sign_in(officer)
    confirm = f"/recruitment/applications/{application.id}/refer/{vacancy.id}"
    assert "Needs weekends, which they cannot work" in page_text(client.get(confirm))
    client.submit(confirm, {"version": str(application.version), "note": "Can start on 4 January."})
    db.session.refresh(application)
    referral = application.open_referral
    assert referral.match_concerns == "Needs weekends, which they cannot work"
    mail = next(m for m in outbox if m["To"] == manager.email).get_content()
    assert "A note from Olu Officer, who referred them:\nCan start on 4 January." in mail
    client.sign_out()

    client.sign_in(manager)
    page = page_text(client.get(f"/portal/{home.id}/referrals/{referral.id}"))
    assert "Wants to work in" in page and "St Albans" in page
    assert "AL1 3JE" not in page and "Lives in" not in page
    assert "Needs weekends, which they cannot work" in page and "What does not fit" in page
    assert "Can start on 4 January." in page and "A note from Olu Officer" in page
    assert "Cannot work" in page and "Weekends" in page


def test_a_manager_accepts_from_the_referrals_list_in_one_click(client):
    home = factories.workplace(name="Verulam House")
    manager = factories.manager(workplaces=[home])
    application = factories.application_at(State.referred, at_vacancy=factories.vacancy(home), full_name="Ama Mensah")
    referral = application.referrals[-1]
    client.sign_in(manager)
    assert location_path(client.get("/recruitment/referrals")) == f"/portal/{home.id}/referrals"  # no chooser
    listing = f"/portal/{home.id}/referrals"
    assert "Accept<span class=\"govuk-visually-hidden\"> Ama Mensah</span>" in text(client.get(listing))
    response = client.submit(f"/portal/{home.id}/referrals/{referral.id}",
                             {"step": "decision", "decision": "accept", "version": str(referral.version)},
                             form_page=listing)
    assert location_path(response) == f"/portal/{home.id}/referrals/{referral.id}"
    page = page_text(client.get(location_path(response)))
    assert "You accepted Ama Mensah: arrange their interview below" in page and "Saved." not in page
    db.session.refresh(referral)
    assert referral.status == ReferralStatus.accepted
    assert "Arrange the interview" in text(client.get(listing))


def test_an_interview_records_its_format_and_place_and_the_applicant_is_told(client, outbox):
    home = factories.workplace(name="Verulam House")
    manager = factories.manager(workplaces=[home])
    application = factories.application_at(State.referred, at_vacancy=factories.vacancy(home), full_name="Ama Mensah")
    referral = application.referrals[-1]
    client.sign_in(manager)
    url = f"/portal/{home.id}/referrals/{referral.id}"
    day = date.today() + timedelta(days=3)
    missing = client.submit(url, {"step": "interview", "version": str(referral.version),
                                  "interview_date": [str(day.day), str(day.month), str(day.year)],
                                  "interview_time": "10:00"})
    assert missing.status_code == 422 and "Select how the interview will happen" in page_text(missing)
    response = client.submit(url, {"step": "interview", "version": str(referral.version),
                                   "interview_date": [str(day.day), str(day.month), str(day.year)],
                                   "interview_time": "10:00", "interview_format": "phone",
                                   "interview_place": "We will call 07700 900982"}, follow_redirects=True)
    assert "interview is arranged for" in page_text(response) and "phone call" in page_text(response)
    db.session.refresh(referral)
    assert (referral.interview_format, referral.interview_place) == (InterviewFormat.phone, "We will call 07700 900982")
    db.session.commit()
    to_applicant = next(m for m in outbox if m["To"] == application.user.email).get_body(("plain",)).get_content()  # with its .ics
    assert "(phone call: We will call 07700 900982)" in to_applicant


# The applicant: the answers they sent, a timeline, never a start date in the past -------------

def test_the_applicant_reads_their_answers_and_timeline_and_a_past_start_reads_started(client):
    placed = factories.placement(start=date.today() - timedelta(days=8))
    application = placed.application
    for n, (was, to) in enumerate([(None, State.submitted), (State.submitted, State.screening),
                                   (State.offered, State.placed)]):
        from recruitment.models import StateChange

        db.session.add(StateChange(application=application, from_state=was, to_state=to,
                                   occurred_at=utcnow() - timedelta(days=30 - n)))
    db.session.commit()
    client.sign_in(application.user)
    page = page_text(client.get("/recruitment/"))
    assert "The answers you sent" in page and "A real example about courage." in page
    assert "What has happened so far" in page
    assert "You sent your application" in page and "We started reading your application" in page
    assert f"You got a job at {placed.employment.workplace.name}" in page
    assert f"You started at {placed.employment.workplace.name}" in page and "You start at" not in page


def test_a_manager_of_several_workplaces_gets_one_referrals_list_without_a_chooser(client):
    verulam, gade = factories.workplace(name="Verulam House"), factories.workplace(name="Gade House")
    elsewhere = factories.workplace(name="Elsewhere Lodge")
    manager = factories.manager(workplaces=[verulam, gade])
    ama = factories.application_at(State.referred, at_vacancy=factories.vacancy(verulam), full_name="Ama Mensah")
    factories.application_at(State.referred, at_vacancy=factories.vacancy(gade), full_name="Bo Gade")
    factories.application_at(State.referred, at_vacancy=factories.vacancy(elsewhere), full_name="Cy Elsewhere")
    client.sign_in(manager)
    response = client.get("/recruitment/referrals")
    assert response.status_code == 200
    listing = page_text(response)
    assert "Ama Mensah" in listing and "Bo Gade" in listing and "Cy Elsewhere" not in listing
    assert "Verulam House" in listing and "Gade House" in listing
    referral = ama.referrals[-1]
    response = client.submit(f"/portal/{verulam.id}/referrals/{referral.id}",
                             {"step": "decision", "decision": "accept", "version": str(referral.version)},
                             form_page="/recruitment/referrals")
    assert location_path(response) == f"/portal/{verulam.id}/referrals/{referral.id}"
    db.session.refresh(referral)
    assert referral.status == ReferralStatus.accepted
