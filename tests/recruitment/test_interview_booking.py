"""Interviews people can book (issue 17): offered times, booking, the .ics invitation parsed back with
icalendar (UK time, stable UID, SEQUENCE on a move, CANCEL), cancellations and no-shows, the
day-before reminder sent once, HCPA's lists, and who may do what."""
import re
from datetime import date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from academy.auth.access import Invalid, NotAllowed
from academy.auth.models import Role
from academy.extensions import db, utcnow
from recruitment import booking, referrals
from recruitment.dates import from_london
from recruitment.models import InterviewFormat, InterviewReminder, ReferralStatus, State
from tests import factories
from tests.helpers import text

LONDON = ZoneInfo("Europe/London")


def page_text(response) -> str:
    return unescape(re.sub(r"<[^>]+>", "", text(response)))


def invitation_of(message) -> Calendar:
    """The message's .ics attachment, parsed back the way a calendar would read it."""
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, message["Subject"]
    return Calendar.from_ical(parts[0].get_content())


def the_event(calendar: Calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


@pytest.fixture
def setting(ctx):
    home = factories.workplace(name="Verulam House")
    manager = factories.manager(workplaces=[home])
    application = factories.application_at(State.referred, at_vacancy=factories.vacancy(home), full_name="Ama Mensah")
    return {"home": home, "manager": manager, "application": application, "referral": application.referrals[-1]}


def summer_day() -> date:
    """A day in British Summer Time (UTC+1) some weeks ahead, so UK time and UTC differ."""
    today = date.today()
    year = today.year if today < date(today.year, 6, 1) else today.year + 1
    return date(year, 7, 14)


def test_offered_time_booked_by_the_applicant_invites_both_in_uk_time(setting, outbox):
    referral, manager, application = setting["referral"], setting["manager"], setting["application"]
    starts = from_london(summer_day(), time(14, 30))
    first = booking.offer_slot(db.session, referral, manager, starts, 45, InterviewFormat.video,
                               "https://meet.example/abc", email_now=False)
    assert outbox == [] and not first.is_offered
    with pytest.raises(Invalid):  # a time not yet emailed is not the applicant's to book
        booking.book(db.session, first, application.user)
    db.session.rollback()
    first = booking.offer_slot(db.session, referral, manager, starts, 45, InterviewFormat.video,
                               "https://meet.example/abc", email_now=False)
    other = booking.offer_slot(db.session, referral, manager, starts + timedelta(days=1), 45,
                               InterviewFormat.in_person, "Verulam House, AL1 3JE")
    db.session.commit()
    assert referral.status == ReferralStatus.accepted
    assert [m["To"] for m in outbox] == [application.user.email] and "Choose a time" in outbox[0]["Subject"]
    body = outbox[0].get_content()
    assert "2:30pm" in body and "in person" in body and "video" in body  # one email, both times, UK time
    assert first.is_offered and other.is_offered
    outbox.clear()

    booking.book(db.session, first, application.user)
    db.session.commit()
    assert referral.status == ReferralStatus.interview_arranged and application.state == State.interviewing
    assert referral.interview_at == starts and referral.interview_minutes == 45
    assert first.booked_at is not None and other.withdrawn_at is not None
    assert {m["To"] for m in outbox} == {application.user.email, manager.email}
    for message in outbox:
        calendar = invitation_of(message)
        assert calendar["METHOD"] == "REQUEST"
        event = the_event(calendar)
        start = event.decoded("DTSTART")
        assert start.tzinfo is not None and start.utcoffset() == timedelta(hours=1)  # BST
        assert (start.hour, start.minute) == (14, 30) and event["DTSTART"].params["TZID"] == "Europe/London"
        assert event.decoded("DTEND") - start == timedelta(minutes=45)
        assert event["SEQUENCE"] == 0 and event["STATUS"] == "CONFIRMED"
        assert event["UID"] == f"interview-referral-{referral.id}@localhost"
        assert {str(a) for a in event.get("ATTENDEE")} == {f"mailto:{application.user.email}",
                                                          f"mailto:{manager.email}"}
        assert "Europe/London" in [tz["TZID"] for tz in calendar.walk("VTIMEZONE")]


def test_a_moved_interview_updates_the_same_event_and_a_cancellation_cancels_it(setting, outbox):
    referral, manager, application = setting["referral"], setting["manager"], setting["application"]
    starts = from_london(summer_day(), time(10, 0))
    referrals.arrange_interview(db.session, referral, manager, starts, InterviewFormat.phone, "We will call you")
    db.session.commit()
    first = the_event(invitation_of(outbox[0]))
    outbox.clear()
    referrals.arrange_interview(db.session, referral, manager, starts + timedelta(hours=3), InterviewFormat.phone,
                                "We will call you")
    db.session.commit()
    moved = the_event(invitation_of(next(m for m in outbox if m["To"] == application.user.email)))
    assert moved["UID"] == first["UID"] and moved["SEQUENCE"] == first["SEQUENCE"] + 1 == 1
    assert moved.decoded("DTSTART").hour == 13
    outbox.clear()

    booking.cancel_interview(db.session, referral, manager, "The manager is unwell")
    db.session.commit()
    assert referral.status == ReferralStatus.accepted and referral.interview_cancelled_by_id == manager.id
    assert referral.interview_cancel_reason == "The manager is unwell"
    assert {m["To"] for m in outbox} == {application.user.email, manager.email}
    calendar = invitation_of(outbox[0])
    cancelled = the_event(calendar)
    assert calendar["METHOD"] == "CANCEL" and cancelled["STATUS"] == "CANCELLED"
    assert cancelled["UID"] == first["UID"] and cancelled["SEQUENCE"] == 2


def test_the_applicant_may_cancel_and_it_records_who(setting, outbox):
    referral, manager, application = setting["referral"], setting["manager"], setting["application"]
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(days=3),
                                InterviewFormat.phone, "We will call you")
    with pytest.raises(Invalid, match="why"):
        booking.cancel_interview(db.session, referral, application.user, " ")
    booking.cancel_interview(db.session, referral, application.user, "I have started another job")
    assert referral.interview_cancelled_by_id == application.user_id


