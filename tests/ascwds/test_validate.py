"""Validation: every column type, errors that block and warnings that do not, the personal
columns masked, and the cross-file rules."""
from __future__ import annotations

import pytest

from academy.ascwds.plan import WorkplaceChange
from academy.auth.models import Role
from tests import factories
from tests.ascwds.conftest import check, edited, fixture_bytes, messages, run, warnings

ERRORS = [
    # ASC-WDS refuses 50 characters or more (was: more than 50).
    ("staff.csv", "UNIQUEWORKERID", "X" * 50, "Line 2, UNIQUEWORKERID: " + "X" * 37 + "... is 50 characters long: "
                                              "ASC-WDS takes at most 49"),
    ("staff.csv", "STATUS", "MAYBE", "Line 2, STATUS: MAYBE is not a status (use NEW, UPDATE, UNCHECKED, NOCHANGE or DELETE)"),
    ("staff.csv", "DISPLAYID", "A" * 51, "Line 2, DISPLAYID: is longer than 50 characters"),
    ("staff.csv", "MAINJOBROLE", "99", "Line 2, MAINJOBROLE: 99 is not a job role code"),
    ("staff.csv", "MAINJOBROLE", "", "Line 2, MAINJOBROLE: MAINJOBROLE is missing"),
    ("staff.csv", "EMPLSTATUS", "5", "Line 2, EMPLSTATUS: 5 is not an employment status code"),
    ("staff.csv", "STARTDATE", "31/02/2024", "Line 2, STARTDATE: 31/02/2024 is not a real date in the form DD/MM/YYYY"),
    ("staff.csv", "STARTDATE", "2024-02-01", "Line 2, STARTDATE: 2024-02-01 is not a real date in the form DD/MM/YYYY"),
    ("staff.csv", "STARTDATE", "02/12/2026", "Line 2, STARTDATE: 02/12/2026 is in the future"),
    ("workplace.csv", "POSTCODE", "NOWHERE", "Line 2, POSTCODE: NOWHERE is not a postcode"),
    ("workplace.csv", "MAINSERVICE", "3", "Line 2, MAINSERVICE: 3 is not a service code"),
    ("training.csv", "CATEGORY", "24", "Line 2, CATEGORY: 24 is not a training category code"),
    ("training.csv", "DATECOMPLETED", "30/02/2026", "Line 2, DATECOMPLETED: 30/02/2026 is not a real date in the form DD/MM/YYYY"),
    ("training.csv", "EXPIRYDATE", "01/01/2026", "Line 2, EXPIRYDATE: 01/01/2026 is before DATECOMPLETED 10/01/2026"),
    ("training.csv", "EXPIRYDATE", "31/04/2027", "Line 2, EXPIRYDATE: 31/04/2027 is not a real date in the form DD/MM/YYYY"),
    # ASC-WDS refuses the row for a malformed qualification (was a warning here).
    ("staff.csv", "QUALACH01", "abc", "Line 2, QUALACH01: abc is not a qualification code and year like 10;2019"),
]

WARNINGS = [
    ("workplace.csv", "ALLSERVICES", "2;99", "Line 2, ALLSERVICES: 99 is not a service code; it will be left out"),
    ("workplace.csv", "STARTERS", "1;x", "Line 2, STARTERS: 1;x is not a list of whole numbers from 0 to 999 separated by ;"),
    ("workplace.csv", "TOTALPERMTEMP", "1000", "Line 2, TOTALPERMTEMP: 1000 is not a whole number from 0 to 999"),
    ("workplace.csv", "PROVNUM", "12345", "Line 2, PROVNUM: 12345 is not a CQC ID like 1-123456789"),
    ("workplace.csv", "PERMCQC", "7", "Line 2, PERMCQC: 7 is not a yes (1) or no (0) code"),
    ("staff.csv", "CONTHOURS", "80", "Line 2, CONTHOURS: 80 is not a number from 0 to 75 (or 999 for don't know)"),
    ("staff.csv", "DAYSSICK", "lots", "Line 2, DAYSSICK: lots is not a number from 0 to 366"),
    ("staff.csv", "STARTINSECT", "1800", "Line 2, STARTINSECT: 1800 is not a year from 1900 to 2026"),
    ("staff.csv", "SCQUAL", "1;9", "Line 2, SCQUAL: 1;9 is not 1;level (0 to 8 or 999), 2 or 999"),
    # ASC-WDS keeps 1 (completed) and leaves the year out, with a warning (was: the whole value dropped).
    ("staff.csv", "L2CARECERT", "1;2019", "Line 2, L2CARECERT: 1;2019: the year achieved cannot be before 2024; "
                                          "the year is left out and 1 (completed) is kept"),
    ("staff.csv", "CWPCATEGORY", "8", "Line 2, CWPCATEGORY: 8 is not a Care Workforce Pathway category code"),
    ("training.csv", "VALIDITY", "0", "Line 2, VALIDITY: 0 is not a number of months from 1 to 999, or none"),
    ("training.csv", "ACCREDITED", "yes", "Line 2, ACCREDITED: yes is not an accredited code"),
]

