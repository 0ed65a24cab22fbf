"""Declared counts (ASC-WDS workplace files' STARTERS, LEAVERS, VACANCIES) for the months a
workplace's own records here do not cover, and which source each figure came from.

A workplace's records here cover the days after it brought its first record (the earliest
`created_at` of its employments and vacancies: for an imported workplace, the day of its first
import). Before that, the records are incomplete: staff who left before then were never entered,
and the starters among them are missing too. So for the vacancy rate, the turnover rate, the
starters rate and the registered-manager turnover (its leavers: those declared for the
registered-manager job role):

- the workplace's earliest declaration of each kind (dated D0, declaring C for the 12 months
  (D0 - 12 months, D0]) stands for the days of that range the records do not cover; a snapshot's
  12-month window that overlaps those days takes C x (overlap days / days of the range) for them,
  and the records' own starters or leavers for the rest of the window;
- on those days, where the records themselves show more than the declaration's share (a leaver
  entered later with an earlier leaving date), the records' figure is kept: the declaration is
  then out of date;
- vacancies at a snapshot date before the records start and within the declaration's 12 months
  are the declared count (or the open posts recorded, if more).

Every figure carries its source: "records" (the service's own records only), "declared" (the
declared counts alone) or "mixed" (both). A roll-up is "records" when none of its workplaces used a
declaration, "declared" when all of them used one alone, else "mixed". Workplaces without declared
counts are untouched.

The worked example: declared 12 leavers in the year to 31 December 2026, the day of the first
import; snapshots at the ends of December 2026, March 2027 and December 2027. December's window is
the declaration's year: 12 leavers, declared. March's window keeps nine months of the declared
year (275 of its 365 days: 9.04 leavers) and adds the records' leavers since January: mixed. By
December 2027 the window is all records.

>>> declared = pd.DataFrame({"workplace_id": [1], "kind": ["leavers"], "declared_day": [_day("2026-12-31")],
...                          "total": [12], "records_from_day": [_day("2026-12-31")]})
>>> staff = pd.DataFrame({"workplace_id": [1, 1], "start_date": pd.to_datetime(["2020-01-01", "2020-01-01"]),
...                       "leaving_date": pd.to_datetime(["2027-02-01", "2027-06-01"]),
...                       "directly_employed": [True, True]})
>>> dates = [date(2026, 12, 31), date(2027, 3, 31), date(2027, 12, 31)]
>>> per_workplace = pd.DataFrame({"scope_type": "workplace", "scope_id": 1, "date": pd.to_datetime(dates),
...                               "metric": "turnover_rate", "numerator": [0.0, 1.0, 2.0], "denominator": 10.0})
>>> blended = blend(per_workplace, declared, staff, dates)
>>> [(round(n, 2), s) for n, s in zip(blended["numerator"], blended["source"])]
[(12.0, 'declared'), (10.04, 'mixed'), (2.0, 'records')]
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from academy.outcomes import metrics

SOURCES = {"records": "Service records", "declared": "Declared in ASC-WDS",
           "mixed": "Service records and counts declared in ASC-WDS"}
BLENDED = {"vacancy_rate": "vacancies", "turnover_rate": "leavers", "starters_rate": "starters",
           "rm_turnover": "rm_leavers"}
DECLARED_COLUMNS = ("workplace_id", "kind", "declared_day", "total", "records_from_day")


def _day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


def source_column(values) -> pd.Categorical:
    return pd.Categorical(values, categories=list(SOURCES))


def _source_codes(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int8)  # 0 = "records", 1 = "declared", 2 = "mixed" (SOURCES order)


# -- reading -------------------------------------------------------------------------------------

def _day_sql(column: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"({column} - DATE '1970-01-01')"
    return f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _moment_day_sql(column: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"(CAST({column} AT TIME ZONE 'UTC' AS date) - DATE '1970-01-01')"
    return f"CAST(julianday(date({column})) - 2440587.5 AS INTEGER)"


def read_declared(connection) -> pd.DataFrame:
    """Per workplace and kind, its earliest declaration (day, total over job roles) and the day its
    own records start (NEVER when it has none). Empty when the table does not exist yet."""
    if not sa.inspect(connection).has_table("ascwds_declared_counts"):
        return _empty()
    d = connection.dialect.name
    declarations = pd.read_sql(sa.text(
        f"SELECT c.workplace_id, c.kind, {_day_sql('c.declared_on', d)} AS declared_day, sum(c.count) AS total, "
        "sum(CASE WHEN r.registered_manager THEN c.count ELSE 0 END) AS rm_total "
        "FROM ascwds_declared_counts c LEFT JOIN job_roles r ON r.id = c.job_role_id "
        "GROUP BY c.workplace_id, c.kind, c.declared_on"), connection)
    if declarations.empty:
        return _empty()
    managers = declarations[declarations["kind"] == "leavers"].assign(kind="rm_leavers", total=lambda f: f["rm_total"])
    declarations = pd.concat([declarations, managers], ignore_index=True).drop(columns="rm_total")
    first = (declarations.sort_values("declared_day").groupby(["workplace_id", "kind"], as_index=False).first())
    declaring = "SELECT DISTINCT workplace_id FROM ascwds_declared_counts"
    records = pd.read_sql(sa.text(
        "SELECT workplace_id, min(first_day) AS records_from_day FROM ("
        f"SELECT workplace_id, {_moment_day_sql('min(created_at)', d)} AS first_day FROM employments "
        f"WHERE workplace_id IN ({declaring}) GROUP BY workplace_id UNION ALL "
        f"SELECT workplace_id, {_moment_day_sql('min(created_at)', d)} FROM vacancies "
        f"WHERE workplace_id IN ({declaring}) GROUP BY workplace_id) AS t GROUP BY workplace_id"), connection)
    frame = first.merge(records, on="workplace_id", how="left")
    frame["records_from_day"] = frame["records_from_day"].fillna(metrics.NEVER).astype(np.int64)
    return frame.astype({"workplace_id": np.int64, "declared_day": np.int64, "total": np.float64})[
        list(DECLARED_COLUMNS)]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"workplace_id": pd.Series(dtype=np.int64), "kind": pd.Series(dtype=object),
                         "declared_day": pd.Series(dtype=np.int64), "total": pd.Series(dtype=np.float64),
                         "records_from_day": pd.Series(dtype=np.int64)})


# -- blending ------------------------------------------------------------------------------------

def blend(per_workplace: pd.DataFrame, declared: pd.DataFrame | None, staff: pd.DataFrame, dates) -> pd.DataFrame:
    """The per-workplace frame with declared counts in the uncovered days and a `source` column
    (changed in place, not copied: it can hold millions of rows)."""
    frame = per_workplace
    codes = _source_codes(len(frame))
    frame["source"] = pd.Categorical.from_codes(codes, categories=list(SOURCES))
    if declared is None or declared.empty or frame.empty:
        return frame
    date_days = np.asarray(pd.to_datetime(pd.Series(sorted(set(dates)))).to_numpy("datetime64[D]").astype(np.int64))
    window_starts = metrics.months_before(date_days, metrics.WINDOW_MONTHS)
    numerators = frame["numerator"].to_numpy(np.float64).copy()
    denominators = frame["denominator"].to_numpy(np.float64).copy()
    scope_ids = frame["scope_id"].to_numpy(np.int64)
    row_dates = pd.to_datetime(frame["date"]).to_numpy("datetime64[D]").astype(np.int64)
    for metric, kind in BLENDED.items():
        of_kind = declared[declared["kind"] == kind]
        if of_kind.empty:
            continue
        ids = of_kind["workplace_id"].to_numpy(np.int64)
        order = np.argsort(ids)
        of_kind, ids = of_kind.iloc[order], ids[order]
        rows = np.flatnonzero((frame["metric"] == metric).to_numpy() & np.isin(scope_ids, ids))
        if not len(rows):
            continue
        place = np.searchsorted(ids, scope_ids[rows])
        when = np.searchsorted(date_days, row_dates[rows])
        records = numerators[rows]
        if kind == "vacancies":
            share, declared_alone, used_at = _vacancy_share(of_kind, date_days)
            recorded_there = np.zeros_like(share)
        else:
            share, declared_alone, used_at = _window_share(of_kind, date_days, window_starts)
            recorded_there = _recorded_events(of_kind, ids, staff, kind, date_days, window_starts)
        share, alone, used = share[place, when], declared_alone[place, when], used_at[place, when]
        there = recorded_there[place, when]
        takes_declared = used & (share >= there)
        blended = np.where(takes_declared, records - there + share, records)
        numerators[rows] = blended
        if kind == "vacancies":
            denominators[rows] = denominators[rows] + (blended - records)
        codes[rows] = np.where(takes_declared, np.where(alone, 1, 2), 0)
    frame["numerator"], frame["denominator"] = numerators, denominators
    frame["source"] = pd.Categorical.from_codes(codes, categories=list(SOURCES))
    return frame


def _ranges(of_kind: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each declaration's days (first, last] that the records do not cover, and its full length."""
    declared_days = of_kind["declared_day"].to_numpy(np.int64)
    year_before = metrics.months_before(declared_days, metrics.WINDOW_MONTHS)
    last = np.minimum(declared_days, of_kind["records_from_day"].to_numpy(np.int64))
    return year_before, last, declared_days - year_before


