"""Every snapshot counts each person in the job role in force on its date (the dated role changes of
academy/portal/models.py:RoleChange), never today's role: issue 14, part 4."""
from datetime import date

import numpy as np
import pandas as pd
import pytest

from academy.extensions import db
from academy.outcomes import readers, snapshots
from academy.portal import staff
from tests import factories

TODAY = date(2026, 12, 5)
OCT, NOV = date(2026, 10, 31), date(2026, 11, 30)


def stored(workplace_id, day, metric):
    frame = snapshots.load(db.session, "workplace", [workplace_id], [day], [metric])
    row = frame.iloc[0]
    return row.numerator, row.denominator


def build_issue_workplace():
    """The issue's workplace: 2 registered managers, 7 care workers, 4 administrators, all in post
    since 2025. Courses 1-5 are mandatory for all three roles, 6-8 for care workers as well, so on
    31 October 7 x 8 + 2 x 5 + 4 x 5 = 86 lines are required."""
    wp = factories.workplace()
    every_role = ("care_worker", "registered_manager", "administrative")
    for _ in range(5):
        factories.course(mandatory_for=every_role)
    for _ in range(3):
        factories.course(mandatory_for=("care_worker",))
    start = date(2025, 1, 6)
    managers = [factories.employment(wp, role_code="registered_manager", start=start) for _ in range(2)]
    carers = [factories.employment(wp, role_code="care_worker", start=start) for _ in range(7)]
    for _ in range(4):
        factories.employment(wp, role_code="administrative", start=start)
    return wp, managers, carers


def test_the_issue_case_october_keeps_the_role_in_force_on_31_october(ctx):
    wp, _, carers = build_issue_workplace()
    manager = factories.manager(workplaces=[wp])
    staff.change_role(db.session, carers[0], manager, factories.job_role("registered_manager").id,
                      date(2026, 11, 15), today=TODAY)
    snapshots.run_outcomes(db.session, date(2026, 10, 1), NOV, today=TODAY)

    # 31 October: the change (15 November) is not in force yet.
    assert stored(wp.id, OCT, "rm_turnover")[1] == 2              # RM posts: the two managers
    assert stored(wp.id, OCT, "care_induction")[1] == 7           # care staff: all seven care workers
    assert stored(wp.id, OCT, "training_compliance")[1] == 86     # 7 x 8 + 2 x 5 + 4 x 5
    # 30 November: the carer is a registered manager.
    assert stored(wp.id, NOV, "rm_turnover")[1] == 3
    assert stored(wp.id, NOV, "care_induction")[1] == 6
    assert stored(wp.id, NOV, "training_compliance")[1] == 83     # 6 x 8 + 3 x 5 + 4 x 5
    # Filled posts and starters are one per employment whatever the roles.
    assert stored(wp.id, OCT, "filled_posts")[0] == 13
    assert stored(wp.id, NOV, "starters_rate") == (0, 13)


def test_recomputing_october_alone_after_the_change_gives_the_same_october(ctx):
    wp, _, carers = build_issue_workplace()
    snapshots.run_outcomes(db.session, date(2026, 10, 1), OCT, today=TODAY)
    before = {m: stored(wp.id, OCT, m) for m in ("rm_turnover", "care_induction", "training_compliance")}
    factories.role_change(carers[0], "registered_manager", on=date(2026, 11, 15))
    snapshots.run_outcomes(db.session, date(2026, 10, 1), OCT, today=TODAY)
    after = {m: stored(wp.id, OCT, m) for m in ("rm_turnover", "care_induction", "training_compliance")}
    assert after == before == {"rm_turnover": (0, 2), "care_induction": (0, 7), "training_compliance": (0, 86)}


