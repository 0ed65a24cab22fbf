"""Emailing members their own link to answer a poll. The job makes each link as it runs (so no link
sits in the job's data) and hands the message to `deliver_mail` itself, like the account emails
(academy/auth/emails.py). A poll is emailed once, on the day it opens; members who have already
answered are skipped. Links are made INVITE_BATCH members at a time, so the job asks the database a
fixed number of times a batch (not once or twice a member: a county-wide poll reaches about 40,000)."""
from __future__ import annotations

from datetime import date

from flask import current_app

from academy.extensions import db
from academy.mail import deliver_mail
from academy.unit_of_work import enqueue_after_commit, job
from academy.voice.answering import answer_links, unanswered_audience
from academy.voice.models import Poll

INVITE_BATCH = 1000  # members whose links are read and saved together


def invite_after_commit(poll: Poll) -> None:
    """Queue the poll's invitations once the current transaction commits."""
    enqueue_after_commit(send_poll_invitations, poll.id, queue="default", description="Email a poll's links")


def _message(poll: Poll, full_name: str, link: str) -> tuple[str, str]:
    service = current_app.config["SERVICE_NAME"]
    subject = f"Have your say: {poll.title}"
    body = (f"Hello {full_name},\n\nHCPA would like to hear from you: {poll.title}.\n"
            f"{(poll.intro + chr(10)) if poll.intro else ''}\n"
            f"Answer here (the link is yours alone and works once, until {poll.closes_on:%-d %B %Y}):\n{link}\n\n"
            "Your answers are anonymous: nobody, HCPA included, can see which answers are yours, and results "
            f"are shown only for groups of at least {current_app.config['VOICE_MIN_GROUP']} people.\n\n"
            f"You can also answer from your {service} account, under Have your say.")
    return subject, body


@job
def send_poll_invitations(poll_id: int, today: date | None = None) -> int:
    """Job: email every member the poll reaches who has not answered it their link. Returns how many."""
    today = today or date.today()
    # locked until the claim below commits: a second run at the same time (the job queued on opening
    # and the daily one) waits, then finds the poll sent, and does not replace the links just emailed
    poll = db.session.get(Poll, poll_id, with_for_update=True, populate_existing=True)
    if poll is None or not poll.accepting(today) or poll.invitations_sent_on is not None:
        return 0
    poll.invitations_sent_on = today
    members = unanswered_audience(db.session, poll, today)
    messages = []
    for start in range(0, len(members), INVITE_BATCH):
        batch = members[start:start + INVITE_BATCH]
        links = answer_links(db.session, poll, [member.user_id for member in batch])
        messages += [(member.email, *_message(poll, member.full_name, links[member.user_id])) for member in batch]
    # Claimed, with the links' hashes saved, before anything is sent: a retry of this job does not
    # email everyone again, and no email carries a link the database does not know.
    db.session.commit()
    for to, subject, body in messages:
        deliver_mail(to, subject, body, purpose="poll_invitation")
    return len(messages)
