"""Issue 17's jobs board in headless Chromium at a phone's 390 px: a visitor browses and filters open
jobs without seeing the employer, then signs in as an applicant and applies from one; the job is
recorded on their draft and the officer's matching lists it first."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from academy.auth.models import Role
from academy.extensions import db
from recruitment import matching
from recruitment.models import Application, State
from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, assert_fits_a_phone, click_through, sign_in


def test_a_visitor_browses_the_board_on_a_phone_and_applies_for_a_job(ctx, chromium, live_server):
    lodge = factories.workplace("Quillfeather Lodge", district_name="Watford", service_code="homecare")
    wanted = factories.vacancy(lodge, hours_per_week=Decimal("37.5"), hourly_pay=Decimal("12.60"),
                               description="Come and work at Quillfeather Lodge", weekends=True)
    other = factories.vacancy(factories.workplace("Bramblewood House", district_name="St Albans"),
                              role_code="senior_care_worker", hours_per_week=Decimal(20),
                              opened=date.today() - timedelta(days=2))
    applicant = factories.user(Role.applicant, email="board.applicant@example.com")

    context = chromium.new_context(base_url=live_server, viewport=PHONE)
    try:
        page = context.new_page()
        page.goto("/")
        click_through(page.get_by_role("link", name="See the jobs open now"))
        assert page.get_by_role("heading", level=1).inner_text() == "Jobs in care in Hertfordshire"
        assert_fits_a_phone(page)
        assert_accessible(page)
        body = page.locator("main").inner_text()
        assert "Quillfeather" not in body and "Bramblewood" not in body
        assert "£12.60 an hour" in body and "37.5 hours a week" in body

        page.get_by_label("District").select_option(label="Watford")
        page.get_by_label("Hours").select_option(label="30 hours a week or more")
        click_through(page.get_by_role("button", name="Filter"))
        assert "hours=30-plus" in page.url
        jobs = page.locator(".app-job h2 a")
        assert jobs.count() == 1 and jobs.first.get_attribute("href") == f"/recruitment/jobs/{wanted.id}"
        assert page.get_by_label("District").input_value() == str(lodge.district_id)
        assert_fits_a_phone(page)

        click_through(jobs.first)
        assert_fits_a_phone(page)
        assert_accessible(page)
        assert "Quillfeather" not in page.locator("main").inner_text()
        click_through(page.locator("main").get_by_role("link", name="Sign in"))
        page.get_by_label("Email address").fill(applicant.email)
        page.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
        click_through(page.get_by_role("button", name="Sign in"))
        assert page.url.endswith(f"/recruitment/jobs/{wanted.id}")
        click_through(page.get_by_role("button", name="Apply for this job"))
        assert "/recruitment/apply/" in page.url  # the first question of the application
        assert "interested in the care worker job" in page.locator("main").inner_text()
        assert_fits_a_phone(page)
    finally:
        context.close()

    db.session.expire_all()
    application = db.session.query(Application).filter_by(user_id=applicant.id).one()
    assert application.state == State.draft and application.interested_vacancy_id == wanted.id
    application.district = factories.district("St Albans")
    application.hours_per_week = 20
    application.full_name = "Board Applicant"
    application.driving_licence = application.has_car = True
    application.available_days = application.available_weekends = True
    db.session.commit()
    ranked = [m.post.id for m in matching.vacancies_for(db.session, application) if m.suitable]
    assert ranked[:2] == [wanted.id, other.id]


def test_a_signed_in_applicant_sees_the_vacancies_that_match_them(ctx, chromium, live_server):
    near = factories.vacancy(factories.workplace("Larkspur Court", district_name="St Albans"),
                             hours_per_week=Decimal(30))
    applicant = factories.user(Role.applicant, email="board.matches@example.com")
    factories.application(State.draft, owner=applicant)
    context = chromium.new_context(base_url=live_server, viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, applicant.email, factories.DEFAULT_PASSWORD)
        page.goto("/recruitment/jobs")
        assert page.get_by_role("heading", name="Vacancies that match you").is_visible()
        assert page.locator(f'.app-job h3 a[href="/recruitment/jobs/{near.id}"]').count() == 2  # matched, and listed
        assert "Larkspur" not in page.locator("main").inner_text()
        assert_fits_a_phone(page)
        assert_accessible(page)
    finally:
        context.close()
