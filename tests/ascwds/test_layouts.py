"""The ASC-WDS file layouts: each layout of record is read as itself; the staff layout before July
2026 (with NURSESPEC) still imports, with a warning; the export writes only the current layouts,
and ASC-WDS's own header rule (academy/ascwds/header_rule.py) takes every file it writes."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from academy.ascwds import codes
from academy.ascwds.export import export_files
from academy.ascwds.header_rule import accepts
from academy.ascwds.parse import parse
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import Employment, Workplace
from tests import factories
from tests.ascwds.conftest import ALL_FILES, FIXTURES, check, fixture_bytes, run, warnings

PREVIOUS_STAFF_WARNING = ("Line 1: This staff file is in the layout before July 2026, with NURSESPEC, which ASC-WDS "
                          "no longer takes: NURSESPEC is ignored, and files exported from here use the current layout")


def _of_record() -> list[tuple[str, str, list[str]]]:
    with (FIXTURES / "headers_of_record.csv").open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return [(r["kind"], r["layout"], r["header"].split(",")) for r in rows]


LAYOUTS = _of_record()
FIXTURE_OF = {"workplace": "workplace.csv", "staff": "staff.csv", "training": "training.csv"}


def _file_with_header(kind: str, header: list[str]) -> bytes:
    """The kind's fixture rows written under `header` (columns it lacks left empty)."""
    rows = list(csv.DictReader(io.StringIO(fixture_bytes(FIXTURE_OF[kind]).decode("utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[row.get(column, "") for column in header] for row in rows])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


DOMAIN_SOURCES = Path(__file__).resolve().parents[3] / "shared" / "DOMAIN-SOURCES.md"


@pytest.mark.skipif(not DOMAIN_SOURCES.exists(), reason="the shared research folder is not beside this checkout")
def test_the_fixture_of_record_matches_domain_sources():
    text = DOMAIN_SOURCES.read_text(encoding="utf-8")
    for kind, layout, header in LAYOUTS:
        if layout == "current":
            assert f"`{','.join(header)}`" in text, kind


def test_the_layouts_of_record_are_all_here():
    assert [(kind, layout) for kind, layout, _ in LAYOUTS] == [
        ("workplace", "current"), ("staff", "current"), ("staff", "previous"), ("training", "current")]
    assert [len(header) for _, _, header in LAYOUTS] == [44, 44, 45, 12]
    assert "NURSESPEC" not in dict(((k, l), h) for k, l, h in LAYOUTS)[("staff", "current")]


@pytest.mark.parametrize("kind, layout, header", LAYOUTS, ids=[f"{k}-{l}" for k, l, _ in LAYOUTS])
def test_each_layout_of_record_is_read_as_that_layout(kind, layout, header):
    assert list(codes.header_version(kind, layout).columns) == header
    parsed = parse(f"{kind}.csv", _file_with_header(kind, header))
    assert (parsed.kind, parsed.version, parsed.problems) == (kind, layout, [])
    assert len(parsed.rows) >= 1


@pytest.mark.parametrize("kind, layout, header", [x for x in LAYOUTS if x[1] == "current"],
                         ids=[k for k, l, _ in LAYOUTS if l == "current"])
def test_the_export_writes_the_current_layout_of_record(kind, layout, header):
    assert list(codes.current_header(kind)) == header


def test_a_current_staff_file_imports_without_a_layout_warning(hcpa):
    report = check(hcpa, *[(n, fixture_bytes(n)) for n in ALL_FILES], district_id=factories.district().id).report
    assert report.ok
    assert not [w for w in warnings(report) if "NURSESPEC" in w]


def test_a_staff_file_from_before_july_2026_imports_with_a_warning(hcpa):
    assert b"NURSESPEC" in fixture_bytes("staff_before_2026_07.csv")
    report = run(hcpa, ("workplace.csv", fixture_bytes("workplace.csv")),
                 ("staff.csv", fixture_bytes("staff_before_2026_07.csv")), district_id=factories.district().id)
    assert PREVIOUS_STAFF_WARNING in warnings(report)
    assert report.counts["staff"]["created"] == 3
    for extra in db.session.scalars(select(Employment.ascwds_extra)):
        assert "NURSESPEC" not in json.loads(extra or "{}")  # not kept: ASC-WDS no longer takes it
    exported = export_files(db.session, [db.session.scalar(select(Workplace.id))])
    assert b"NURSESPEC" not in exported["staff.csv"]
    assert accepts("staff", exported["staff.csv"])


def test_the_older_staff_layout_warns_too(hcpa):
    report = check(hcpa, ("workplace.csv", fixture_bytes("workplace.csv")),
                   ("staff.csv", fixture_bytes("staff_older.csv")), district_id=factories.district().id).report
    assert any(w.startswith("Line 1: This staff file is in an older layout, with NURSESPEC") for w in warnings(report))
    assert report.ok


def test_asc_wds_header_rule_accepts_every_file_the_export_writes(hcpa):
    run(hcpa, *[(n, fixture_bytes(n)) for n in ALL_FILES], district_id=factories.district().id)
    imported = db.session.scalar(select(Workplace))
    own = factories.workplace(name="Elm Lodge")  # a workplace and worker added here, never imported
    factories.employment(own, who=factories.person("Dee Jones"))
    empty = factories.workplace(name="Ash Court")  # no staff, no training
    for workplace_ids in ([imported.id], [own.id], [empty.id], [imported.id, own.id, empty.id]):
        files = export_files(db.session, workplace_ids)
        for name, kind in (("workplace.csv", "workplace"), ("staff.csv", "staff"), ("training.csv", "training")):
            assert accepts(kind, files[name]), (workplace_ids, name, files[name][:200])


RECORD = {(k, l): ",".join(h) for k, l, h in LAYOUTS}


@pytest.mark.parametrize("kind, header, taken", [
    ("staff", RECORD[("staff", "current")], True),
    ("staff", RECORD[("staff", "current")].replace("UNIQUEWORKERID,", "UNIQUEWORKERID,CHGUNIQUEWRKID,"), True),
    ("staff", RECORD[("staff", "current")].replace("UNIQUEWORKERID,", "UNIQUEWORKERID,CHGUNIQUEWRKID,"
                                                   "TRANSFERSTAFFRECORD,"), True),
    ("staff", RECORD[("staff", "current")] + ",QUALACH04,QUALACH04NOTES,QUALACH05,QUALACH05NOTES", True),
    ("staff", RECORD[("staff", "current")] + ",QUALACH05,QUALACH05NOTES", False),  # pairs count on from 04
    ("staff", RECORD[("staff", "current")] + ",QUALACH04", False),
    ("staff", RECORD[("staff", "previous")], False),  # NURSESPEC: refused since July 2026
    ("staff", RECORD[("staff", "current")].lower(), False),  # the case must match
    ("staff", RECORD[("staff", "current")] + ",FLUVAC", False),
    ("workplace", RECORD[("workplace", "current")], True),
    ("workplace", RECORD[("workplace", "current")] + ",", False),  # exact, nothing after
    ("workplace", RECORD[("workplace", "current")].replace("ESTNAME,ADDRESS1", "ADDRESS1,ESTNAME"), False),
    ("workplace", '"' + RECORD[("workplace", "current")].replace(",", '","') + '"', False),  # quoted names
    ("training", RECORD[("training", "current")], True),
    ("training", RECORD[("training", "current")] + ",TRAININGUID", False),
    ("training", "LOCALESTID,UNIQUEWORKERID,CATEGORY,DESCRIPTION,DATECOMPLETED,EXPIRYDATE,ACCREDITED,NOTES", False),
])
def test_the_header_rule_is_as_strict_as_asc_wds(kind, header, taken):
    assert accepts(kind, (header + "\r\nOAK1,W1\r\n").encode()) is taken


def test_the_header_rule_reads_only_the_first_line_trimmed():
    header = RECORD[("training", "current")]
    assert accepts("training", (header + "\n").encode())
    assert accepts("training", ("\ufeff" + header + "  \r\n").encode())  # ASC-WDS trims these
    assert not accepts("training", header.encode("utf-16"))
