"""Headless Chromium: the whole Good Care Recruitment journey, with axe-core on every page visited.

Apply (on a phone-sized screen), screen, check, refer, the manager accepts and records an offer,
place, and the placed worker answers their first follow-up check-in. Issue 15: the officer finds the
applicant by name and assigns them, refers with a confirmation and a note, the manager accepts from the
Referrals list in one click and sees the CV, the values-assessment summary and what does not fit, the
interview's format and place, the placed application's next check-in, and the applicant at 390 px reads
their answers and timeline.
"""
from datetime import date, timedelta

from academy.auth.models import Role
from recruitment.models import VALUES
from tests import factories
from tests.browser.conftest import assert_accessible, click_through, sign_in, sign_out

PHONE = {"width": 375, "height": 812}
PHONE_390 = {"width": 390, "height": 844}


def continue_(page):
    click_through(page.get_by_role("button", name="Continue"))


def check(page, name, value):
    page.locator(f"input[name='{name}'][value='{value}']").check()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


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


def screen_check_and_refer(page, application_id, officer):
    page.goto("/recruitment/screening")
    assert_accessible(page)
    page.get_by_label("Search by name").fill("mensah")
    click_through(page.get_by_role("button", name="Filter"))
    assert "1 application named like" in page.content()
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Ama Mensah"))
    assert_accessible(page)
    page.get_by_label("Assigned officer").select_option(label=officer.full_name)
    click_through(page.get_by_role("button", name="Assign"))
    assert "Ama Mensah's application is assigned to you" in page.content()
    click_through(page.get_by_role("button", name="Start screening"))
    assert "Ama Mensah is being screened" in page.content()
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
    assert "Ama Mensah is ready to refer" in page.content()
    assert page.get_by_role("button", name="Mark ready to refer").count() == 0
    click_through(page.get_by_role("button", name="Find vacancies and refer"))
    assert_accessible(page)
    assert "In St Albans, where they want to work" in page.content()
    assert "45 hours a week (they want 30)" in page.content()  # a mismatch, shown
    click_through(page.get_by_role("button", name="Refer to Verulam House, care worker"))
    assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Refer to Verulam House, care worker?"
    page.get_by_label("A note to the manager (optional)").fill("Ama can start in two weeks.")
    click_through(page.get_by_role("button", name="Refer Ama Mensah to Verulam House"))
    assert "Ama Mensah is referred to Verulam House (care worker)" in page.content()
    assert page.get_by_role("button", name="Mark ready to refer").count() == 0  # referred: not its move
    assert_accessible(page)


def manager_offers(page, home):
    click_through(page.get_by_role("link", name="Referrals").first)
    assert page.url.endswith(f"/portal/{home.id}/referrals")  # one workplace: no chooser
    assert_accessible(page)
    click_through(page.get_by_role("button", name="Accept Ama Mensah"))  # one click, from the list
    assert "You accepted Ama Mensah: arrange their interview below" in page.content()
    assert_accessible(page)
    body = page.locator("main").inner_text()
    assert "Wants to work in" in body and "St Albans" in body and "AL1 3JE" not in body
    assert "18 out of 24" in body and "Courage" in body and "Clear example of courage" not in body
    assert "45 hours a week (they want 30)" in page.locator("#mismatches").inner_text()
    assert "Ama can start in two weeks." in body
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Ama Mensah's CV (PDF)").click()
    assert download.value.suggested_filename == "cv-ama-mensah.pdf"
    interview = date.today() + timedelta(days=2)
    # The page also offers interview times to book (the same kinds of field): this is the form that
    # arranges one directly.
    arrange = page.locator("form", has=page.get_by_role("button", name="Save interview"))
    page.locator("#interview_date-day").fill(str(interview.day))
    page.locator("#interview_date-month").fill(str(interview.month))
    page.locator("#interview_date-year").fill(str(interview.year))
    arrange.get_by_label("Interview time").fill("14:30")
    arrange.get_by_label("Video call").check()
    arrange.get_by_label("Where, or how to join").fill("https://meet.example/verulam")
    click_through(page.get_by_role("button", name="Save interview"))
    assert "Ama Mensah's interview is arranged for" in page.content()
    assert "Interview arranged" in page.content() and "https://meet.example/verulam" in page.content()
    assert_accessible(page)
    page.get_by_label("Offer the job").check()
    page.get_by_label("Offer details").fill("30 hours a week at £13.50 an hour")
    click_through(page.get_by_role("button", name="Save outcome"))
    assert "You offered Ama Mensah the job" in page.content() and "Job offered" in page.content()
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
    assert "Next: the 1 week check-in with Ama Mensah" in page.content()  # a real next step
    assert_accessible(page)
    page.goto("/recruitment/follow-ups")
    click_through(page.get_by_role("button", name="Check for due follow-ups now"))
    assert "1 check-ins created" in page.content()
    assert_accessible(page)
    page.goto(f"/recruitment/applications/{application_id}")
    assert page.get_by_role("link", name="record the 1 week check-in from a phone call").is_visible()