def test_only_the_applicant_books_and_only_managers_of_the_workplace_offer(setting):
    referral, manager, application = setting["referral"], setting["manager"], setting["application"]
    stranger = factories.manager(workplaces=[factories.workplace()])
    with pytest.raises(NotAllowed):
        booking.offer_slot(db.session, referral, stranger, utcnow() + timedelta(days=2), 30,
                              InterviewFormat.phone, "Call")
    slot = booking.offer_slot(db.session, referral, manager, utcnow() + timedelta(days=2), 30,
                                 InterviewFormat.phone, "Call")
    with pytest.raises(NotAllowed):
        booking.book(db.session, slot, manager)
    with pytest.raises(NotAllowed):
        booking.book(db.session, slot, factories.user(Role.applicant))
    with pytest.raises(Invalid, match="future"):
        booking.offer_slot(db.session, referral, manager, utcnow() - timedelta(hours=1), 30,
                              InterviewFormat.phone, "Call")


def test_a_no_show_is_recorded_only_after_the_time(setting):
    referral, manager = setting["referral"], setting["manager"]
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(hours=2),
                                InterviewFormat.phone, "We will call you")
    with pytest.raises(Invalid, match="after the interview"):
        booking.record_no_show(db.session, referral, manager)
    referral.interview_at = utcnow() - timedelta(hours=1)
    booking.record_no_show(db.session, referral, manager)
    assert referral.interview_no_show


def test_the_day_before_reminder_goes_once_per_interview_time(setting, outbox):
    referral, manager, application = setting["referral"], setting["manager"], setting["application"]
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(hours=20),
                                InterviewFormat.phone, "We will call you")
    db.session.commit()
    outbox.clear()
    assert booking.interview_reminders_job() == {"reminders_sent": 1}
    assert {m["To"] for m in outbox} == {application.user.email, manager.email}
    assert all(m["Subject"].startswith("Reminder: interview") for m in outbox)
    assert booking.interview_reminders_job() == {"reminders_sent": 0}
    assert booking.claim_and_remind(db.session, referral) is False  # the claim row already exists
    db.session.rollback()
    assert db.session.query(InterviewReminder).count() == 1 and len(outbox) == 2


