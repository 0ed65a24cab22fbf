"""Applying: staff become the shared spine (Person + Employment) and TrainingRecord rows; STATUS
semantics; all or nothing; the round trip import -> export -> import changes nothing."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from academy.ascwds import apply as apply_module
from academy.ascwds.export import export_files, neutralise
from academy.auth.access import Invalid
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import ContractType, Employment, Person, Workplace
from tests import factories
from tests.ascwds.conftest import ALL_FILES, TODAY, check, edited, fixture_bytes, messages, run
from training.models import Course, TrainingRecord


@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


def _import_all(hcpa, **changes):
    files = [(n, changes.get(n) or fixture_bytes(n)) for n in ALL_FILES]
    return run(hcpa, *files, district_id=factories.district().id)


def _counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Workplace, Person, Employment,
                                                                              TrainingRecord, Course))


def test_staff_become_people_and_employments_with_their_training(hcpa):
    report = _import_all(hcpa)
    assert report.totals["created"] == 8
    workplace = db.session.scalar(select(Workplace).where(Workplace.ascwds_local_id == "OAK1"))
    assert (workplace.name, workplace.cqc_location_id, workplace.service_type.code, workplace.district.name) == (
        "Oak House", "1-000000001", "residential_older_people", "St Albans")
    assert workplace.provider.cqc_provider_id == "1-101000001"
    jobs = {e.ascwds_worker_id: e for e in db.session.scalars(select(Employment))}
    amina = jobs["W1"]
    assert (amina.person.full_name, amina.job_role.code, amina.contract_type, amina.hours_per_week,
            amina.start_date, amina.workplace_id) == ("Amina Khan", "care_worker", ContractType.permanent,
                                                      Decimal("37.5"), date(2023, 2, 1), workplace.id)
    assert jobs["W2"].contract_type == ContractType.temporary and jobs["W2"].person.full_name == "Ben Ode, senior"
    assert jobs["W3"].is_registered_manager and jobs["W3"].job_role.code == "registered_manager"
    # Personal columns are checked but never stored.
    extra = json.loads(amina.ascwds_extra)
    for personal in ("NINUMBER", "DOB", "POSTCODE", "GENDER", "ETHNICITY", "NATIONALITY", "DISABLED"):
        assert personal not in extra
    assert extra["SCQUAL"] == "1;2" and extra["CARECERT"] == "1"
    records = {(r.person.full_name, r.course.code): r for r in db.session.scalars(select(TrainingRecord))}
    fire = records[("Amina Khan", "fire_safety")]
    assert (fire.completed_on, fire.expires_on, fire.notes, fire.verified) == (
        date(2026, 1, 10), date(2027, 1, 9), "Annual, refresher", False)
    autism = [r for key, r in records.items() if key[0] == "Cara Lee"][0]
    assert autism.course.name == "ASC-WDS: Autism" and autism.course.asc_wds_category == 32


def test_update_changes_nochange_and_unchecked_leave_alone(hcpa):
    _import_all(hcpa)
    staff = edited("staff.csv", {1: {"STATUS": "UPDATE", "MAINJOBROLE": "7", "DISPLAYID": "Amina Khan-Ali"},
                                 2: {"STATUS": "NOCHANGE", "MAINJOBROLE": "1"},
                                 3: {"STATUS": "UNCHECKED", "CONTHOURS": "10"}})
    report = run(hcpa, ("staff.csv", staff))
    assert report.counts["staff"] == {"created": 0, "updated": 1, "deleted": 0, "unchanged": 2}
    jobs = {e.ascwds_worker_id: e for e in db.session.scalars(select(Employment))}
    assert (jobs["W1"].job_role.code, jobs["W1"].person.full_name) == ("senior_care_worker", "Amina Khan-Ali")
    assert jobs["W2"].job_role.code == "senior_care_worker"
    assert jobs["W3"].hours_per_week == Decimal("40")


def test_delete_marks_the_worker_as_left_on_the_confirmed_date(hcpa):
    _import_all(hcpa)
    staff = edited("staff.csv", {1: {"STATUS": "UNCHECKED"}, 2: {"STATUS": "DELETE"}, 3: {"STATUS": "NOCHANGE"}})
    plan = check(hcpa, ("staff.csv", staff), leaving_date=date(2026, 11, 20))
    assert plan.report.staff_deleted == 1
    assert plan.report.preview["deleted"][0]["change"] == "Leaves on 20/11/2026"
    apply_module.apply_plan(db.session, plan, hcpa)
    ben = db.session.scalar(select(Employment).where(Employment.ascwds_worker_id == "W2"))
    assert ben.leaving_date == date(2026, 11, 20) and not ben.in_post_on(TODAY)
    assert db.session.get(Person, ben.person_id) is not None  # the person and their training stay


def test_delete_defaults_to_the_import_date(hcpa):
    _import_all(hcpa)
    run(hcpa, ("staff.csv", edited("staff.csv", {1: {"STATUS": "DELETE"}, 2: {"STATUS": "UNCHECKED"},
                                                 3: {"STATUS": "UNCHECKED"}})))
    assert db.session.scalar(select(Employment.leaving_date).where(Employment.ascwds_worker_id == "W1")) == TODAY


def test_an_error_on_the_last_row_changes_nothing(hcpa):
    before = _counts()
    training = edited("training.csv", {4: {"DATECOMPLETED": "31/02/2024"}})
    files = [(n, fixture_bytes(n)) for n in ALL_FILES[:2]] + [("training.csv", training)]
    plan = check(hcpa, *files, district_id=factories.district().id)
    assert messages(plan.report) == ["Line 5, DATECOMPLETED: 31/02/2024 is not a real date in the form DD/MM/YYYY"]
    with pytest.raises(Invalid):
        apply_module.apply_plan(db.session, plan, hcpa)
    assert _counts() == before


def test_a_failure_while_writing_rolls_everything_back(hcpa, monkeypatch):
    before = _counts()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(apply_module, "_training", broken)
    plan = check(hcpa, *[(n, fixture_bytes(n)) for n in ALL_FILES], district_id=factories.district().id)
    from academy.unit_of_work import job

    applying = job(lambda: apply_module.apply_plan(db.session, plan, hcpa))  # as the import job owns it
    with pytest.raises(RuntimeError):
        applying()
    assert _counts() == before


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def test_round_trip_import_export_import_changes_nothing(hcpa):
    _import_all(hcpa)
    workplace = db.session.scalar(select(Workplace))
    first = export_files(db.session, [workplace.id])
    assert {r["STATUS"] for n in ("workplace.csv", "staff.csv") for r in _rows(first[n])} == {"UNCHECKED"}
    assert [r["UNIQUEWORKERID"] for r in _rows(first["staff.csv"])] == ["W1", "W2", "W3"]
    assert _rows(first["staff.csv"])[0]["NINUMBER"] == ""  # never stored, so never exported
    before = _counts()
    again = run(hcpa, *first.items())
    assert again.totals == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 8}
    # Marked UPDATE, the same rows still change nothing.
    as_update = {n: c.replace(b",UNCHECKED,", b",UPDATE,") for n, c in first.items()}
    assert run(hcpa, *as_update.items()).totals["updated"] == 0
    assert _counts() == before
    assert export_files(db.session, [workplace.id]) == first


def test_the_older_files_import_and_export_in_the_current_layout(hcpa):
    run(hcpa, ("workplace.csv", fixture_bytes("workplace.csv")), ("staff.csv", fixture_bytes("staff_older.csv")),
        ("training.csv", fixture_bytes("training_older.csv")), district_id=factories.district().id)
    extra = json.loads(db.session.scalar(select(Employment.ascwds_extra).where(Employment.ascwds_worker_id == "W1")))
    assert "FLUVAC" not in extra  # health data: not kept
    exported = export_files(db.session, [db.session.scalar(select(Workplace.id))])
    assert _rows(exported["staff.csv"])[0].keys() >= {"L2CARECERT", "CWPCATEGORY"}
    assert len(_rows(exported["training.csv"])) == 4


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+44 1727", "-2+3", "@SUM(A1)"])
def test_formula_looking_cells_are_neutralised_on_export_and_restored_on_import(hcpa, value):
    staff = edited("staff.csv", {1: {"DISPLAYID": value}})
    _import_all(hcpa, **{"staff.csv": staff})
    exported = export_files(db.session, [db.session.scalar(select(Workplace.id))])
    cell = _rows(exported["staff.csv"])[0]["DISPLAYID"]
    assert cell == "'" + value and neutralise(value) == cell
    report = run(hcpa, *exported.items())
    assert report.totals["created"] == 0
    assert db.session.scalar(select(Person.full_name).where(Person.full_name == value)) == value


def test_staff_added_in_the_service_export_with_an_id_that_imports_back(hcpa):
    workplace = factories.workplace(name="Elm Lodge")
    job = factories.employment(workplace, who=factories.person("Dee Jones"))
    exported = export_files(db.session, [workplace.id])
    row = _rows(exported["staff.csv"])[0]
    assert (row["LOCALESTID"], row["UNIQUEWORKERID"], row["MAINJOBROLE"], row["EMPLSTATUS"], row["CONTHOURS"]) == (
        "Elm Lodge", f"GCP{job.id}", "8", "1", "37.5")
    report = run(hcpa, *exported.items())
    assert report.totals["created"] == 0 and report.counts["staff"]["unchanged"] == 1



def _staff_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_a_file_never_reattaches_or_renames_a_workers_own_passport(ctx):
    """Issue 13, point 1: a workplace's ASC-WDS file cannot link a worker's own Person (their passport)
    back to it without their consent, nor change their name; its own records still come back."""
    workplace = factories.workplace(name="Elm Lodge")
    manager = factories.manager(workplaces=[workplace])
    worker = factories.care_worker(at=workplace, full_name="Wren Account")
    own_record = factories.employment(workplace, who=factories.person("Dee Record"))
    job, passport_id = worker.person.employments[0], worker.person.id
    exported = _rows(export_files(db.session, [workplace.id])["staff.csv"])
    ids = {f"GCP{job.id}": "Someone Else", f"GCP{own_record.id}": "Dee Renamed"}
    # Both in post: a new DISPLAYID renames the workplace's own record, never the worker's passport.
    run(manager, ("staff.csv", _staff_csv([{**r, "STATUS": "UPDATE", "DISPLAYID": ids[r["UNIQUEWORKERID"]]}
                                           for r in exported])))
    db.session.expire_all()
    assert db.session.get(Person, passport_id).full_name == "Wren Account"
    assert db.session.get(Person, own_record.person_id).full_name == "Dee Renamed"
    # Both leave; a NEW row with each one's worker id comes back on a record of the workplace's own.
    for employment in db.session.scalars(select(Employment)):
        employment.leaving_date = date(2026, 6, 30)
    db.session.commit()
    run(manager, ("staff.csv", _staff_csv([{**r, "STATUS": "NEW", "STARTDATE": "01/11/2026"} for r in exported])))
    db.session.expire_all()
    back = {e.ascwds_worker_id: e for e in db.session.scalars(select(Employment)
                                                               .where(Employment.leaving_date.is_(None)))}
    assert back[f"GCP{job.id}"].person_id != passport_id and back[f"GCP{job.id}"].person.user_id is None
    assert back[f"GCP{own_record.id}"].person_id == own_record.person_id  # the workplace's own record, as before
