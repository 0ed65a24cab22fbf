"""Issue 14 part 8: a provider's three files, in Skills for Care's current layout, are imported and
exported again, and compared column by column. Only the columns listed here may differ: the
personal fields, which are never stored (exported empty), and STATUS (exports write UNCHECKED).
Any other difference fails, naming the file, row and column."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from academy.ascwds import codes
from academy.ascwds.export import export_files
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import Workplace
from tests import factories
from tests.ascwds.conftest import FIXTURES, TODAY, run

ROUND_TRIP = FIXTURES / "roundtrip"
PERSONAL = {"NINUMBER", "POSTCODE", "DOB", "GENDER", "ETHNICITY", "NATIONALITY", "BRITISHCITIZENSHIP",
            "COUNTRYOFBIRTH", "YEAROFENTRY", "DISABLED", "HANDCVISA", "INOUTUK"}
ALLOWED_TO_DIFFER = {
    "workplace": {"STATUS"},
    "staff": {"STATUS"} | PERSONAL,
    "training": set(),
}
KEYS = {
    "workplace": ("LOCALESTID",),
    "staff": ("LOCALESTID", "UNIQUEWORKERID"),
    "training": ("LOCALESTID", "UNIQUEWORKERID", "CATEGORY", "DATECOMPLETED", "TRAININGNAME"),
}


def _rows(content: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(content))
    return list(reader.fieldnames), list(reader)


@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


def test_the_personal_columns_are_the_ones_never_stored():
    assert PERSONAL == {c for c, rule in codes.column_rules("staff").items() if rule.personal}


def test_import_then_export_gives_back_every_column_but_the_personal_ones_and_status(hcpa):
    given = {kind: (ROUND_TRIP / f"{kind}.csv").read_bytes() for kind in KEYS}
    report = run(hcpa, ("workplace.csv", given["workplace"]), ("staff.csv", given["staff"]),
                 ("training.csv", given["training"]), district_id=factories.district().id)
    assert report.counts["staff"]["created"] == 6 and report.counts["training"]["created"] == 10
    ids = list(db.session.scalars(select(Workplace.id).where(Workplace.ascwds_local_id.in_(("OAK1", "ELM2")))))
    exported = export_files(db.session, ids, TODAY)

    differences = []
    for kind, keys in KEYS.items():
        header, rows = _rows(given[kind].decode())
        out_header, out_rows = _rows(exported[f"{kind}.csv"].decode())
        assert out_header == header, f"{kind} file: the export's header is not the current layout"
        before = {tuple(r[k] for k in keys): r for r in rows}
        after = {tuple(r[k] for k in keys): r for r in out_rows}
        assert len(before) == len(rows) and len(after) == len(out_rows), f"{kind} file: rows share a key"
        assert sorted(after) == sorted(before), (f"{kind} file: rows not given back {sorted(set(before) - set(after))}, "
                                                f"rows not given {sorted(set(after) - set(before))}")
        allowed = ALLOWED_TO_DIFFER[kind]
        for key, row in before.items():
            for column in header:
                if column not in allowed and after[key][column] != row[column]:
                    differences.append(f"{kind} {'/'.join(key)} {column}: {row[column]!r} came back as "
                                       f"{after[key][column]!r}")
    assert differences == []