def test_hcpa_sees_interviews_arranged_waiting_and_overdue(setting, client):
    referral, manager = setting["referral"], setting["manager"]
    home = setting["home"]
    waiting = factories.application_at(State.referred, at_vacancy=factories.vacancy(home), full_name="Wai Ting")
    booking.offer_slot(db.session, waiting.referrals[-1], manager, utcnow() + timedelta(days=4), 30,
                          InterviewFormat.phone, "Call")
    overdue = factories.application_at(State.interviewing, at_vacancy=factories.vacancy(home), full_name="Owen Due")
    overdue.referrals[-1].interview_at = utcnow() - timedelta(days=5)
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(days=2),
                                InterviewFormat.phone, "Call")
    db.session.commit()
    lists = booking.interview_lists(db.session)
    assert [r.application.full_name for r in lists.arranged] == ["Ama Mensah"]
    assert [r.application.full_name for r in lists.waiting] == ["Wai Ting"]
    assert [r.application.full_name for r in lists.overdue] == ["Owen Due"]
    client.sign_in(factories.user(Role.hcpa_staff))
    page = page_text(client.get("/recruitment/interviews"))
    assert "Overdue for an outcome (1)" in page and "Owen Due" in page and "Wai Ting" in page
    client.sign_out()
    client.sign_in(manager)
    assert client.get("/recruitment/interviews").status_code == 403


# Through the web ---------------------------------------------------------------------------------

def _slot_data(referral, day, at="10:00", fmt="in_person", place="Verulam House, AL1 3JE", minutes="60",
               another="no"):
    return {"step": "slot", "version": str(referral.version), "slot_date": [str(day.day), str(day.month), str(day.year)],
            "slot_time": at, "minutes": minutes, "slot_format": fmt, "slot_place": place, "another": another}


def test_manager_offers_times_and_the_applicant_books_from_their_page(setting, client, outbox):
    referral, manager, application, home = (setting["referral"], setting["manager"], setting["application"],
                                            setting["home"])
    client.sign_in(manager)
    url = f"/portal/{home.id}/referrals/{referral.id}"
    day = date.today() + timedelta(days=5)
    bad = client.submit(url, _slot_data(referral, day, minutes="5"))
    assert bad.status_code == 422 and "between 10 and 240 minutes" in page_text(bad)
    unanswered = client.submit(url, _slot_data(referral, day, another=""))
    assert unanswered.status_code == 422 and "Select whether you want to offer another time" in page_text(unanswered)
    page = page_text(client.submit(url, _slot_data(referral, day, another="yes"), follow_redirects=True))
    assert "Time saved. Add another below" in page and "Not emailed yet" in page and outbox == []
    db.session.refresh(referral)
    page = page_text(client.submit(url, _slot_data(referral, day, at="15:00"), follow_redirects=True))
    assert "We have emailed Ama Mensah 2 times to choose from" in page and "Not emailed yet" not in page
    db.session.refresh(referral)
    assert len(referral.slots) == 2
    assert [m["To"] for m in outbox] == [application.user.email]
    assert "10am" in outbox[0].get_content() and "3pm" in outbox[0].get_content()

    client.sign_out()
    client.sign_in(application.user)
    yours = page_text(client.get("/recruitment/"))
    assert "Choose your interview time" in yours and "3pm" in yours
    missing = client.submit("/recruitment/interview/book", {})
    assert missing.status_code == 422 and "Select the time that suits you" in page_text(missing)
    outbox.clear()
    later = referral.slots[1]
    done = page_text(client.submit("/recruitment/interview/book", {"slot": str(later.id)}, follow_redirects=True))
    assert "Your interview is booked for" in done
    db.session.refresh(referral)
    assert referral.status == ReferralStatus.interview_arranged and referral.interview_at == later.starts_at
    assert {m["To"] for m in outbox} == {application.user.email, manager.email}
    assert all(the_event(invitation_of(m))["SEQUENCE"] == 0 for m in outbox)


def test_the_applicant_asks_for_other_times_and_the_manager_sees_it(setting, client, outbox):
    referral, manager, application, home = (setting["referral"], setting["manager"], setting["application"],
                                            setting["home"])
    booking.offer_slot(db.session, referral, manager, utcnow() + timedelta(days=3), 30, InterviewFormat.phone,
                          "Call")
    db.session.commit()
    client.sign_in(application.user)
    outbox.clear()
    client.submit("/recruitment/interview/other-times", {"message": "Any weekday after 3pm"}, follow_redirects=True)
    assert [m["To"] for m in outbox] == [manager.email] and "Any weekday after 3pm" in outbox[0].get_content()
    from academy.auth.models import AuditEvent
    assert db.session.query(AuditEvent).filter_by(action="asked_other_interview_times").count() == 1
    client.sign_out()
    client.sign_in(manager)
    assert "Any weekday after 3pm" in page_text(client.get(f"/portal/{home.id}/referrals/{referral.id}"))


