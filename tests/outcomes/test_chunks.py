"""The outcomes job by chunks of workplaces, and storing only the figures that changed.

A generated world (in memory, then on the database): computing a few workplaces at a time, with the
training records folded into per-person coverage, gives exactly compute_snapshots' rows; a re-run
that changes nothing writes nothing; one change writes just the figures it changes; a figure no
longer produced is deleted.
"""
from datetime import date

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from academy.extensions import db
from academy.outcomes import metrics, readers, snapshots, training_lines
from academy.outcomes.models import OutcomeSnapshot
from tests import factories

TODAY = date(2025, 3, 15)
JAN, FEB = date(2025, 1, 31), date(2025, 2, 28)
KEYS = ["scope_type", "scope_id", "date", "metric"]


def generated_inputs(seed: int, n_workplaces: int = 23, n_staff: int = 700, n_records: int = 4000,
                     dates=(date(2024, 3, 31), date(2024, 9, 30), JAN, FEB)) -> readers.Inputs:
    """A random world: workplaces in 4 districts and 3 service types (some with no staff), staff
    with starts, leavings, role changes (several rows per employment), qualifications and
    inductions, vacancies, mandatory courses by role, training records, declared counts."""
    rng = np.random.default_rng(seed)
    day = np.datetime64("2025-02-28", "D").astype(np.int64)
    ids = np.sort(rng.choice(np.arange(1, 200), n_workplaces, replace=False))
    workplaces = pd.DataFrame({"workplace_id": ids, "district_id": rng.integers(1, 5, n_workplaces),
                               "service_type_id": rng.integers(1, 4, n_workplaces)})

    def days(values):
        return (np.asarray(values, dtype=np.float64) * 86400).astype("datetime64[s]")

    start = day - rng.integers(0, 1500, n_staff)
    leaving = np.where(rng.random(n_staff) < 0.4, start + rng.integers(1, 900, n_staff), np.nan)
    role_until = np.where(rng.random(n_staff) < 0.1, start + rng.integers(1, 300, n_staff), np.nan)
    people = rng.integers(1, n_staff // 2, n_staff)  # people with several employments
    staff = pd.DataFrame({
        "workplace_id": rng.choice(ids[:-3], n_staff),  # the last three workplaces have no staff
        "person_id": people, "job_role_id": rng.integers(1, 6, n_staff),
        "start_date": days(start), "leaving_date": days(leaving),
        "directly_employed": rng.random(n_staff) < 0.9, "care_providing": rng.random(n_staff) < 0.8,
        "registered_manager": rng.random(n_staff) < 0.05,
        "qualified_on": days(np.where(rng.random(n_staff) < 0.5, day - rng.integers(0, 3000, n_staff), np.nan)),
        "induction_completed_on": days(np.where(rng.random(n_staff) < 0.6, start + rng.integers(-200, 200, n_staff),
                                                np.nan)),
        "role_from": days(np.full(n_staff, np.nan)), "role_until": days(role_until),
    })
    changed = staff[staff["role_until"].notna()].assign(  # the role after the change
        job_role_id=lambda f: f["job_role_id"] % 5 + 1, role_from=lambda f: f["role_until"], role_until=pd.NaT)
    staff = pd.concat([staff, changed], ignore_index=True)
    n_vacancies = 150
    opened = day - rng.integers(0, 700, n_vacancies)
    vacancies = pd.DataFrame({"workplace_id": rng.choice(ids, n_vacancies), "posts": rng.integers(1, 4, n_vacancies),
                              "opened_on": days(opened),
                              "closed_on": days(np.where(rng.random(n_vacancies) < 0.5,
                                                         opened + rng.integers(5, 200, n_vacancies), np.nan))})
    mandatory = pd.DataFrame({"job_role_id": [1, 1, 2, 3, 3, 3, 5], "course_id": [10, 11, 10, 11, 12, 13, 12]})
    completed = day - rng.integers(0, 1200, n_records)
    records = pd.DataFrame({"person_id": rng.integers(1, n_staff // 2 + 20, n_records),
                            "course_id": rng.choice([10, 11, 12, 13, 14], n_records),
                            "completed_on": days(completed),
                            "expires_on": days(np.where(rng.random(n_records) < 0.7,
                                                        completed + rng.integers(100, 800, n_records), np.nan))})
    declared_ids = ids[[0, 4, 5, -1]]
    declared = pd.DataFrame({"workplace_id": np.repeat(declared_ids, 2),
                             "kind": ["leavers", "vacancies"] * len(declared_ids),
                             "declared_day": day - 400, "total": rng.integers(1, 20, 2 * len(declared_ids)).astype(float),
                             "records_from_day": np.int64(day - 300)})
    return readers.Inputs(workplaces, staff, vacancies, mandatory, records,
                          applications=pd.DataFrame({c: pd.Series(dtype="datetime64[s]")
                                                     for c in metrics.APPLICATION_COLUMNS}),
                          training_available=True, recruitment_available=True, declared=declared)


def with_coverage(inputs: readers.Inputs, dates) -> readers.Inputs:
    """The same inputs with the training records folded into a Coverage, as run_outcomes reads them."""
    date_days = np.array([np.datetime64(d, "D").astype(np.int64) for d in sorted(dates)])
    records = inputs.training_records
    coverage = training_lines.Coverage(inputs.staff["person_id"], inputs.mandatory["course_id"], len(dates))
    for start in range(0, len(records), 333):  # a block at a time, as the reader streams them
        block = records.iloc[start:start + 333]
        coverage.add(block["person_id"], block["course_id"],
                     np.searchsorted(date_days, metrics.to_days(block["completed_on"])),
                     np.searchsorted(date_days, metrics.to_days(block["expires_on"])))
    return readers.Inputs(**{**inputs.__dict__, "training_records": coverage})


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"scope_type": object, "metric": object, "source": object})
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.sort_values(KEYS).reset_index(drop=True)[[*KEYS, "numerator", "denominator", "source"]]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("chunk", [1, 4, 1000])
def test_chunks_of_workplaces_give_the_same_figures_as_all_at_once(seed, chunk):
    dates = [date(2024, 3, 31), date(2024, 9, 30), JAN, FEB]
    inputs = generated_inputs(seed)
    whole = snapshots.compute_snapshots(inputs, dates)
    parts = list(snapshots.snapshot_parts(with_coverage(inputs, dates), dates, chunk))
    assert len(parts) == -(-23 // chunk) + 1  # the workplace chunks, then the roll-ups and funnel
    for part, frame in parts[:-1]:
        assert set(frame["scope_type"]) == {"workplace"}
        low, high = part["scope_ids"]
        assert (low is None or frame["scope_id"].min() >= low) and (high is None or frame["scope_id"].max() < high)
    chunked = pd.concat([frame for _, frame in parts], ignore_index=True)
    pd.testing.assert_frame_equal(in_order(chunked), in_order(whole))
    sources = set(whole["source"].astype(object))
    assert {"records", "mixed"} <= sources  # the declared counts were used, and rolled up
    assert whole[whole["metric"] == "training_compliance"]["numerator"].sum() > 0


def test_coverage_counts_the_same_lines_as_the_records():
    rng = np.random.default_rng(7)
    n_staff, n_records, n_dates = 400, 3000, 13
    staff_pos = rng.integers(0, 9, n_staff)
    staff_person = rng.integers(1, 300, n_staff)
    role_courses = np.array([3, 5, 8, 5, 9])
    first = rng.integers(0, 4, n_staff)
    per_staff = np.minimum(rng.integers(0, 3, n_staff), len(role_courses) - first)
    post_lo = rng.integers(0, n_dates, n_staff)
    post_hi = post_lo + rng.integers(0, n_dates, n_staff)
    record_person = rng.integers(1, 320, n_records)
    record_course = rng.choice([3, 5, 8, 9, 11], n_records)
    record_lo = rng.integers(0, n_dates + 1, n_records)
    record_hi = np.minimum(record_lo + rng.integers(0, 8, n_records), n_dates)
    expected = training_lines.current_lines(staff_pos, staff_person, first, per_staff, role_courses, post_lo, post_hi,
                                            record_person, record_course, record_lo, record_hi, 9, n_dates)
    coverage = training_lines.Coverage(staff_person, role_courses, n_dates)
    assert coverage.masks.dtype == np.uint16  # 13 dates fit in 16 bits
    for start in range(0, n_records, 1000):
        part = slice(start, start + 1000)
        coverage.add(record_person[part], record_course[part], record_lo[part], record_hi[part])
    got = training_lines.current_lines_covered(staff_pos, staff_person, first, per_staff, role_courses, post_lo,
                                               post_hi, coverage, 9, n_dates)
    np.testing.assert_array_equal(got, expected)
    assert expected.sum() > 0


# -- on the database ---------------------------------------------------------------------------

def build_world():
    """Five workplaces (one in a district of its own, with no staff), staff, a vacancy, training."""
    places = [factories.workplace(district_name=name) for name in ("St Albans", "St Albans", "Watford", "Watford")]
    alone = factories.workplace(district_name="Dacorum")
    course = factories.course(renewal_months=12, mandatory_for=("care_worker",))
    for number, place in enumerate(places):
        for month in range(1, 4 + number):
            who = factories.person()
            factories.employment(place, who=who, start=date(2023, month, 1),
                                 leaving=date(2025, 2, month) if month == 2 else None)
            factories.training_record(who, course, completed=date(2024, month + 2, 1))
    factories.vacancy(places[0], opened=date(2024, 12, 1), posts=2)
    db.session.flush()
    return places, alone


def stored() -> pd.DataFrame:
    db.session.expire_all()
    scope_types = db.session.scalars(sa.select(OutcomeSnapshot.scope_type).distinct()).all()
    frame = pd.concat([snapshots.load(db.session, scope_type) for scope_type in scope_types], ignore_index=True)
    frame["date"] = pd.to_datetime(frame["date"])
    table = OutcomeSnapshot.__table__  # each figure with its row's timestamps (one row a scope and date)
    stamps = pd.DataFrame(db.session.execute(sa.select(table.c.scope_type, table.c.scope_id, table.c.date,
                                                       table.c.created_at, table.c.updated_at)).all(),
                          columns=["scope_type", "scope_id", "date", "created_at", "updated_at"])
    stamps["date"] = pd.to_datetime(stamps["date"])
    frame = frame.merge(stamps, on=["scope_type", "scope_id", "date"], how="left")
    return frame.sort_values(KEYS).reset_index(drop=True)


def differing(before: pd.DataFrame, after: pd.DataFrame) -> tuple[int, int, int]:
    """(new, changed, gone) figures between two stored states."""
    merged = before.merge(after, on=KEYS, how="outer", suffixes=("_before", "_after"), indicator=True)
    both = merged[merged["_merge"] == "both"]
    changed = 0
    for column in ("numerator", "denominator", "source"):
        old, new = both[f"{column}_before"], both[f"{column}_after"]
        changed_here = ~((old == new) | (old.isna() & new.isna()))
        changed = changed_here if isinstance(changed, int) else (changed | changed_here)
    return (int((merged["_merge"] == "right_only").sum()), int(changed.sum()),
            int((merged["_merge"] == "left_only").sum()))


def test_a_run_by_chunks_stores_what_a_run_all_at_once_stores(ctx):
    build_world()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=10_000)
    whole = stored()
    db.session.execute(sa.delete(OutcomeSnapshot.__table__))
    db.session.commit()
    result = snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=2)
    chunked = stored()
    columns = [*KEYS, "numerator", "denominator", "source"]
    pd.testing.assert_frame_equal(chunked[columns], whole[columns])
    assert result.written.inserted == len(whole) == result.rows
    inputs = readers.read_inputs(db.session.connection(), [JAN, FEB])
    assert len(whole) == len(snapshots.compute_snapshots(inputs, [JAN, FEB]))


