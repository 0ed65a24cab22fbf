"""`flask outcomes compute` and `flask outcomes show` (stable: scripts depend on them)."""
from __future__ import annotations

import json
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from academy.auth.access import DomainError
from academy.extensions import db

outcomes_cli = AppGroup("outcomes", help="Compute and show the workforce outcomes.")
SCOPES = {"county": "county", "district": "district", "service-type": "service_type", "workplace": "workplace",
          # the GCR funnel's own scopes (academy/outcomes/funnel.py): by source and by the applicants' district
          "source": "gcr_source", "applicant-district": "gcr_district"}


class DateParam(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD, like 2025-01-31", param, ctx)


@outcomes_cli.command("compute")
@click.option("--from", "start", type=DateParam(), required=True, help="First day (its month end is computed).")
@click.option("--to", "end", type=DateParam(), required=True, help="Last day (month to date if not a month end).")
def compute(start: date, end: date):
    """Recompute and store the snapshots for the month ends from --from to --to."""
    from academy.outcomes.jobs import running_job_id
    from academy.outcomes.snapshots import run_outcomes, validate_range

    try:
        validate_range(start, end)
    except DomainError as problem:
        raise click.BadParameter(str(problem)) from None
    if current_app.config.get("REDIS_URL") and running_job_id():
        raise click.ClickException("A recompute of the outcomes is already running. Wait for it to finish.")

    def progress(percent: int, message: str) -> None:
        click.echo(f"{percent:3d}%  {message}", err=True)

    try:
        result = run_outcomes(db.session, start, end, progress=progress)
    except DomainError as problem:
        raise click.ClickException(str(problem)) from None
    written = result.written
    click.echo(f"Stored {result.rows:,} figures for {result.workplaces:,} workplaces on {len(result.dates)} dates "
               f"({', '.join(d.isoformat() for d in result.dates)}): {written.inserted:,} new, "
               f"{written.updated:,} changed, {written.deleted:,} no longer produced (removed); the rest were "
               "already stored.")


@outcomes_cli.command("show")
@click.option("--as-of", "as_of", type=DateParam(), default=None,
              help="The snapshot date (default: the latest stored).")
@click.option("--scope", type=click.Choice(list(SCOPES)), default="county", show_default=True)
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def show(as_of: date | None, scope: str, output: str):
    """Print each scope's outcomes as numerator, denominator and rate."""
    from academy.outcomes import report, snapshots

    if as_of is not None and as_of > date.today():
        raise click.BadParameter(f"{as_of.isoformat()} is in the future", param_hint="'--as-of'")
    day = snapshots.latest_date(db.session, on_or_before=as_of)
    if day is None:
        when = f" on or before {as_of.isoformat()}" if as_of else ""
        raise click.ClickException(
            f"No outcomes are stored{when}. Run `flask outcomes compute --from YYYY-MM-DD --to YYYY-MM-DD` first.")
    if as_of is not None and day != as_of:
        click.echo(f"Showing the latest snapshot on or before {as_of.isoformat()}: {day.isoformat()}.", err=True)
    rows = report.outcome_rows(db.session, SCOPES[scope], [day])
    if output == "json":
        click.echo(json.dumps([row.as_dict() for row in rows], indent=2))
    elif output == "csv":
        click.echo(report.as_csv(rows), nl=False)
    else:
        _print_table(rows, SCOPES[scope], day)


def _print_table(rows, scope_type: str, day: date) -> None:
    """The outcomes as a table, then the GCR funnel of each scope as its own table, for the month of
    the date (its stored rows are in the CSV and JSON formats)."""
    from academy.outcomes import funnel, report

    others = [row for row in rows if not row.metric.startswith("funnel_")]
    if others:
        click.echo(report.as_table(others))
    if scope_type not in ("county", *funnel.SCOPE_TYPES):
        return
    scopes = {(row.scope_id, row.scope) for row in rows if row.metric.startswith("funnel_")}
    for scope_id, name in sorted(scopes, key=lambda item: (item[1].lower(), item[0])):
        click.echo("")
        click.echo(funnel.as_text(funnel.figures(db.session, scope_type, scope_id, [day]), name))


def register(app) -> None:
    app.cli.add_command(outcomes_cli)
