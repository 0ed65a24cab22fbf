"""Headless Chromium: the whole Good Care Recruitment journey, with axe-core on every page visited.

Apply (on a phone-sized screen), screen, check, refer, the manager accepts and records an offer,
place, and the placed worker answers their first follow-up check-in.
"""
from datetime import date, timedelta

from academy.auth.models import Role
from recruitment.models import VALUES
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in

PHONE = {"width": 375, "height": 812}


def continue_(page):
    click_through(page.get_by_role("button", name="Continue"))


def check(page, name, value):
    page.locator(f"input[name='{name}'][value='{value}']").check()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def sign_out(page):
    click_through(page.get_by_role("button", name="Sign out"))


def apply(page, tmp_path):
    page.set_viewport_size(PHONE)
    page.goto("/")
    click_through(page.get_by_role("button", name="Start now"))
    assert page.url.endswith("/recruitment/")
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Start your application"))
    page.get_by_label("What is your full name?").fill("")
    continue_(page)
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    answers = [
        lambda: page.get_by_label("What is your full name?").fill("Ama Mensah"),
        lambda: page.get_by_label("What is your phone number?").fill("07700 900982"),
        lambda: page.get_by_label("What is your postcode?").fill("AL1 3JE"),
        lambda: None,  # district: worked out from the postcode
        lambda: page.get_by_label("Yes, I have settled or pre-settled status").check(),
        lambda: (check(page, "driving_licence", "no"), check(page, "has_car", "no")),
        lambda: (page.get_by_label("Days", exact=True).check(), page.get_by_label("Weekends").check(),
                 page.get_by_label("How many hours a week would you like to work?").fill("30")),
        lambda: page.get_by_label("Older people residential homes").check(),
        lambda: page.get_by_label("Less than 1 year").check(),
        lambda: None,  # qualifications: optional
        lambda: page.get_by_label("Which languages do you speak?").fill("English, Twi"),
        lambda: page.get_by_label("A recruitment fair").check(),
        *[lambda v=v: page.locator("textarea[name='answer']").fill(f"A specific example about {v}.") for v in VALUES],
    ]
    for answer in answers:
        assert_accessible(page)
        assert fits_the_screen(page), page.url
        answer()
        continue_(page)
    assert "/apply/cv" in page.url
    assert_accessible(page)
    cv = tmp_path / "my-cv.pdf"
    cv.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Upload a file (optional)").set_input_files(str(cv))
    continue_(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending your application"
    assert "St Albans" in page.content() and "my-cv.pdf" in page.content()
    assert_accessible(page)
    assert fits_the_screen(page)
    click_through(page.get_by_role("button", name="Accept and send"))
    assert "Application sent" in page.content()
    assert_accessible(page)
    page.goto("/recruitment/")
    assert "We have received your application" in page.content()
    assert_accessible(page)
    sign_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def screen_check_and_refer(page, application_id):
    page.goto("/recruitment/screening")
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Ama Mensah"))
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Start screening"))
    click_through(page.get_by_role("button", name="Record values assessment"))
    assert_accessible(page)
    for value in VALUES:
        check(page, f"{value}_score", "3")
        page.locator(f"textarea[name='{value}_justification']").fill(f"Clear example of {value} on the phone")
    click_through(page.get_by_role("button", name="Record assessment"))
    assert "Assessment recorded: pass (18 of 24)" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("link", name="See scores and reasons"))
    assert_accessible(page)
    page.goto(f"/recruitment/applications/{application_id}")
    click_through(page.get_by_role("button", name="Start safer-recruitment checks"))
    click_through(page.get_by_role("link", name="Safer-recruitment checks"))
    assert_accessible(page)
    check(page, "identity_right_to_work", "done")
    page.get_by_label("Evidence seen").fill("Home Office share code check")
    check(page, "dbs_status", "clear")
    page.get_by_label("Adults' barred list checked").check()
    page.get_by_label("DBS certificate number").fill("001234567890")
    issued = date.today() - timedelta(days=5)
    page.locator("#dbs_issued_on-day").fill(str(issued.day))
    page.locator("#dbs_issued_on-month").fill(str(issued.month))
    page.locator("#dbs_issued_on-year").fill(str(issued.year))
    for n, kind in (("1", "recent_employer"), ("2", "character")):
        page.locator(f"#reference_{n}_name").fill(f"Referee {n}")
        page.locator(f"#reference_{n}_kind").select_option(kind)
        page.locator(f"#reference_{n}_status").select_option("satisfactory")
    check(page, "employment_history", "complete_no_gaps")
    click_through(page.get_by_role("button", name="Save checks"))
    assert "All checks needed for referral are complete" in page.content()
    click_through(page.get_by_role("button", name="Mark ready to refer"))
    click_through(page.get_by_role("button", name="Find vacancies and refer"))
    assert_accessible(page)
    assert "In St Albans, where they want to work" in page.content()
    click_through(page.get_by_role("button", name="Refer to Verulam House"))
    assert "Referred to Verulam House" in page.content()
    assert_accessible(page)


