"""What the applicant is told at each step that matters to them: on their page and by email."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from academy.mail import public_url, send_mail
from recruitment.dates import date_and_time, long_date
from recruitment.models import Application, State

# (status in plain English, what happens next) for the applicant's own page.
PLAIN_STATUS = {
    State.draft: ("You have not sent your application yet",
                  "Answer the remaining questions and send your application. Your answers are saved as you go."),
    State.submitted: ("We have received your application",
                      "A recruitment officer will read your answers within 5 working days and phone you."),
    State.screening: ("We are reading your application",
                      "A recruitment officer will phone you to talk about your answers and what matters to you."),
    State.values_assessed: ("You have passed our values assessment",
                            "Next we will ask for your references and a DBS check."),
    State.checks: ("We are checking your references and DBS",
                   "This usually takes 2 to 4 weeks. We will tell you if we need anything from you."),
    State.ready_to_refer: ("Your checks are complete",
                           "We are finding care providers near you with jobs that suit you."),
    State.referred: ("We have introduced you to a care provider",
                     "The manager will contact you to arrange an interview."),
    State.interviewing: ("You have an interview",
                         "Good luck. We can help you prepare: reply to our email if you would like to talk."),
    State.offered: ("You have been offered a job",
                    "We will confirm your start date with you and the care provider."),
    State.placed: ("You have a job in care",
                   "We will check in with you after your first week, and again after 1, 3 and 6 months."),
    State.withdrawn: ("You withdrew your application",
                      "If you change your mind, contact us and we will help you apply again."),
    State.not_progressed: ("We are not taking your application further",
                           "We have emailed you about this. Contact us if you have any questions."),
    State.on_hold: ("Your application is paused",
                    "We have paused your application for now and will contact you before it carries on."),
    # Merged into another application (recruitment/duplicates.py): said neutrally, as the other
    # account may not be theirs to know about.
    State.merged: ("This application is closed",
                   "You do not need to do anything. If you have any questions, contact us."),
}

_EMAILS = {
    State.submitted: ("We have received your application",
                      "Thank you for applying to work in care through Good Care Recruitment.\n\n"
                      "A recruitment officer will read your answers within 5 working days and phone you."),
    State.values_assessed: ("Your application is moving forward",
                            "Thank you for talking to us. You have passed our values assessment.\n\n"
                            "Next we will ask for your references and a DBS check."),
    State.ready_to_refer: ("Your checks are complete",
                           "Your references and checks are complete. We are now finding care providers "
                           "near you with jobs that suit you."),
    State.referred: ("We have introduced you to a care provider",
                     "We have sent your details to {workplace}. The manager will contact you to arrange "
                     "an interview."),
    State.interviewing: ("Your interview with {workplace}",
                         "{workplace} would like to interview you on {interview}{how}.\n\n"
                         "Reply to this email if you would like help to prepare."),
    State.offered: ("{workplace} has offered you a job",
                    "Congratulations: {workplace} has offered you a job. We will confirm your start date "
                    "with you and them."),
    State.placed: ("Your start date at {workplace}",
                   "You {start_verb} at {workplace} on {start}.\n\nYour Good Care account is now a care worker's "
                   "account: sign in to see your training passport. We will check in with you after your "
                   "first week."),
    State.withdrawn: ("You have withdrawn your application",
                      "You have withdrawn your application. If you change your mind, contact us and we will "
                      "help you apply again."),
    State.not_progressed: ("About your application",
                           "Thank you for your interest in working in care. We are not able to take your "
                           "application further at the moment.\n\nIf you would like to talk about this, "
                           "reply to this email."),
    State.on_hold: ("Your application is paused",
                    "We have paused your application for now. We will contact you before it carries on."),
}


TIMELINE_WORDS = {
    State.submitted: "You sent your application",
    State.screening: "We started reading your application",
    State.values_assessed: "You passed our values assessment",
    State.checks: "We started your reference and DBS checks",
    State.ready_to_refer: "Your checks were complete",
    State.referred: "We introduced you to {workplace}",
    State.interviewing: "{workplace} arranged an interview",
    State.offered: "{workplace} offered you a job",
    State.placed: "You got a job at {workplace}",
    State.withdrawn: "You withdrew your application",
    State.not_progressed: "We stopped taking your application further",
    State.on_hold: "We paused your application",
    State.merged: "We closed this application",
}
BACK_FROM_REFERRAL = (State.referred, State.interviewing, State.offered)


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    what: str


def timeline(application: Application) -> list[TimelineEntry]:
    """The applicant's own history of their application, oldest first, in their words: what happened
    and when, never who moved it or HCPA's internal reasons."""
    entries = []
    # What came from another application merged into this one (recruitment/duplicates.py) is HCPA's
    # record, not part of the story this applicant is told.
    referrals = iter([r for r in application.referrals if r.merged_from_id is None])
    workplace = "a care provider"
    for change in application.history:
        if change.merged_from_id is not None:
            continue
        if change.to_state == State.referred:
            referral = next(referrals, None)
            workplace = referral.vacancy.workplace.name if referral else workplace
        if change.to_state == State.placed and application.placement is not None:
            workplace = application.placement.employment.workplace.name
        if change.to_state == State.ready_to_refer and change.from_state in BACK_FROM_REFERRAL:
            what = "That introduction ended; we started looking for another care provider for you"
        elif change.from_state == State.on_hold and change.to_state not in (State.withdrawn, State.not_progressed):
            what = "We carried on with your application"
        else:
            what = TIMELINE_WORDS.get(change.to_state, change.to_state.label).format(workplace=workplace)
        entries.append(TimelineEntry(change.occurred_at, what))
    return entries


