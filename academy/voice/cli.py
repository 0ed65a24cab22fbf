"""`flask voice pulse` (open this quarter's "How are you finding work?" now and email it) and
`flask voice daily` (the daily job by hand)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from academy.extensions import db

voice_cli = AppGroup("voice", help="Staff voice: polls and the quarterly pulse.")


@voice_cli.command("pulse")
def open_pulse():
    """Open this quarter's pulse for every member (if it is not open yet) and email their links."""
    from academy.voice.invitations import send_poll_invitations
    from academy.voice.pulse import open_quarterly_pulse

    poll = open_quarterly_pulse(db.session)
    db.session.commit()
    if poll is None:
        click.echo("This quarter's pulse already exists.")
        return
    sent = send_poll_invitations(poll.id)
    click.echo(f"Opened {poll.title} until {poll.closes_on:%-d %B %Y}; {sent} members emailed.")


@voice_cli.command("daily")
def daily():
    """Close polls past their date, open the quarter's pulse, email polls opening today."""
    from academy.voice.pulse import voice_daily_job

    done = voice_daily_job()
    click.echo(f"Staff voice: {done['closed']} polls closed, pulse opened: {'yes' if done['pulse_opened'] else 'no'}, "
               f"{done['emailed']} emails.")


def register(app) -> None:
    app.cli.add_command(voice_cli)
