"""Command-line interface: `flask seed ...` and `flask jobs ...` (features add their groups)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from academy.extensions import db

seed_cli = AppGroup("seed", help="Load reference and demo data.")
jobs_cli = AppGroup("jobs", help="Run the background worker and the periodic-job scheduler.")


@seed_cli.command("reference")
def seed_reference():
    """Districts, service types and job roles (safe to run again)."""
    from academy.workplaces.reference import seed_reference_data

    from academy.outcomes.baselines import seed_baselines
    from training.catalogue import seed_courses

    added = seed_reference_data(db.session)
    added["courses"] = seed_courses(db.session)
    added["outcome_baselines"] = seed_baselines(db.session)
    from academy.tiers.rules import seed_tiers

    added["career_tiers"] = seed_tiers(db.session)
    db.session.commit()
    click.echo("Reference data: " + ", ".join(f"{n} {k.replace('_', ' ')} added" for k, n in added.items()))


@seed_cli.command("courses")
def seed_course_catalogue():
    """The training course catalogue from training/data/courses.csv (safe to run again)."""
    from academy.workplaces.reference import seed_reference_data
    from training.catalogue import seed_courses

    seed_reference_data(db.session)
    added = seed_courses(db.session)
    db.session.commit()
    click.echo(f"Course catalogue: {added} courses added.")


NEW_PASSWORDS = ".venv/bin/flask --app wsgi seed demo --new-passwords"


@seed_cli.command("demo")
@click.option("--new-passwords", is_flag=True, help="Give the demo users new passwords and print them.")
def seed_demo(new_passwords: bool):
    """Demo workplaces, staff, vacancies and one user per role (development only; idempotent)."""
    if not current_app.config.get("DEVELOPMENT"):
        raise click.ClickException("Demo data is for development only (GOODCARE_ENV=development).")
    from academy.demo import seed_demo_data

    from academy.outcomes.demo import seed_demo_outcomes

    result = seed_demo_data(db.session, new_passwords=new_passwords)
    db.session.commit()
    if result.added_anything:
        click.echo(f"Demo data: {result.new_workplaces} workplaces and {result.applications} recruitment "
                   f"applications added; there are now {result.workplaces} workplaces, {result.staff} staff and "
                   f"{result.vacancies} open vacancies.")
    else:
        click.echo(f"Demo data is already loaded ({result.workplaces} workplaces, {result.staff} staff, "
                   f"{result.vacancies} open vacancies): nothing was added.")
    click.echo(seed_demo_outcomes(db.session))
    lines = result.sign_in_lines(development=current_app.config.get("DEVELOPMENT", False))
    if lines:
        click.echo(f"Demo sign-ins (shown once; run `{NEW_PASSWORDS}` to get new ones):")
        for line in lines:
            click.echo(line)
        if result.authenticator_keys:
            click.echo("HCPA staff and admins sign in with a 6-digit code too: add the authenticator key to an "
                       "authenticator app, or print the current code with\n"
                       "  .venv/bin/python -c \"import pyotp, sys; print(pyotp.TOTP(sys.argv[1]).now())\" KEY")
    else:
        click.echo("The demo sign-ins' passwords were printed when they were set and are not kept. "
                   f"For new ones (and new authenticator keys), run:\n  {NEW_PASSWORDS}")


@jobs_cli.command("worker")
@click.option("--queue", "queues", multiple=True, default=("default", "outcomes"), show_default=True)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(queues: tuple[str, ...], burst: bool):
    """Run an RQ worker for the queues, inside this app (needs REDIS_URL)."""
    from academy.jobs import get_queue, redis_connection
    from academy.worker import AppWorker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL to run a worker (without it, jobs run inline).")
    # with_scheduler: a failed job's retry is scheduled 10 s / 60 s later (academy.jobs.enqueue), and
    # only RQ's scheduler moves scheduled jobs back to the queue (one worker holds its lock at a time).
    AppWorker([get_queue(name) for name in queues], connection=redis_connection()).work(
        burst=burst, with_scheduler=True)


@jobs_cli.command("training-reminders")
def training_reminders():
    """Send today's training-expiry and overdue-induction reminders now (the daily job, by hand)."""
    from training.reminders import send_due_reminders

    run = send_due_reminders(db.session)
    click.echo(f"Reminders: {run.training} training, {run.inductions} inductions, {run.emails} emails.")


@jobs_cli.command("tier-lapses")
def tier_lapses():
    """Send today's career-tier lapse notices and lapse tiers past the grace period (the daily job, by hand)."""
    from academy.tiers.lapse import run_tier_lapses

    run = run_tier_lapses(db.session, grace_days=current_app.config["TIER_LAPSE_GRACE_DAYS"])
    click.echo(f"Career tiers: {run.notices} lapse notices, {run.lapsed} tiers lapsed, {run.emails} emails.")


@jobs_cli.command("cron")
def cron():
    """Run the RQ cron scheduler with the periodic jobs in academy/jobs_cron.py (needs REDIS_URL)."""
    from rq.cron import CronScheduler

    from academy.jobs import redis_connection

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL to run the scheduler.")
    scheduler = CronScheduler(connection=redis_connection())
    scheduler.load_config_from_file("academy/jobs_cron.py")
    scheduler.start()


def register(app) -> None:
    from academy.ascwds.cli import register as register_ascwds
    from academy.outcomes.cli import register as register_outcomes
    from academy.privacy.cli import register as register_privacy
    from academy.voice.cli import register as register_voice
    from recruitment.cli import register as register_recruitment
    from training.credentials.cli import register as register_credentials

    app.cli.add_command(seed_cli)
    app.cli.add_command(jobs_cli)
    register_outcomes(app)
    register_ascwds(app)
    register_privacy(app)
    register_credentials(app)
    register_voice(app)
    register_recruitment(app)
