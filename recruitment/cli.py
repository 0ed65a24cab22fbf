"""`flask recruitment find-duplicates`: look for likely duplicates among the applications already sent."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from academy.extensions import db

recruitment_cli = AppGroup("recruitment", help="Good Care Recruitment tasks run by hand.")


@recruitment_cli.command("find-duplicates")
def find_duplicates():
    """Record possible duplicate pairs among all sent applications (safe to run again)."""
    from recruitment.duplicates import rescan

    result = rescan(db.session)
    db.session.commit()
    click.echo(f"Scanned {result.scanned} sent applications; {result.sharing_a_key} share a matching key with "
               f"another. New possible duplicate pairs: {result.new_pairs} (HCPA's Possible duplicates lists them).")


def register(app) -> None:
    app.cli.add_command(recruitment_cli)