def test_another_applicant_or_another_workplaces_manager_gets_404(setting, client):
    referral, manager, home = setting["referral"], setting["manager"], setting["home"]
    slot = booking.offer_slot(db.session, referral, manager, utcnow() + timedelta(days=3), 30,
                                 InterviewFormat.phone, "Call")
    db.session.commit()
    someone_else = factories.application_at(State.referred, at_vacancy=factories.vacancy(home))
    client.sign_in(someone_else.user)
    assert client.submit("/recruitment/interview/book", {"slot": str(slot.id)}).status_code == 404
    db.session.refresh(slot)
    assert slot.booked_at is None
    stranger = factories.manager(workplaces=[factories.workplace()])
    client.sign_out()
    client.sign_in(stranger)
    other_home = stranger.workplaces[0]
    day = date.today() + timedelta(days=5)
    assert client.submit(f"/portal/{home.id}/referrals/{referral.id}", _slot_data(referral, day)).status_code == 404
    assert client.submit(f"/portal/{other_home.id}/referrals/{referral.id}",
                         _slot_data(referral, day)).status_code == 404
    assert client.get(f"/recruitment/referrals/{referral.id}").status_code == 404


def test_a_slot_id_that_is_not_plain_digits_is_a_form_error_not_a_500(client):
    """'²' passes str.isdigit but not int(); 30 nines pass int() but not the database's integer."""
    referral = factories.application_at(State.referred).open_referral
    client.sign_in(referral.application.user)
    for chosen in ("²", "9" * 30):
        response = client.submit("/recruitment/interview/book", {"slot": chosen}, form_page="/recruitment/")
        assert response.status_code in (404, 422), (chosen, response.status_code)


def test_the_applicant_cannot_cancel_an_interview_whose_time_has_passed(setting):
    """After the time (a no-show recorded, or an outcome due) a cancellation would wipe the pending outcome."""
    referral, manager, application = setting["referral"], setting["manager"], setting["application"]
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(hours=2),
                                InterviewFormat.phone, "We will call you")
    referral.interview_at = utcnow() - timedelta(hours=1)
    booking.record_no_show(db.session, referral, manager)
    with pytest.raises(Invalid, match="has passed"):
        booking.cancel_interview(db.session, referral, application.user, "Too late")
    assert referral.status == ReferralStatus.interview_arranged and referral.interview_no_show


def test_the_manager_sends_waiting_times_and_withdraws_one_and_the_applicant_is_told(setting, client, outbox):
    referral, manager, application, home = (setting["referral"], setting["manager"], setting["application"],
                                            setting["home"])
    soon, later = utcnow() + timedelta(days=3), utcnow() + timedelta(days=4)
    first = booking.offer_slot(db.session, referral, manager, soon, 30, InterviewFormat.phone, "Call", email_now=False)
    second = booking.offer_slot(db.session, referral, manager, later, 30, InterviewFormat.phone, "Call",
                                email_now=False)
    db.session.commit()
    client.sign_in(application.user)
    assert "Choose your interview time" not in page_text(client.get("/recruitment/"))  # nothing sent yet
    client.sign_out()

    client.sign_in(manager)
    url = f"/portal/{home.id}/referrals/{referral.id}"
    done = page_text(client.submit(url, {"step": "send_times", "version": str(referral.version)},
                                   follow_redirects=True))
    assert "We have emailed Ama Mensah 2 times to choose from" in done
    assert len(outbox) == 1
    again = client.submit(url, {"step": "send_times", "version": str(referral.version)})
    assert again.status_code == 200 and "Email these times" not in page_text(again)  # no form: nothing to send
    assert "That is no longer possible" in page_text(again)  # said, not silently ignored
    outbox.clear()

    gone = page_text(client.submit(url, {"step": "withdraw_slot", "version": str(referral.version),
                                         "slot": str(first.id)}, follow_redirects=True))
    assert "You withdrew the time" in gone
    db.session.refresh(first)
    assert first.withdrawn_at is not None and second.is_offered
    assert [m["To"] for m in outbox] == [application.user.email]
    assert "Interview time withdrawn" in outbox[0]["Subject"] and "You can still book" in outbox[0].get_content()
    twice = client.submit(url, {"step": "withdraw_slot", "version": str(referral.version), "slot": str(first.id)})
    assert twice.status_code == 422 and "already been booked or withdrawn" in page_text(twice)
    for bad in ("", "²", "9" * 30):
        assert client.submit(url, {"step": "withdraw_slot", "version": str(referral.version),
                                   "slot": bad}).status_code == 422

    client.sign_out()
    client.sign_in(application.user)
    outbox.clear()
    assert client.submit("/recruitment/interview/book", {"slot": str(first.id)}).status_code == 422