def _window_share(of_kind, date_days, window_starts):
    """(workplaces, dates): the declared count's share for the uncovered days of each window,
    whether those days are the whole window, and whether there are any."""
    first, last, length = _ranges(of_kind)
    overlap_from = np.maximum(first[:, None], window_starts[None, :])
    overlap_to = np.minimum(last[:, None], date_days[None, :])
    overlap = np.maximum(overlap_to - overlap_from, 0)
    totals = of_kind["total"].to_numpy(np.float64)
    share = totals[:, None] * overlap / length[:, None]
    return share, overlap == (date_days - window_starts)[None, :], overlap > 0


def _vacancy_share(of_kind, date_days):
    first, last, _ = _ranges(of_kind)
    records_from = of_kind["records_from_day"].to_numpy(np.int64)
    declared_days = of_kind["declared_day"].to_numpy(np.int64)
    used = ((date_days[None, :] > first[:, None]) & (date_days[None, :] <= declared_days[:, None])
            & (date_days[None, :] < records_from[:, None]))
    totals = of_kind["total"].to_numpy(np.float64)
    return np.where(used, totals[:, None], 0.0), used, used


def _recorded_events(of_kind, ids, staff, kind, date_days, window_starts) -> np.ndarray:
    """(workplaces, dates): the records' starters or leavers on the uncovered days of each window."""
    counts = np.zeros((len(ids), len(date_days)), dtype=np.float64)
    if staff is None or not len(staff):
        return counts
    wanted = np.asarray(staff["directly_employed"], dtype=bool)
    # an employment split at a role change is several rows: only one carries its start, one its leaving
    wanted = wanted & (metrics.carries_start(staff) if kind == "starters" else metrics.carries_leaving(staff))
    if kind == "rm_leavers":
        wanted = wanted & np.asarray(staff["registered_manager"], dtype=bool)
    employed = staff[wanted]
    workplace_ids = employed["workplace_id"].to_numpy(np.int64)
    place = np.searchsorted(ids, workplace_ids).clip(0, max(len(ids) - 1, 0))
    known = ids[place] == workplace_ids
    days = metrics.to_days(employed["start_date" if kind == "starters" else "leaving_date"])
    first, last, _ = _ranges(of_kind)
    inside = known & (days > first[place]) & (days <= last[place])
    if not inside.any():
        return counts
    days, place = days[inside], place[inside]
    counted_from = np.searchsorted(date_days, days, side="left")
    counted_until = np.searchsorted(window_starts, days, side="left")
    return metrics.range_counts(place, counted_from, counted_until, len(ids), len(date_days)).astype(np.float64)