# Personal columns: the value is never put into the report.
MASKED = [
    ("NINUMBER", "AB12", "Line 2, NINUMBER: The value given is not a National Insurance number"),
    ("DOB", "01/01/2020", "Line 2, DOB: The date of birth gives an age outside 14 to 100"),
    ("DOB", "31/02/1990", "Line 2, DOB: The value given is not a real date in the form DD/MM/YYYY"),
    ("POSTCODE", "AL1 XYZ", "Line 2, POSTCODE: The value given is not a postcode"),
    ("ETHNICITY", "12", "Line 2, ETHNICITY: The value given is not an ethnicity code"),
]


def _files(name: str, content: bytes) -> list[tuple[str, bytes]]:
    files = {n: fixture_bytes(n) for n in ("workplace.csv", "staff.csv", "training.csv")}
    files[name] = content
    return list(files.items())


@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


def _check(hcpa, name, column, value):
    return check(hcpa, *_files(name, edited(name, {1: {column: value}})), district_id=factories.district().id)


@pytest.mark.parametrize("name, column, value, expected", ERRORS)
def test_errors_block(hcpa, name, column, value, expected):
    report = _check(hcpa, name, column, value).report
    assert expected in messages(report)
    assert not report.ok


@pytest.mark.parametrize("name, column, value, expected", WARNINGS)
def test_warnings_do_not_block(hcpa, name, column, value, expected):
    report = _check(hcpa, name, column, value).report
    assert any(w.startswith(expected) for w in warnings(report)), warnings(report)
    assert report.ok, messages(report)


@pytest.mark.parametrize("column, value, expected", MASKED)
def test_personal_values_are_never_shown(hcpa, column, value, expected):
    report = _check(hcpa, "staff.csv", column, value).report
    shown = " ".join(warnings(report) + messages(report))
    assert expected in shown
    assert value not in shown
    assert report.ok


def test_the_good_files_have_no_errors(hcpa):
    report = check(hcpa, *_files("staff.csv", fixture_bytes("staff.csv")), district_id=factories.district().id).report
    assert report.ok and report.error_count == 0
    assert report.totals == {"created": 8, "updated": 0, "deleted": 0, "unchanged": 0}


def test_duplicate_unique_worker_ids_are_errors(hcpa):
    staff = edited("staff.csv", {3: {"UNIQUEWORKERID": "W1"}})
    report = check(hcpa, *_files("staff.csv", staff), district_id=factories.district().id).report
    assert "Line 4, UNIQUEWORKERID: W1 is also on line 2 for OAK1" in messages(report)


def test_duplicate_workplaces_are_errors(hcpa):
    workplace = edited("workplace.csv", add_rows=[{"LOCALESTID": "OAK1", "STATUS": "NEW", "ESTNAME": "Oak Annexe",
                                                   "ADDRESS1": "2 High St", "POSTTOWN": "St Albans",
                                                   "POSTCODE": "AL1 3JE", "MAINSERVICE": "2"}])
    report = check(hcpa, ("workplace.csv", workplace), district_id=factories.district().id).report
    assert "Line 3, LOCALESTID: OAK1 is also on line 2" in messages(report)
    workplace = edited("workplace.csv", add_rows=[{"LOCALESTID": "OAK2", "STATUS": "NEW", "ESTNAME": "Oak Annexe",
                                                   "ADDRESS1": "2 High St", "POSTTOWN": "St Albans",
                                                   "POSTCODE": "AL1 3JE", "MAINSERVICE": "2",
                                                   "LOCATIONID": "1-000000001"}])
    report = check(hcpa, ("workplace.csv", workplace), district_id=factories.district().id).report
    assert "Line 3, LOCATIONID: 1-000000001 is also on line 2" in messages(report)


def test_a_staff_rows_workplace_must_be_in_the_workplace_file_or_the_service(hcpa):
    report = check(hcpa, ("staff.csv", fixture_bytes("staff.csv"))).report
    assert "Line 2, LOCALESTID: OAK1 is not in the workplace file or a workplace in this service" in messages(report)
    factories.workplace(name="Oak House", ascwds_local_id="OAK1")
    assert check(hcpa, ("staff.csv", fixture_bytes("staff.csv"))).report.ok