def test_a_run_that_changes_nothing_writes_nothing(ctx):
    build_world()
    first = snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=2)
    assert first.written.inserted == first.rows > 0
    before = stored()
    again = snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=2)
    assert (again.written.inserted, again.written.updated, again.written.deleted) == (0, 0, 0)
    after = stored()
    pd.testing.assert_frame_equal(after, before)  # the same rows, timestamps untouched


def test_one_change_writes_just_the_figures_it_changes(ctx):
    places, _ = build_world()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=2)
    before = stored()
    factories.vacancy(places[2], opened=date(2025, 2, 10), posts=1)  # Watford, open at Feb 28 only
    db.session.commit()
    result = snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=2)
    after = stored()
    assert differing(before, after) == (0, 4, 0)
    # the vacancy rate at Feb 28 of the workplace, its district, its service type and the county
    assert (result.written.inserted, result.written.updated, result.written.deleted) == (0, 4, 0)
    changed = after[after["updated_at"] != before["updated_at"]]  # the rows (one a scope and date) it touched
    assert set(changed["date"]) == {pd.Timestamp(FEB)}
    assert len(set(zip(changed["scope_type"], changed["scope_id"]))) == 4
    assert set(changed["scope_type"]) == {"workplace", "district", "service_type", "county"}
    assert (after["created_at"] == before["created_at"]).all()  # updated in place, not deleted and inserted again


