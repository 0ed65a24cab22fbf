"""An interview as a calendar event (RFC 5545 iCalendar, with iTIP methods from RFC 5546), built with
the `icalendar` library.

One event per referral: its UID is made from the referral's id and the site's address, so every
invitation, update and cancellation for the interview names the same event, and a calendar
that accepted the first replaces it. `Referral.interview_sequence` is the event's SEQUENCE: 0 for
the first invitation, one more for each move and for the cancellation. Times are UK time: DTSTART
and DTEND carry TZID=Europe/London and the calendar carries that VTIMEZONE.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from academy.extensions import utcnow
from recruitment.dates import LONDON
from recruitment.models import InterviewFormat, Referral

DEFAULT_MINUTES = 60
MIMETYPE = "text/calendar; method={method}"


def event_uid(referral: Referral) -> str:
    """The interview's stable UID: 'interview-referral-42@goodcare.example'."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "goodcare.invalid"
    return f"interview-referral-{referral.id}@{host}"


def invitation(referral: Referral, attendees: list[str], cancel: bool = False) -> tuple[str, str, str]:
    """The .ics attachment for the referral's interview, as send_mail takes it: (filename, mimetype, text).
    A REQUEST for an arranged interview (a new or moved one: SEQUENCE tells them apart), or a CANCEL."""
    method = "CANCEL" if cancel else "REQUEST"
    calendar = Calendar()
    calendar.add("prodid", "-//Good Care Platform//Interviews//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(_event(referral, attendees, cancel))
    calendar.add_missing_timezones()
    return ("interview.ics", MIMETYPE.format(method=method), calendar.to_ical().decode())


def _event(referral: Referral, attendees: list[str], cancel: bool) -> Event:
    workplace = referral.vacancy.workplace
    starts = referral.interview_at.astimezone(LONDON)
    event = Event()
    event.add("uid", event_uid(referral))
    event.add("sequence", referral.interview_sequence or 0)
    event.add("dtstamp", utcnow())
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=referral.interview_minutes or DEFAULT_MINUTES))
    event.add("summary", f"Interview: {referral.application.full_name}, {referral.vacancy.job_role.name} "
                         f"at {workplace.name}")
    how = referral.interview_format.value if referral.interview_format else "Interview"
    event.add("description", f"{how}. {referral.interview_place or ''}".strip())
    if referral.interview_place and referral.interview_format == InterviewFormat.in_person:
        event.add("location", referral.interview_place)
    elif referral.interview_place and referral.interview_format == InterviewFormat.video:
        event.add("location", referral.interview_place)
        if referral.interview_place.startswith(("https://", "http://")):
            event.add("url", referral.interview_place)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{current_app.config['MAIL_SENDER'].rpartition('<')[2].rstrip('>')}")
    organizer.params["cn"] = vText("Good Care Recruitment")
    event.add("organizer", organizer)
    for email in attendees:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    return event
