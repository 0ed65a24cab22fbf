"""Helpers for the ASC-WDS tests: fixture files, edited copies of them, and one-call imports."""
from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from academy.ascwds.apply import apply_plan
from academy.ascwds.parse import parse
from academy.ascwds.validate import Options, validate
from academy.extensions import db

FIXTURES = Path(__file__).with_name("fixtures")
TODAY = date(2026, 12, 1)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def edited(name: str, changes: dict[int, dict[str, str]] | None = None, drop_rows=(), add_rows=()) -> bytes:
    """A fixture with some cells changed: {row number (1 = first data row): {COLUMN: value}}."""
    rows = list(csv.reader(io.StringIO(fixture_bytes(name).decode("utf-8"))))
    header = rows[0]
    for n, cells in (changes or {}).items():
        for column, value in cells.items():
            rows[n][header.index(column)] = value
    rows = [r for i, r in enumerate(rows) if i not in drop_rows]
    for extra in add_rows:
        rows.append([extra.get(c, "") for c in header])
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(header)
    csv.writer(out, lineterminator="\r\n").writerows(rows[1:])
    return out.getvalue().encode("utf-8")


def check(user, *files: tuple[str, bytes], today: date = TODAY, **options):
    parsed = [parse(name, content) for name, content in files]
    return validate(db.session, parsed, user, Options(today=today, **options))


def run(user, *files: tuple[str, bytes], today: date = TODAY, **options):
    plan = check(user, *files, today=today, **options)
    assert plan.report.ok, plan.report.lines()
    apply_plan(db.session, plan, user)
    db.session.commit()  # the test is the owner of the unit of work
    return plan.report


def messages(report) -> list[str]:
    return [str(m) for m in report.errors]


def warnings(report) -> list[str]:
    return [str(m) for m in report.warnings]


ALL_FILES = ("workplace.csv", "staff.csv", "training.csv")


@pytest.fixture(autouse=True)
def courses(ctx):
    """The real course catalogue (the import maps training categories onto it)."""
    from tests import factories

    return factories.catalogue()


@pytest.fixture
def all_files():
    return [(name, fixture_bytes(name)) for name in ALL_FILES]


@pytest.fixture
def new_user_client(app):
    """Another browser: `new_user_client(user)` signed in as `user` (None: anonymous)."""
    from tests.helpers import Client

    def make(user=None):
        other = Client(app)
        if user is not None:
            other.sign_in(user)
        return other

    return make