# -- roll-ups ------------------------------------------------------------------------------------

def rolled_sources(per_workplace: pd.DataFrame, rolled: pd.DataFrame, workplaces: pd.DataFrame) -> pd.Categorical:
    """A roll-up row's source from its workplaces' sources."""
    return sources_of(rolled, touched_summary(per_workplace, workplaces), workplaces)


SUMMARY_KEYS = ["scope_type", "scope_id", "date", "metric"]


def touched_summary(per_workplace: pd.DataFrame, workplaces: pd.DataFrame) -> pd.DataFrame | None:
    """Per roll-up scope, date and metric: how many of its workplaces' figures used a declaration
    (`touched`) and how many used one alone (`declared`); None when none did. Summaries of parts of
    the workplaces add up (sum `declared` and `touched` by the keys) to the summary of all of them."""
    if "source" not in per_workplace:
        return None
    touched = per_workplace[(per_workplace["source"] != "records").to_numpy()]
    if touched.empty:
        return None
    places = workplaces.set_index("workplace_id")
    groups = {"district": places["district_id"], "service_type": places["service_type_id"],
              "county": pd.Series(0, index=places.index)}
    keys = []
    for scope, column in groups.items():
        part = pd.DataFrame({"scope_type": scope, "scope_id": column.reindex(touched["scope_id"]).to_numpy(np.int64),
                             "date": pd.to_datetime(touched["date"]).to_numpy(),
                             "metric": touched["metric"].astype(object).to_numpy(),
                             "declared": (touched["source"].astype(object) == "declared").to_numpy()})
        keys.append(part.groupby(SUMMARY_KEYS, as_index=False).agg(
            declared=("declared", "sum"), touched=("declared", "size")))
    return pd.concat(keys, ignore_index=True)


