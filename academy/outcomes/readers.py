"""Reading the outcome inputs fast: only the columns the formulas need, dates as day numbers.

On PostgreSQL each SELECT is streamed out with `COPY (SELECT ...) TO STDOUT`, its rows taken from
libpq in blocks (copy_out): all-number SELECTs as fixed-width binary rows straight into numpy,
the others as CSV into pandas.read_csv; elsewhere (SQLite) it is an ordinary pandas.read_sql. Both
paths give the same frames (tests/outcomes/test_snapshots.py and test_readers.py check it). Frames are those documented
in academy.outcomes.metrics.

Training inputs come from training/models.py (qualifications, Care Certificate inductions,
training records, course_job_roles) and the funnel from recruitment/models.py (applications,
values assessments, referrals, placements). Where those tables are missing (a database migrated
only part-way), their readers return empty frames with the documented columns and the metrics
that need them are stored as unknown, not 0.
"""
from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import psycopg
import sqlalchemy as sa
from psycopg import pq

from academy.outcomes import declared, metrics, training_lines

DIRECTLY_EMPLOYED = ("permanent", "temporary")


@dataclass
class Inputs:
    workplaces: pd.DataFrame
    staff: pd.DataFrame
    vacancies: pd.DataFrame
    mandatory: pd.DataFrame
    training_records: pd.DataFrame
    applications: pd.DataFrame
    training_available: bool = False
    recruitment_available: bool = False
    declared: pd.DataFrame | None = None  # ASC-WDS declared counts (academy/outcomes/declared.py)


# -- the two read paths ------------------------------------------------------------------------

def copy_out(connection, statement: str, block_bytes: int = 1 << 22):
    """Run `statement` (a COPY ... TO STDOUT) on the connection and yield what it sends in blocks of
    whole rows, about `block_bytes` each.

    The server sends a COPY one row at a time, and psycopg's `Copy.read()` spends about 0.7 µs of
    Python on each (a generator and a wait loop): at England scale, 14 million rows, most of the
    job's read. Here the rows libpq already holds are taken with `PGconn.get_copy_data` (psycopg.pq,
    the documented libpq wrapper) in a plain loop, and psycopg's `read()` is asked only when none is
    waiting (it waits for the server as psycopg always does). When the COPY ends the final result is
    taken here, and an error in it raised as psycopg's exception for its SQLSTATE."""
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        pgconn = raw.pgconn
        block = bytearray()
        while True:
            size, row = pgconn.get_copy_data(1)
            if size > 0:
                block += row
            elif size == 0:  # nothing received yet: psycopg waits for the next row (b"" at the end)
                row = copy.read()
                if not row:
                    break
                block += row
            else:  # the end of the COPY: its final result
                _finish_copy_out(pgconn)
                break
            if len(block) >= block_bytes:
                yield block
                block = bytearray()
        if block:
            yield block


