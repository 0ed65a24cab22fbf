"""`flask privacy retention [--dry-run]`: run the retention job now, or list what it would do."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from academy.extensions import db

privacy_cli = AppGroup("privacy", help="Retention of applications (the monthly job, run by hand).")


@privacy_cli.command("retention")
@click.option("--dry-run", is_flag=True, help="Only say how many applications are due; change nothing.")
def retention(dry_run: bool):
    """Anonymise ended applications past their retention period; warn about, then delete, old unsent drafts."""
    from academy.privacy.retention import (
        drafts_due_for_deletion, drafts_to_warn, due_for_anonymisation, placed_due_for_anonymisation, run_retention,
    )

    if dry_run:
        click.echo(f"{len(due_for_anonymisation(db.session))} applications are due for anonymisation, "
                   f"{len(placed_due_for_anonymisation(db.session))} placed people's applications are due for "
                   f"anonymisation, {len(drafts_due_for_deletion(db.session))} unsent drafts are due for deletion, "
                   f"{len(drafts_to_warn(db.session))} owners of unsent drafts are due a warning.")
        return
    click.echo(f"{run_retention(db.session)}.")


def register(app) -> None:
    app.cli.add_command(privacy_cli)
