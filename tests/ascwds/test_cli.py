"""`flask import ascwds FILE ... [--dry-run]` and `flask export ascwds --workplace ID --out DIR`."""
from __future__ import annotations

from sqlalchemy import func, select

from academy.extensions import db
from academy.workplaces.models import Employment, Person, Workplace
from tests.ascwds.conftest import FIXTURES, edited
from training.models import TrainingRecord


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _files(*names):
    return [str(FIXTURES / n) for n in names]


def _people() -> int:
    return db.session.scalar(select(func.count()).select_from(Person))


def test_dry_run_prints_the_report_and_changes_nothing(app, ctx):
    result = _cli(app, "import", "ascwds", *_files("workplace.csv", "staff.csv", "training.csv"), "--dry-run",
                  "--district", "Watford")
    assert result.exit_code == 0, result.output
    assert "Staff file: 3 to create, 0 to update, 0 to delete, 0 unchanged" in result.output
    assert "Dry run: nothing has been changed." in result.output
    assert _people() == 0


def test_import_applies_and_export_writes_the_files_back(app, ctx, tmp_path):
    result = _cli(app, "import", "ascwds", *_files("workplace.csv", "staff.csv", "training.csv"),
                  "--district", "Watford")
    assert result.exit_code == 0, result.output
    assert "Applied in" in result.output and "8 created" in result.output
    assert _people() == 3 and db.session.scalar(select(func.count()).select_from(TrainingRecord)) == 4
    workplace = db.session.scalar(select(Workplace))
    assert workplace.district.name == "Watford"
    out = tmp_path / "out"
    result = _cli(app, "export", "ascwds", "--workplace", str(workplace.id), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["staff.csv", "training.csv", "workplace.csv"]
    assert "staff.csv (3 rows)" in result.output
    again = _cli(app, "import", "ascwds", *(str(p) for p in sorted(out.iterdir())))
    assert again.exit_code == 0 and "0 created, 0 updated, 0 deleted" in again.output


def test_errors_exit_non_zero_and_change_nothing(app, ctx, tmp_path):
    bad = tmp_path / "staff.csv"
    bad.write_bytes(edited("staff.csv", {3: {"MAINJOBROLE": "99", "NINUMBER": "ZZ99"}}))
    result = _cli(app, "import", "ascwds", *_files("workplace.csv"), str(bad), "--district", "Watford")
    assert result.exit_code == 1
    assert "Line 4, MAINJOBROLE: 99 is not a job role code" in result.output
    assert "ZZ99" not in result.output  # personal values are masked
    assert _people() == 0 and db.session.scalar(select(func.count()).select_from(Employment)) == 0


def test_an_unreadable_file_is_reported(app, ctx, tmp_path):
    odd = tmp_path / "photo.csv"
    odd.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = _cli(app, "import", "ascwds", str(odd))
    assert result.exit_code == 1 and "photo.csv: This is not a CSV file" in result.output


def test_export_needs_a_workplace_that_exists(app, ctx, tmp_path):
    result = _cli(app, "export", "ascwds", "--workplace", "999", "--out", str(tmp_path))
    assert result.exit_code != 0 and "No workplace with id 999" in result.output