def sources_of(rolled: pd.DataFrame, summary: pd.DataFrame | None, workplaces: pd.DataFrame) -> pd.Categorical:
    """Each roll-up row's source: records when none of its workplaces used a declaration, declared
    when all of them used one alone, else mixed."""
    sources = np.full(len(rolled), "records", dtype=object)
    if rolled.empty or summary is None or summary.empty:
        return source_column(sources)
    summary = summary.groupby(SUMMARY_KEYS, as_index=False)[["declared", "touched"]].sum()
    places = workplaces.set_index("workplace_id")
    sizes = {"district": places["district_id"].value_counts(), "service_type": places["service_type_id"].value_counts(),
             "county": pd.Series({0: len(places)})}
    summary["size"] = _sizes(summary, sizes)
    summary["source"] = np.where(summary["declared"] == summary["size"], "declared", "mixed")
    lookup = pd.DataFrame({"scope_type": rolled["scope_type"].astype(object).to_numpy(),
                           "scope_id": rolled["scope_id"].to_numpy(np.int64),
                           "date": pd.to_datetime(rolled["date"]).to_numpy(),
                           "metric": rolled["metric"].astype(object).to_numpy()})
    merged = lookup.merge(summary[[*SUMMARY_KEYS, "source"]], on=SUMMARY_KEYS, how="left")
    return source_column(merged["source"].fillna("records").to_numpy(dtype=object))


def _sizes(summary: pd.DataFrame, sizes: dict[str, pd.Series]) -> np.ndarray:
    """The number of workplaces in each summary row's scope."""
    out = np.zeros(len(summary), dtype=np.int64)
    for scope, counts in sizes.items():
        rows = (summary["scope_type"] == scope).to_numpy()
        out[rows] = counts.reindex(summary.loc[rows, "scope_id"]).to_numpy()
    return out


def label(source: str | None) -> str:
    return SOURCES.get(source or "records", SOURCES["records"])