def test_a_figure_no_longer_produced_is_deleted(ctx):
    _, alone = build_world()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=2)
    before = stored()
    alone_id, district_id = alone.id, alone.district_id
    db.session.delete(alone)  # the only workplace in Dacorum
    db.session.commit()
    result = snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=2)
    after = stored()
    per_scope = len(metrics.METRICS) * 2  # every workplace metric at two dates
    assert differing(before, after) == (0, 0, 2 * per_scope)
    assert (result.written.inserted, result.written.updated, result.written.deleted) == (0, 0, 2 * per_scope)
    assert not ((after["scope_type"] == "workplace") & (after["scope_id"] == alone_id)).any()
    assert not ((after["scope_type"] == "district") & (after["scope_id"] == district_id)).any()


def test_the_store_replaces_only_its_part_and_refuses_rows_outside_it(ctx):
    places, _ = build_world()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    before = stored()
    county = before[before["scope_type"] == "county"][[*KEYS, "numerator", "denominator", "source"]].copy()
    county["date"] = pd.to_datetime(county["date"])
    connection = db.session.connection()
    one_metric = county[county["metric"] == "filled_posts"].copy()
    one_metric.loc[one_metric["date"] == pd.Timestamp(FEB), "numerator"] += 1
    written = snapshots.replace_snapshots(connection, one_metric, [JAN, FEB], scope_types=["county"],
                                          metrics_wanted=["filled_posts"])
    assert (written.inserted, written.updated, written.deleted) == (0, 1, 0)
    written = snapshots.replace_snapshots(connection, one_metric.iloc[:1], [JAN, FEB], scope_types=["county"],
                                          metrics_wanted=["filled_posts"])
    assert (written.inserted, written.updated, written.deleted) == (0, 0, 1)
    with pytest.raises(ValueError, match="outside the part"):
        snapshots.replace_snapshots(connection, county, [JAN, FEB], scope_types=["county"],
                                    metrics_wanted=["filled_posts"])
    with pytest.raises(ValueError, match="outside the part"):
        snapshots.replace_snapshots(connection, county, [JAN, FEB], scope_types=["workplace"])
    db.session.commit()
    after = stored()
    assert len(after) == len(before) - 1  # the rest of the county's figures and every other scope untouched