def test_starts_count_in_the_role_started_in_and_leavings_in_the_role_left(ctx):
    """Cara started as a care worker on 1 March 2026, became the registered manager on 1 June and
    left on 10 October: at 31 October she is an RM leaver (not a care leaver) and a care starter
    (the Care Certificate is due for the role she started in); Dev started as an administrator on
    1 April and moved to care work on 1 May: not a care starter."""
    wp = factories.workplace()
    cara = factories.employment(wp, role_code="care_worker", start=date(2026, 3, 1))
    factories.role_change(cara, "registered_manager", on=date(2026, 6, 1))
    cara.leaving_date = date(2026, 10, 10)
    dev = factories.employment(wp, role_code="administrative", start=date(2026, 4, 1))
    factories.role_change(dev, "care_worker", on=date(2026, 5, 1))
    db.session.commit()
    snapshots.run_outcomes(db.session, date(2026, 5, 1), OCT, today=TODAY)

    assert stored(wp.id, date(2026, 5, 31), "care_induction")[1] == 2   # both care workers at 31 May
    assert stored(wp.id, date(2026, 6, 30), "care_induction")[1] == 1   # Dev; Cara is the RM
    assert stored(wp.id, date(2026, 6, 30), "rm_turnover") == (0, 1)
    assert stored(wp.id, OCT, "rm_turnover") == (1, 0)                  # Cara left as the RM; no RM post now
    assert stored(wp.id, OCT, "turnover_rate") == (1, 1)                # one leaver (not one per role held)
    assert stored(wp.id, OCT, "starters_rate") == (2, 1)                # two starters (not one per role)
    assert stored(wp.id, OCT, "care_induction_12_weeks")[1] == 1        # Cara only


# -- role_periods on its own: the edge cases -------------------------------------------------------

def periods(employments, changes):
    frame = readers.role_periods(pd.DataFrame(employments, columns=["employment_id", "job_role_id", "start_day",
                                                                    "leaving_day"]),
                                 pd.DataFrame(changes, columns=["change_id", "employment_id", "changed_day",
                                                                "from_job_role_id", "to_job_role_id"]))
    frame = frame.sort_values(["employment_id", "role_from_day"], na_position="first")
    return [(int(r.employment_id), int(r.job_role_id), None if np.isnan(r.role_from_day) else r.role_from_day,
             None if np.isnan(r.role_until_day) else r.role_until_day) for r in frame.itertuples()]


@pytest.mark.parametrize("changes, expected", [
    # no change: one row, the current role throughout
    ([], [(1, 3, None, None)]),
    # 1 -> 2 on day 20, 2 -> 3 on day 30 (current role 3)
    ([(1, 1, 20, 1, 2), (2, 1, 30, 2, 3)], [(1, 1, None, 20), (1, 2, 20, 30), (1, 3, 30, None)]),
    # a change dated on (or before) the start sets the role from the start
    ([(1, 1, 10, 1, 3)], [(1, 3, None, None)]),
    ([(1, 1, 5, 1, 3)], [(1, 3, None, None)]),
    # two changes the same day: the later recorded wins
    ([(1, 1, 20, 1, 2), (2, 1, 20, 2, 3)], [(1, 1, None, 20), (1, 3, 20, None)]),
    # the last change said 2, but the employment now says 3 (an undated edit): 3 from that change
    ([(1, 1, 20, 1, 2)], [(1, 1, None, 20), (1, 3, 20, None)]),
    # a change dated on the leaving day (50) was never in force: they left in role 1
    ([(1, 1, 50, 1, 3)], [(1, 1, None, None)]),
])
def test_role_periods(changes, expected):
    leaving = 50.0 if expected == [(1, 1, None, None)] else np.nan
    assert periods([(1, 3, 10.0, leaving)], changes) == expected


def test_role_periods_leave_other_employments_alone():
    result = periods([(1, 3, 10.0, np.nan), (2, 8, 0.0, 40.0)], [(1, 1, 20, 1, 3)])
    assert result == [(1, 1, None, 20), (1, 3, 20, None), (2, 8, None, None)]


def test_the_copy_and_read_sql_paths_and_a_sqlite_copy_split_roles_alike(ctx, tmp_path):
    """On PostgreSQL the COPY path, read_sql and a SQLite database holding the same rows give the same
    role periods and snapshots (on SQLite all three are read_sql)."""
    from tests.outcomes.test_snapshots import _copy_into_sqlite

    _, _, carers = build_issue_workplace()
    factories.role_change(carers[0], "registered_manager", on=date(2026, 11, 15))
    factories.role_change(carers[1], "senior_care_worker", on=date(2026, 3, 1))
    factories.role_change(carers[1], "care_worker", on=date(2026, 9, 1))
    dates = [OCT, NOV]
    connection = db.session.connection()
    fast = readers.read_inputs(connection, dates, use_copy=None)
    portable = readers.read_inputs(connection, dates, use_copy=False)
    assert len(fast.staff) == 13 + 1 + 2  # one employment split in two, one in three
    pd.testing.assert_frame_equal(fast.staff, portable.staff, check_dtype=False)
    snapshots_fast = snapshots.compute_snapshots(fast, dates)
    pd.testing.assert_frame_equal(snapshots_fast, snapshots.compute_snapshots(portable, dates))
    engine = _copy_into_sqlite(connection, tmp_path / "copy.db")
    with engine.connect() as sqlite_connection:
        on_sqlite = snapshots.compute_snapshots(readers.read_inputs(sqlite_connection, dates), dates)
    engine.dispose()
    pd.testing.assert_frame_equal(snapshots_fast, on_sqlite)