def external_url(endpoint: str, **values) -> str:
    """A full link for an email: always on PUBLIC_BASE_URL, never the request's Host."""
    return public_url(endpoint, **values)


def plain_status(application: Application) -> tuple[str, str]:
    return PLAIN_STATUS[application.state]


def start_verb(start, today=None) -> str:
    """"start" for a start date to come (or today), "started" once it has passed: nobody is told they
    start on a day that has gone."""
    return "started" if start < (today or date.today()) else "start"


def interview_how(referral) -> str:
    """How and where the interview happens, for a sentence: " (in person at ...)"."""
    if referral.interview_format is None:
        return ""
    return f" ({referral.interview_format.value.lower()}: {referral.interview_place})" if referral.interview_place \
        else f" ({referral.interview_format.value.lower()})"


def tell_applicant(application: Application, state: State, attachments: list | None = None) -> None:
    """Email the applicant about a move that matters to them (not every internal step does), with
    any attachments (the interview's calendar invitation)."""
    if state not in _EMAILS:
        return
    subject, body = _EMAILS[state]
    referral = application.open_referral or (application.placement.referral if application.placement else None)
    values = {
        "workplace": referral.vacancy.workplace.name if referral else "the care provider",
        "interview": date_and_time(referral.interview_at) if referral else "",
        "start": long_date(application.placement.start_date) if application.placement else "",
        "start_verb": start_verb(application.placement.start_date) if application.placement else "start",
        "how": interview_how(referral) if referral else "",
    }
    link = external_url("recruitment.start")
    send_mail(application.user.email, subject.format(**values),
              f"Hello {application.full_name or application.user.full_name},\n\n{body.format(**values)}\n\n"
              f"See where your application is: {link}\n\nGood Care Recruitment, HCPA", attachments=attachments)


# A referral that comes to nothing returns the applicant to ready_to_refer; they are told why in
# general terms (never the manager's own reason) and that HCPA is looking again.
_REFERRAL_CLOSED = {
    "declined": ("About your introduction to {workplace}",
                 "{workplace} has decided not to take your application further this time.\n\n"
                 "Your checks are still complete, and we are looking for other care providers near you "
                 "with jobs that suit you."),
    "unsuccessful": ("After your interview with {workplace}",
                     "Thank you for going to your interview with {workplace}. They have decided not to offer "
                     "you the job this time.\n\nWe are looking for other care providers near you with jobs "
                     "that suit you. Reply to this email if you would like feedback or help to prepare."),
    "offer_declined": ("About the job at {workplace}",
                       "We have recorded that you are not taking up the job at {workplace}.\n\n"
                       "We are looking for other care providers near you with jobs that suit you."),
}


def tell_applicant_referral_closed(referral) -> None:
    """Email the applicant that a referral (declined, unsuccessful interview or offer not taken up)
    has ended and that they are ready to be referred again."""
    wording = _REFERRAL_CLOSED.get(referral.status.name)
    if wording is None:
        return
    application = referral.application
    workplace = referral.vacancy.workplace.name
    subject, body = wording
    link = external_url("recruitment.start")
    send_mail(application.user.email, subject.format(workplace=workplace),
              f"Hello {application.full_name or application.user.full_name},\n\n{body.format(workplace=workplace)}"
              f"\n\nSee where your application is: {link}\n\nGood Care Recruitment, HCPA")
