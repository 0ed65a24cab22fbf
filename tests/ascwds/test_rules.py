"""Validation as strict as ASC-WDS: one test per rule of Skills for Care's bulk upload
(SopraSteria-SFC lambdas/bulkUpload/classes/workerCSVValidator.js, trainingCSVValidator.js and
backend/server/models/BulkImport/csv/workplaceCSVValidator.js), each with the source's own case,
and the code lists the rules check against (data/qualifications.csv, training_providers.csv)."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from academy.ascwds import codes
from academy.ascwds.codes import DATA_DIR
from academy.ascwds.export import export_files
from academy.ascwds.header_rule import accepts
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import Employment, JobRole, Workplace
from training.models import TrainingRecord
from tests import factories
from tests.ascwds.conftest import ALL_FILES, check, edited, fixture_bytes, messages, run, warnings



@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


def _files(**changed: bytes) -> list[tuple[str, bytes]]:
    return [(name, changed.get(name.removesuffix(".csv")) or fixture_bytes(name)) for name in ALL_FILES]


def _check(hcpa, **changed):
    return check(hcpa, *_files(**changed), district_id=factories.district().id).report


def _run(hcpa, **changed):
    return run(hcpa, *_files(**changed), district_id=factories.district().id)


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _extra(worker_id: str) -> dict:
    return json.loads(db.session.scalar(select(Employment.ascwds_extra)
                                        .where(Employment.ascwds_worker_id == worker_id)) or "{}")


def _export() -> dict[str, bytes]:
    return export_files(db.session, list(db.session.scalars(select(Workplace.id))))


# The code lists.

SHARED = Path(__file__).resolve().parents[3] / "shared" / "ascwds"  # beside the project: ../shared


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared research folder is not beside this checkout")
@pytest.mark.parametrize("name", ["qualifications.csv", "training_providers.csv", "staff_codes.csv"])
def test_the_code_lists_are_the_shared_copies_unchanged(name):
    def rows(path: Path) -> list[str]:  # the data rows: a copy here may add "#" lines naming its source
        return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]

    assert rows(DATA_DIR / name) == rows(SHARED / name)


def test_the_code_lists_are_skills_for_cares():
    qualifications = codes.code_list("qualifications")
    assert len(qualifications) == 145
    assert qualifications["10"] == "Registered manager's (adults) NVQ"
    assert qualifications["158"] == "Level 2 Adult Social Care Certificate"
    assert "7" not in qualifications  # BUDI 7 is not in Skills for Care's mapping
    providers = codes.code_list("training_providers")
    assert len(providers) == 89
    assert (providers["1"], providers["88"], providers["999"]) == ("1Stop Training", "Skills for Care", "other")


# QUALACH01-03: a code of Skills for Care's qualification list (workerCSVValidator
# `_transformQualificationRecords`: "Qualification (QUALACH01): 7 is unknown", an error).

@pytest.mark.parametrize("column", ["QUALACH01", "QUALACH02", "QUALACH03"])
def test_a_qualification_code_not_in_the_list_is_an_error(hcpa, column):
    report = _check(hcpa, staff=edited("staff.csv", {1: {column: "7;2019"}}))
    assert f"Line 2, {column}: 7 is not a qualification code of ASC-WDS" in messages(report)
    assert not report.ok


def test_a_qualification_code_in_the_list_is_kept(hcpa):
    _run(hcpa, staff=edited("staff.csv", {1: {"QUALACH01": "158;2025", "QUALACH02": "10;2020"}}))
    assert (_extra("W1")["QUALACH01"], _extra("W1")["QUALACH02"]) == ("158;2025", "10;2020")


def test_a_qualification_year_that_is_not_a_year_is_an_error(hcpa):
    # __validateQualification: "The year in (QUALACH01) is invalid" (from 100 years ago to this year).
    for value in ("10;20x9", "10;1925", "10;2027"):
        report = _check(hcpa, staff=edited("staff.csv", {1: {"QUALACH01": value}}))
        assert f"Line 2, QUALACH01: The year in {value} is not a year from 1926 to 2026" in messages(report)


def test_a_qualification_without_a_year_is_kept_with_a_warning(hcpa):
    # __validateQualification: "Year achieved for QUALACH01 is blank", a warning.
    report = _run(hcpa, staff=edited("staff.csv", {1: {"QUALACH01": "10"}}))
    assert "Line 2, QUALACH01: 10 has no year achieved" in warnings(report)
    assert _extra("W1")["QUALACH01"] == "10"


# SCQUAL: 1;level, 2 or 999 (`_validateSocialCareQualification`).

def test_scqual_1_without_a_level_is_an_error(hcpa):
    # "You must provide a value for SCQUAL level when SCQUAL is set to 1"
    report = _check(hcpa, staff=edited("staff.csv", {1: {"SCQUAL": "1"}}))
    assert ("Line 2, SCQUAL: 1 needs the level of the highest social care qualification held: 1;level "
            "(1;0 entry level to 1;8, or 1;999 for don't know)") in messages(report)
    assert not report.ok
    assert _check(hcpa, staff=edited("staff.csv", {1: {"SCQUAL": "1;3"}})).ok


def test_scqual_with_a_code_that_is_not_1_2_or_999_is_an_error(hcpa):
    # "The code you have entered for SCQUAL is incorrect"
    report = _check(hcpa, staff=edited("staff.csv", {1: {"SCQUAL": "5"}}))
    assert "Line 2, SCQUAL: 5 is not 1;level, 2 or 999" in messages(report)


def test_nonscqual_1_without_a_level_is_valid(hcpa):
    # `_validateNonSocialCareQualification`: the level is optional (taken as 999, don't know).
    report = _check(hcpa, staff=edited("staff.csv", {1: {"NONSCQUAL": "1"}}))
    assert report.ok and not [w for w in warnings(report) if "NONSCQUAL" in w]


# L2CARECERT (`_validateLevel2CareCert`): a year that cannot be right is a warning, never an error.

@pytest.mark.parametrize("value, why", [
    ("1;2019", "the year achieved cannot be before 2024"),  # "cannot be before 2024. The year value will be ignored"
    ("1;2099", "the year achieved cannot be in the future"),
    ("1;abc", "abc is not a year"),
])
def test_l2carecert_1_with_a_wrong_year_keeps_1_with_a_warning(hcpa, value, why):
    report = _run(hcpa, staff=edited("staff.csv", {1: {"L2CARECERT": value}}))
    assert f"Line 2, L2CARECERT: {value}: {why}; the year is left out and 1 (completed) is kept" in warnings(report)
    assert _extra("W1")["L2CARECERT"] == "1"
    assert _rows(_export()["staff.csv"])[0]["L2CARECERT"] == "1"


@pytest.mark.parametrize("value", ["2;2025", "3;2025"])
def test_l2carecert_2_or_3_with_a_year_is_left_out_with_a_warning(hcpa, value):
    # "Option 2 for L2CARECERT cannot have year achieved and will be ignored": SfC's own tests show
    # the whole value ignored (`_level2CareCert` null), not just the year.
    report = _run(hcpa, staff=edited("staff.csv", {1: {"L2CARECERT": value}}))
    assert (f"Line 2, L2CARECERT: {value}: option {value[0]} cannot have a year achieved; "
            "it will be left out") in warnings(report)
    assert "L2CARECERT" not in _extra("W1")


@pytest.mark.parametrize("value", ["1", "1;", "1;2024", "1;2026", "2", "3"])
def test_l2carecert_valid_values_are_kept_as_given(hcpa, value):
    report = _run(hcpa, staff=edited("staff.csv", {1: {"L2CARECERT": value}}))
    assert not [w for w in warnings(report) if "L2CARECERT" in w]
    assert _extra("W1")["L2CARECERT"] == value


# MAINJRDESC (`_validateMainJobDesc`): "MAINJRDESC has not been supplied" for job roles 23 and 27.

@pytest.mark.parametrize("role", ["23", "27"])
def test_an_empty_mainjrdesc_for_job_roles_23_and_27_is_an_error(hcpa, role):
    report = _check(hcpa, staff=edited("staff.csv", {1: {"MAINJOBROLE": role, "MAINJRDESC": ""}}))
    assert any(m.startswith(f"Line 2, MAINJRDESC: MAINJRDESC is missing: job role {role} (")
               for m in messages(report)), messages(report)
    assert not report.ok
    assert _check(hcpa, staff=edited("staff.csv", {1: {"MAINJOBROLE": role, "MAINJRDESC": "Chef"}})).ok


# MAINJOBROLE 22 and 41: not in ASC-WDS's bulk-upload job role codes (backend/reference/jobRoles.js),
# "The code you have entered for MAINJOBROLE is incorrect".

@pytest.mark.parametrize("role, name", [("22", "Technician"), ("41", "Care navigator")])
def test_job_roles_22_and_41_cannot_be_uploaded(hcpa, role, name):
    report = _check(hcpa, staff=edited("staff.csv", {1: {"MAINJOBROLE": role}}))
    assert (f"Line 2, MAINJOBROLE: {role} ({name}) is a job role ASC-WDS does not take in a bulk upload; use "
            "another job role code (23 or 27 with a MAINJRDESC if none fits)") in messages(report)
    assert not report.ok


@pytest.mark.parametrize("role_code, written, description", [
    ("technician", "23", "Technician"), ("care_navigator", "23", "Care navigator"),
    ("other_care_providing", "23", "Other care-providing role"),
])
def test_the_export_never_writes_22_or_41_and_reads_its_own_description_back(hcpa, role_code, written, description):
    workplace = factories.workplace(name="Elm Lodge")
    job = factories.employment(workplace, who=factories.person("Dee Jones"), role_code=role_code)
    row = _rows(export_files(db.session, [workplace.id])["staff.csv"])[0]
    assert (row["MAINJOBROLE"], row["MAINJRDESC"]) == (written, description)
    exported = export_files(db.session, [workplace.id])
    assert run(hcpa, *exported.items()).counts["staff"]["created"] == 0
    db.session.expire_all()
    assert db.session.get(Employment, job.id).job_role_id == db.session.scalar(
        select(JobRole.id).where(JobRole.code == role_code))


# PROVIDERNAME (`_validateProviderName`): a code of Skills for Care's training provider list, read
# only when WHODELIVERED is 2.

def test_free_text_in_providername_is_an_error(hcpa):
    # "The code you have entered for PROVIDERNAME is invalid"
    training = edited("training.csv", {1: {"WHODELIVERED": "2", "PROVIDERNAME": "Care skill academy"}})
    report = _check(hcpa, training=training)
    assert ("Line 2, PROVIDERNAME: Care skill academy is not a training provider code from Skills for Care's "
            "training provider list (999 for another provider)") in messages(report)
    assert not report.ok


def test_a_provider_code_is_kept_as_the_providers_name_and_exported_as_its_code(hcpa):
    training = edited("training.csv", {1: {"WHODELIVERED": "2", "PROVIDERNAME": "12"}})
    _run(hcpa, training=training)
    assert "Coleman Training Ltd" in set(db.session.scalars(select(TrainingRecord.training_provider)))
    exported = _rows(_export()["training.csv"])
    fire_safety = next(r for r in exported if r["CATEGORY"] == "6")
    assert (fire_safety["WHODELIVERED"], fire_safety["PROVIDERNAME"]) == ("2", "12")


def test_providername_without_whodelivered_2_is_left_out_with_a_warning(hcpa):
    # "PROVIDERNAME will be ignored as WHODELIVERED is not 2 (External provider)"
    training = edited("training.csv", {1: {"WHODELIVERED": "1", "PROVIDERNAME": "Care skill academy"}})
    report = _run(hcpa, training=training)
    assert ("Line 2, PROVIDERNAME: A training provider is only read when WHODELIVERED is 2 (external provider); "
            "it will be left out") in warnings(report)
    assert set(db.session.scalars(select(TrainingRecord.training_provider))) == {None}


def test_the_export_writes_a_provider_code_for_every_provider(hcpa):
    _run(hcpa)
    records = list(db.session.scalars(select(TrainingRecord).order_by(TrainingRecord.id)))
    records[0].training_provider = "Skills for Care"  # a provider of the list, by its name
    records[1].training_provider = "Hertfordshire Care Providers Association"  # not on the list
    db.session.commit()
    exported = _export()["training.csv"]
    providers = [(r["WHODELIVERED"], r["PROVIDERNAME"]) for r in _rows(exported)]
    assert ("2", "88") in providers and ("2", "999") in providers
    assert all(code in codes.code_list("training_providers") for _, code in providers if code)
    assert accepts("training", exported)


# CAPACITY / UTILISATION (`_validateCapacitiesAndUtilisations`): entries may be empty.

def test_capacity_and_utilisation_with_empty_entries_are_valid_and_kept(hcpa):
    workplace = edited("workplace.csv", {1: {"ALLSERVICES": "2;8", "CAPACITY": "25;", "UTILISATION": "18;"}})
    report = _run(hcpa, workplace=workplace)
    assert not [w for w in warnings(report) if "CAPACITY" in w or "UTILISATION" in w], warnings(report)
    row = _rows(_export()["workplace.csv"])[0]
    assert (row["CAPACITY"], row["UTILISATION"]) == ("25;", "18;")


def test_capacity_that_is_not_whole_numbers_under_9999_is_an_error(hcpa):
    # "All capacities (CAPACITY) must be whole numbers and less than 9999"
    for value in ("25;x", "9999"):
        report = _check(hcpa, workplace=edited("workplace.csv", {1: {"CAPACITY": value}}))
        assert (f"Line 2, CAPACITY: {value} is not a list of whole numbers under 9999 separated by ; "
                "(an entry may be empty)") in messages(report)


def test_nonscqual_with_a_code_that_is_not_1_2_or_999_is_an_error(hcpa):
    # "The code you have entered for NONSCQUAL is incorrect"
    report = _check(hcpa, staff=edited("staff.csv", {1: {"NONSCQUAL": "5"}}))
    assert "Line 2, NONSCQUAL: 5 is not 1;level, 2 or 999" in messages(report)


# QUALACH04 and on: further qualification pairs after QUALACH03NOTES (validate/headers/worker.js).

def _with_more_qualifications(**cells: str) -> bytes:
    rows = _rows(fixture_bytes("staff.csv"))
    header = list(rows[0]) + ["QUALACH04", "QUALACH04NOTES", "QUALACH05", "QUALACH05NOTES"]
    rows[0].update(cells)
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_further_qualification_columns_are_checked_kept_and_exported(hcpa):
    staff = _with_more_qualifications(QUALACH04="158;2025", QUALACH04NOTES="Level 2 ASC Certificate",
                                      QUALACH05="12;2015")
    report = _run(hcpa, staff=staff)
    assert report.ok and not [m for m in warnings(report) if "QUALACH0" in m]
    assert (_extra("W1")["QUALACH04"], _extra("W1")["QUALACH05"]) == ("158;2025", "12;2015")
    exported = _export()["staff.csv"]
    assert exported.split(b"\r\n", 1)[0].endswith(b",QUALACH03NOTES,QUALACH04,QUALACH04NOTES,QUALACH05,QUALACH05NOTES")
    assert _rows(exported)[0]["QUALACH04NOTES"] == "Level 2 ASC Certificate"
    assert accepts("staff", exported)
    assert run(hcpa, ("staff.csv", exported)).totals["updated"] == 0


def test_a_further_qualification_code_not_in_the_list_is_an_error(hcpa):
    report = _check(hcpa, staff=_with_more_qualifications(QUALACH05="7;2019"))
    assert "Line 2, QUALACH05: 7 is not a qualification code of ASC-WDS" in messages(report)


# LOCALESTID / UNIQUEWORKERID (`_validateLocalId`, `_validateUniqueWorkerId`): refused at 50 characters or more.

def test_a_reference_of_50_characters_is_an_error_and_never_exported(hcpa):
    def staff_with(worker_id: str):
        return check(hcpa, ("workplace.csv", fixture_bytes("workplace.csv")),
                     ("staff.csv", edited("staff.csv", {1: {"UNIQUEWORKERID": worker_id}})),
                     district_id=factories.district().id).report

    assert staff_with("W" * 49).ok
    report = staff_with("W" * 50)
    assert "Line 2, UNIQUEWORKERID: " + "W" * 37 + "... is 50 characters long: ASC-WDS takes at most 49" in messages(
        report)
    long_name = factories.workplace(name="L" * 50)
    exported = export_files(db.session, [long_name.id])
    assert _rows(exported["workplace.csv"])[0]["LOCALESTID"] == f"GCP{long_name.id}"