def manager_offers(page):
    click_through(page.get_by_role("link", name="Referrals").first)
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Ama Mensah"))
    assert_accessible(page)
    page.get_by_label("Yes, we will arrange an interview").check()
    click_through(page.get_by_role("button", name="Save decision"))
    interview = date.today() + timedelta(days=2)
    page.locator("#interview_date-day").fill(str(interview.day))
    page.locator("#interview_date-month").fill(str(interview.month))
    page.locator("#interview_date-year").fill(str(interview.year))
    page.get_by_label("Interview time").fill("14:30")
    click_through(page.get_by_role("button", name="Save interview"))
    assert "Interview arranged" in page.content()
    assert_accessible(page)
    page.get_by_label("Offer the job").check()
    page.get_by_label("Offer details").fill("30 hours a week at £13.50 an hour")
    click_through(page.get_by_role("button", name="Save outcome"))
    assert "Job offered" in page.content()
    assert_accessible(page)


def place_and_follow_up(page, application_id):
    page.goto(f"/recruitment/applications/{application_id}")
    click_through(page.get_by_role("button", name="Record placement"))
    assert_accessible(page)
    start = date.today() - timedelta(days=8)
    page.locator("#start_date-day").fill(str(start.day))
    page.locator("#start_date-month").fill(str(start.month))
    page.locator("#start_date-year").fill(str(start.year))
    click_through(page.get_by_role("button", name="Record placement"))
    assert "is placed at Verulam House" in page.content()
    assert_accessible(page)
    page.goto("/recruitment/follow-ups")
    click_through(page.get_by_role("button", name="Check for due follow-ups now"))
    assert "1 check-ins created" in page.content()
    assert_accessible(page)


def answer_check_in(page):
    click_through(page.get_by_role("link", name="Your check-ins").first)
    assert_accessible(page)
    click_through(page.get_by_role("link", name="1 week: tell us how it is going"))
    assert_accessible(page)
    page.get_by_label("4: settled").check()
    page.get_by_label("Tell us how it is going (optional)").fill("The team are kind")
    click_through(page.get_by_role("button", name="Send"))
    assert "We have your answers" in page.content()
    assert_accessible(page)


def test_the_whole_recruitment_journey_is_usable_and_accessible(ctx, page, tmp_path):
    from academy.extensions import db
    from recruitment.models import Application

    home = factories.workplace(name="Verulam House")
    factories.vacancy(home, hours_per_week=30, weekends=True)
    factories.vacancy(factories.workplace(name="Watford Far Away", district_name="Watford"))
    manager = factories.manager(workplaces=[home])
    officer = factories.user(Role.hcpa_staff)
    applicant = factories.user(Role.applicant, full_name="Ama Mensah")

    sign_in(page, applicant.email, factories.DEFAULT_PASSWORD)
    apply(page, tmp_path)
    application_id = db.session.scalar(db.select(Application.id).filter_by(user_id=applicant.id))

    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    screen_check_and_refer(page, application_id)
    sign_out(page)

    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    manager_offers(page)
    sign_out(page)

    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    place_and_follow_up(page, application_id)
    sign_out(page)

    sign_in(page, applicant.email, factories.DEFAULT_PASSWORD)
    answer_check_in(page)


def test_the_other_recruitment_pages_and_their_errors_are_accessible(ctx, page):
    from recruitment.models import State

    home = factories.workplace(name="Verulam House")
    vacancy = factories.vacancy(home)
    offered = factories.application_at(State.offered, at_vacancy=vacancy)
    ready = factories.application_at(State.ready_to_refer, full_name="Grace Patel")
    checks = factories.application_at(State.checks)
    screening = factories.application_at(State.screening)
    officer = factories.user(Role.hcpa_staff)
    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    for path in ("/recruitment/vacancies", f"/recruitment/vacancies/{vacancy.id}/candidates",
                 f"/recruitment/applications/{ready.id}/matches",
                 f"/recruitment/referrals/{offered.referrals[-1].id}/offer-not-taken-up",
                 f"/recruitment/referrals/{offered.referrals[-1].id}", f"/recruitment/applications/{offered.id}"):
        page.goto(path)
        assert_accessible(page)
    page.goto(f"/recruitment/applications/{screening.id}/assessment")
    click_through(page.get_by_role("button", name="Record assessment"))
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    page.goto(f"/recruitment/applications/{checks.id}/checks")
    check(page, "dbs_status", "clear")
    click_through(page.get_by_role("button", name="Save checks"))
    assert "Enter the 12-digit DBS certificate number" in page.content()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, ready.user.email, factories.DEFAULT_PASSWORD)
    page.set_viewport_size(PHONE)
    for path in ("/recruitment/", "/recruitment/your-application/contact", "/recruitment/your-application/withdraw"):
        page.goto(path)
        assert_accessible(page)
        assert fits_the_screen(page), path
    page.goto("/recruitment/your-application/contact")
    page.get_by_label("Phone number").fill("")
    click_through(page.get_by_role("button", name="Save contact details"))
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