def test_only_this_workplaces_managers_withdraw_its_times(setting, client):
    referral, manager, home = setting["referral"], setting["manager"], setting["home"]
    slot = booking.offer_slot(db.session, referral, manager, utcnow() + timedelta(days=3), 30,
                              InterviewFormat.phone, "Call")
    other = factories.application_at(State.referred, at_vacancy=factories.vacancy(home))
    their_slot = booking.offer_slot(db.session, other.referrals[-1], manager, utcnow() + timedelta(days=3), 30,
                                    InterviewFormat.phone, "Call")
    db.session.commit()
    stranger = factories.manager(workplaces=[factories.workplace()])
    client.sign_in(stranger)
    assert client.submit(f"/portal/{home.id}/referrals/{referral.id}",
                         {"step": "withdraw_slot", "version": str(referral.version), "slot": str(slot.id)}
                         ).status_code == 404
    client.sign_out()
    client.sign_in(manager)  # a time of another referral, through this referral's page
    assert client.submit(f"/portal/{home.id}/referrals/{referral.id}",
                         {"step": "withdraw_slot", "version": str(referral.version), "slot": str(their_slot.id)}
                         ).status_code == 404
    with pytest.raises(NotAllowed):
        booking.withdraw_slot(db.session, referral, slot, factories.user(Role.applicant))
    db.session.rollback()
    db.session.refresh(slot)
    db.session.refresh(their_slot)
    assert slot.is_open and their_slot.is_open


def test_a_refused_withdrawal_links_from_the_error_summary_to_the_withdraw_buttons(setting, client):
    """The error summary's link (#<field id>) leads to an element on the page: the first Withdraw
    button, below the error, on HCPA's referral page and the manager's alike."""
    referral, manager, home = setting["referral"], setting["manager"], setting["home"]
    first = booking.offer_slot(db.session, referral, manager, utcnow() + timedelta(days=3), 30,
                               InterviewFormat.phone, "Call")
    booking.offer_slot(db.session, referral, manager, utcnow() + timedelta(days=4), 30, InterviewFormat.phone, "Call")
    booking.withdraw_slot(db.session, referral, first, manager)  # (another time is still open)
    db.session.commit()
    for who, url in ((factories.user(Role.hcpa_staff), f"/recruitment/referrals/{referral.id}"),
                     (manager, f"/portal/{home.id}/referrals/{referral.id}")):
        client.sign_in(who)
        for slot, message in (("", "Choose a time to withdraw"),
                              (str(first.id), "That time has already been booked or withdrawn")):
            refused = client.submit(url, {"step": "withdraw_slot", "version": str(referral.version), "slot": slot})
            html = text(refused)
            summary = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
            targets = re.findall(r'href="#([^"]+)"', summary)
            assert refused.status_code == 422 and message in summary and targets, (url, slot)
            for target in targets:
                assert len(re.findall(rf'<[a-z]+[^>]* id="{re.escape(target)}"', html)) == 1, (url, slot, target)
            button = re.search(r'<button[^>]* id="withdraw-slot"[^>]*>Withdraw<', html)
            assert button and 'aria-describedby="withdraw-slot-error"' in button.group(0)
            assert f'id="withdraw-slot-error"><span class="govuk-visually-hidden">Error:</span> {message}' in html
        client.sign_out()


def test_the_referral_page_gives_every_form_its_own_button_id(setting, client):
    """Several forms share the referral page (interview, cancel, no-show, outcome); the error summary
    links to a refused form's button by its id, so no two elements may share one."""
    referral, manager, home = setting["referral"], setting["manager"], setting["home"]
    referrals.arrange_interview(db.session, referral, manager, utcnow() + timedelta(hours=2),
                                InterviewFormat.phone, "We will call you")
    referral.interview_at = utcnow() - timedelta(hours=1)  # over: the no-show and outcome forms show
    db.session.commit()
    for who, url in ((factories.user(Role.hcpa_staff), f"/recruitment/referrals/{referral.id}"),
                     (manager, f"/portal/{home.id}/referrals/{referral.id}")):
        client.sign_in(who)
        html = text(client.get(url))
        ids = re.findall(r'<[a-z]+[^>]* id="([^"]+)"', html)
        assert ids and len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
        if who is manager:
            assert 'id="no-show-submit"' in html and 'id="outcome-submit"' in html
        client.sign_out()
