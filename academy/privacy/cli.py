"""`flask privacy retention [--dry-run]`: run the retention job now, or list what it would do."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from academy.extensions import db

privacy_cli = AppGroup("privacy", help="Retention of applications (the monthly job, run by hand).")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Only say how many applications are due; change nothing.")
def retention(dry_run: bool):
    """Anonymise unsuccessful or withdrawn applications past APPLICATION_RETENTION_MONTHS."""
    from academy.privacy.retention import due_for_anonymisation, run_retention

    if dry_run:
        due = due_for_anonymisation(db.session)
        click.echo(f"{len(due)} applications are due for anonymisation.")
        return
    result = run_retention(db.session)
    click.echo(f"{result.applications_anonymised} applications anonymised, {result.cv_files_deleted} CV files deleted.")


def register(app) -> None:
    app.cli.add_command(privacy_cli)
