"""Headless Chromium: a manager offers two interview times on the referral page (one email for both), the applicant books
one from their page on a 390 px phone, and both get the calendar invitation (issue 17)."""
from datetime import date, timedelta

from icalendar import Calendar

from academy.auth.models import Role
from recruitment.models import State
from tests import factories
from tests.browser.conftest import (
    PHONE, assert_accessible, assert_fits_a_phone, click_through, sign_in, sign_out,
)


def offer(page, day: date, at: str, how: str, place: str, another: bool):
    for box, value in zip(page.locator("input[name='slot_date']").all(), (day.day, day.month, day.year)):
        box.fill(str(value))
    page.get_by_label("Time (UK time)").fill(at)
    page.get_by_label("Length in minutes").fill("45")
    page.locator(f"input[name='slot_format'][value='{how}']").check()
    page.locator("input[name='slot_place']").fill(place)
    page.get_by_label("Yes, add another time" if another else "No, email them the times now").check()
    click_through(page.get_by_role("button", name="Offer this time"))


def test_manager_offers_two_times_and_the_applicant_books_one_on_a_phone(ctx, page, outbox):
    home = factories.workplace(name="Verulam House")
    manager = factories.manager(workplaces=[home])
    application = factories.application_at(State.referred, at_vacancy=factories.vacancy(home), full_name="Ama Mensah")
    referral = application.referrals[-1]
    officer = factories.user(Role.hcpa_staff)
    day = date.today() + timedelta(days=6)

    sign_in(page, manager.email, factories.DEFAULT_PASSWORD)
    page.goto(f"/portal/{home.id}/referrals/{referral.id}")
    offer(page, day, "10:00", "in_person", "Verulam House, AL1 3JE", another=True)
    assert page.get_by_text("Time saved. Add another below").is_visible()
    assert page.locator("#offered-times").get_by_text("Not emailed yet").is_visible()
    assert outbox == []
    offer(page, day, "14:30", "video", "https://meet.example/ama", another=False)
    assert page.get_by_text("We have emailed Ama Mensah 2 times to choose from").is_visible()
    assert page.locator("#offered-times li").count() == 2
    assert [m["To"] for m in outbox] == [application.user.email]
    assert_accessible(page)
    sign_out(page)

    page.set_viewport_size(PHONE)
    sign_in(page, application.user.email, factories.DEFAULT_PASSWORD)
    page.goto("/recruitment/")
    assert page.get_by_role("heading", name="Choose your interview time").is_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)
    outbox.clear()
    page.get_by_label("2:30pm", exact=False).check()
    click_through(page.get_by_role("button", name="Book this time"))
    assert page.get_by_text("Your interview is booked for").is_visible()
    assert "2:30pm" in page.locator("#your-interview").inner_text()
    assert_fits_a_phone(page)

    invited = {}
    for message in outbox:
        for part in message.iter_attachments():
            if part.get_content_type() == "text/calendar":
                event = Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
                invited[message["To"]] = (event.decoded("DTSTART").hour, str(event["UID"]))
    assert set(invited) == {application.user.email, manager.email}
    assert {when for when, _ in invited.values()} == {14}
    assert len({uid for _, uid in invited.values()}) == 1

    sign_out(page)
    sign_in(page, officer.email, factories.DEFAULT_PASSWORD)
    page.goto("/recruitment/interviews")
    assert page.get_by_role("link", name="Ama Mensah").is_visible()
    assert page.get_by_role("heading", name="Arranged (1)").is_visible()
    assert_accessible(page)
    assert_fits_a_phone(page)