def reads_their_application(page):
    """At 390 px: the answers they sent, the timeline, and a start date in the past reads "started"."""
    page.set_viewport_size(PHONE_390)
    page.goto("/recruitment/")
    assert_accessible(page)
    assert fits_the_screen(page)
    main = page.locator("main").inner_text()
    assert "What has happened so far" in main
    for step in ("You sent your application", "You passed our values assessment",
                 "We introduced you to Verulam House", "Verulam House arranged an interview",
                 "Verulam House offered you a job", "You got a job at Verulam House"):
        assert step in main, step
    assert "The answers you sent" in main and "A specific example about courage." in main and "English, Twi" in main
    assert "You started at Verulam House" in main and "You start at" not in main
    page.set_viewport_size({"width": 1280, "height": 900})


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
    factories.vacancy(home, hours_per_week=45, weekends=True)  # more hours than Ama wants: a mismatch
    factories.vacancy(factories.workplace(name="Watford Far Away", district_name="Watford"))
    manager = factories.manager(workplaces=[home])
    officer = factories.user(Role.hcpa_staff, full_name="Olu Officer")
    applicant = factories.user(Role.applicant, full_name="Ama Mensah")

    sign_in(page, applicant.email, factories.DEFAULT_PASSWORD)
    apply(page, tmp_path)
    application_id = db.session.scalar(db.select(Application.id).filter_by(user_id=applicant.id))

    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    screen_check_and_refer(page, application_id, officer)
    sign_out(page)

    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    manager_offers(page, home)
    sign_out(page)

    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    place_and_follow_up(page, application_id)
    sign_out(page)

    sign_in(page, applicant.email, factories.DEFAULT_PASSWORD)
    reads_their_application(page)
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


def test_the_hcpa_queue_lands_first_and_searches_filters_and_assigns(ctx, page):
    from recruitment.models import State

    home = factories.workplace(name="Verulam House")
    nurse_post = factories.vacancy(home, role_code="registered_nurse")
    factories.application_at(State.submitted, full_name="Ama Mensah")
    factories.application_at(State.referred, full_name="Bea Referred")
    factories.application_at(State.screening, full_name="Cy Screening")
    ready = factories.application_at(State.ready_to_refer, full_name="Dee Ready")
    officer = factories.user(Role.hcpa_staff, full_name="Olu Officer")
    factories.user(Role.hcpa_staff, full_name="Pat Colleague")
    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    assert page.url.endswith("/recruitment/screening")  # HCPA officers land on the queue
    assert page.get_by_role("heading", level=1).inner_text() == "Screening queue"
    assert_accessible(page)
    names = lambda: page.locator("table").inner_text()  # noqa: E731
    assert "Ama Mensah" in names() and "Cy Screening" in names() and "Bea Referred" not in names()
    assert page.get_by_label("State").input_value() == ""  # "Needs action", the default
    page.get_by_label("State").select_option(label="Referred")
    click_through(page.get_by_role("button", name="Filter"))
    assert "Bea Referred" in names() and "Ama Mensah" not in names()
    page.get_by_label("State").select_option(label="All states")
    click_through(page.get_by_role("button", name="Filter"))
    assert all(name in names() for name in ("Ama Mensah", "Bea Referred", "Cy Screening", "Dee Ready"))
    page.get_by_label("Search by name").fill("screen")
    click_through(page.get_by_role("button", name="Filter"))
    assert "Cy Screening" in names() and "Ama Mensah" not in names()
    assert_accessible(page)
    click_through(page.get_by_role("link", name="Cy Screening"))
    page.get_by_label("Assigned officer").select_option(label="Pat Colleague")
    click_through(page.get_by_role("button", name="Assign"))
    assert "Cy Screening's application is assigned to Pat Colleague" in page.content()
    assert_accessible(page)
    page.goto("/recruitment/screening")
    page.get_by_label("Assigned officer").select_option(label="Pat Colleague")
    click_through(page.get_by_role("button", name="Filter"))
    assert "Cy Screening" in names() and "Ama Mensah" not in names()
    assert "Pat Colleague" in names()

    # Matching never offers the nurse's post to someone without an NMC PIN; its page says why.
    page.goto(f"/recruitment/applications/{ready.id}/matches")
    assert page.get_by_role("button", name="Refer to Verulam House, registered nurse").count() == 0
    page.goto(f"/recruitment/applications/{ready.id}/refer/{nurse_post.id}")
    assert_accessible(page)
    assert "needs an NMC registration (PIN), which they have not given" in page.content()
    assert page.get_by_role("button", name="Refer Dee Ready to Verulam House").count() == 0


def test_a_manager_of_two_workplaces_accepts_from_one_referrals_list(ctx, page):
    from recruitment.models import State

    verulam, gade = factories.workplace(name="Verulam House"), factories.workplace(name="Gade House")
    manager = factories.manager(workplaces=[verulam, gade])
    factories.application_at(State.referred, at_vacancy=factories.vacancy(verulam), full_name="Ama Mensah")
    factories.application_at(State.referred, at_vacancy=factories.vacancy(gade), full_name="Bo Gade")
    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    click_through(page.get_by_role("link", name="Referrals").first)
    assert page.url.endswith("/recruitment/referrals")  # one list, no workplace to choose
    assert_accessible(page)
    assert "Bo Gade" in page.locator("table").inner_text()
    click_through(page.get_by_role("button", name="Accept Ama Mensah"))
    assert "You accepted Ama Mensah: arrange their interview below" in page.content()
    assert_accessible(page)
