"""Reading stored outcome figures (outcome_snapshot, one row a scope and date) as one row a figure.

Kept apart from snapshots.py (which computes and writes them) so that funnel.py, which snapshots.py
imports, can read them too.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from academy.outcomes import metrics
from academy.outcomes.models import OutcomeSnapshot

STORED_COLUMNS = (*metrics.SNAPSHOT_COLUMNS, "source")


def load(session, scope_type: str, scope_ids=None, dates=None, metrics_wanted=None) -> pd.DataFrame:
    """Stored figures for a scope type (optionally some scopes, dates, metrics), as a frame of one row
    a figure (STORED_COLUMNS), ordered by scope id, date and metric."""
    table = OutcomeSnapshot.__table__
    statement = sa.select(table.c.scope_id, table.c.date, table.c.figures).where(table.c.scope_type == scope_type)
    if scope_ids is not None:
        statement = statement.where(table.c.scope_id.in_(list(scope_ids)))
    if dates is not None:
        statement = statement.where(table.c.date.in_(list(dates)))
    wanted = None if metrics_wanted is None else set(metrics_wanted)
    records = [(scope_type, scope_id, day, metric, *figure_values(figure))
               for scope_id, day, figures in session.execute(statement)
               for metric, figure in figures.items() if wanted is None or metric in wanted]
    frame = pd.DataFrame(records, columns=list(STORED_COLUMNS))
    frame["numerator"] = frame["numerator"].astype(np.float64)
    frame["denominator"] = frame["denominator"].astype(np.float64)
    return frame.sort_values(["scope_id", "date", "metric"], kind="stable").reset_index(drop=True)


def figure_values(figure: list) -> tuple:
    """[numerator, denominator, source] as stored (a figure stored without a source has none)."""
    numerator, denominator, *rest = figure
    return (np.nan if numerator is None else float(numerator), np.nan if denominator is None else float(denominator),
            rest[0] if rest else None)
