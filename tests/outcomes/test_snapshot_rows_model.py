"""SnapshotWriter against a model (a dict of figures): random parts, pieces, deletions, month-to-date
dates and values, SQLite and PostgreSQL; what is stored afterwards must be the model's."""
import random
from datetime import date

import numpy as np
import pandas as pd
import pytest

from academy.extensions import db
from academy.outcomes import snapshots

DATES = [date(2025, 1, 31), date(2025, 2, 10), date(2025, 2, 28)]
SCOPES = [("county", 0), ("district", 1), ("district", 2), ("workplace", 5), ("gcr_source", 1)]
METRICS = ["vacancy_rate", "turnover_rate", "filled_posts", "pulse_responses", "funnel_form_sent", "x%y"]
VALUES = [0.0, 1.0, 1 / 3, 9.04, 1e-05, np.nan, 2.0 ** 60]
SOURCES = [None, "records", "declared", "poll"]


def stored_figures() -> dict:
    out = {}
    for scope_type in {s for s, _ in SCOPES}:
        for r in snapshots.load(db.session, scope_type).itertuples(index=False):
            out[(r.scope_type, int(r.scope_id), r.date, r.metric)] = (
                r.numerator, r.denominator, None if pd.isna(r.source) else r.source)
    return out


def same(a: dict, b: dict) -> bool:
    def norm(v):
        return tuple("nan" if isinstance(x, float) and np.isnan(x) else x for x in v)
    return {k: norm(v) for k, v in a.items()} == {k: norm(v) for k, v in b.items()}


@pytest.mark.parametrize("seed", range(6))
def test_the_writer_stores_what_a_model_says(ctx, seed):
    rng = random.Random(seed)
    model: dict = {}
    connection = db.session.connection()
    for _ in range(8):
        dates = sorted(rng.sample(DATES, rng.randint(1, len(DATES))))
        scope_types = rng.choice([None, ["county"], ["district", "gcr_source"]])
        metrics_wanted = rng.choice([None, METRICS[:2], METRICS[3:]])
        figures = {}
        values = VALUES if rng.random() < 0.7 else [np.nan]  # now and then a store of unknowns only
        for scope_type, scope_id in SCOPES:
            if scope_types is not None and scope_type not in scope_types:
                continue
            for day in dates:
                for metric in METRICS:
                    if (metrics_wanted is None or metric in metrics_wanted) and rng.random() < 0.5:
                        figures[(scope_type, scope_id, day, metric)] = (
                            rng.choice(values), rng.choice(values), rng.choice(SOURCES))
        # the model: the part of these dates (and month-to-date dates they supersede) replaced
        month_ends = {d for d in dates if d.day != 10}
        covered = set(dates) | {d for d in DATES if d.day == 10 and any(e.month == d.month for e in month_ends)}
        for key in list(model):
            scope_type, _, day, metric = key
            if (day in covered and (scope_types is None or scope_type in scope_types)
                    and (metrics_wanted is None or metric in metrics_wanted)):
                del model[key]
        model.update(figures)
        frame = pd.DataFrame([(*k, *v) for k, v in figures.items()],
                             columns=["scope_type", "scope_id", "date", "metric", "numerator", "denominator", "source"])
        frame["date"] = pd.to_datetime(frame["date"])
        frame = frame.astype({"numerator": float, "denominator": float}).sample(frac=1, random_state=seed)
        pieces = np.array_split(np.arange(len(frame)), rng.randint(1, 4))
        with snapshots.SnapshotWriter(connection, dates, scope_types=scope_types,
                                      metrics_wanted=metrics_wanted) as writer:
            for piece in pieces:
                writer.write(frame.iloc[piece])
        assert same(stored_figures(), model)
    db.session.commit()
