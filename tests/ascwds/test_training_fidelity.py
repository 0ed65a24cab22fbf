"""Issue 14 part 5: training rows keep their meaning. VALIDITY none means no expiry; ACCREDITED,
WHODELIVERED, HOWDELIVERED and VALIDITY are stored and exported back unchanged; the catalogue
course is mapped for the training matrix, and the TRAININGNAME given is kept and exported."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from academy.ascwds.export import export_files
from academy.auth.models import Role
from academy.extensions import db
from academy.workplaces.models import Workplace
from tests import factories
from tests.ascwds.conftest import TODAY, check, fixture_bytes, run, warnings
from training.models import TrainingRecord
from training.records import TrainingState, state_of

HEADER = ("LOCALESTID,UNIQUEWORKERID,CATEGORY,TRAININGNAME,ACCREDITED,WHODELIVERED,PROVIDERNAME,HOWDELIVERED,"
          "VALIDITY,DATECOMPLETED,EXPIRYDATE,NOTES")
ROWS = [
    # Fire safety renews every 12 months in the catalogue, but this course does not expire.
    "OAK1,W1,6,Fire awareness for care homes,1,2,12,1,none,10/01/2024,,",
    # No expiry date: worked out from VALIDITY (24 months, less a day), not the course's 12 months.
    "OAK1,W1,20,Safeguarding adults level 2,0,1,,2,24,05/03/2025,,",
    # Same category and day, another training: both kept.
    "OAK1,W2,21,Sign language basics,999,1,,1,,01/06/2026,,",
    "OAK1,W2,21,Oral health awareness,,,,,,01/06/2026,01/06/2027,Refresher due",
]


def _training(*rows: str) -> bytes:
    return ("\r\n".join((HEADER, *rows)) + "\r\n").encode()


@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


def _import(hcpa, training: bytes, first: bool = True, today: date = TODAY):
    files = [("training.csv", training)]
    if first:
        files = [(n, fixture_bytes(n)) for n in ("workplace.csv", "staff.csv")] + files
        return run(hcpa, *files, district_id=factories.district().id, today=today)
    return run(hcpa, *files, today=today)


def _records() -> dict[str, TrainingRecord]:
    return {r.title: r for r in db.session.scalars(select(TrainingRecord)) if r.title}


def _exported_training() -> list[dict]:
    workplace = db.session.scalar(select(Workplace).where(Workplace.ascwds_local_id == "OAK1"))
    content = export_files(db.session, [workplace.id], TODAY)["training.csv"].decode()
    return list(csv.DictReader(io.StringIO(content)))


def test_validity_none_means_no_expiry_and_validity_months_give_the_expiry(hcpa):
    report = _import(hcpa, _training(*ROWS))
    records = _records()
    fire = records["Fire awareness for care homes"]
    assert fire.course.code == "fire_safety" and fire.course.renewal_months == 12
    assert (fire.expires_on, fire.ascwds_validity, fire.expiry_worked_out) == (None, "none", False)
    assert state_of(fire.expires_on, TODAY) == TrainingState.current  # not expired on its first anniversary
    safeguarding = records["Safeguarding adults level 2"]
    assert (safeguarding.expires_on, safeguarding.expiry_worked_out) == (date(2027, 3, 4), True)
    assert ("Line 3, EXPIRYDATE: No expiry date given; 04/03/2027 is worked out from VALIDITY (24 months)"
            in warnings(report))
    assert not any("Line 2" in w for w in warnings(report))


def test_the_given_name_is_kept_for_a_mapped_course_and_columns_are_stored(hcpa):
    _import(hcpa, _training(*ROWS))
    records = _records()
    assert len(records) == 4  # two trainings of one category on one day are two records
    fire = records["Fire awareness for care homes"]
    assert (fire.ascwds_accredited, fire.ascwds_who_delivered, fire.training_provider, fire.ascwds_how_delivered) == (
        "1", "2", "Coleman Training Ltd", "1")  # PROVIDERNAME 12 is kept by its name; exported as 12
    sign, oral = records["Sign language basics"], records["Oral health awareness"]
    assert sign.course_id == oral.course_id  # the matrix sees the catalogue course ...
    assert (sign.ascwds_accredited, sign.ascwds_who_delivered, sign.ascwds_how_delivered) == ("999", "1", "1")
    assert (oral.ascwds_accredited, oral.expires_on, oral.expiry_worked_out) == (None, date(2027, 6, 1), False)


def test_training_columns_are_exported_back_unchanged(hcpa):
    _import(hcpa, _training(*ROWS))
    given = list(csv.DictReader(io.StringIO(_training(*ROWS).decode())))
    exported = _exported_training()
    fixture_rows = 4  # the fixture staff's own training is not imported here: only these rows

    def key(row):
        return row["UNIQUEWORKERID"], row["CATEGORY"], row["DATECOMPLETED"], row["TRAININGNAME"]

    assert len(exported) == fixture_rows
    assert sorted(exported, key=key) == sorted(given, key=key)


def test_a_later_import_updates_the_kept_columns_and_never_duplicates(hcpa):
    _import(hcpa, _training(*ROWS))
    again = _import(hcpa, _training(*ROWS), first=False)
    assert again.counts["training"]["unchanged"] == 4
    changed = _training(ROWS[0].replace(",1,2,12,1,none,", ",0,2,12,2,none,"), *ROWS[1:])
    report = _import(hcpa, changed, first=False)
    assert report.counts["training"]["updated"] == 1
    assert db.session.scalar(select(func.count()).select_from(TrainingRecord)) == 4
    fire = _records()["Fire awareness for care homes"]
    assert (fire.ascwds_accredited, fire.ascwds_how_delivered) == ("0", "2")


def test_a_record_kept_without_a_name_takes_the_name_from_a_later_import(hcpa):
    """Records imported before names were kept are matched, not duplicated."""
    _import(hcpa, _training(*ROWS))
    db.session.execute(TrainingRecord.__table__.update().values(title=None))
    db.session.commit()
    plan = check(hcpa, ("training.csv", _training(*ROWS[:2])))
    assert plan.report.counts["training"]["updated"] == 2 and plan.report.counts["training"]["created"] == 0


def test_a_record_verified_here_is_left_as_it_is(hcpa):
    from academy.extensions import utcnow

    _import(hcpa, _training(*ROWS))
    fire = _records()["Fire awareness for care homes"]
    fire.verified_by_id, fire.verified_at = hcpa.id, utcnow()
    db.session.commit()
    changed = _training(ROWS[0].replace(",1,2,12,1,none,", ",0,2,12,2,none,") + "Changed notes", *ROWS[1:])
    report = _import(hcpa, changed, first=False)
    assert report.counts["training"] == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 4}
    db.session.refresh(fire)
    assert (fire.ascwds_accredited, fire.notes) == ("1", None)
