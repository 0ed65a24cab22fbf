"""Issue 14 part 2: what a staff file declares (QUALACH01-03, SCQUAL, CARECERT, L2CARECERT) becomes
the worker's qualification and Care Certificate records: unverified, marked with their source,
updated (never duplicated) by a later import, and never overriding the worker's own or verified
records. The outcomes read them (qualification uptake, care induction) and the passport shows them."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, func, select

from academy.ascwds.records import qualification_codes
from academy.auth.models import Role
from academy.extensions import db
from academy.outcomes.readers import read_person_training_dates
from academy.workplaces.models import Employment, Person
from tests import factories
from tests.ascwds.conftest import TODAY, check, edited, fixture_bytes, messages, run, warnings
from tests.helpers import text
from training.models import CareCertificateInduction, Qualification, QualificationStatus, QualificationType
from training.qualifications import QualificationInput, update_qualification, verify_qualification

LATER = date(2027, 3, 1)


@pytest.fixture
def hcpa(ctx):
    return factories.user(Role.hcpa_staff)


def _staff(status: str = "NEW", **rows) -> bytes:
    """The fixture staff file with the qualification columns of rows W1-W3 replaced (a later
    import: STATUS UNCHECKED, as in a file downloaded from ASC-WDS)."""
    blank = {"CARECERT": "", "L2CARECERT": "", "SCQUAL": "", "QUALACH01": "", "QUALACH01NOTES": "",
             "QUALACH02": "", "QUALACH03": "", "STATUS": status}
    return edited("staff.csv", {n: {**blank, **rows.get(f"W{n}", {})} for n in (1, 2, 3)})


def _declared_staff(status: str = "NEW") -> bytes:
    return _staff(status,
        # Amina: Level 2 social care (SCQUAL) named by her L2 Adult Social Care Certificate; Care Certificate done.
        W1={"CARECERT": "1", "L2CARECERT": "1;2025", "SCQUAL": "1;2"},
        # Ben: a registered manager's NVQ (level not in the source) and an epilepsy award (Level 3 in the
        # source); SCQUAL says his highest social care qualification is Level 3.
        W2={"SCQUAL": "1;3", "QUALACH01": "10;2020", "QUALACH01NOTES": "With merit", "QUALACH02": "145;2019",
            "CARECERT": "3"},
        # Cara: SCQUAL says no social care qualification; a "Level 2" qualification named only by its code.
        W3={"SCQUAL": "2", "QUALACH01": "155", "CARECERT": "2"},
    )


def _import(hcpa, staff: bytes | None = None, today: date = TODAY, with_workplace: bool = True, **options):
    files = [("workplace.csv", fixture_bytes("workplace.csv"))] if with_workplace else []
    files.append(("staff.csv", staff or _declared_staff()))
    if with_workplace:
        options.setdefault("district_id", factories.district().id)
    return run(hcpa, *files, today=today, **options)


def _person(worker_id: str) -> int:
    return db.session.scalar(select(Employment.person_id).where(Employment.ascwds_worker_id == worker_id))


def _qualifications(worker_id: str) -> dict[str, Qualification]:
    return {q.title: q for q in db.session.scalars(select(Qualification).where(
        Qualification.person_id == _person(worker_id)))}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_levels_come_from_the_source_or_the_title_and_are_never_guessed():
    codes = qualification_codes()
    assert (codes["10"].title, codes["10"].level) == ("Registered manager's (adults) NVQ", None)
    assert (codes["145"].title, codes["145"].level) == ("Epilepsy", 3)  # the source's Level column
    assert (codes["158"].title, codes["158"].level) == ("Level 2 Adult Social Care Certificate", 2)
    assert codes["1"].level is None and codes["37"].social_care is True and codes["112"].social_care is False


def test_qualach_scqual_and_l2carecert_become_named_unverified_imported_records(hcpa):
    _import(hcpa)
    amina = _qualifications("W1")
    assert list(amina) == ["Level 2 Adult Social Care Certificate"]  # it names SCQUAL's Level 2: no second record
    l2 = amina["Level 2 Adult Social Care Certificate"]
    assert (l2.qualification_type, l2.level, l2.social_care, l2.status, l2.achieved_on, l2.achieved_precision) == (
        QualificationType.l2_adult_social_care_certificate, 2, True, QualificationStatus.achieved,
        date(2025, 12, 31), "year")
    assert (l2.verified, l2.ascwds_key, l2.added_by_id) == (False, "L2CARECERT", hcpa.id)

    ben = _qualifications("W2")
    # The epilepsy award is Level 3 in Skills for Care's source, so it is the one SCQUAL 1;3 names.
    assert set(ben) == {"Registered manager's (adults) NVQ", "Epilepsy"}
    nvq, epilepsy = ben["Registered manager's (adults) NVQ"], ben["Epilepsy"]
    assert (nvq.level, nvq.achieved_on, nvq.achieved_precision, nvq.ascwds_key) == (
        None, date(2020, 12, 31), "year", "QUALACH:10")
    assert (epilepsy.level, epilepsy.social_care, epilepsy.relevant, epilepsy.ascwds_key) == (
        3, True, True, "QUALACH:145")
    assert nvq.relevant is False


def test_scqual_makes_a_record_of_its_level_where_no_qualach_names_one(hcpa):
    _import(hcpa, _staff(W1={"SCQUAL": "1;3", "QUALACH01": "10;2020"}, W2={"SCQUAL": "1;8"},
                         W3={"SCQUAL": "1;999"}))
    amina = _qualifications("W1")
    made = amina["Social care qualification at Level 3"]
    assert (made.level, made.social_care, made.relevant, made.achieved_on, made.achieved_precision) == (
        3, True, True, TODAY, "unknown")
    assert amina["Registered manager's (adults) NVQ"].relevant is False
    assert _qualifications("W2")["Social care qualification at Level 8 or above"].level == 8
    unknown = _qualifications("W3")["Social care qualification (level not known)"]
    assert (unknown.level, unknown.relevant) == (None, False)


def test_scqual_decides_qualification_uptake_and_carecert_the_induction(hcpa):
    _import(hcpa)
    with db.engine.connect() as connection:
        dates = read_person_training_dates(connection).set_index("person_id")
    amina, ben, cara = _person("W1"), _person("W2"), _person("W3")
    assert dates.loc[amina, "qualified_on"].date() == date(2025, 12, 31)
    assert dates.loc[ben, "qualified_on"].date() == date(2019, 12, 31)  # the epilepsy award, Level 3
    # SCQUAL 2: Cara's "Level 2" functional skills qualification does not count.
    assert cara not in dates.index or dates.loc[cara, "qualified_on"] != dates.loc[cara, "qualified_on"]
    # CARECERT 1: completed by the import date (the L2 certificate, achieved in 2025, counts from then).
    assert dates.loc[amina, "induction_completed_on"].date() == date(2025, 12, 31)
    induction = db.session.scalar(select(CareCertificateInduction).where(CareCertificateInduction.person_id == amina))
    assert (induction.completed_on, induction.completed_date_unknown, induction.recorded_from_certificate,
            induction.ascwds_key) == (TODAY, True, True, "CARECERT")
    assert _count(CareCertificateInduction) == 1  # CARECERT 3 (in progress) and 2 (no) make none


def test_scqual_below_level_2_means_no_imported_record_counts(hcpa):
    _import(hcpa, _staff(W1={"SCQUAL": "1;1", "L2CARECERT": "1;2025"}))
    l2 = _qualifications("W1")["Level 2 Adult Social Care Certificate"]
    assert l2.relevant is False  # SCQUAL decides, as in Skills for Care's figure
    with db.engine.connect() as connection:
        dates = read_person_training_dates(connection).set_index("person_id")
    row = dates.loc[_person("W1")]
    assert row["qualified_on"] != row["qualified_on"]  # NaT: not qualified
    assert row["induction_completed_on"].date() == date(2025, 12, 31)  # but it is their induction


def test_a_later_import_updates_never_duplicates(hcpa):
    _import(hcpa)
    before = (_count(Qualification), _count(CareCertificateInduction))
    _import(hcpa, _declared_staff("UNCHECKED"), today=LATER, with_workplace=False)
    assert (_count(Qualification), _count(CareCertificateInduction)) == before
    # No date again: still held from the first import's date, not the second's.
    induction = db.session.scalar(select(CareCertificateInduction))
    assert induction.completed_on == TODAY

    changed = _staff("UNCHECKED", W1={"CARECERT": "2", "L2CARECERT": "2", "SCQUAL": "1;2"},
                     W2={"SCQUAL": "1;4", "QUALACH01": "10;2021"},
                     W3={})
    _import(hcpa, changed, today=LATER, with_workplace=False)
    amina = _qualifications("W1")
    assert amina["Level 2 Adult Social Care Certificate"].status == QualificationStatus.in_progress
    assert amina["Social care qualification at Level 2"].achieved_on == LATER
    assert _count(CareCertificateInduction) == 0  # CARECERT 2 removes the imported one
    ben = _qualifications("W2")
    assert set(ben) == {"Registered manager's (adults) NVQ", "Social care qualification at Level 4"}
    assert ben["Registered manager's (adults) NVQ"].achieved_on == date(2021, 12, 31)
    # Blank cells decide nothing: Cara's functional skills record stays.
    assert set(_qualifications("W3")) == {"Functional skills in English"}


def test_own_and_verified_records_win_over_imported_ones(hcpa):
    _import(hcpa)
    amina, ben = _person("W1"), _person("W2")
    # Ben's NVQ is verified here, and he records his own Level 3 diploma.
    nvq = _qualifications("W2")["Registered manager's (adults) NVQ"]
    verify_qualification(db.session, nvq, hcpa)
    factories.qualification(db.session.get(Person, ben), "diploma_l3_adult_care", achieved=date(2018, 5, 1))
    # Amina's own Care Certificate, started here (the imported one is removed first, as if it never came).
    db.session.execute(delete(CareCertificateInduction))
    factories.induction(db.session.get(Person, amina), started=date(2026, 10, 1))

    _import(hcpa, _staff("UNCHECKED", W1={"CARECERT": "1", "L2CARECERT": "1;2025", "SCQUAL": "1;2"},
                         W2={"SCQUAL": "1;3", "QUALACH01": "10;2022", "QUALACH02": "145;2019"},
                         W3={"SCQUAL": "2", "QUALACH01": "155"}), today=LATER, with_workplace=False)
    ben_now = _qualifications("W2")
    assert ben_now["Registered manager's (adults) NVQ"].achieved_on == date(2020, 12, 31)  # verified: untouched
    assert ben_now["Registered manager's (adults) NVQ"].verified
    # His own Level 3 diploma names SCQUAL's level, so the imported stand-in goes.
    assert "Social care qualification at Level 3" not in ben_now
    assert len([q for q in ben_now.values() if q.title == "Registered manager's (adults) NVQ"]) == 1
    inductions = list(db.session.scalars(select(CareCertificateInduction)))
    assert [(i.person_id, i.ascwds_key, i.completed_on) for i in inductions] == [(amina, None, None)]


def test_a_record_changed_here_is_left_alone_by_later_imports(hcpa):
    _import(hcpa)
    nvq = _qualifications("W2")["Registered manager's (adults) NVQ"]
    update_qualification(db.session, nvq, QualificationInput("other_social_care", "achieved", title="RM NVQ",
                                                             level=4, achieved_on=date(2020, 7, 1)), hcpa)
    db.session.commit()
    assert nvq.ascwds_key is None and nvq.achieved_precision is None
    _import(hcpa, _staff("UNCHECKED", W2={"SCQUAL": "1;4", "QUALACH01": "10;2020"}), today=LATER, with_workplace=False)
    ben = _qualifications("W2")
    assert ben["RM NVQ"].level == 4
    # The import adds its own record of the code (the title differs), but SCQUAL's level is named by RM NVQ.
    assert set(ben) == {"RM NVQ", "Registered manager's (adults) NVQ"}


def test_unknown_qualification_code_is_refused_and_records_nothing(hcpa):
    plan = check(hcpa, ("workplace.csv", fixture_bytes("workplace.csv")),
                 ("staff.csv", _staff(W1={"QUALACH01": "999;2020"})), district_id=factories.district().id)
    assert any("QUALACH01" in m and "999 is not a qualification code of ASC-WDS" in m for m in messages(plan.report))
    assert not plan.report.ok


def test_records_carry_the_batch_and_the_passport_shows_their_source(hcpa, client):
    from academy.ascwds.apply import apply_plan

    batch = factories.ascwds_import(hcpa)
    staff = _staff(W1={"CARECERT": "1", "L2CARECERT": "1;2025", "SCQUAL": "1;2"},
                   W2={"SCQUAL": "1;4", "QUALACH01": "10;2020"})
    plan = check(hcpa, ("workplace.csv", fixture_bytes("workplace.csv")), ("staff.csv", staff),
                 district_id=factories.district().id)
    plan.batch_id = batch.id
    apply_plan(db.session, plan, hcpa)
    assert {q.ascwds_batch_id for q in db.session.scalars(select(Qualification))} == {batch.id}
    assert db.session.scalar(select(CareCertificateInduction.ascwds_batch_id)) == batch.id
    client.sign_in(hcpa)
    page = text(client.get(f"/training/people/{_person('W1')}"))
    assert "Level 2 Adult Social Care Certificate" in page
    assert f"From an ASC-WDS import (import {batch.id})" in page and "Achieved in 2025" in page
    assert "the date was not given, so it is counted as completed by 1 December 2026" in page
    page = text(client.get(f"/training/people/{_person('W2')}"))
    assert "Registered manager&#39;s (adults) NVQ" in page and "Achieved in 2020" in page
    assert "Social care qualification at Level 4" in page
    assert "Achieved (date not given; counted as held from 1 Dec 2026)" in page


def test_scqual_level_not_known_is_named_by_a_social_care_qualification_of_the_row(hcpa):
    _import(hcpa, _staff(W1={"SCQUAL": "1;999", "L2CARECERT": "1"}, W2={"SCQUAL": "1;999", "QUALACH01": "37;2015"}))
    l2 = _qualifications("W1")
    assert list(l2) == ["Level 2 Adult Social Care Certificate"]
    assert (l2["Level 2 Adult Social Care Certificate"].achieved_precision,
            l2["Level 2 Adult Social Care Certificate"].relevant) == ("unknown", True)
    # "Other qualification relevant to social care": social care in Skills for Care's list, level unknown.
    assert list(_qualifications("W2")) == ["Other qualification relevant to social care"]