def _finish_copy_out(pgconn) -> None:
    """Take every result the ended COPY left (so the connection is free again), then raise the
    first error among them."""
    failed = None
    while (result := pgconn.get_result()) is not None:
        if failed is None and result.status != pq.ExecStatus.COMMAND_OK:
            failed = result
    if failed is not None:
        state = (failed.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
        message = (failed.error_message or b"COPY failed").decode(errors="replace").strip()
        try:
            kind = psycopg.errors.lookup(state)
        except KeyError:
            kind = psycopg.DatabaseError
        raise kind(message)


class _CopyStream(io.RawIOBase):
    """A file-like view of a COPY TO STDOUT (copy_out's blocks), so read_csv parses while PostgreSQL
    streams."""

    BLOCK = 1 << 22

    def __init__(self, blocks) -> None:
        self._blocks = iter(blocks)
        self._block = bytearray()
        self._offset = 0

    def readable(self) -> bool:
        return True

    def _next_block(self) -> bool:
        self._block, self._offset = next(self._blocks, bytearray()), 0
        return bool(self._block)

    def readinto(self, buffer) -> int:
        if self._offset >= len(self._block) and not self._next_block():
            return 0
        take = min(len(buffer), len(self._block) - self._offset)
        buffer[:take] = self._block[self._offset:self._offset + take]
        self._offset += take
        return take


def uses_copy(connection) -> bool:
    return connection.dialect.name == "postgresql"


def read_frame(connection, sql: str, dtypes: dict[str, str], use_copy: bool | None = None) -> pd.DataFrame:
    """Run `sql` (no parameters: values are inlined by the callers from typed dates) into a frame."""
    if use_copy is None:
        use_copy = uses_copy(connection)
    if use_copy and dtypes and all(t in NUMERIC for t in dtypes.values()):
        return _read_numbers(connection, sql, dtypes)
    if use_copy:
        blocks = copy_out(connection, f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", _CopyStream.BLOCK)
        try:
            frame = pd.read_csv(io.BufferedReader(_CopyStream(blocks), buffer_size=_CopyStream.BLOCK), dtype=dtypes,
                                engine="c")
        finally:
            blocks.close()  # ends the COPY if parsing stopped early
    else:
        frame = pd.read_sql(sa.text(sql), connection)
    for column, dtype in dtypes.items():
        if column in frame:
            frame[column] = frame[column].astype(dtype)
    return frame


NUMERIC = ("int64", "int8", "float64")
NULL_NUMBER = -(1 << 62)  # stands for NULL in the binary read (no id or day number comes near it)


def _read_numbers(connection, sql: str, dtypes: dict[str, str]) -> pd.DataFrame:
    """read_frame for a SELECT of whole numbers only (ids, flags, day numbers; NULL only in the float64
    ones, as NaN): fixed-width binary COPY rows straight into numpy, no text to parse. Its columns
    are those of `dtypes`, in that order."""
    names = list(dtypes)
    wrapped = ("SELECT " + ", ".join(f"coalesce(CAST(t.{name} AS bigint), {NULL_NUMBER})" for name in names)
               + f" FROM ({sql}) AS t")
    blocks = list(read_binary_blocks(connection, wrapped, len(names)))
    values = np.concatenate(blocks) if blocks else np.zeros((0, len(names)), np.int64)
    del blocks
    return _numbers_frame(values, dtypes)


def read_packed_numbers(connection, sql: str, dtypes: dict[str, str], group: str, rows: int = 16_384) -> pd.DataFrame:
    """_read_numbers with the rows packed by PostgreSQL: each row's numbers as 8-byte big-endian
    integers, a group of rows (`group`: a whole-number column of `sql`'s, divided by `rows`) to one
    bytea. A COPY hands rows to this process one at a time (about a microsecond each, in Python); a
    few hundred thousand rows then cost more here than PostgreSQL's packing, which runs in the
    server's own process, beside this one (funnel.Alongside). PostgreSQL only."""
    names = list(dtypes)
    row = " || ".join(f"int8send(coalesce(CAST(t.{name} AS bigint), {NULL_NUMBER}))" for name in names)
    packed = f"SELECT string_agg({row}, ''::bytea) FROM ({sql}) AS t GROUP BY t.{group} / {int(rows)}"
    data = bytearray()
    for piece in copy_out(connection, f"COPY ({packed}) TO STDOUT WITH (FORMAT binary)"):
        data += piece
    blocks, at = [], BINARY_HEADER
    while len(data) - at > BINARY_TRAILER:  # each row: a field count (1), the bytea's length, its bytes
        fields, length = struct.unpack_from(">hi", data, at)
        if fields != 1 or length < 0:
            raise ValueError("unexpected data in a binary COPY")
        blocks.append(np.frombuffer(data, dtype=">i8", count=length // 8, offset=at + 6))
        at += 6 + length
    values = (np.concatenate(blocks).astype(np.int64) if blocks else np.zeros(0, np.int64)).reshape(-1, len(names))
    return _numbers_frame(values, dtypes)


def _numbers_frame(values: np.ndarray, dtypes: dict[str, str]) -> pd.DataFrame:
    """(rows, columns) whole numbers (NULL_NUMBER for NULL) as a frame of `dtypes`."""
    names = list(dtypes)
    columns = {}
    for i, (name, dtype) in enumerate(dtypes.items()):
        column = values[:, i]
        empty = column == NULL_NUMBER
        if dtype == "float64":
            columns[name] = np.where(empty, np.nan, column.astype(np.float64))
        elif empty.any():
            raise ValueError(f"{name} is empty in {int(empty.sum())} rows")
        else:
            columns[name] = column.astype(dtype)
    return pd.DataFrame(columns, columns=names)


def read_blocks(connection, sql: str, dtypes: dict[str, str], use_copy: bool | None = None,
                rows: int = 1_000_000):
    """read_frame a block of at most `rows` rows at a time (a generator of frames), so a large result
    is never in memory whole."""
    if use_copy is None:
        use_copy = uses_copy(connection)
    if use_copy:
        copied = copy_out(connection, f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", _CopyStream.BLOCK)
        try:
            stream = io.BufferedReader(_CopyStream(copied), buffer_size=_CopyStream.BLOCK)
            with pd.read_csv(stream, dtype=dtypes, engine="c", chunksize=rows) as blocks:
                yield from blocks
        finally:
            copied.close()
        return
    for block in pd.read_sql(sa.text(sql), connection, chunksize=rows):
        for column, dtype in dtypes.items():
            if column in block:
                block[column] = block[column].astype(dtype)
        yield block


BINARY_HEADER = 19  # PostgreSQL's binary COPY signature, flags and header extension length
BINARY_TRAILER = 2


def binary_row_dtype(columns: int) -> np.dtype:
    """A row of `columns` non-null bigint (or double precision: view as float64) fields in binary COPY."""
    fields = [("count", ">i2")]
    for i in range(columns):
        fields += [(f"length_{i}", ">i4"), (f"value_{i}", ">i8")]
    return np.dtype(fields)


def read_binary_blocks(connection, sql: str, columns: int, block_bytes: int = 1 << 24):
    """Stream `sql` (PostgreSQL; every column a non-null bigint) out with binary COPY and yield
    (rows, columns) int64 arrays a block at a time: fixed-width rows go straight into numpy, with no
    text to parse."""
    dtype = binary_row_dtype(columns)
    data, skip = bytearray(), BINARY_HEADER

    def rows(final: bool = False) -> np.ndarray:
        nonlocal data, skip
        whole = (len(data) - skip) // dtype.itemsize * dtype.itemsize
        if final and len(data) - skip - whole != BINARY_TRAILER:
            raise ValueError("unexpected data in a binary COPY")
        block = np.frombuffer(memoryview(data)[skip:skip + whole], dtype=dtype)
        values = np.stack([block[f"value_{i}"].astype(np.int64) for i in range(columns)], axis=1) \
            if len(block) else np.zeros((0, columns), np.int64)
        del block
        data, skip = data[skip + whole:], 0
        return values

    for piece in copy_out(connection, f"COPY ({sql}) TO STDOUT WITH (FORMAT binary)", block_bytes):
        data += piece
        if len(data) >= block_bytes:
            yield rows()
    yield rows(final=True)


def stream_only(connection, sql: str, row_by_row: bool = True) -> int:
    """Stream a SELECT out with COPY and throw it away (the floor the benchmark compares with): with
    psycopg's `Copy` a row at a time, as the floor was first measured, or (`row_by_row=False`) as
    copy_out takes them."""
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
    total = 0
    if not row_by_row:
        for block in copy_out(connection, statement):
            total += len(block)
        return total
    raw = connection.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for chunk in copy:
            total += len(chunk)
    return total


# -- SQL helpers -------------------------------------------------------------------------------

def _day(column: str, dialect: str) -> str:
    """Days since 1970-01-01 as an integer (NULL stays NULL)."""
    if dialect == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _date(value: date, dialect: str) -> str:
    if not isinstance(value, date):
        raise TypeError("dates only")
    return f"DATE '{value.isoformat()}'" if dialect == "postgresql" else f"'{value.isoformat()}'"


def _days_to_dates(values) -> np.ndarray:
    """Float day numbers (NaN for none) to datetime64[s] (NaT), the resolution pandas keeps."""
    return (np.asarray(values, dtype=np.float64) * 86400.0).astype("datetime64[s]")


def window_start(dates: list[date]) -> date:
    """The earliest day any snapshot's last-12-months window reaches back to (exclusive)."""
    first = min(dates)
    days = metrics.months_before(np.array([np.datetime64(first, "D").astype(np.int64)]), metrics.WINDOW_MONTHS)
    return (np.datetime64(int(days[0]), "D").astype(object))


# -- the readers -------------------------------------------------------------------------------

def workplace_sql(connection) -> str:
    return "SELECT id AS workplace_id, district_id, service_type_id FROM workplaces"


def read_workplaces(connection, use_copy: bool | None = None) -> pd.DataFrame:
    return read_frame(connection, workplace_sql(connection),
                      {"workplace_id": "int64", "district_id": "int64", "service_type_id": "int64"}, use_copy)


def staff_sql(connection, start: date, end: date) -> str:
    d = connection.dialect.name
    contracts = ", ".join(f"'{c}'" for c in DIRECTLY_EMPLOYED)
    return (
        f"SELECT e.id AS employment_id, e.workplace_id, e.person_id, e.job_role_id, "
        f"{_day('e.start_date', d)} AS start_day, "
        f"{_day('e.leaving_date', d)} AS leaving_day, "
        f"CASE WHEN e.is_registered_manager THEN 1 ELSE 0 END AS rm_flag "
        f"FROM employments e WHERE e.contract_type IN ({contracts}) AND e.start_date <= {_date(end, d)} "
        f"AND (e.leaving_date IS NULL OR e.leaving_date > {_date(start, d)})"
    )


def role_change_sql(connection, start: date, end: date) -> str:
    """The dated job-role and registered-manager flag changes of the employments staff_sql reads
    (same filter)."""
    d = connection.dialect.name
    contracts = ", ".join(f"'{c}'" for c in DIRECTLY_EMPLOYED)
    return (
        f"SELECT c.id AS change_id, c.employment_id, {_day('c.changed_on', d)} AS changed_day, "
        "c.from_job_role_id, c.to_job_role_id, "
        "CASE WHEN c.from_registered_manager THEN 1 ELSE 0 END AS from_rm_flag, "
        "CASE WHEN c.to_registered_manager THEN 1 ELSE 0 END AS to_rm_flag FROM employment_role_changes c "
        "JOIN employments e ON e.id = c.employment_id "
        f"WHERE e.contract_type IN ({contracts}) AND e.start_date <= {_date(end, d)} "
        f"AND (e.leaving_date IS NULL OR e.leaving_date > {_date(start, d)})"
    )


ROLE_CHANGE_DTYPES = {"change_id": "int64", "employment_id": "int64", "changed_day": "float64",
                      "from_job_role_id": "int64", "to_job_role_id": "int64", "from_rm_flag": "int8",
                      "to_rm_flag": "int8"}


def read_role_changes(connection, start: date, end: date, use_copy: bool | None = None) -> pd.DataFrame:
    if not _has_tables(connection, "employment_role_changes"):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in ROLE_CHANGE_DTYPES.items()})
    return read_frame(connection, role_change_sql(connection, start, end), ROLE_CHANGE_DTYPES, use_copy)


def read_staff(connection, start: date, end: date, use_copy: bool | None = None) -> pd.DataFrame:
    """Directly employed employments that matter to snapshots in [start, end] (with a 12-month window),
    one row per job role held in each (role_from / role_until, see role_periods)."""
    window_from = window_start([start])
    raw = read_frame(connection, staff_sql(connection, window_from, end),
                     {"employment_id": "int64", "workplace_id": "int64", "person_id": "int64",
                      "job_role_id": "int64", "start_day": "float64", "leaving_day": "float64", "rm_flag": "int8"},
                     use_copy)
    raw = _with_dated_flags(raw, read_role_changes(connection, window_from, end, use_copy))
    roles = pd.read_sql(sa.text(
        "SELECT id, CASE WHEN care_providing THEN 1 ELSE 0 END AS care, "
        "CASE WHEN registered_manager THEN 1 ELSE 0 END AS rm FROM job_roles"), connection)
    role_ids = roles["id"].to_numpy(np.int64)
    order = np.argsort(role_ids)
    role_ids = role_ids[order]
    job_role = raw["job_role_id"].to_numpy(np.int64)
    where = np.searchsorted(role_ids, job_role).clip(0, max(len(role_ids) - 1, 0))
    care = roles["care"].to_numpy(bool)[order][where] if len(role_ids) else np.zeros(len(raw), bool)
    role_rm = roles["rm"].to_numpy(bool)[order][where] if len(role_ids) else np.zeros(len(raw), bool)
    columns = {
        "workplace_id": raw["workplace_id"].to_numpy(np.int64),
        "person_id": raw["person_id"].to_numpy(np.int64),
        "job_role_id": job_role,
        "start_date": _days_to_dates(raw["start_day"]),
        "leaving_date": _days_to_dates(raw["leaving_day"]),
        "directly_employed": np.ones(len(raw), dtype=bool),
        "care_providing": care,
        "registered_manager": role_rm | raw["rm_flag"].to_numpy(bool),
        "role_from": _days_to_dates(raw["role_from_day"]),
        "role_until": _days_to_dates(raw["role_until_day"]),
    }
    person_dates = read_person_training_dates(connection, use_copy)
    for column in ("qualified_on", "induction_completed_on"):
        columns[column] = _by_person(person_dates, column, columns["person_id"])
    return pd.DataFrame(columns, columns=list(metrics.STAFF_COLUMNS + metrics.ROLE_PERIOD_COLUMNS))


def _with_dated_flags(employments: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """role_periods over (job role, registered-manager flag) pairs: each pair is one "role" code,
    role id * 2 + flag, so a flag change splits an employment as a job-role change does; the codes
    are turned back into job_role_id and rm_flag afterwards."""
    coded = employments.assign(job_role_id=employments["job_role_id"].to_numpy(np.int64) * 2
                               + employments["rm_flag"].to_numpy(np.int64))
    coded_changes = changes.assign(
        from_job_role_id=changes["from_job_role_id"].to_numpy(np.int64) * 2 + changes["from_rm_flag"].to_numpy(np.int64),
        to_job_role_id=changes["to_job_role_id"].to_numpy(np.int64) * 2 + changes["to_rm_flag"].to_numpy(np.int64))
    periods = role_periods(coded, coded_changes)
    codes = periods["job_role_id"].to_numpy(np.int64)
    return periods.assign(job_role_id=codes // 2, rm_flag=(codes % 2).astype(np.int8))


def role_periods(employments: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """Each employment split at its dated job-role changes: one row per job role held, with the day it
    came into force (role_from_day) and the day it stopped (role_until_day); NaN for "from the start"
    and "until leaving", so an employment without changes is one row with both NaN.

    The role before the first change is that change's `from`; after a change, its `to`; several
    changes on one day count as the last recorded. A change dated on or before the start sets the role
    from the start; one dated on or after the leaving date is not in force while in post. The role
    after the last change is the employment's current job role (an undated edit, such as an ASC-WDS
    import, counts from that change), unless a change after leaving was dropped.

    Ann (employment 1, started day 100) changed from role 8 to role 4 on day 150; Ben (2) has no
    change (employments without changes come first, then the split ones):

    >>> employments = pd.DataFrame({"employment_id": [1, 2], "job_role_id": [4, 8], "start_day": [100.0, 90.0],
    ...                             "leaving_day": [np.nan, np.nan]})
    >>> changes = pd.DataFrame({"change_id": [7], "employment_id": [1], "changed_day": [150.0],
    ...                         "from_job_role_id": [8], "to_job_role_id": [4]})
    >>> role_periods(employments, changes)[["employment_id", "job_role_id", "role_from_day", "role_until_day"]]
       employment_id  job_role_id  role_from_day  role_until_day
    0              2            8            NaN             NaN
    1              1            8            NaN           150.0
    2              1            4          150.0             NaN
    """
    if not len(changes) or not len(employments):
        return employments.assign(role_from_day=np.nan, role_until_day=np.nan)
    employment_ids = employments["employment_id"].to_numpy(np.int64)
    order = np.argsort(employment_ids, kind="stable")
    change_employments = changes["employment_id"].to_numpy(np.int64)
    where = np.searchsorted(employment_ids[order], change_employments).clip(0, len(order) - 1)
    known = employment_ids[order][where] == change_employments
    change_rows = order[where][known]  # the row of `employments` each change belongs to
    changes = changes[known]
    starts = employments["start_day"].to_numpy(np.float64)
    leaving_days = np.nan_to_num(employments["leaving_day"].to_numpy(np.float64), nan=np.inf)
    effective = np.maximum(changes["changed_day"].to_numpy(np.float64), starts[change_rows])
    in_post = effective < leaving_days[change_rows]
    late_change = np.zeros(len(employments), dtype=bool)
    late_change[change_rows[~in_post]] = True
    changed = pd.DataFrame({"row": change_rows, "day": effective, "id": changes["change_id"].to_numpy(np.int64),
                            "from_role": changes["from_job_role_id"].to_numpy(np.int64),
                            "to_role": changes["to_job_role_id"].to_numpy(np.int64)})
    changed = changed.sort_values(["row", "day", "id"], kind="stable")
    first_roles = changed.groupby("row", sort=True)["from_role"].first()  # the role before any change
    changed = changed[in_post[changed.index.to_numpy()]] if len(changed) else changed
    boundaries = changed.groupby(["row", "day"], sort=True)["to_role"].last().reset_index()
    periods = pd.concat([
        pd.DataFrame({"row": first_roles.index.to_numpy(np.int64), "day": starts[first_roles.index.to_numpy()],
                      "kind": 0, "role": first_roles.to_numpy(np.int64)}),
        pd.DataFrame({"row": boundaries["row"].to_numpy(np.int64), "day": boundaries["day"].to_numpy(np.float64),
                      "kind": 1, "role": boundaries["to_role"].to_numpy(np.int64)}),
    ], ignore_index=True).sort_values(["row", "day", "kind"], kind="stable", ignore_index=True)
    rows = periods["row"].to_numpy(np.int64)
    days = periods["day"].to_numpy(np.float64)
    last_of_row = np.append(rows[1:] != rows[:-1], True)
    until = np.where(last_of_row, np.nan, np.append(days[1:], np.nan))
    keep = ~(until == days)  # a role replaced on the day it began (a change on the start date) held no day
    rows, days, until, roles, last_of_row = rows[keep], days[keep], until[keep], \
        periods["role"].to_numpy(np.int64)[keep], last_of_row[keep]
    first_of_row = np.insert(rows[1:] != rows[:-1], 0, True)
    current_roles = employments["job_role_id"].to_numpy(np.int64)[rows]
    roles = np.where(last_of_row & ~late_change[rows], current_roles, roles)
    unchanged = np.ones(len(employments), dtype=bool)
    unchanged[rows] = False
    kept = np.flatnonzero(unchanged)
    columns = {column: employments[column].to_numpy()[np.concatenate([kept, rows])] for column in employments.columns}
    columns["job_role_id"] = np.concatenate([employments["job_role_id"].to_numpy(np.int64)[kept], roles])
    columns["role_from_day"] = np.concatenate([np.full(len(kept), np.nan), np.where(first_of_row, np.nan, days)])
    columns["role_until_day"] = np.concatenate([np.full(len(kept), np.nan), until])
    return pd.DataFrame(columns)


DENSE_IDS = 50_000_000  # person ids up to this are looked up in a flat table, else by binary search


def _by_person(person_dates: pd.DataFrame, column: str, people: np.ndarray) -> np.ndarray:
    """person_dates[column] for each of `people` (NaT for a person without a row)."""
    values = np.full(len(people), np.datetime64("NaT"), dtype="datetime64[s]")
    if not len(person_dates) or not len(people):
        return values
    ids = person_dates["person_id"].to_numpy(np.int64)
    known = person_dates[column].to_numpy("datetime64[s]")
    top = int(max(ids.max(), people.max())) + 1
    if top <= DENSE_IDS and ids.min() >= 0 and people.min() >= 0:
        table = np.full(top, np.datetime64("NaT"), dtype="datetime64[s]")
        table[ids] = known
        return table[people]
    order = np.argsort(ids)
    ids = ids[order]
    where = np.searchsorted(ids, people).clip(0, len(ids) - 1)
    found = ids[where] == people
    values[found] = known[order][where[found]]
    return values


def vacancy_sql(connection, start: date, end: date) -> str:
    d = connection.dialect.name
    contracts = ", ".join(f"'{c}'" for c in DIRECTLY_EMPLOYED)
    return (
        f"SELECT v.workplace_id, v.posts, {_day('v.opened_on', d)} AS opened_day, {_day('v.closed_on', d)} AS closed_day "
        f"FROM vacancies v WHERE v.contract_type IN ({contracts}) AND v.opened_on <= {_date(end, d)} "
        f"AND (v.closed_on IS NULL OR v.closed_on > {_date(start, d)})"
    )


def read_vacancies(connection, start: date, end: date, use_copy: bool | None = None) -> pd.DataFrame:
    """Directly employed posts open at some snapshot date in [start, end]."""
    raw = read_frame(connection, vacancy_sql(connection, start, end),
                     {"workplace_id": "int64", "posts": "int64", "opened_day": "float64", "closed_day": "float64"},
                     use_copy)
    return pd.DataFrame({"workplace_id": raw["workplace_id"].to_numpy(np.int64), "posts": raw["posts"].to_numpy(np.int64),
                         "opened_on": _days_to_dates(raw["opened_day"]), "closed_on": _days_to_dates(raw["closed_day"])})


def _has_tables(connection, *names: str) -> bool:
    inspector = sa.inspect(connection)
    return all(inspector.has_table(name) for name in names)


def _empty(columns, date_columns=()) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[s]" if c in date_columns else "int64") for c in columns})


def _day_of(column: str, dialect: str) -> str:
    """Day number of a timestamp column's (UTC) date."""
    if dialect == "postgresql":
        return f"(CAST({column} AT TIME ZONE 'UTC' AS date) - DATE '1970-01-01')"
    return f"CAST(julianday(date({column})) - 2440587.5 AS INTEGER)"


def person_training_sql(connection) -> str:
    """Per person: the earliest relevant (adult social care, Level 2+) qualification achieved, and the
    earliest Care Certificate completed or Level 2 Adult Social Care Certificate achieved."""
    d = connection.dialect.name
    achieved = "q.status = 'achieved' AND q.achieved_on IS NOT NULL"
    return (
        "SELECT person_id, min(qualified_day) AS qualified_day, min(induction_day) AS induction_day FROM ("
        f"SELECT q.person_id, {_day('q.achieved_on', d)} AS qualified_day, CAST(NULL AS INTEGER) AS induction_day "
        f"FROM qualifications q WHERE {achieved} AND q.social_care = {_true(d)} AND q.level >= 2 "
        f"UNION ALL SELECT q.person_id, CAST(NULL AS INTEGER), {_day('q.achieved_on', d)} "
        f"FROM qualifications q WHERE {achieved} AND q.qualification_type = 'l2_adult_social_care_certificate' "
        f"UNION ALL SELECT i.person_id, CAST(NULL AS INTEGER), {_day('i.completed_on', d)} "
        "FROM care_certificate_inductions i WHERE i.completed_on IS NOT NULL"
        ") AS t GROUP BY person_id"
    )


def _true(dialect: str) -> str:
    return "true" if dialect == "postgresql" else "1"


def read_person_training_dates(connection, use_copy: bool | None = None) -> pd.DataFrame:
    """person_id, qualified_on, induction_completed_on (one row per person with either)."""
    if not training_available(connection):
        return _empty(("person_id", "qualified_on", "induction_completed_on"),
                      ("qualified_on", "induction_completed_on"))
    raw = read_frame(connection, person_training_sql(connection),
                     {"person_id": "int64", "qualified_day": "float64", "induction_day": "float64"}, use_copy)
    return pd.DataFrame({"person_id": raw["person_id"].to_numpy(np.int64),
                         "qualified_on": _days_to_dates(raw["qualified_day"]),
                         "induction_completed_on": _days_to_dates(raw["induction_day"])})


def mandatory_sql(connection) -> str:
    """Which (active) courses each job role must hold."""
    return ("SELECT m.job_role_id, m.course_id FROM course_job_roles m JOIN courses c ON c.id = m.course_id "
            f"WHERE c.is_active = {_true(connection.dialect.name)}")


def read_mandatory(connection, use_copy: bool | None = None) -> pd.DataFrame:
    """job_role_id, course_id for every course mandatory for a role."""
    if not training_available(connection):
        return _empty(metrics.MANDATORY_COLUMNS)
    return read_frame(connection, mandatory_sql(connection), {"job_role_id": "int64", "course_id": "int64"},
                      use_copy)[list(metrics.MANDATORY_COLUMNS)]


def training_sql(connection, start: date, end: date) -> str:
    """Records of mandatory courses that are current at some date in [start, end]."""
    d = connection.dialect.name
    return (
        f"SELECT r.person_id, r.course_id, {_day('r.completed_on', d)} AS completed_day, "
        f"{_day('r.expires_on', d)} AS expires_day FROM training_records r "
        f"WHERE r.completed_on <= {_date(end, d)} AND (r.expires_on IS NULL OR r.expires_on > {_date(start, d)}) "
        f"AND r.course_id IN (SELECT DISTINCT course_id FROM ({mandatory_sql(connection)}) AS m)"
    )


def read_training_records(connection, start: date, end: date, use_copy: bool | None = None) -> pd.DataFrame:
    """person_id, course_id, completed_on, expires_on (NaT = never expires)."""
    if not training_available(connection):
        return _empty(metrics.TRAINING_COLUMNS, ("completed_on", "expires_on"))
    raw = read_frame(connection, training_sql(connection, start, end),
                     {"person_id": "int64", "course_id": "int64", "completed_day": "float64",
                      "expires_day": "float64"}, use_copy)
    return pd.DataFrame({"person_id": raw["person_id"].to_numpy(np.int64), "course_id": raw["course_id"].to_numpy(np.int64),
                         "completed_on": _days_to_dates(raw["completed_day"]),
                         "expires_on": _days_to_dates(raw["expires_day"])})


def read_training_coverage(connection, start: date, end: date, dates: list[date], person_ids: np.ndarray,
                           mandatory: pd.DataFrame, use_copy: bool | None = None,
                           rows: int = 1_000_000) -> training_lines.Coverage:
    """The training records of [start, end] folded, a block at a time, into which of `dates` (at most
    64) each of `person_ids` holds a current record of each mandatory course: the same counts as
    read_training_records' frame, without ever holding the records (10 M at England scale) at once."""
    coverage = training_lines.Coverage(person_ids, mandatory["course_id"], len(dates))
    if not training_available(connection) or not len(coverage.person_ids) or not len(coverage.course_ids):
        return coverage
    date_days = np.asarray([np.datetime64(d, "D").astype(np.int64) for d in sorted(set(dates))])
    if use_copy is None:
        use_copy = uses_copy(connection)
    if use_copy:  # the bulk of what the job reads: fixed-width binary rows, no text to parse
        sql = (f"SELECT person_id::bigint, course_id::bigint, coalesce(completed_day, {metrics.NEVER})::bigint, "
               f"coalesce(expires_day, {metrics.NEVER})::bigint FROM ({training_sql(connection, start, end)}) AS r")
        for block in read_binary_blocks(connection, sql, 4):
            coverage.add(block[:, 0], block[:, 1], np.searchsorted(date_days, block[:, 2], side="left"),
                         np.searchsorted(date_days, block[:, 3], side="left"))
        return coverage
    dtypes = {"person_id": "int64", "course_id": "int64", "completed_day": "float64", "expires_day": "float64"}
    for block in read_blocks(connection, training_sql(connection, start, end), dtypes, use_copy, rows):
        completed = block["completed_day"].to_numpy(np.float64)
        expires = block["expires_day"].to_numpy(np.float64)
        coverage.add(block["person_id"].to_numpy(np.int64), block["course_id"].to_numpy(np.int64),
                     np.searchsorted(date_days, _day_numbers(completed), side="left"),
                     np.searchsorted(date_days, _day_numbers(expires), side="left"))
    return coverage


def _day_numbers(values: np.ndarray) -> np.ndarray:
    """Float day numbers to int64, NaN (none) to metrics.NEVER, as metrics.to_days does for NaT."""
    return np.where(np.isnan(values), metrics.NEVER, np.nan_to_num(values)).astype(np.int64)


def applications_sql(connection) -> str:
    """One row per sent application: the day it was sent, first screened (a values assessment
    recorded), first passed the values assessment, first referred, placed (the placement recorded),
    the placement's start and the day that employment ended."""
    d = connection.dialect.name
    return (
        f"SELECT {_day_of('a.submitted_at', d)} AS submitted_day, {_day_of('va.screened_at', d)} AS screened_day, "
        f"{_day_of('va.passed_at', d)} AS passed_day, {_day_of('r.referred_at', d)} AS referred_day, "
        f"{_day_of('p.created_at', d)} AS placed_day, {_day('p.start_date', d)} AS start_day, "
        f"{_day('e.leaving_date', d)} AS left_day "
        "FROM applications a "
        "LEFT JOIN (SELECT application_id, min(created_at) AS screened_at, "
        "min(CASE WHEN passed THEN created_at END) AS passed_at FROM values_assessments GROUP BY application_id) va "
        "ON va.application_id = a.id "
        "LEFT JOIN (SELECT application_id, min(created_at) AS referred_at FROM referrals GROUP BY application_id) r "
        "ON r.application_id = a.id "
        "LEFT JOIN placements p ON p.application_id = a.id LEFT JOIN employments e ON e.id = p.employment_id "
        "WHERE a.submitted_at IS NOT NULL AND a.state <> 'merged'"  # a duplicate merged away: counted once, as the kept one
    )


APPLICATION_DAYS = {"submitted_on": "submitted_day", "screened_on": "screened_day", "passed_on": "passed_day",
                    "referred_on": "referred_day", "placed_on": "placed_day", "placement_start": "start_day",
                    "placement_left_on": "left_day"}


def read_applications(connection, start: date, end: date, use_copy: bool | None = None) -> pd.DataFrame:
    """The GCR funnel's dates per application (NaT where a stage was not reached)."""
    if not recruitment_available(connection):
        return _empty(metrics.APPLICATION_COLUMNS, metrics.APPLICATION_COLUMNS)
    raw = read_frame(connection, applications_sql(connection), dict.fromkeys(APPLICATION_DAYS.values(), "float64"),
                     use_copy)
    return pd.DataFrame({column: _days_to_dates(raw[day]) for column, day in APPLICATION_DAYS.items()},
                        columns=list(metrics.APPLICATION_COLUMNS))


def read_inputs(connection, dates: list[date], use_copy: bool | None = None, coverage: bool = False) -> Inputs:
    """Everything the outcomes need for snapshots at `dates`. With `coverage` (at most 64 dates),
    training_records is a training_lines.Coverage of the staff read, built a block at a time."""
    start, end = min(dates), max(dates)
    staff = read_staff(connection, start, end, use_copy)
    mandatory = read_mandatory(connection, use_copy)
    if coverage:
        training = read_training_coverage(connection, start, end, dates, staff["person_id"].to_numpy(np.int64),
                                          mandatory, use_copy)
    else:
        training = read_training_records(connection, start, end, use_copy)
    return Inputs(
        workplaces=read_workplaces(connection, use_copy),
        staff=staff,
        vacancies=read_vacancies(connection, start, end, use_copy),
        mandatory=mandatory,
        training_records=training,
        applications=read_applications(connection, start, end, use_copy),
        training_available=training_available(connection),
        recruitment_available=recruitment_available(connection),
        declared=declared.read_declared(connection),
    )


TRAINING_TABLES = ("qualifications", "care_certificate_inductions", "training_records", "course_job_roles", "courses")
RECRUITMENT_TABLES = ("applications", "values_assessments", "referrals", "placements")


def training_available(connection) -> bool:
    return bool(TRAINING_TABLES) and _has_tables(connection, *TRAINING_TABLES)


def recruitment_available(connection) -> bool:
    return bool(RECRUITMENT_TABLES) and _has_tables(connection, *RECRUITMENT_TABLES)
