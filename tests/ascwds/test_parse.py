"""Reading the files: encodings, line endings, quoted fields, and which file a header row means."""
from __future__ import annotations

import codecs

import pytest

from academy.ascwds.parse import FileProblem, parse
from academy.auth.models import Role
from academy.workplaces.models import Person
from academy.extensions import db
from tests import factories
from tests.ascwds.conftest import check, edited, fixture_bytes, messages, run


@pytest.mark.parametrize("name, kind, version", [
    ("workplace.csv", "workplace", "current"), ("staff.csv", "staff", "current"),
    ("staff_before_2026_07.csv", "staff", "previous"),
    ("staff_older.csv", "staff", "older"), ("training.csv", "training", "current"),
    ("training_older.csv", "training", "older"),
])
def test_the_header_row_says_which_file_it_is(name, kind, version):
    parsed = parse(name, fixture_bytes(name))
    assert (parsed.kind, parsed.version, parsed.problems) == (kind, version, [])
    assert len(parsed.rows) >= 1


def _staff_text() -> str:
    return edited("staff.csv", {1: {"DISPLAYID": "Zoë Siân O’Neill"}}).decode("utf-8")


@pytest.mark.parametrize("encode, encoding", [
    (lambda t: t.encode("utf-8"), "UTF-8"),
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "UTF-8 with BOM"),
    (lambda t: t.encode("cp1252"), "Windows-1252"),
    (lambda t: t.encode("utf-16"), "UTF-16"),
])
def test_encodings_read_the_same(encode, encoding):
    parsed = parse("staff.csv", encode(_staff_text()))
    assert parsed.encoding == encoding
    assert parsed.rows[0][parsed.index()["DISPLAYID"]] == "Zoë Siân O’Neill"
    assert parsed.columns[0] == "LOCALESTID"  # no BOM left on the first column


def test_crlf_and_lf_give_the_same_rows():
    crlf = fixture_bytes("staff.csv")
    assert b"\r\n" in crlf
    lf = crlf.replace(b"\r\n", b"\n")
    assert parse("a.csv", crlf).rows == parse("b.csv", lf).rows
    assert parse("b.csv", lf).lines == [2, 3, 4]


def test_quoted_fields_keep_their_commas():
    parsed = parse("staff.csv", fixture_bytes("staff.csv"))
    index = parsed.index()
    assert parsed.rows[1][index["DISPLAYID"]] == "Ben Ode, senior"
    assert parsed.rows[1][index["QUALACH01NOTES"]] == "Level 3, with merit"


def test_an_extra_column_and_a_missing_column_are_reported(ctx):
    text = fixture_bytes("staff.csv").decode()
    header, rest = text.split("\r\n", 1)
    wrong = header.replace("DISPLAYID", "NICKNAME").encode() + b"\r\n" + rest.encode()
    plan = check(factories.user(Role.hcpa_staff), ("staff.csv", wrong))
    assert "Line 1: The staff file has no DISPLAYID column" in messages(plan.report)
    assert "Line 1: NICKNAME is not a column of the ASC-WDS staff file" in messages(plan.report)
    assert plan.staff == []


def test_a_row_with_too_many_or_too_few_values_is_an_error(ctx):
    text = fixture_bytes("training.csv").decode()
    broken = text.replace("OAK1,W2,15,", "OAK1,W2,15,extra,", 1).encode()
    parsed = parse("training.csv", broken)
    assert parsed.problems == [(4, None, "has 13 values but the header row has 12 columns")]
    assert len(parsed.rows) == 3


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "This is not a CSV file"),
    (b"name,email\r\nAnn,ann@example.com\r\n", "not the header row of an ASC-WDS"),
])
def test_files_that_are_not_asc_wds_files_say_so(content, message):
    with pytest.raises(FileProblem, match=message):
        parse("odd.csv", content)


def test_windows_1252_names_are_stored_correctly(ctx):
    hcpa = factories.user(Role.hcpa_staff)
    run(hcpa, ("workplace.csv", fixture_bytes("workplace.csv")), ("staff.csv", _staff_text().encode("cp1252")),
        district_id=factories.district().id)
    assert "Zoë Siân O’Neill" in {p.full_name for p in db.session.query(Person)}