def test_a_training_rows_worker_must_be_in_the_staff_file_or_the_service(hcpa):
    factories.workplace(name="Oak House", ascwds_local_id="OAK1")
    report = check(hcpa, ("training.csv", fixture_bytes("training.csv"))).report
    assert "Line 2, UNIQUEWORKERID: W1 is not a worker at OAK1 in the staff file or in this service" in messages(report)
    assert check(hcpa, ("staff.csv", fixture_bytes("staff.csv")), ("training.csv", fixture_bytes("training.csv"))).report.ok


def test_training_for_a_worker_the_staff_file_deletes_is_an_error(hcpa):
    run(hcpa, *_files("staff.csv", fixture_bytes("staff.csv")), district_id=factories.district().id)
    staff = edited("staff.csv", {1: {"STATUS": "DELETE"}})
    report = check(hcpa, ("staff.csv", staff), ("training.csv", fixture_bytes("training.csv"))).report
    assert "Line 2, UNIQUEWORKERID: W1 is marked DELETE in the staff file" in messages(report)


def test_status_must_fit_what_the_service_holds(hcpa):
    report = check(hcpa, ("staff.csv", edited("staff.csv", {1: {"STATUS": "UPDATE"}})),
                   ("workplace.csv", fixture_bytes("workplace.csv")), district_id=factories.district().id).report
    assert "Line 2, UNIQUEWORKERID: W1 is not a current worker at OAK1; use NEW" in messages(report)
    run(hcpa, *_files("staff.csv", fixture_bytes("staff.csv")), district_id=factories.district().id)
    report = check(hcpa, ("staff.csv", fixture_bytes("staff.csv"))).report
    assert "Line 2, UNIQUEWORKERID: W1 is already a worker at OAK1; use UPDATE" in messages(report)
    report = check(hcpa, ("staff.csv", edited("staff.csv", {1: {"STATUS": "DELETE", "UNIQUEWORKERID": "W9"}}))).report
    assert "Line 2, UNIQUEWORKERID: W9 is not a current worker at OAK1" in messages(report)


def test_a_new_workplace_needs_a_district(hcpa):
    report = check(hcpa, ("workplace.csv", fixture_bytes("workplace.csv"))).report
    assert "Line 2, LOCALESTID: OAK1 is new to this service: choose its district to add it" in messages(report)


def test_a_manager_cannot_import_into_another_workplace(ctx):
    mine = factories.workplace(name="Elm Lodge", ascwds_local_id="ELM1")
    factories.workplace(name="Oak House", ascwds_local_id="OAK1")
    manager = factories.manager([mine])
    report = check(manager, *_files("staff.csv", fixture_bytes("staff.csv"))).report
    assert "Line 2, LOCALESTID: OAK1 is not one of your workplaces" in messages(report)
    report = check(manager, ("staff.csv", fixture_bytes("staff.csv"))).report
    assert "Line 2, LOCALESTID: OAK1 is not one of your workplaces" in messages(report)
    new_place = edited("workplace.csv", {1: {"LOCALESTID": "NEW9", "ESTNAME": "Pine Court", "LOCATIONID": ""}})
    report = check(manager, ("workplace.csv", new_place), district_id=factories.district().id).report
    assert "Line 2, LOCALESTID: NEW9 is not one of your workplaces (ask HCPA to add a new workplace)" in messages(report)


def test_a_managers_workplace_is_matched_by_name_and_remembered(ctx):
    mine = factories.workplace(name="Oak House")
    manager = factories.manager([mine])
    plan = check(manager, ("staff.csv", edited("staff.csv", {n: {"LOCALESTID": "Oak House"} for n in (1, 2, 3)})))
    assert plan.report.ok, messages(plan.report)
    assert WorkplaceChange("link", None, id=mine.id, local_id="Oak House") in plan.workplaces


def test_registered_manager_at_a_workplace_not_regulated_is_a_warning(hcpa):
    workplace = edited("workplace.csv", {1: {"MAINSERVICE": "6", "REGTYPE": "0", "LOCATIONID": ""}})
    report = check(hcpa, ("workplace.csv", workplace), ("staff.csv", fixture_bytes("staff.csv")),
                   district_id=factories.district().id).report
    assert "Line 4, MAINJOBROLE: 4 (Registered manager) is for CQC-regulated workplaces" in warnings(report)
    assert report.ok


def test_totalpermtemp_is_checked_against_the_staff_file(hcpa):
    workplace = edited("workplace.csv", {1: {"TOTALPERMTEMP": "5"}})
    report = check(hcpa, ("workplace.csv", workplace), ("staff.csv", fixture_bytes("staff.csv")),
                   district_id=factories.district().id).report
    assert "Line 2, TOTALPERMTEMP: 5 does not match the 3 staff records for OAK1 in the staff file" in warnings(report)
    assert report.ok
