"""`flask import ascwds FILE [FILE ...] [--dry-run]` and `flask export ascwds --workplace ID --out DIR`.

The command line acts with HCPA's reach (any workplace), as whoever runs it on the server."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from academy.extensions import db

import_cli = AppGroup("import", help="Import data from other systems.")
export_cli = AppGroup("export", help="Export data for other systems.")


def _date(value: str | None) -> date | None:
    from academy.ascwds.cells import parse_date

    if value is None:
        return None
    day = parse_date(value)
    if day is None:
        raise click.BadParameter(f"{value} is not a real date in the form DD/MM/YYYY")
    return day


@import_cli.command("ascwds")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the files and print the report; change nothing.")
@click.option("--leaving-date", help="DD/MM/YYYY: leaving date for staff marked DELETE (default today).")
@click.option("--district", help="District of any workplace new to the service (e.g. 'St Albans').")
@click.option("--provider", help="Provider (its name) of new workplaces without a CQC provider number, when the "
                                 "file's other workplaces do not give it.")
def import_ascwds(files: tuple[Path, ...], dry_run: bool, leaving_date: str | None, district: str | None,
                  provider: str | None):
    """Check ASC-WDS bulk-upload files (workplace, staff, training) and, without --dry-run, apply them."""
    import time

    from academy.ascwds.apply import apply_plan
    from academy.ascwds.parse import FileProblem, parse
    from academy.ascwds.validate import Options, validate
    from academy.workplaces.models import District, Provider

    provider_id = None
    if provider:
        provider_id = db.session.scalar(select(Provider.id).where(Provider.name == provider))
        if provider_id is None:
            raise click.BadParameter(f"{provider} is not one of the providers", param_hint="--provider")
    district_id = None
    if district:
        district_id = db.session.scalar(select(District.id).where(District.name == district))
        if district_id is None:
            raise click.BadParameter(f"{district} is not one of the districts", param_hint="--district")
    parsed, problems = [], []
    started = time.perf_counter()
    for path in files:
        try:
            parsed.append(parse(path.name, path.read_bytes()))
        except FileProblem as exc:
            problems.append(f"{path.name}: {exc}")
    plan = validate(db.session, parsed, None, Options(today=date.today(), leaving_date=_date(leaving_date),
                                                      district_id=district_id, provider_id=provider_id))
    for problem in problems:
        plan.report.error(None, None, None, problem)
    for line in plan.report.lines():
        click.echo(line)
    click.echo(f"Checked in {time.perf_counter() - started:.1f} s")
    if not plan.report.ok:
        raise SystemExit(1)
    if dry_run:
        click.echo("Dry run: nothing has been changed.")
        return
    if plan.report.provider_needed:
        click.echo("Choose the provider of " + ", ".join(plan.report.provider_needed) + " with --provider NAME")
        raise SystemExit(1)
    started = time.perf_counter()
    totals = apply_plan(db.session, plan, None)
    db.session.commit()
    click.echo(f"Applied in {time.perf_counter() - started:.1f} s: {totals['created']} created, "
               f"{totals['updated']} updated, {totals['deleted']} deleted.")


@export_cli.command("ascwds")
@click.option("--workplace", "workplace_ids", type=int, multiple=True, help="Workplace id (repeatable).")
@click.option("--provider", "provider_id", type=int, help="Every workplace of this provider.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
def export_ascwds(workplace_ids: tuple[int, ...], provider_id: int | None, out_dir: Path):
    """Write workplace.csv, staff.csv and training.csv for ASC-WDS bulk upload."""
    from academy.ascwds.export import export_files
    from academy.workplaces.models import Workplace

    ids = list(workplace_ids)
    if provider_id is not None:
        ids += list(db.session.scalars(select(Workplace.id).where(Workplace.provider_id == provider_id)))
    found = set(db.session.scalars(select(Workplace.id).where(Workplace.id.in_(ids))))
    missing = sorted(set(ids) - found)
    if not ids or missing:
        raise click.ClickException(f"No workplace with id {', '.join(map(str, missing))}" if missing
                                   else "Give --workplace ID or --provider ID")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, content in export_files(db.session, sorted(found)).items():
        (out_dir / name).write_bytes(content)
        rows = content.count(b"\n") - 1
        click.echo(f"Wrote {out_dir / name} ({rows} rows)")


def register(app) -> None:
    app.cli.add_command(import_cli)
    app.cli.add_command(export_cli)