def test_rows_carrying_the_start_and_the_leaving(ctx):
    """What other readers of the staff frame (ASC-WDS declared counts) use to count each employment's
    start and leaving once: Ann's employment is split in two at her role change, Ben's is whole."""
    from academy.outcomes import metrics

    wp = factories.workplace()
    ann = factories.employment(wp, start=date(2026, 1, 5), leaving=None)
    factories.role_change(ann, "senior_care_worker", on=date(2026, 6, 1))
    factories.employment(wp, start=date(2026, 2, 2), leaving=date(2026, 9, 30))
    frame = readers.read_staff(db.session.connection(), OCT, OCT).sort_values(["start_date", "role_from"],
                                                                      na_position="first")
    assert metrics.carries_start(frame).tolist() == [True, False, True]
    assert metrics.carries_leaving(frame).tolist() == [False, True, True]
    bare = frame.drop(columns=list(metrics.ROLE_PERIOD_COLUMNS))
    assert metrics.carries_start(bare).all() and metrics.carries_leaving(bare).all()


# -- the registered-manager flag, dated the same way ------------------------------------------------

def test_a_registered_manager_flag_set_from_15_november_leaves_october_alone(ctx):
    """A care worker marked as the registered manager (by flag, job role unchanged) from 15 November:
    recomputing October keeps October's two RM posts; November has three."""
    wp, _, carers = build_issue_workplace()
    manager = factories.manager(workplaces=[wp])
    staff.set_registered_manager(db.session, carers[0], manager, True, date(2026, 11, 15), today=TODAY)
    db.session.commit()
    snapshots.run_outcomes(db.session, date(2026, 10, 1), NOV, today=TODAY)
    assert stored(wp.id, OCT, "rm_turnover")[1] == 2
    assert stored(wp.id, NOV, "rm_turnover")[1] == 3
    assert stored(wp.id, NOV, "care_induction")[1] == 7  # still a care worker by job role


def test_an_rm_unmarked_before_leaving_leaves_as_a_care_worker_not_as_the_rm(ctx):
    """Flagged RM from the start, unmarked on 1 September, left on 10 October: not an RM leaver."""
    wp = factories.workplace()
    manager = factories.manager(workplaces=[wp])
    worker = factories.employment(wp, role_code="care_worker", start=date(2025, 1, 6))
    worker.is_registered_manager = True
    db.session.commit()
    staff.set_registered_manager(db.session, worker, manager, False, date(2026, 9, 1), today=TODAY)
    worker.leaving_date = date(2026, 10, 10)
    db.session.commit()
    snapshots.run_outcomes(db.session, date(2026, 8, 1), OCT, today=TODAY)
    assert stored(wp.id, date(2026, 8, 31), "rm_turnover") == (0, 1)
    assert stored(wp.id, date(2026, 9, 30), "rm_turnover") == (0, 0)
    assert stored(wp.id, OCT, "rm_turnover") == (0, 0)


def test_flag_changes_are_dated_and_checked(ctx):
    from academy.auth.access import Invalid

    wp = factories.workplace()
    manager = factories.manager(workplaces=[wp])
    worker = factories.employment(wp, role_code="care_worker", start=date(2026, 3, 1))
    with pytest.raises(Invalid, match="before their start date"):
        staff.set_registered_manager(db.session, worker, manager, True, date(2026, 2, 1), today=TODAY)
    with pytest.raises(Invalid, match="not marked"):
        staff.set_registered_manager(db.session, worker, manager, False, date(2026, 4, 1), today=TODAY)
    change = staff.set_registered_manager(db.session, worker, manager, True, date(2026, 4, 1), today=TODAY)
    assert (change.from_job_role_id == change.to_job_role_id, change.from_registered_manager,
            change.to_registered_manager, worker.is_registered_manager) == (True, False, True, True)
    with pytest.raises(Invalid, match="before their last change"):
        staff.change_role(db.session, worker, manager, factories.job_role("senior_care_worker").id,
                          date(2026, 3, 15), today=TODAY)
