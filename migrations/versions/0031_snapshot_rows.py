"""Outcome snapshots stored one row a scope and date, its figures in one JSON object (jsonb on
PostgreSQL): {metric: [numerator, denominator, source]}, instead of one row a figure.

At England scale a first run stored 2.6 million rows of one figure each; PostgreSQL inserting and
indexing them was most of the job's store step. The same figures are 216,000 rows of one scope and
date. Measured alone (INSERT of generated rows into an empty table, same machine and run): 2.8 M
one-figure rows 18.7-21.6 s; 234,000 rows of 12 figures as jsonb 7.6-9.2 s. In the whole job the
store step of a first run went from 7.9-22 s to 2.8 s (docs/outcomes.md, "Storing one row a scope
and date"). The figures move across exactly; `downgrade` splits them back into one row a figure.

Revision ID: 0031_snapshot_rows
Revises: 0030_state_checks
Create Date: 2026-12-05 23:40:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0031_snapshot_rows'
down_revision = '0030_state_checks'
branch_labels = None
depends_on = None


def _scope_type():
    return sa.String(length=20).with_variant(sa.String(length=20, collation='C'), 'postgresql')


def _stamps():
    return [sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
            sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)]


def _set_aside():
    """The old table renamed out of the way, its index dropped (SQLite's index names are global)."""
    op.drop_index('ix_outcome_snapshot_date', table_name='outcome_snapshot')
    op.rename_table('outcome_snapshot', 'outcome_snapshot_old')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER INDEX pk_outcome_snapshot RENAME TO pk_outcome_snapshot_old')


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    _set_aside()
    op.create_table(
        'outcome_snapshot',
        sa.Column('scope_type', _scope_type(), nullable=False),
        sa.Column('scope_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('figures', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint('scope_type', 'scope_id', 'date', name='pk_outcome_snapshot'),
    )
    op.create_index('ix_outcome_snapshot_date', 'outcome_snapshot', ['date'], unique=False)
    if postgres:  # (a double becomes jsonb by its shortest exact text: the same number)
        # ... which PostgreSQL writes only when extra_float_digits > 0 (0 cuts it to 15 digits): set here
        op.execute("SET LOCAL extra_float_digits = 1")
        op.execute("INSERT INTO outcome_snapshot (scope_type, scope_id, date, figures, created_at, updated_at) "
                   "SELECT scope_type, scope_id, date, jsonb_object_agg(metric, jsonb_build_array("
                   "nullif(numerator, 'NaN'), nullif(denominator, 'NaN'), source)), min(created_at), max(updated_at) "
                   "FROM outcome_snapshot_old GROUP BY scope_type, scope_id, date")
    else:  # in Python: SQLite's JSON writes a REAL to 15 digits, which is not always the same number
        bind = op.get_bind()
        rows = {}
        for scope_type, scope_id, day, metric, numerator, denominator, source, created, updated in bind.execute(sa.text(
                "SELECT scope_type, scope_id, date, metric, numerator, denominator, source, created_at, updated_at "
                "FROM outcome_snapshot_old")):
            row = rows.setdefault((scope_type, scope_id, day), [{}, created, updated])
            row[0][metric] = [numerator, denominator, source]
            row[1], row[2] = min(row[1], created), max(row[2], updated)
        insert = sa.text("INSERT INTO outcome_snapshot (scope_type, scope_id, date, figures, created_at, updated_at) "
                         "VALUES (:scope_type, :scope_id, :date, :figures, :created, :updated)")
        for (scope_type, scope_id, day), (figures, created, updated) in rows.items():
            bind.execute(insert, {"scope_type": scope_type, "scope_id": scope_id, "date": day,
                                  "figures": json.dumps(figures), "created": created, "updated": updated})
    op.drop_table('outcome_snapshot_old')


def downgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    _set_aside()
    metric = sa.String(length=40).with_variant(sa.String(length=40, collation='C'), 'postgresql')
    op.create_table(
        'outcome_snapshot',
        sa.Column('scope_type', _scope_type(), nullable=False),
        sa.Column('scope_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('metric', metric, nullable=False),
        sa.Column('numerator', sa.Float(), nullable=True),
        sa.Column('denominator', sa.Float(), nullable=True),
        sa.Column('source', sa.String(length=20), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint('scope_type', 'scope_id', 'date', 'metric', name='pk_outcome_snapshot'),
    )
    op.create_index('ix_outcome_snapshot_date', 'outcome_snapshot', ['date'], unique=False)
    if postgres:
        op.execute("INSERT INTO outcome_snapshot (scope_type, scope_id, date, metric, numerator, denominator, source, "
                   "created_at, updated_at) SELECT s.scope_type, s.scope_id, s.date, f.key, (f.value->>0)::float8, "
                   "(f.value->>1)::float8, f.value->>2, s.created_at, s.updated_at "
                   "FROM outcome_snapshot_old s CROSS JOIN LATERAL jsonb_each(s.figures) f")
    else:  # the JSON read in Python, for the same reason as above
        bind = op.get_bind()
        insert = sa.text("INSERT INTO outcome_snapshot (scope_type, scope_id, date, metric, numerator, denominator, "
                         "source, created_at, updated_at) VALUES (:scope_type, :scope_id, :date, :metric, :numerator, "
                         ":denominator, :source, :created, :updated)")
        for scope_type, scope_id, day, figures, created, updated in bind.execute(sa.text(
                "SELECT scope_type, scope_id, date, figures, created_at, updated_at FROM outcome_snapshot_old")).all():
            for metric, (numerator, denominator, *source) in json.loads(figures).items():
                bind.execute(insert, {"scope_type": scope_type, "scope_id": scope_id, "date": day, "metric": metric,
                                      "numerator": numerator, "denominator": denominator,
                                      "source": source[0] if source else None, "created": created, "updated": updated})
    op.drop_table('outcome_snapshot_old')
