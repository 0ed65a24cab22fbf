"""Reading the outcome inputs fast: only the columns the formulas need, dates as day numbers.

On PostgreSQL each SELECT is streamed out with `COPY (SELECT ...) TO STDOUT WITH CSV` (psycopg 3)
straight into pandas.read_csv; elsewhere (SQLite) it is an ordinary pandas.read_sql. Both paths
give the same frames (tests/unit/test_outcome_readers.py checks it). Frames are those documented
in academy.outcomes.metrics.

Training and recruitment inputs come from tables other features own. Until those tables exist
(they land with the training and recruitment work), their readers return empty frames with the
documented columns, so every outcome that needs them is computed as empty (0 of 0), not an error.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from academy.outcomes import metrics

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


# -- the two read paths ------------------------------------------------------------------------

class _CopyStream(io.RawIOBase):
    """A file-like view of a psycopg COPY TO STDOUT, so read_csv parses while PostgreSQL streams.

    COPY hands over one row at a time; rows are appended into blocks of about BLOCK bytes, so the
    per-row cost stays close to that of the driver alone (the benchmark's floor)."""

    BLOCK = 1 << 22

    def __init__(self, copy) -> None:
        self._rows = iter(copy)
        self._block = bytearray()
        self._offset = 0

    def readable(self) -> bool:
        return True

    def _next_block(self) -> bool:
        block = bytearray()
        for row in self._rows:
            block += row
            if len(block) >= self.BLOCK:
                break
        self._block, self._offset = block, 0
        return bool(block)

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
    if use_copy:
        raw = connection.connection.dbapi_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
            stream = io.BufferedReader(_CopyStream(copy), buffer_size=_CopyStream.BLOCK)
            frame = pd.read_csv(stream, dtype=dtypes, engine="c")
    else:
        frame = pd.read_sql(sa.text(sql), connection)
    for column, dtype in dtypes.items():
        if column in frame:
            frame[column] = frame[column].astype(dtype)
    return frame


def stream_only(connection, sql: str) -> int:
    """Stream a SELECT out with COPY and throw it away (the floor the benchmark compares with)."""
    raw = connection.connection.dbapi_connection
    total = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
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
        f"SELECT e.workplace_id, e.person_id, e.job_role_id, {_day('e.start_date', d)} AS start_day, "
        f"{_day('e.leaving_date', d)} AS leaving_day, "
        f"CASE WHEN e.is_registered_manager THEN 1 ELSE 0 END AS rm_flag "
        f"FROM employments e WHERE e.contract_type IN ({contracts}) AND e.start_date <= {_date(end, d)} "
        f"AND (e.leaving_date IS NULL OR e.leaving_date > {_date(start, d)})"
    )


def read_staff(connection, start: date, end: date, use_copy: bool | None = None) -> pd.DataFrame:
    """Directly employed employments that matter to snapshots in [start, end] (with a 12-month window)."""
    raw = read_frame(connection, staff_sql(connection, window_start([start]), end),
                     {"workplace_id": "int64", "person_id": "int64", "job_role_id": "int64",
                      "start_day": "float64", "leaving_day": "float64", "rm_flag": "int8"}, use_copy)
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
    }
    person_dates = read_person_training_dates(connection, use_copy)
    if len(person_dates):
        staff = pd.DataFrame(columns).merge(person_dates, on="person_id", how="left")
        return staff[list(metrics.STAFF_COLUMNS)]
    none = np.full(len(raw), np.datetime64("NaT"), dtype="datetime64[s]")
    return pd.DataFrame({**columns, "qualified_on": none, "induction_completed_on": none.copy()},
                        columns=list(metrics.STAFF_COLUMNS))


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


def read_person_training_dates(connection, use_copy: bool | None = None) -> pd.DataFrame:
    """person_id, qualified_on, induction_completed_on: from the training feature's tables.

    Waits for the training models (issue 4); empty until the tables exist.
    """
    return _empty(("person_id", "qualified_on", "induction_completed_on"),
                  ("qualified_on", "induction_completed_on"))


def read_mandatory(connection, use_copy: bool | None = None) -> pd.DataFrame:
    """job_role_id, course_id for every course mandatory for a role. Waits for the training models."""
    return _empty(metrics.MANDATORY_COLUMNS)


def read_training_records(connection, start: date, end: date, use_copy: bool | None = None) -> pd.DataFrame:
    """person_id, course_id, completed_on, expires_on. Waits for the training models."""
    return _empty(metrics.TRAINING_COLUMNS, ("completed_on", "expires_on"))


def read_applications(connection, start: date, end: date, use_copy: bool | None = None) -> pd.DataFrame:
    """The GCR funnel's dates per application. Waits for the recruitment models (issue 3)."""
    return _empty(metrics.APPLICATION_COLUMNS, metrics.APPLICATION_COLUMNS)


def read_inputs(connection, dates: list[date], use_copy: bool | None = None) -> Inputs:
    """Everything the outcomes need for snapshots at `dates`."""
    start, end = min(dates), max(dates)
    return Inputs(
        workplaces=read_workplaces(connection, use_copy),
        staff=read_staff(connection, start, end, use_copy),
        vacancies=read_vacancies(connection, start, end, use_copy),
        mandatory=read_mandatory(connection, use_copy),
        training_records=read_training_records(connection, start, end, use_copy),
        applications=read_applications(connection, start, end, use_copy),
        training_available=training_available(connection),
        recruitment_available=recruitment_available(connection),
    )


TRAINING_TABLES: tuple[str, ...] = ()  # set when the training feature's tables are wired in (see docs/outcomes.md)
RECRUITMENT_TABLES: tuple[str, ...] = ()


def training_available(connection) -> bool:
    return bool(TRAINING_TABLES) and _has_tables(connection, *TRAINING_TABLES)


def recruitment_available(connection) -> bool:
    return bool(RECRUITMENT_TABLES) and _has_tables(connection, *RECRUITMENT_TABLES)
