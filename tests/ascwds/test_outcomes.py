"""Imported staff and leavers are what the outcomes engine counts (no second copy of the workforce)."""
from __future__ import annotations

from datetime import date, timedelta

from academy.ascwds.apply import apply_plan
from academy.auth.models import Role
from academy.extensions import db
from academy.outcomes import snapshots
from tests import factories
from tests.ascwds.conftest import ALL_FILES, check, edited, fixture_bytes, run


def _figures(workplace_id: int) -> dict[str, tuple]:
    frame = snapshots.load(db.session, "workplace", [workplace_id], dates=[date.today()],
                           metrics_wanted=["filled_posts", "turnover_rate"])
    return {m: (n, d) for m, n, d in zip(frame["metric"], frame["numerator"], frame["denominator"])}


def test_an_import_changes_the_outcomes(ctx):
    hcpa = factories.user(Role.hcpa_staff)
    today = date.today()
    run(hcpa, *[(n, fixture_bytes(n)) for n in ALL_FILES], today=today, district_id=factories.district().id)
    snapshots.run_outcomes(db.session, today, today)
    workplace_id = db.session.scalar(db.select(factories.Workplace.id))
    assert _figures(workplace_id)["filled_posts"][0] == 3

    staff = edited("staff.csv", {1: {"STATUS": "UNCHECKED"}, 2: {"STATUS": "DELETE"}, 3: {"STATUS": "UNCHECKED"}})
    plan = check(hcpa, ("staff.csv", staff), today=today, leaving_date=today - timedelta(days=1))
    apply_plan(db.session, plan, hcpa)
    snapshots.run_outcomes(db.session, today, today)
    figures = _figures(workplace_id)
    assert figures["filled_posts"][0] == 2
    assert figures["turnover_rate"][0] == 1  # one leaver in the last 12 months (over the filled posts)


def _declared(staff_csv: str, job_roles: dict[str, bool]) -> dict[str, dict[str, list[int]]]:
    """Per workplace, straight from the staff file: [numerator, denominator] of qualification uptake
    (directly employed staff with SCQUAL 1;2 to 1;8) and care induction (care-providing ones with
    CARECERT 1 or L2CARECERT 1)."""
    import csv
    import io

    from academy.ascwds import codes

    figures: dict[str, dict[str, list[int]]] = {}
    for row in csv.DictReader(io.StringIO(staff_csv)):
        if row["EMPLSTATUS"] not in ("1", "2"):  # bank, agency and other are not directly employed
            continue
        mine = figures.setdefault(row["LOCALESTID"], {"qualification_uptake": [0, 0], "care_induction": [0, 0]})
        head, _, level = row["SCQUAL"].partition(";")
        mine["qualification_uptake"][0] += head == "1" and level in tuple("2345678")
        mine["qualification_uptake"][1] += 1
        if job_roles[codes.job_role_for_code()[row["MAINJOBROLE"]]]:
            mine["care_induction"][0] += row["CARECERT"] == "1" or row["L2CARECERT"].startswith("1")
            mine["care_induction"][1] += 1
    return figures


def test_imported_qualification_uptake_and_induction_are_what_the_files_declare(ctx):
    from tests.ascwds.conftest import FIXTURES
    hcpa = factories.user(Role.hcpa_staff)
    today = date.today()
    given = {kind: (FIXTURES / "roundtrip" / f"{kind}.csv").read_bytes() for kind in ("workplace", "staff")}
    run(hcpa, ("workplace.csv", given["workplace"]), ("staff.csv", given["staff"]), today=today,
        district_id=factories.district().id)
    snapshots.run_outcomes(db.session, today, today)
    roles = {r.code: r.care_providing for r in db.session.scalars(db.select(factories.JobRole))}
    declared = _declared(given["staff"].decode(), roles)
    assert declared["OAK1"] == {"qualification_uptake": [3, 4], "care_induction": [1, 3]}  # the file, read by hand
    for local_id, figures in declared.items():
        workplace_id = db.session.scalar(db.select(factories.Workplace.id).where(
            factories.Workplace.ascwds_local_id == local_id))
        frame = snapshots.load(db.session, "workplace", [workplace_id], dates=[today], metrics_wanted=list(figures))
        stored = {m: [int(n), int(d)] for m, n, d in zip(frame["metric"], frame["numerator"], frame["denominator"])}
        assert stored == figures, local_id