def test_stored_values_read_back_exactly(ctx):
    """Fractions, unknown numerators, empty denominators, every source and none, a metric and a source
    of another feature's: stored (binary COPY on PostgreSQL) and read back unchanged; storing them
    again writes nothing."""
    frame = pd.DataFrame({
        "scope_type": ["workplace", "workplace", "district", "county", "county", "county"],
        "scope_id": [7, 7, 3, 0, 0, 0], "date": pd.to_datetime([JAN, FEB, FEB, JAN, FEB, FEB]),
        "metric": ["turnover_rate", "turnover_rate", "filled_posts", "gcr_days_to_placement", "vacancy_rate",
                   "pulse_responses"],
        "numerator": [10.04109589041096, np.nan, 12.0, 1 / 3, 0.0, 5.0],
        "denominator": [17.0, 4.0, np.nan, np.nan, 1e-300, 9.0],
        "source": ["mixed", "declared", "records", None, "records", "survey"],
    })
    connection = db.session.connection()
    written = snapshots.replace_snapshots(connection, frame, [JAN, FEB])
    assert (written.inserted, written.updated, written.deleted) == (6, 0, 0)
    back = pd.concat([snapshots.load(db.session, scope) for scope in ("workplace", "district", "county")])
    back = back.astype({"numerator": float, "denominator": float, "scope_id": np.int64})
    back["date"] = pd.to_datetime(back["date"])
    pd.testing.assert_frame_equal(in_order(back), in_order(frame), check_exact=True)
    again = snapshots.replace_snapshots(connection, frame, [JAN, FEB])
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    frame.loc[5, "source"] = "poll"  # another source of another feature's
    changed = snapshots.replace_snapshots(connection, frame, [JAN, FEB])
    assert (changed.inserted, changed.updated, changed.deleted) == (0, 1, 0)
    assert set(snapshots.load(db.session, "county", metrics_wanted=["pulse_responses"])["source"]) == {"poll"}


def test_coverage_read_fast_and_portably_is_the_same(ctx):
    """The training records folded into coverage: binary COPY on PostgreSQL, read_sql elsewhere."""
    build_world()
    connection = db.session.connection()
    inputs = readers.read_inputs(connection, [JAN, FEB])
    people = inputs.staff["person_id"].to_numpy(np.int64)
    fast = readers.read_training_coverage(connection, JAN, FEB, [JAN, FEB], people, inputs.mandatory)
    portable = readers.read_training_coverage(connection, JAN, FEB, [JAN, FEB], people, inputs.mandatory,
                                              use_copy=False)
    np.testing.assert_array_equal(fast.masks, portable.masks)
    assert fast.records == portable.records == len(inputs.training_records) > 0
    assert fast.masks.any()


def test_a_figure_written_twice_is_refused(ctx):
    build_world()
    snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY)
    county = stored().query("scope_type == 'county'")[[*KEYS, "numerator", "denominator", "source"]]
    connection = db.session.connection()
    with pytest.raises(ValueError, match="written twice"):
        with snapshots.SnapshotWriter(connection, [JAN, FEB], scope_types=["county"]) as writer:
            writer.write(county.iloc[:3])
            writer.write(county.iloc[2:])
    db.session.rollback()
    connection = db.session.connection()
    with pytest.raises(ValueError, match="written twice"):
        snapshots.replace_snapshots(connection, pd.concat([county, county.iloc[:1]]), [JAN, FEB])
    db.session.rollback()
    connection = db.session.connection()
    new = county.assign(date=pd.Timestamp(date(2025, 3, 10)))  # not stored yet: refused by the unique key
    with pytest.raises((ValueError, sa.exc.IntegrityError)):
        with snapshots.SnapshotWriter(connection, [date(2025, 3, 10)], scope_types=["county"]) as writer:
            writer.write(new.iloc[:3])
            writer.write(new.iloc[2:])
    db.session.rollback()


def test_a_run_leaves_other_features_figures_alone(ctx):
    build_world()
    other = pd.DataFrame({"scope_type": ["county"], "scope_id": [0], "date": [pd.Timestamp(FEB)],
                          "metric": ["pulse_responses"], "numerator": [5.0], "denominator": [9.0], "source": [None]})
    snapshots.replace_snapshots(db.session.connection(), other, [FEB], metrics_wanted=["pulse_responses"])
    db.session.commit()
    result = snapshots.run_outcomes(db.session, JAN, FEB, today=TODAY, chunk_workplaces=2)
    assert result.written.deleted == 0
    kept = snapshots.load(db.session, "county", metrics_wanted=["pulse_responses"])
    assert kept[["numerator", "denominator"]].to_numpy().tolist() == [[5.0, 9.0]]
